#pragma once
// The pieces of a SigV4 signature, as pure functions over strings: canonical URI, query and headers, the
// canonical request, the string to sign, signing-key derivation and the signature. Used by verify() and by the
// client-side signer (sign.h).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/message.h"

namespace podbucket::sigv4 {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kStreamingPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
inline constexpr std::string_view kStreamingPayloadTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
inline constexpr std::string_view kStreamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
inline constexpr std::string_view kEmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// How the path is canonicalized. S3 signs the path as is (single encoding, no dot-segment removal); every other
/// service normalizes it (RFC 3986 dot segments, repeated slashes) and URI-encodes the already-encoded path again.
enum class PathStyle { kS3, kNormalizedDoubleEncoded };

/// Canonical URI of a raw request path (as received, percent-encoded).
/// kS3: every byte re-encoded per AWS UriEncode after percent-decoding, '/' kept ("/a%20b" and "/a b" both give
/// "/a%20b"); a bad escape is kept literally. kNormalizedDoubleEncoded: dot segments and empty segments removed,
/// then UriEncode of the result ('%' becomes %25). An empty path is "/".
std::string canonical_uri(std::string_view raw_path, PathStyle style);

/// Canonical query string of a raw query: pairs split on '&' and the first '=', each name and value
/// percent-decoded and UriEncoded again, sorted by encoded name then value, joined with '&'. Pairs whose decoded
/// name equals `exclude` (X-Amz-Signature for presigned URLs) are dropped; so are empty pairs.
std::string canonical_query(std::string_view raw_query, std::string_view exclude = {});

/// `raw_query` without the pairs whose raw name is `name` (for tokens appended after signing).
std::string strip_query_param(std::string_view raw_query, std::string_view name);

/// Canonical header value: leading/trailing whitespace trimmed, inner runs of whitespace (including obs-fold
/// line breaks) collapsed to one space.
std::string canonical_header_value(std::string_view value);

/// The canonical headers block ("name:value\n" per signed header, in the given order) for the lower-case,
/// sorted `signed_headers`. Repeated headers are joined with ',' in the order received; a signed header that is
/// absent contributes "name:".
std::string canonical_headers(const http::Headers& headers, const std::vector<std::string>& signed_headers);

/// The full canonical request:
/// method \n canonical_uri \n canonical_query \n canonical_headers \n signed_headers(';'-joined) \n payload_hash.
std::string canonical_request(std::string_view method, std::string_view canonical_uri_value,
                              std::string_view canonical_query_value, std::string_view canonical_headers_value,
                              std::string_view signed_headers_joined, std::string_view payload_hash);

/// "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex sha256(canonical_request)>".
/// `scope` is "<date>/<region>/<service>/aws4_request".
std::string string_to_sign(std::string_view amz_date, std::string_view scope, std::string_view canonical_request_value);

/// "<date>/<region>/<service>/aws4_request".
std::string credential_scope(std::string_view date, std::string_view region, std::string_view service);

/// The raw 32-byte signing key: HMAC chain over "AWS4"+secret, date (YYYYMMDD), region, service, "aws4_request".
std::string derive_signing_key(std::string_view secret, std::string_view date, std::string_view region,
                               std::string_view service);

/// Lower-case hex HMAC-SHA256 of the string to sign under the signing key.
std::string signature(std::string_view signing_key, std::string_view string_to_sign_value);

/// String to sign of one aws-chunked chunk (STREAMING-AWS4-HMAC-SHA256-PAYLOAD):
/// "AWS4-HMAC-SHA256-PAYLOAD\n<amz_date>\n<scope>\n<previous_signature>\n<sha256("")>\n<hex sha256(chunk)>".
std::string chunk_string_to_sign(std::string_view amz_date, std::string_view scope,
                                 std::string_view previous_signature, std::string_view chunk_sha256_hex);

/// String to sign of the trailer of STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER:
/// "AWS4-HMAC-SHA256-TRAILER\n<amz_date>\n<scope>\n<previous_signature>\n<hex sha256(canonical_trailers)>"
/// where canonical_trailers is "name:value\n" per trailer header.
std::string trailer_string_to_sign(std::string_view amz_date, std::string_view scope,
                                   std::string_view previous_signature, std::string_view canonical_trailers);

/// Space-separated lower-case hex of each byte ("41 57 53"), as S3 reports StringToSignBytes.
std::string spaced_hex(std::string_view bytes);

}  // namespace podbucket::sigv4
