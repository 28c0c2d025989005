#include <algorithm>
#include <memory>

#include "core/encoding.h"
#include "crypto/hash.h"
#include "s3/body/body.h"
#include "s3/errors.h"

namespace podbucket::s3::body {
namespace {

/// Pulls [offset, offset+length) across segment boundaries, one open blob at a time.
class SegmentStream final : public http::BodyStream {
 public:
  SegmentStream(store::Blobs& blobs, std::vector<store::Segment> segments, uint64_t offset, uint64_t length)
      : blobs_(blobs), segments_(std::move(segments)), remaining_(length) {
    // Skip whole segments before the offset.
    while (index_ < segments_.size() && offset >= segments_[index_].size) {
      offset -= segments_[index_].size;
      ++index_;
    }
    within_ = offset;
    if (index_ == segments_.size()) remaining_ = 0;
  }

  size_t read(char* buf, size_t n) override {
    size_t done = 0;
    while (done < n && remaining_ > 0 && index_ < segments_.size()) {
      const store::Segment& seg = segments_[index_];
      if (within_ >= seg.size) {
        ++index_;
        within_ = 0;
        reader_.reset();
        continue;
      }
      if (!reader_) reader_ = blobs_.open(seg.blob_id);
      uint64_t want = std::min<uint64_t>({n - done, seg.size - within_, remaining_});
      size_t got = reader_->read_at(within_, buf + done, size_t(want));
      if (got == 0) throw store::Unavailable("blob " + seg.blob_id + " is shorter than its segment");
      done += got;
      within_ += got;
      remaining_ -= got;
    }
    return done;
  }

 private:
  store::Blobs& blobs_;
  std::vector<store::Segment> segments_;
  size_t index_ = 0;
  uint64_t within_ = 0;  // offset inside segments_[index_]
  uint64_t remaining_;
  std::unique_ptr<store::BlobReader> reader_;
};

}  // namespace

uint64_t total_size(const std::vector<store::Segment>& segments) {
  uint64_t total = 0;
  for (const auto& s : segments) total += s.size;
  return total;
}

std::unique_ptr<http::BodyStream> open_segments(store::Blobs& blobs, const std::vector<store::Segment>& segments,
                                                uint64_t offset, uint64_t length) {
  uint64_t total = total_size(segments);
  offset = std::min(offset, total);
  length = std::min(length, total - offset);
  return std::make_unique<SegmentStream>(blobs, segments, offset, length);
}

core::Result<Ingested> copy_range(store::Blobs& blobs, const std::vector<store::Segment>& segments, uint64_t offset,
                                  uint64_t length, std::string_view checksum_algorithm) {
  std::unique_ptr<crypto::Hasher> checksum;
  Ingested out;
  if (!checksum_algorithm.empty()) {
    auto alg = crypto::parse_checksum_algorithm(checksum_algorithm);
    if (!alg) return core::AwsError(kInvalidRequest, "Unknown checksum algorithm " + std::string(checksum_algorithm));
    checksum = crypto::make_checksum(*alg);
    out.checksum_algorithm = std::string(crypto::checksum_name(*alg));
  }
  if (offset > total_size(segments) || length > total_size(segments) - offset) {
    throw store::Unavailable("copy range extends past the source object");
  }
  SegmentStream stream(blobs, segments, offset, length);
  auto writer = blobs.create();
  auto md5 = crypto::make_md5();
  constexpr size_t kChunk = 1 << 20;
  std::unique_ptr<char[]> buf(new char[kChunk]);
  for (;;) {
    size_t n = stream.read(buf.get(), kChunk);
    if (n == 0) break;
    md5->update(buf.get(), n);
    if (checksum) checksum->update(buf.get(), n);
    writer->write(buf.get(), n);
  }
  out.size = writer->size();
  out.md5_hex = core::hex_encode(md5->finish());
  if (checksum) out.checksum_value = core::base64_encode(checksum->finish());
  out.blob_id = writer->commit();
  return out;
}

}  // namespace podbucket::s3::body
