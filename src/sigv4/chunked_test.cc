#include "sigv4/chunked.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "core/encoding.h"
#include "sigv4/canonical.h"
#include "sigv4/sign.h"
#include "sigv4/test_util.h"

namespace podbucket::sigv4 {
namespace {

using testing::drain;
using testing::fixtures_dir;
using testing::parse_http;
using testing::read_file;
using testing::single_key;

constexpr char kAmzDate[] = "20130524T000000Z";
constexpr char kScope[] = "20130524/us-east-1/s3/aws4_request";

std::vector<std::string> doc_signatures() {
  std::string text = read_file(std::filesystem::path(fixtures_dir()) / "s3" / "chunked-put.signatures");
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;  // seed, chunk 1, chunk 2, final chunk, trailer
}

std::string doc_key() {
  return derive_signing_key("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20130524", "us-east-1", "s3");
}

// The aws-chunked body of the S3 streaming example: 64 KiB + 1 KiB of 'a'.
std::string doc_body(bool with_final = true) {
  auto sigs = doc_signatures();
  std::string body = "10000;chunk-signature=" + sigs[1] + "\r\n" + std::string(65536, 'a') + "\r\n";
  body += "400;chunk-signature=" + sigs[2] + "\r\n" + std::string(1024, 'a') + "\r\n";
  if (with_final) body += "0;chunk-signature=" + sigs[3] + "\r\n\r\n";
  return body;
}

ChunkSigning doc_signing() { return ChunkSigning{doc_key(), kAmzDate, kScope, doc_signatures()[0]}; }

// A source that hands out at most `step` bytes per read, to exercise every split.
class TrickleSource final : public http::BodySource {
 public:
  TrickleSource(std::string data, size_t step) : data_(std::move(data)), step_(step) {}
  size_t read(char* buf, size_t n) override {
    size_t k = std::min({n, step_, data_.size() - pos_});
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }

 private:
  std::string data_;
  size_t step_;
  size_t pos_ = 0;
};

std::string code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const core::AwsException& e) {
    return std::string(e.error().code());
  }
  return "no error";
}

TEST(ChunkedTest, DocExampleSignaturesAreWhatWeCompute) {
  auto sigs = doc_signatures();
  std::string previous = sigs[0];
  for (size_t i = 0; i < 3; ++i) {
    std::string data = i == 0 ? std::string(65536, 'a') : i == 1 ? std::string(1024, 'a') : "";
    std::string sig = signature(doc_key(), chunk_string_to_sign(kAmzDate, kScope, previous,
                                                                core::hex_encode(crypto::sha256(data))));
    EXPECT_EQ(sig, sigs[i + 1]);
    previous = sig;
  }
  EXPECT_EQ(doc_body().size(), 66824u);  // the example's Content-Length
}

