#include "s3/body/body.h"

#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <string>

#include "core/encoding.h"
#include "crypto/hash.h"
#include "s3/body/memory_blobs_for_test.h"

namespace podbucket::s3::body {
namespace {

using testing::MemoryBlobs;

// Independent reference values: `printf 'hello world' | md5sum`, `| sha256sum`, zlib crc32 = 0x0d4a1185.
constexpr std::string_view kHello = "hello world";
constexpr std::string_view kHelloMd5Hex = "5eb63bbbe01eeed093cb22bb8f5acdc3";
constexpr std::string_view kHelloMd5B64 = "XrY7u+Ae7tCTyyK7j1rNww==";
constexpr std::string_view kHelloCrc32B64 = "DUoRhQ==";
constexpr std::string_view kHelloSha256Hex = "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";

/// Returns the body and then, at EOF, appends `trailer` to the request headers, as the SigV4 layer does.
class TrailerSource final : public http::BodySource {
 public:
  TrailerSource(std::string data, http::Headers& headers, std::string name, std::string value)
      : inner_(std::move(data)), headers_(headers), name_(std::move(name)), value_(std::move(value)) {}
  size_t read(char* buf, size_t n) override {
    size_t k = inner_.read(buf, n);
    if (k == 0 && !merged_) {
      headers_.add(name_, value_);
      merged_ = true;
    }
    return k;
  }

 private:
  http::StringBodySource inner_;
  http::Headers& headers_;
  std::string name_, value_;
  bool merged_ = false;
};

/// Returns some bytes then throws, like a socket that times out mid-body.
class ThrowingSource final : public http::BodySource {
 public:
  size_t read(char* buf, size_t n) override {
    if (calls_++ == 0) {
      buf[0] = 'x';
      return 1;
    }
    throw core::AwsException(core::AwsError(core::kRequestTimeout, "timeout"));
  }

 private:
  int calls_ = 0;
};

struct Fixture {
  MemoryBlobs blobs;
  http::StringBodySource source{""};
  http::Request req;
  explicit Fixture(std::string data, bool with_length = true) : source(data) {
    req.method = "PUT";
    req.body = &source;
    if (with_length) req.content_length = data.size();
  }
  core::Result<Ingested> ingest(uint64_t max = 1 << 30, std::string_view required = {}) {
    return ingest_body(blobs, req, max, required);
  }
};

TEST(IngestBody, StoresBytesAndMd5) {
  Fixture f{std::string(kHello)};
  auto r = f.ingest();
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->md5_hex, kHelloMd5Hex);
  EXPECT_EQ(r->size, kHello.size());
  EXPECT_TRUE(r->checksum_algorithm.empty());
  EXPECT_TRUE(r->checksum_value.empty());
  EXPECT_EQ(f.blobs.content(r->blob_id), kHello);
  EXPECT_EQ(f.blobs.open_writers(), 0u);
}

TEST(IngestBody, EmptyBody) {
  Fixture f{""};
  auto r = f.ingest();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->md5_hex, "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(r->size, 0u);
  EXPECT_EQ(f.blobs.count(), 1u);
}

TEST(IngestBody, ContentMd5) {
  {
    Fixture f{std::string(kHello)};
    f.req.headers.add("Content-MD5", std::string(kHelloMd5B64));
    EXPECT_TRUE(f.ingest());
  }
  {
    Fixture f{"hello worle"};
    f.req.headers.add("Content-MD5", std::string(kHelloMd5B64));
    auto r = f.ingest();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), "BadDigest");
    EXPECT_EQ(f.blobs.count(), 0u);
    EXPECT_EQ(f.blobs.open_writers(), 0u);
  }
  for (std::string bad : {"not base64!", "aGVsbG8=", ""}) {
    Fixture f{std::string(kHello)};
    f.req.headers.add("Content-MD5", bad);
    auto r = f.ingest();
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code(), "InvalidDigest");
    EXPECT_EQ(f.blobs.count(), 0u);
  }
}

