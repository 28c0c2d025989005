#pragma once
// Cross-origin resource sharing: the bucket's CORS configuration (Get/Put/DeleteBucketCors) and its enforcement,
// the OPTIONS preflight and the Access-Control-* headers on actual requests that carry an Origin.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketCors.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html ("How does Amazon S3 evaluate the CORS
// configuration on a bucket?"): the first rule whose AllowedOrigin matches the Origin, whose AllowedMethod holds the
// (requested) method and, for a preflight, whose AllowedHeader entries cover every requested header, applies.
// AllowedOrigin and AllowedHeader may hold one '*' wildcard each; header names compare case-insensitively.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "http/message.h"
#include "s3/context.h"
#include "s3/operation.h"

namespace podbucket::s3::bucket {

inline constexpr std::string_view kCorsConfig = "cors";
inline constexpr size_t kMaxCorsRules = 100;

/// One CORSRule as stored and answered.
struct CorsRule {
  std::string id;
  std::vector<std::string> allowed_headers;
  std::vector<std::string> allowed_methods;  // GET PUT HEAD POST DELETE
  std::vector<std::string> allowed_origins;
  std::vector<std::string> expose_headers;
  std::optional<int64_t> max_age_seconds;
};

/// Parses a <CORSConfiguration> document (pure). Errors: MalformedXML (not well-formed, no CORSRule, more than 100
/// rules, a rule without AllowedMethod or AllowedOrigin, an ID over 255 characters, a MaxAgeSeconds that is not a
/// non-negative integer), InvalidRequest (a method other than GET/PUT/HEAD/POST/DELETE, more than one '*' in an
/// AllowedOrigin or AllowedHeader, a '*' in an ExposeHeader), with S3's messages.
core::Result<std::vector<CorsRule>> parse_cors_configuration(std::string_view xml);
/// The GetBucketCors document (pure).
std::string render_cors_configuration(const std::vector<CorsRule>& rules);

/// True when `text` matches `pattern`, which holds at most one '*' standing for any run of characters.
bool cors_wildcard_match(std::string_view pattern, std::string_view text, bool ignore_case);

/// The first rule that allows `origin` with `method`; for a preflight `request_headers` (lower-case names) must all
/// be covered by the rule's AllowedHeader entries. nullptr when none applies.
const CorsRule* match_cors_rule(const std::vector<CorsRule>& rules, std::string_view origin, std::string_view method,
                                const std::vector<std::string>& request_headers);

/// Adds the Access-Control-* answer of `rule` for `origin`: Allow-Origin ('*' when the rule allows any origin,
/// otherwise the Origin with Allow-Credentials: true), Allow-Methods, Expose-Headers, Max-Age, and Vary.
/// `allow_headers` (the preflight's requested headers, lower case, comma separated) becomes Allow-Headers.
void add_cors_headers(http::Headers& out, const CorsRule& rule, std::string_view origin,
                      std::string_view allow_headers = {});

/// GET ?cors → <CORSConfiguration>. Errors: NoSuchBucket, NoSuchCORSConfiguration (404).
core::Result<http::Response> get_bucket_cors(Context& ctx, const Operation& op, http::Request& req);
/// PUT ?cors → 200. Errors: NoSuchBucket, MalformedXML, InvalidRequest, InvalidDigest, BadDigest.
core::Result<http::Response> put_bucket_cors(Context& ctx, const Operation& op, http::Request& req);
/// DELETE ?cors → 204, also when there was none. Errors: NoSuchBucket.
core::Result<http::Response> delete_bucket_cors(Context& ctx, const Operation& op, http::Request& req);

/// OPTIONS on a bucket or object (unauthenticated, no body read): 200 with the matching rule's Access-Control-*
/// headers and no body. Errors: BadRequest (400, no Origin, no or an invalid Access-Control-Request-Method),
/// AccessForbidden (403 "CORSResponse: ..."; no such bucket, no CORS configuration, or no rule matches), each
/// with S3's message and the Method / ResourceType fields.
core::Result<http::Response> cors_preflight(Context& ctx, const Operation& op, http::Request& req);

/// For an actual request with an Origin header: adds the matching rule's Access-Control-* headers to the response,
/// or to the error (S3 answers CORS headers on error responses too). No rule, no bucket or no Origin: unchanged.
void decorate_cors(Context& ctx, const Operation& op, const http::Request& req, core::Result<http::Response>& result);

}  // namespace podbucket::s3::bucket
