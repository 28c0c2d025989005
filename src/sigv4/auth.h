#pragma once
// Parsing (not verifying) the SigV4 authentication data of a request: the Authorization header or the
// X-Amz-* query parameters of a presigned URL.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "http/message.h"
#include "sigv4/verify.h"

namespace podbucket::sigv4 {

/// The authentication data of a signed request, syntactically valid but not verified.
struct ParsedAuth {
  Scope scope;
  std::vector<std::string> signed_headers;  // lower-case, in the order given
  std::string signed_headers_joined;        // as given (';'-joined), used verbatim in the canonical request
  std::string signature;                    // as given
  // Presigned only:
  std::string amz_date;                     // X-Amz-Date, validated "YYYYMMDDTHHMMSSZ"
  int64_t expires_seconds = 0;              // X-Amz-Expires, 1..604800
  std::string security_token;               // X-Amz-Security-Token, decoded
  // S3 Signature Version 2 ("AWS AKID:signature" header, or AWSAccessKeyId/Signature/Expires query):
  bool v2 = false;                          // scope has only access_key_id and service "s3"
  int64_t v2_expires = 0;                   // query form: Expires, seconds since the epoch
};

/// Parses the request's auth data. nullopt if the request carries none (anonymous).
/// Errors: InvalidArgument (both forms, or an unknown Authorization scheme), AuthorizationHeaderMalformed,
/// AuthorizationQueryParametersError, AccessDenied (SigV2 Expires not a number).
core::Result<std::optional<ParsedAuth>> parse_auth(const http::Request& req);

/// The first decoded value of query parameter `name` (case-sensitive) in a raw query, or nullopt.
std::optional<std::string> query_param(std::string_view raw_query, std::string_view name);

}  // namespace podbucket::sigv4