TEST(IngestBody, ChecksumHeader) {
  Fixture f{std::string(kHello)};
  f.req.headers.add("x-amz-checksum-crc32", std::string(kHelloCrc32B64));
  auto r = f.ingest();
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->checksum_algorithm, "CRC32");
  EXPECT_EQ(r->checksum_value, kHelloCrc32B64);

  Fixture g{"hello worle"};
  g.req.headers.add("x-amz-checksum-crc32", std::string(kHelloCrc32B64));
  auto bad = g.ingest();
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), "BadDigest");
  EXPECT_EQ(bad.error().message(), "The CRC32 you specified did not match the calculated checksum.");
  EXPECT_EQ(g.blobs.count(), 0u);
}

TEST(IngestBody, Sha256ChecksumHeader) {
  Fixture f{std::string(kHello)};
  std::string b64 = core::base64_encode(*core::hex_decode(kHelloSha256Hex));
  f.req.headers.add("x-amz-checksum-sha256", b64);
  f.req.headers.add("x-amz-sdk-checksum-algorithm", "SHA256");
  auto r = f.ingest();
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->checksum_algorithm, "SHA256");
  EXPECT_EQ(r->checksum_value, b64);
}

TEST(IngestBody, ChecksumTrailer) {
  MemoryBlobs blobs;
  http::Request req;
  TrailerSource src(std::string(kHello), req.headers, "x-amz-checksum-crc32", std::string(kHelloCrc32B64));
  req.body = &src;
  req.headers.add("x-amz-trailer", "x-amz-checksum-crc32");
  req.headers.add("x-amz-decoded-content-length", "11");
  req.headers.add("x-amz-sdk-checksum-algorithm", "CRC32");
  auto r = ingest_body(blobs, req, 1 << 20);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->checksum_value, kHelloCrc32B64);

  http::Request bad_req;
  TrailerSource bad_src("hello worle", bad_req.headers, "x-amz-checksum-crc32", std::string(kHelloCrc32B64));
  bad_req.body = &bad_src;
  bad_req.headers.add("x-amz-trailer", "x-amz-checksum-crc32");
  auto bad = ingest_body(blobs, bad_req, 1 << 20);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), "BadDigest");
  EXPECT_EQ(blobs.count(), 1u);  // only the first one
}

TEST(IngestBody, TrailerNeverSent) {
  Fixture f{std::string(kHello)};
  f.req.headers.add("x-amz-trailer", "x-amz-checksum-crc32c");
  auto r = f.ingest();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), "InvalidRequest");
  EXPECT_EQ(f.blobs.count(), 0u);
}

TEST(IngestBody, SdkAlgorithmAloneIsComputed) {
  Fixture f{std::string(kHello)};
  f.req.headers.add("x-amz-sdk-checksum-algorithm", "crc32");
  auto r = f.ingest();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->checksum_algorithm, "CRC32");
  EXPECT_EQ(r->checksum_value, kHelloCrc32B64);
}

TEST(IngestBody, RequiredChecksumComputedWhenClientSentNone) {
  Fixture f{std::string(kHello)};
  auto r = f.ingest(1 << 20, "CRC32");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->checksum_value, kHelloCrc32B64);
  // The client's own algorithm wins; the caller compares it with what it required.
  Fixture g{std::string(kHello)};
  g.req.headers.add("x-amz-sdk-checksum-algorithm", "SHA1");
  auto s = g.ingest(1 << 20, "CRC32");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->checksum_algorithm, "SHA1");
  EXPECT_EQ(s->checksum_value, core::base64_encode(crypto::sha1(kHello)));
}

