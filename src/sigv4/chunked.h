#pragma once
// Request-body wrappers that check a SigV4 payload while it streams: a SHA-256 check for a literal
// x-amz-content-sha256, and the aws-chunked decoder for the STREAMING-* modes.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "crypto/hash.h"
#include "http/message.h"

namespace podbucket::sigv4 {

/// Forwards reads to another source unchanged (UNSIGNED-PAYLOAD, anonymous requests). A null inner source is an
/// empty body.
class PassThroughBody final : public http::BodySource {
 public:
  explicit PassThroughBody(http::BodySource* inner) : inner_(inner) {}
  size_t read(char* buf, size_t n) override { return inner_ == nullptr ? 0 : inner_->read(buf, n); }

 private:
  http::BodySource* inner_;
};

/// Hashes the body while forwarding it; at the end compares with the x-amz-content-sha256 value and throws
/// core::AwsException(XAmzContentSHA256Mismatch) with ClientComputedContentSHA256 / S3ComputedContentSHA256.
class Sha256CheckingBody final : public http::BodySource {
 public:
  /// `expected_hex`: 64 hex digits (either case).
  Sha256CheckingBody(http::BodySource* inner, std::string expected_hex);
  size_t read(char* buf, size_t n) override;

 private:
  http::BodySource* inner_;
  std::string expected_hex_;
  std::unique_ptr<crypto::Hasher> hasher_;
  bool done_ = false;
  std::optional<core::AwsError> failed_;
};

/// What a signed aws-chunked stream is verified against.
struct ChunkSigning {
  std::string signing_key;     // raw derived key of the request's scope
  std::string amz_date;        // the request's timestamp, "YYYYMMDDTHHMMSSZ"
  std::string scope;           // "<date>/<region>/<service>/aws4_request"
  std::string seed_signature;  // the request's (header) signature
};

/// Decodes aws-chunked framing ("<hex-size>[;chunk-signature=<sig>]\r\n<data>\r\n" ... "0...\r\n" [trailers]
/// "\r\n") into the payload, in constant memory and for any split of the underlying reads.
///
/// With `signing`, every chunk signature is verified, chained from the seed signature, and with `trailer` the
/// trailer must end with a valid x-amz-trailer-signature. Without `signing`, chunk extensions are ignored
/// (STREAMING-UNSIGNED-PAYLOAD-TRAILER). With `trailer`, the trailer headers (lower-cased names) are merged into
/// `*merge_into` once read, before read() returns 0. With `decoded_length`, the payload must be exactly that long.
///
/// read() throws core::AwsException: SignatureDoesNotMatch (bad chunk or trailer signature), IncompleteBody (the
/// stream ends early, or the payload length differs from x-amz-decoded-content-length), InvalidRequest
/// (malformed framing, over-long lines or trailers). After a throw every later read() throws the same error.
class AwsChunkedBody final : public http::BodySource {
 public:
  AwsChunkedBody(http::BodySource* inner, std::optional<ChunkSigning> signing, bool trailer,
                 http::Headers* merge_into, std::optional<uint64_t> decoded_length);
  size_t read(char* buf, size_t n) override;

  /// Longest accepted chunk-header or trailer line, in bytes.
  static constexpr size_t kMaxLine = 4096;
  /// Largest accepted trailer section, in bytes.
  static constexpr size_t kMaxTrailer = 16384;

 private:
  enum class State { kChunkHeader, kChunkData, kChunkDataEnd, kTrailer, kFinalLine, kDone };

  size_t read_impl(char* buf, size_t n);
  bool fill();                              // reads more from inner into buf_; false at end of input
  std::string read_line();                  // one line without its CR LF; throws at end of input / over-long
  void parse_chunk_header(const std::string& line);
  void finish_chunk();                      // verifies the chunk signature of the chunk just read
  void read_trailer();
  [[noreturn]] void fail(core::AwsError error);

  http::BodySource* inner_;
  std::optional<ChunkSigning> signing_;
  bool trailer_;
  http::Headers* merge_into_;
  std::optional<uint64_t> decoded_length_;

  std::vector<char> buf_;
  size_t pos_ = 0, end_ = 0;
  bool inner_eof_ = false;

  State state_ = State::kChunkHeader;
  uint64_t remaining_ = 0;       // bytes left in the current chunk
  uint64_t total_ = 0;           // payload bytes produced so far
  std::string chunk_signature_;  // signature announced for the current chunk
  std::string previous_signature_;
  std::unique_ptr<crypto::Hasher> chunk_hasher_;
  std::optional<core::AwsError> failed_;
};

}  // namespace podbucket::sigv4
