#include "sigv4/verify.h"

#include <charconv>
#include <chrono>
#include <vector>

#include "wire/query.h"
#include "core/encoding.h"
#include "core/time_format.h"
#include "crypto/hash.h"
#include "sigv4/auth.h"
#include "sigv4/canonical.h"
#include "sigv4/chunked.h"
#include "sigv4/errors.h"
#include "sigv4/key_cache.h"
#include "sigv4/sigv2.h"

namespace podbucket::sigv4 {
namespace {

constexpr auto kMaxSkew = std::chrono::minutes(15);
// Bodies of non-S3 services (IAM, STS, KMS, ...) are hashed whole when no x-amz-content-sha256 is sent.
constexpr size_t kMaxBufferedBody = 16 * 1024 * 1024;

enum class PayloadKind { kLiteral, kUnsigned, kStreamingSigned, kStreamingSignedTrailer, kStreamingUnsignedTrailer };

bool is_hex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  }
  return true;
}

std::optional<PayloadKind> payload_kind(std::string_view value) {
  if (value == kUnsignedPayload) return PayloadKind::kUnsigned;
  if (value == kStreamingPayload) return PayloadKind::kStreamingSigned;
  if (value == kStreamingPayloadTrailer) return PayloadKind::kStreamingSignedTrailer;
  if (value == kStreamingUnsignedTrailer) return PayloadKind::kStreamingUnsignedTrailer;
  if (is_hex64(value)) return PayloadKind::kLiteral;
  return std::nullopt;
}

core::AwsError bad_content_sha256(std::string_view value) {
  return core::AwsError(core::kInvalidArgument,
                        "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
                        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, "
                        "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, "
                        "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.")
      .with_field("ArgumentName", "x-amz-content-sha256")
      .with_field("ArgumentValue", std::string(value));
}

core::AwsError no_valid_date() {
  return core::AwsError(core::kAccessDenied, "AWS authentication requires a valid Date or x-amz-date header");
}

// Drops the "aws-chunked" coding from Content-Encoding (it describes the framing sigv4 removes, not the object).
void strip_aws_chunked(http::Headers& headers) {
  auto value = headers.get("Content-Encoding");
  if (!value) return;
  std::string kept;
  std::string_view rest = *value;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = core::trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (item.empty() || core::iequals(item, "aws-chunked")) continue;
    if (!kept.empty()) kept += ',';
    kept += item;
  }
  if (kept.empty()) {
    headers.remove("Content-Encoding");
  } else {
    headers.set("Content-Encoding", kept);
  }
}

// The request's raw query pairs sorted as received (no re-encoding): a second canonical form for clients that
// sign exactly what they send.
std::string raw_sorted_query(std::string_view raw_query, std::string_view exclude) {
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  for (const auto& p : wire::split_raw_query(raw_query)) {
    if (!exclude.empty() && p.raw_name == exclude) continue;
    pairs.emplace_back(p.raw_name, p.raw_value);
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [name, value] : pairs) {
    if (!out.empty()) out += '&';
    out.append(name).append(1, '=').append(value);
  }
  return out;
}

struct Candidate {
  std::string canonical_request;
  std::string string_to_sign;
};

}  // namespace

core::Result<Verified> verify(http::Request& req, const KeyLookup& lookup, const core::Clock& clock) {
  return verify(req, lookup, clock, {});
}