TEST(IngestBody, ConflictingOrUnknownAlgorithms) {
  struct Case {
    std::vector<std::pair<std::string, std::string>> headers;
  };
  std::vector<Case> cases = {
      {{{"x-amz-checksum-crc32", std::string(kHelloCrc32B64)}, {"x-amz-checksum-crc32c", "AAAAAA=="}}},
      {{{"x-amz-checksum-crc32", std::string(kHelloCrc32B64)}, {"x-amz-sdk-checksum-algorithm", "SHA256"}}},
      {{{"x-amz-sdk-checksum-algorithm", "MD4"}}},
      {{{"x-amz-trailer", "x-amz-checksum-md4"}}},
      {{{"x-amz-trailer", "x-amz-checksum-crc32"}, {"x-amz-checksum-crc32", std::string(kHelloCrc32B64)}}},
      {{{"x-amz-checksum-crc32", "AAAA"}}},  // 3 bytes, not 4
  };
  for (const auto& c : cases) {
    Fixture f{std::string(kHello)};
    for (const auto& [k, v] : c.headers) f.req.headers.add(k, v);
    auto r = f.ingest();
    ASSERT_FALSE(r) << c.headers[0].first;
    EXPECT_EQ(r.error().code(), "InvalidRequest") << c.headers[0].first;
    EXPECT_EQ(f.blobs.open_writers(), 0u);
    EXPECT_EQ(f.blobs.count(), 0u);
  }
}

TEST(IngestBody, DeclaredLength) {
  Fixture short_body{std::string(kHello)};
  short_body.req.content_length = 20;
  auto r = short_body.ingest();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), "IncompleteBody");
  EXPECT_EQ(short_body.blobs.count(), 0u);

  Fixture long_body{std::string(kHello)};
  long_body.req.content_length = 5;
  auto l = long_body.ingest();
  ASSERT_FALSE(l);
  EXPECT_EQ(l.error().code(), "InvalidRequest");
  EXPECT_EQ(long_body.blobs.count(), 0u);

  // aws-chunked: the decoded length wins over the wire length.
  Fixture chunked{std::string(kHello)};
  chunked.req.content_length = 200;
  chunked.req.headers.add("x-amz-decoded-content-length", "11");
  EXPECT_TRUE(chunked.ingest());
}

TEST(IngestBody, TooLarge) {
  Fixture declared{std::string(kHello)};
  auto r = declared.ingest(10);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), "EntityTooLarge");

  Fixture streamed{std::string(kHello), /*with_length=*/false};
  auto s = streamed.ingest(10);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), "EntityTooLarge");
  EXPECT_EQ(streamed.blobs.count(), 0u);

  Fixture exact{std::string(kHello), false};
  EXPECT_TRUE(exact.ingest(11));
}

TEST(IngestBody, BodyErrorBecomesValue) {
  MemoryBlobs blobs;
  http::Request req;
  ThrowingSource src;
  req.body = &src;
  auto r = ingest_body(blobs, req, 1 << 20);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), "RequestTimeout");
  EXPECT_EQ(blobs.count(), 0u);
  EXPECT_EQ(blobs.open_writers(), 0u);
}

TEST(IngestBody, LargeBodyAcrossChunks) {
  std::string data(3 * (1 << 20) + 12345, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = char(i * 7 + i / 1000);
  Fixture f{data};
  f.req.headers.add("x-amz-checksum-crc32c", core::base64_encode([&] {
                      uint32_t c = crypto::crc32c(data);
                      std::string raw(4, '\0');
                      for (int i = 0; i < 4; ++i) raw[i] = char(c >> (24 - 8 * i));
                      return raw;
                    }()));
  auto r = f.ingest();
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->md5_hex, core::hex_encode(crypto::md5(data)));
  EXPECT_EQ(f.blobs.content(r->blob_id), data);
}

/// Regular files under `root` (temp and committed blobs).
size_t files_under(const std::filesystem::path& root) {
  size_t n = 0;
  for (auto& e : std::filesystem::recursive_directory_iterator(root))
    if (e.is_regular_file()) ++n;
  return n;
}

