#pragma once
// Client-side SigV4 signing, the mirror of verify(): used by tests, benchmarks and any podbucket component that
// calls an AWS-style API (the credential agent). Follows the same canonicalization as verify().
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "http/message.h"

namespace podbucket::sigv4 {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
};

/// Signs `req` in the header form: sets X-Amz-Date, x-amz-content-sha256 (S3 only), X-Amz-Security-Token (when
/// the credentials have one) and Authorization. Signs every header present except Authorization, User-Agent and
/// Expect. `req.headers` must contain Host. `payload_hash` is the x-amz-content-sha256 value (a hex SHA-256,
/// UNSIGNED-PAYLOAD or a STREAMING-* mode). Returns the signature (hex), the seed for aws-chunked bodies.
std::string sign_request(http::Request& req, const Credentials& creds, std::string_view region,
                         std::string_view service, core::TimePoint time, std::string_view payload_hash);

/// Presigns `req` (method, path, Host header): appends the X-Amz-* parameters and X-Amz-Signature to
/// req.raw_query (and req.target). Signs host only; the payload is UNSIGNED-PAYLOAD for S3 and the hash of the
/// empty body otherwise. `expires_seconds` in 1..604800.
void presign_request(http::Request& req, const Credentials& creds, std::string_view region, std::string_view service,
                     core::TimePoint time, int64_t expires_seconds);

/// Encodes `payload` as signed aws-chunked frames (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]) with chunks of
/// `chunk_size` bytes, chained from `seed_signature`. With `trailers` non-empty, they follow the final chunk with an
/// x-amz-trailer-signature.
std::string encode_signed_chunks(std::string_view payload, size_t chunk_size, std::string_view signing_key,
                                 std::string_view amz_date, std::string_view scope, std::string_view seed_signature,
                                 const std::vector<std::pair<std::string, std::string>>& trailers = {});

/// Encodes `payload` as unsigned aws-chunked frames followed by `trailers` (STREAMING-UNSIGNED-PAYLOAD-TRAILER).
std::string encode_unsigned_chunks(std::string_view payload, size_t chunk_size,
                                   const std::vector<std::pair<std::string, std::string>>& trailers);

}  // namespace podbucket::sigv4