TEST(ChunkedTest, DecodesDocExampleThroughVerify) {
  core::FakeClock clock(*core::parse_amz_date(kAmzDate));
  auto t = parse_http(read_file(std::filesystem::path(fixtures_dir()) / "s3" / "chunked-put.txt") + doc_body());
  auto v = verify(t.req, single_key("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), clock);
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(t.req.content_length, 66560u);
  EXPECT_FALSE(t.req.headers.has("Content-Encoding"));
  EXPECT_EQ(drain(*v->body), std::string(66560, 'a'));
}

TEST(ChunkedTest, AnyReadSplit) {
  for (size_t inner_step : {1, 2, 3, 7, 64, 1000, 70000}) {
    for (size_t outer_step : {1, 5, 4096, 100000}) {
      if (inner_step * outer_step == 1) continue;  // the 1x1 case is covered by 1x5 and 2x1 and is slow
      TrickleSource src(doc_body(), inner_step);
      AwsChunkedBody body(&src, doc_signing(), false, nullptr, 66560);
      EXPECT_EQ(drain(body, outer_step), std::string(66560, 'a')) << inner_step << "x" << outer_step;
    }
  }
}

TEST(ChunkedTest, SignedTrailerVerifiedAndMerged) {
  auto sigs = doc_signatures();
  std::string body = doc_body(false) + "0;chunk-signature=" + sigs[3] +
                     "\r\nfirst:1st\r\nsecond:2nd\r\nthird:3rd\r\nx-amz-trailer-signature:" + sigs[4] + "\r\n\r\n";
  for (size_t step : {1, 13, 100000}) {
    TrickleSource src(body, step);
    http::Headers headers;
    AwsChunkedBody decoder(&src, doc_signing(), true, &headers, 66560);
    EXPECT_EQ(drain(decoder, 3000).size(), 66560u);
    EXPECT_EQ(headers.get("first"), "1st");
    EXPECT_EQ(headers.get("third"), "3rd");
    EXPECT_FALSE(headers.has("x-amz-trailer-signature"));
  }
  // A changed trailer value breaks the trailer signature.
  std::string bad = body;
  bad.replace(bad.find("2nd"), 3, "2ND");
  http::StringBodySource src(bad);
  http::Headers headers;
  AwsChunkedBody decoder(&src, doc_signing(), true, &headers, 66560);
  EXPECT_EQ(code_of([&] { drain(decoder); }), "SignatureDoesNotMatch");
  EXPECT_FALSE(headers.has("second"));
}

TEST(ChunkedTest, UnsignedTrailer) {
  std::string payload = "hello world, this is a payload";
  std::string crc = core::base64_encode(crypto::make_checksum(crypto::ChecksumAlgorithm::kCRC32)->finish());
  std::string body = encode_unsigned_chunks(payload, 7, {{"x-amz-checksum-crc32", "AAAAAA=="}});
  http::StringBodySource src(body);
  http::Headers headers;
  AwsChunkedBody decoder(&src, std::nullopt, true, &headers, payload.size());
  EXPECT_EQ(drain(decoder), payload);
  EXPECT_EQ(headers.get("x-amz-checksum-crc32"), "AAAAAA==");
}

TEST(ChunkedTest, UnsignedTrailerWithoutFinalBlankLineIsAccepted) {
  std::string body = "3\r\nabc\r\n0\r\nx-amz-checksum-crc32c:AAAAAA==\r\n";
  http::StringBodySource src(body);
  http::Headers headers;
  AwsChunkedBody decoder(&src, std::nullopt, true, &headers, 3);
  EXPECT_EQ(drain(decoder), "abc");
  EXPECT_EQ(headers.get("x-amz-checksum-crc32c"), "AAAAAA==");
}

TEST(ChunkedTest, Errors) {
  auto run = [](std::string body, std::optional<uint64_t> length = 66560, bool trailer = false) {
    return code_of([&] {
      http::StringBodySource src(body);
      AwsChunkedBody decoder(&src, doc_signing(), trailer, nullptr, length);
      drain(decoder);
    });
  };
  EXPECT_EQ(run(doc_body()), "no error");
  std::string flipped = doc_body();
  flipped[100] = 'b';  // payload byte changed
  EXPECT_EQ(run(flipped), "SignatureDoesNotMatch");
  EXPECT_EQ(run(doc_body(false)), "IncompleteBody");              // no final chunk
  EXPECT_EQ(run(doc_body().substr(0, 30000)), "IncompleteBody");  // truncated mid-chunk
  EXPECT_EQ(run(""), "IncompleteBody");
  EXPECT_EQ(run(doc_body(), 66561), "IncompleteBody");  // decoded length disagrees
  EXPECT_EQ(run(doc_body(), 100), "IncompleteBody");
  EXPECT_EQ(run(std::string(100000, 'x')), "InvalidRequest");       // no size, no newline: bounded line
  EXPECT_EQ(run(std::string(100000, '1')), "InvalidRequest");       // endless hex digits
  EXPECT_EQ(run("zz;chunk-signature=00\r\n"), "InvalidRequest");
  EXPECT_EQ(run("5\r\nhello\r\n0\r\n\r\n", 5), "InvalidRequest");  // signed mode needs chunk-signature
  std::string no_crlf = doc_body();
  no_crlf.replace(no_crlf.find("\r\n400;"), 2, "XX");
  EXPECT_EQ(run(no_crlf), "InvalidRequest");
  // Chunks swapped: each carries a valid signature, but not in this chain position.
  auto sigs = doc_signatures();
  std::string swapped = "400;chunk-signature=" + sigs[2] + "\r\n" + std::string(1024, 'a') + "\r\n" +
                        "10000;chunk-signature=" + sigs[1] + "\r\n" + std::string(65536, 'a') + "\r\n";
  EXPECT_EQ(run(swapped), "SignatureDoesNotMatch");
  // The trailer form demands the trailer signature.
  std::string no_trailer_sig = doc_body(false) + "0;chunk-signature=" + sigs[3] + "\r\nfirst:1st\r\n\r\n";
  EXPECT_EQ(run(no_trailer_sig, 66560, true), "InvalidRequest");
  std::string huge_trailer = doc_body(false) + "0;chunk-signature=" + sigs[3] + "\r\n";
  for (int i = 0; i < 10; ++i) huge_trailer += "x-a" + std::to_string(i) + ":" + std::string(3000, 'v') + "\r\n";
  EXPECT_EQ(run(huge_trailer, 66560, true), "InvalidRequest");
}

TEST(ChunkedTest, ErrorsAreSticky) {
  std::string body = doc_body();
  body[100] = 'b';
  http::StringBodySource src(body);
  AwsChunkedBody decoder(&src, doc_signing(), false, nullptr, 66560);
  EXPECT_THROW(drain(decoder), core::AwsException);
  char c;
  EXPECT_THROW(decoder.read(&c, 1), core::AwsException);
}

TEST(ChunkedTest, SignerRoundTrip) {
  std::string payload;
  for (int i = 0; i < 200000; ++i) payload += char('a' + i % 26);
  auto s = doc_signing();
  for (size_t chunk : {1, 8192, 65536, 300000}) {
    std::string body = encode_signed_chunks(payload, chunk, s.signing_key, s.amz_date, s.scope, s.seed_signature,
                                            {{"x-amz-checksum-crc32c", "abcd"}});
    TrickleSource src(body, 9999);
    http::Headers headers;
    AwsChunkedBody decoder(&src, s, true, &headers, payload.size());
    EXPECT_EQ(drain(decoder, 65536), payload) << chunk;
    EXPECT_EQ(headers.get("x-amz-checksum-crc32c"), "abcd");
  }
}

TEST(Sha256CheckingBodyTest, MatchesAndMismatches) {
  http::StringBodySource ok("abc");
  Sha256CheckingBody good(&ok, "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
  EXPECT_EQ(drain(good), "abc");
  http::StringBodySource bad("abd");
  Sha256CheckingBody wrong(&bad, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(code_of([&] { drain(wrong); }), "XAmzContentSHA256Mismatch");
}

}  // namespace
}  // namespace podbucket::sigv4