TEST(IngestBody, FsBlobsKeepNothingOnFailure) {
  char tmpl[] = "/tmp/podbucket-body-XXXXXX";
  std::filesystem::path dir = mkdtemp(tmpl);
  auto blobs = store::make_fs_blobs(dir);
  std::string data(2 * (1 << 20) + 5, 'z');
  {
    http::StringBodySource src(data);
    http::Request req;
    req.body = &src;
    req.headers.add("x-amz-checksum-sha1", core::base64_encode(crypto::sha1("not the data")));
    auto r = ingest_body(*blobs, req, 1ull << 30);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), "BadDigest");
    EXPECT_EQ(r.error().message(), "The SHA1 you specified did not match the calculated checksum.");
  }
  {
    http::StringBodySource src(data);
    http::Request req;
    req.body = &src;
    auto r = ingest_body(*blobs, req, 1 << 20);  // too large, found while streaming
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), "EntityTooLarge");
  }
  EXPECT_EQ(files_under(dir), 0u);
  {
    http::StringBodySource src(data);
    http::Request req;
    req.body = &src;
    req.content_length = data.size();
    req.headers.add("x-amz-checksum-sha1", core::base64_encode(crypto::sha1(data)));
    auto r = ingest_body(*blobs, req, 1ull << 30);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(files_under(dir), 1u);
    auto back = open_segments(*blobs, {{r->blob_id, r->size}}, 1, data.size());
    std::string out(data.size(), '\0');
    size_t got = 0;
    while (size_t n = back->read(out.data() + got, out.size() - got)) got += n;
    EXPECT_EQ(got, data.size() - 1);
    EXPECT_EQ(out.substr(0, got), data.substr(1));
  }
  std::filesystem::remove_all(dir);
}

std::vector<store::Segment> make_segments(MemoryBlobs& blobs, const std::vector<std::string>& parts) {
  std::vector<store::Segment> out;
  for (const auto& p : parts) {
    auto w = blobs.create();
    w->write(p.data(), p.size());
    out.push_back({w->commit(), p.size()});
  }
  return out;
}

std::string drain(http::BodyStream& s, size_t step) {
  std::string out;
  std::string buf(step, '\0');
  for (;;) {
    size_t n = s.read(buf.data(), step);
    if (n == 0) return out;
    out.append(buf.data(), n);
  }
}

TEST(OpenSegments, RangesAcrossBoundaries) {
  MemoryBlobs blobs;
  std::vector<std::string> parts = {"abcde", "", "fgh", "ijklmnop"};
  auto segs = make_segments(blobs, parts);
  std::string all = "abcdefghijklmnop";
  EXPECT_EQ(total_size(segs), all.size());
  for (size_t off = 0; off <= all.size(); ++off) {
    for (size_t len = 0; off + len <= all.size() + 2; ++len) {
      for (size_t step : {1, 3, 64}) {
        auto s = open_segments(blobs, segs, off, len);
        EXPECT_EQ(drain(*s, step), all.substr(off, len)) << off << "+" << len << " step " << step;
      }
    }
  }
}

TEST(OpenSegments, MissingBlobThrows) {
  MemoryBlobs blobs;
  std::vector<store::Segment> segs = {{"nope", 4}};
  auto s = open_segments(blobs, segs, 0, 4);
  char buf[4];
  EXPECT_THROW(s->read(buf, 4), store::Unavailable);
}

TEST(CopyRange, CopiesWithDigests) {
  MemoryBlobs blobs;
  auto segs = make_segments(blobs, {"hello", " ", "world!!"});
  auto r = copy_range(blobs, segs, 0, 11, "CRC32");
  ASSERT_TRUE(r);
  EXPECT_EQ(blobs.content(r->blob_id), kHello);
  EXPECT_EQ(r->md5_hex, kHelloMd5Hex);
  EXPECT_EQ(r->checksum_algorithm, "CRC32");
  EXPECT_EQ(r->checksum_value, kHelloCrc32B64);
  EXPECT_EQ(r->size, 11u);

  auto mid = copy_range(blobs, segs, 3, 5);
  ASSERT_TRUE(mid);
  EXPECT_EQ(blobs.content(mid->blob_id), "lo wo");
  EXPECT_TRUE(mid->checksum_value.empty());

  EXPECT_FALSE(copy_range(blobs, segs, 0, 1, "XYZ"));
  size_t before = blobs.count();
  EXPECT_THROW((void)copy_range(blobs, segs, 10, 5), store::Unavailable);
  EXPECT_EQ(blobs.count(), before);
  EXPECT_EQ(blobs.open_writers(), 0u);
}

}  // namespace
}  // namespace podbucket::s3::body
