#include "sigv4/chunked.h"

#include <algorithm>
#include <cstring>

#include "core/encoding.h"
#include "sigv4/canonical.h"
#include "sigv4/errors.h"

namespace podbucket::sigv4 {
namespace {

constexpr size_t kBufferSize = 64 * 1024;

core::AwsError incomplete() {
  return core::AwsError(core::kIncompleteBody, "The request body terminated unexpectedly");
}

core::AwsError malformed(std::string_view what) {
  return core::AwsError(core::kInvalidRequest, "Invalid aws-chunked encoding: " + std::string(what));
}

core::AwsError chunk_signature_mismatch() {
  return core::AwsError(core::kSignatureDoesNotMatch, std::string(signature_mismatch_message("s3")));
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Sha256CheckingBody::Sha256CheckingBody(http::BodySource* inner, std::string expected_hex)
    : inner_(inner), expected_hex_(core::to_lower(expected_hex)), hasher_(crypto::make_sha256()) {}

size_t Sha256CheckingBody::read(char* buf, size_t n) {
  if (failed_) throw core::AwsException(*failed_);
  if (done_) return 0;
  size_t got = inner_ == nullptr ? 0 : inner_->read(buf, n);
  if (got > 0 || n == 0) {
    hasher_->update(buf, got);
    return got;
  }
  done_ = true;
  std::string computed = core::hex_encode(hasher_->finish());
  if (!crypto::constant_time_equals(computed, expected_hex_)) {
    failed_ = core::AwsError(core::kXAmzContentSHA256Mismatch,
                             "The provided 'x-amz-content-sha256' header does not match what was computed.")
                  .with_field("ClientComputedContentSHA256", expected_hex_)
                  .with_field("S3ComputedContentSHA256", computed);
    throw core::AwsException(*failed_);
  }
  return 0;
}

AwsChunkedBody::AwsChunkedBody(http::BodySource* inner, std::optional<ChunkSigning> signing, bool trailer,
                               http::Headers* merge_into, std::optional<uint64_t> decoded_length)
    : inner_(inner),
      signing_(std::move(signing)),
      trailer_(trailer),
      merge_into_(merge_into),
      decoded_length_(decoded_length),
      buf_(kBufferSize) {
  if (signing_) {
    previous_signature_ = signing_->seed_signature;
    chunk_hasher_ = crypto::make_sha256();
  }
}

void AwsChunkedBody::fail(core::AwsError error) {
  failed_ = error;
  throw core::AwsException(std::move(error));
}

size_t AwsChunkedBody::read(char* buf, size_t n) {
  if (failed_) throw core::AwsException(*failed_);
  try {
    return read_impl(buf, n);
  } catch (const core::AwsException& e) {
    failed_ = e.error();
    throw;
  }
}

bool AwsChunkedBody::fill() {
  if (inner_eof_) return false;
  if (pos_ == end_) pos_ = end_ = 0;
  if (pos_ > 0 && end_ == buf_.size()) {  // compact to make room
    std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
    end_ -= pos_;
    pos_ = 0;
  }
  if (end_ == buf_.size()) return true;  // full; caller consumes first
  size_t got = inner_ == nullptr ? 0 : inner_->read(buf_.data() + end_, buf_.size() - end_);
  if (got == 0) {
    inner_eof_ = true;
    return false;
  }
  end_ += got;
  return true;
}

std::string AwsChunkedBody::read_line() {
  std::string line;
  while (true) {
    const char* begin = buf_.data() + pos_;
    const char* nl = static_cast<const char*>(std::memchr(begin, '\n', end_ - pos_));
    size_t take = nl ? size_t(nl - begin) : end_ - pos_;
    if (line.size() + take > kMaxLine) fail(malformed("line too long"));
    line.append(begin, take);
    pos_ += take;
    if (nl) {
      ++pos_;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
    if (!fill()) fail(incomplete());
  }
}

void AwsChunkedBody::parse_chunk_header(const std::string& line) {
  size_t i = 0;
  uint64_t size = 0;
  while (i < line.size() && hex_digit(line[i]) >= 0) {
    if (i >= 16) fail(malformed("chunk size too large"));
    size = size << 4 | uint64_t(hex_digit(line[i]));
    ++i;
  }
  if (i == 0) fail(malformed("missing chunk size"));
  std::string_view ext(line.data() + i, line.size() - i);
  chunk_signature_.clear();
  while (!ext.empty()) {
    ext = core::trim(ext);
    if (ext.empty()) break;
    if (ext[0] != ';') fail(malformed("bad chunk header"));
    ext.remove_prefix(1);
    size_t semi = ext.find(';');
    std::string_view item = core::trim(ext.substr(0, semi));
    ext = semi == std::string_view::npos ? std::string_view() : ext.substr(semi);
    constexpr std::string_view kSig = "chunk-signature=";
    if (item.substr(0, kSig.size()) == kSig) chunk_signature_ = std::string(item.substr(kSig.size()));
  }
  if (signing_ && chunk_signature_.empty()) fail(malformed("missing chunk-signature"));
  remaining_ = size;
  if (decoded_length_ && total_ + size > *decoded_length_) {
    fail(core::AwsError(core::kIncompleteBody,
                        "The decoded payload is longer than x-amz-decoded-content-length"));
  }
}

void AwsChunkedBody::finish_chunk() {
  if (!signing_) return;
  std::string chunk_hash = core::hex_encode(chunk_hasher_->finish());
  chunk_hasher_ = crypto::make_sha256();
  std::string sts = chunk_string_to_sign(signing_->amz_date, signing_->scope, previous_signature_, chunk_hash);
  std::string expected = signature(signing_->signing_key, sts);
  if (!crypto::constant_time_equals(expected, chunk_signature_)) fail(chunk_signature_mismatch());
  previous_signature_ = std::move(expected);
}

void AwsChunkedBody::read_trailer() {
  std::vector<std::pair<std::string, std::string>> trailers;
  std::string trailer_signature;
  size_t bytes = 0;
  while (true) {
    if (pos_ == end_ && !fill()) break;  // tolerate a missing final empty line at the end of the body
    std::string line = read_line();
    if (line.empty()) break;
    bytes += line.size();
    if (bytes > kMaxTrailer) fail(malformed("trailer too large"));
    size_t colon = line.find(':');
    if (colon == std::string::npos || colon == 0) fail(malformed("bad trailer line"));
    std::string name = core::to_lower(core::trim(std::string_view(line).substr(0, colon)));
    std::string value = std::string(core::trim(std::string_view(line).substr(colon + 1)));
    if (name == "x-amz-trailer-signature") {
      trailer_signature = std::move(value);
    } else {
      if (!trailer_signature.empty()) fail(malformed("trailer after x-amz-trailer-signature"));
      trailers.emplace_back(std::move(name), std::move(value));
    }
  }
  if (signing_) {
    if (trailer_signature.empty()) fail(malformed("missing x-amz-trailer-signature"));
    std::string canonical;
    for (const auto& [name, value] : trailers) canonical += name + ":" + value + "\n";
    std::string sts = trailer_string_to_sign(signing_->amz_date, signing_->scope, previous_signature_, canonical);
    if (!crypto::constant_time_equals(signature(signing_->signing_key, sts), trailer_signature)) {
      fail(chunk_signature_mismatch());
    }
  }
  if (merge_into_ != nullptr) {
    for (auto& [name, value] : trailers) merge_into_->set(std::move(name), std::move(value));
  }
}

size_t AwsChunkedBody::read_impl(char* buf, size_t n) {
  while (true) {
    switch (state_) {
      case State::kChunkHeader: {
        if (pos_ == end_ && !fill()) fail(incomplete());
        parse_chunk_header(read_line());
        if (remaining_ == 0) {
          finish_chunk();  // the final chunk is signed over the empty string
          state_ = trailer_ ? State::kTrailer : State::kFinalLine;
        } else {
          state_ = State::kChunkData;
        }
        break;
      }
      case State::kChunkData: {
        if (remaining_ == 0) {
          state_ = State::kChunkDataEnd;
          break;
        }
        if (n == 0) return 0;
        size_t want = size_t(std::min<uint64_t>(remaining_, n));
        size_t got;
        if (pos_ < end_) {
          got = std::min(want, end_ - pos_);
          std::memcpy(buf, buf_.data() + pos_, got);
          pos_ += got;
        } else {
          // Large reads go straight into the caller's buffer.
          got = inner_eof_ || inner_ == nullptr ? 0 : inner_->read(buf, want);
          if (got == 0) {
            inner_eof_ = true;
            fail(incomplete());
          }
        }
        if (chunk_hasher_) chunk_hasher_->update(buf, got);
        remaining_ -= got;
        total_ += got;
        return got;
      }
      case State::kChunkDataEnd: {
        if (pos_ == end_ && !fill()) fail(incomplete());
        if (!read_line().empty()) fail(malformed("chunk data not followed by CRLF"));
        finish_chunk();
        state_ = State::kChunkHeader;
        break;
      }
      case State::kTrailer:
        read_trailer();
        state_ = State::kDone;
        break;
      case State::kFinalLine:
        // "0;chunk-signature=...\r\n\r\n": the empty line may be missing at the very end of the body.
        if (pos_ < end_ || fill()) {
          if (!read_line().empty()) fail(malformed("data after the final chunk"));
        }
        state_ = State::kDone;
        break;
      case State::kDone:
        if (decoded_length_ && total_ != *decoded_length_) {
          fail(core::AwsError(core::kIncompleteBody,
                              "You did not provide the number of bytes specified by the "
                              "x-amz-decoded-content-length HTTP header"));
        }
        return 0;
    }
  }
}

}  // namespace podbucket::sigv4