core::Result<Verified> verify(http::Request& req, const KeyLookup& lookup, const core::Clock& clock,
                              std::string_view region) {
  auto parsed = parse_auth(req);
  if (!parsed) return parsed.error();
  if (!*parsed) {
    Verified anonymous;
    anonymous.body = std::make_unique<PassThroughBody>(req.body);
    return anonymous;
  }
  ParsedAuth& auth = **parsed;
  if (auth.v2) return verify_v2(req, auth, lookup, clock);
  const Scope& scope = auth.scope;
  const bool s3 = scope.service == "s3";
  const bool presigned = scope.presigned;

  if (!region.empty() && scope.region != region) {
    std::string detail = "the region '" + scope.region + "' is wrong; expecting '" + std::string(region) + "'";
    auto error = presigned ? query_malformed("Error parsing the X-Amz-Credential parameter; " + detail)
                           : header_malformed(detail);
    return error.with_field("Region", std::string(region));
  }

  // --- the request time ---
  std::string amz_date;
  core::TimePoint request_time;
  if (presigned) {
    amz_date = auth.amz_date;
    request_time = *core::parse_amz_date(amz_date);
  } else if (auto x_amz_date = req.headers.get("x-amz-date")) {
    auto t = core::parse_amz_date(core::trim(*x_amz_date));
    if (!t) return no_valid_date();
    amz_date = std::string(core::trim(*x_amz_date));
    request_time = *t;
  } else if (auto date = req.headers.get("Date")) {
    auto t = core::parse_amz_date(core::trim(*date));
    if (!t) t = core::parse_http_date(core::trim(*date));
    if (!t) return no_valid_date();
    amz_date = core::format_amz_date(*t);
    request_time = *t;
  } else {
    return no_valid_date();
  }
  if (amz_date.substr(0, 8) != scope.date) {
    return presigned ? query_malformed("Invalid credential date. Date is not the same as X-Amz-Date.")
                     : header_malformed("Invalid credential date. Date is not the same as X-Amz-Date.");
  }
  const core::TimePoint now = clock.now();
  if (presigned) {
    if (request_time - now > kMaxSkew) return core::AwsError(core::kAccessDenied, "Request is not valid yet");
    auto expiry = request_time + std::chrono::seconds(auth.expires_seconds);
    if (now > expiry) {
      return core::AwsError(core::kAccessDenied, "Request has expired")
          .with_field("X-Amz-Expires", std::to_string(auth.expires_seconds))
          .with_field("Expires", core::format_iso8601(expiry))
          .with_field("ServerTime", core::format_iso8601(now));
    }
  } else if (request_time - now > kMaxSkew || now - request_time > kMaxSkew) {
    if (s3) {
      return core::AwsError(core::kRequestTimeTooSkewed,
                            "The difference between the request time and the current time is too large.")
          .with_field("RequestTime", amz_date)
          .with_field("ServerTime", core::format_iso8601(now))
          .with_field("MaxAllowedSkewMilliseconds", "900000");
    }
    std::string now_s = core::format_amz_date(now);
    if (request_time < now) {
      return core::AwsError(core::kSignatureDoesNotMatch,
                            "Signature expired: " + amz_date + " is now earlier than " +
                                core::format_amz_date(now - kMaxSkew) + " (" + now_s + " - 15 min.)");
    }
    return core::AwsError(core::kSignatureDoesNotMatch,
                          "Signature not yet current: " + amz_date + " is still later than " +
                              core::format_amz_date(now + kMaxSkew) + " (" + now_s + " + 15 min.)");
  }

  // --- the key and the session token ---
  std::optional<KeyInfo> key = lookup ? lookup(scope.access_key_id) : std::nullopt;
  if (!key) return unknown_access_key(scope.service);
  std::string token = auth.security_token;
  if (auto header_token = req.headers.get("x-amz-security-token")) token = std::string(core::trim(*header_token));
  if (!key->session_token.empty()) {
    // Temporary credentials are unknown without their token, as AWS answers.
    if (token.empty()) return unknown_access_key(scope.service);
    if (!crypto::constant_time_equals(token, key->session_token)) return invalid_token(scope.service);
    if (key->expires && now >= *key->expires) return expired_token(scope.service);
  } else if (!token.empty()) {
    return invalid_token(scope.service);
  }

  // --- the payload hash ---
  auto content_sha = req.headers.get("x-amz-content-sha256");
  std::optional<PayloadKind> kind;
  std::vector<std::string> payload_hashes;
  std::optional<std::string> buffered_body;
  if (content_sha) {
    kind = payload_kind(*content_sha);
    if (!kind) return bad_content_sha256(*content_sha);
    payload_hashes.emplace_back(*content_sha);
  } else if (s3) {
    if (!presigned) {
      return core::AwsError(core::kInvalidRequest, "Missing required header for this request: x-amz-content-sha256");
    }
    kind = PayloadKind::kUnsigned;
    payload_hashes.emplace_back(kUnsignedPayload);
  } else {
    // Other services sign the hash of the body; presigned URLs may say UNSIGNED-PAYLOAD instead.
    http::StringBodySource empty("");
    auto body = http::read_all(req.body != nullptr ? *req.body : empty, kMaxBufferedBody);
    if (!body) return core::AwsError(core::kInvalidRequest, "The request body is too large to verify.");
    buffered_body = std::move(*body);
    kind = PayloadKind::kUnsigned;  // verified below by the signature itself
    payload_hashes.push_back(core::hex_encode(crypto::sha256(*buffered_body)));
    if (presigned) payload_hashes.emplace_back(kUnsignedPayload);
  }

  // --- the signature ---
  const std::string scope_string = credential_scope(scope.date, scope.region, scope.service);
  const std::string signing_key =
      default_key_cache().get(key->secret_access_key, scope.date, scope.region, scope.service);
  const std::string_view exclude = presigned ? "X-Amz-Signature" : "";
  const std::string headers_block = canonical_headers(req.headers, auth.signed_headers);

  std::vector<std::pair<std::string, std::string>> resources;  // (canonical uri, canonical query)
  resources.emplace_back(canonical_uri(req.path, s3 ? PathStyle::kS3 : PathStyle::kNormalizedDoubleEncoded),
                         canonical_query(req.raw_query, exclude));
  if (presigned && !auth.security_token.empty()) {
    // Some signers append X-Amz-Security-Token after signing (the token itself is still checked above).
    resources.emplace_back(resources.front().first,
                           canonical_query(strip_query_param(req.raw_query, "X-Amz-Security-Token"), exclude));
  }
  if (s3) {
    std::pair<std::string, std::string> raw(req.path.empty() ? "/" : req.path,
                                            raw_sorted_query(req.raw_query, exclude));
    if (raw != resources.front()) resources.push_back(std::move(raw));
  }

  std::optional<Candidate> first;
  bool matched = false;
  for (const auto& payload_hash : payload_hashes) {
    for (const auto& [uri, query] : resources) {
      Candidate c;
      c.canonical_request =
          canonical_request(req.method, uri, query, headers_block, auth.signed_headers_joined, payload_hash);
      c.string_to_sign = string_to_sign(amz_date, scope_string, c.canonical_request);
      if (crypto::constant_time_equals(signature(signing_key, c.string_to_sign), auth.signature)) {
        matched = true;
        break;
      }
      if (!first) first = std::move(c);
    }
    if (matched) break;
  }
  if (!matched) {
    core::AwsError error(core::kSignatureDoesNotMatch, std::string(signature_mismatch_message(scope.service)));
    if (s3) {
      error.with_field("AWSAccessKeyId", scope.access_key_id)
          .with_field("StringToSign", first->string_to_sign)
          .with_field("SignatureProvided", auth.signature)
          .with_field("StringToSignBytes", spaced_hex(first->string_to_sign))
          .with_field("CanonicalRequest", first->canonical_request)
          .with_field("CanonicalRequestBytes", spaced_hex(first->canonical_request));
    }
    return error;
  }

  // --- the body wrapper ---
  Verified verified;
  verified.scope = scope;
  verified.principal = key->principal;
  verified.principal.anonymous = false;
  if (verified.principal.access_key_id.empty()) verified.principal.access_key_id = scope.access_key_id;
  if (verified.principal.session_token.empty()) verified.principal.session_token = key->session_token;

  if (buffered_body) {
    verified.body = std::make_unique<http::StringBodySource>(std::move(*buffered_body));
    return verified;
  }
  switch (*kind) {
    case PayloadKind::kLiteral:
      verified.body = std::make_unique<Sha256CheckingBody>(req.body, std::string(*content_sha));
      break;
    case PayloadKind::kUnsigned:
      verified.body = std::make_unique<PassThroughBody>(req.body);
      break;
    case PayloadKind::kStreamingSigned:
    case PayloadKind::kStreamingSignedTrailer:
    case PayloadKind::kStreamingUnsignedTrailer: {
      std::optional<uint64_t> decoded_length;
      if (auto header = req.headers.get("x-amz-decoded-content-length")) {
        std::string_view v = core::trim(*header);
        uint64_t n = 0;
        auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (ec != std::errc() || ptr != v.data() + v.size()) {
          return core::AwsError(core::kInvalidArgument, "Invalid x-amz-decoded-content-length")
              .with_field("ArgumentName", "x-amz-decoded-content-length")
              .with_field("ArgumentValue", std::string(v));
        }
        decoded_length = n;
      }
      std::optional<ChunkSigning> signing;
      if (*kind != PayloadKind::kStreamingUnsignedTrailer) {
        signing = ChunkSigning{signing_key, amz_date, scope_string, auth.signature};
      }
      bool trailer = *kind != PayloadKind::kStreamingSigned;
      verified.body = std::make_unique<AwsChunkedBody>(req.body, std::move(signing), trailer, &req.headers,
                                                       decoded_length);
      req.content_length = decoded_length;
      strip_aws_chunked(req.headers);
      break;
    }
  }
  return verified;
}

}  // namespace podbucket::sigv4
