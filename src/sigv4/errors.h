#pragma once
// The errors sigv4 returns, with the messages AWS gives. Service-specific spellings (S3 vs IAM/STS vs JSON
// services) are chosen here so that verify() reads as a list of checks.
#include <string>
#include <string_view>

#include "core/error.h"

namespace podbucket::sigv4 {

inline constexpr core::ErrorCode kInvalidClientTokenId{"InvalidClientTokenId", 403};              // IAM, STS
inline constexpr core::ErrorCode kUnrecognizedClientException{"UnrecognizedClientException", 403};  // JSON APIs

/// S3's message for a bad signature; other services use the longer IAM/STS text.
std::string_view signature_mismatch_message(std::string_view service);

/// AuthorizationHeaderMalformed "The authorization header is malformed; <detail>".
core::AwsError header_malformed(std::string_view detail);
/// AuthorizationQueryParametersError with `message`.
core::AwsError query_malformed(std::string_view message);
/// The unknown-access-key error of `service`.
core::AwsError unknown_access_key(std::string_view service);
/// InvalidToken (S3 text) / the IAM/STS "security token ... is invalid" text.
core::AwsError invalid_token(std::string_view service);
/// ExpiredToken with the service's text.
core::AwsError expired_token(std::string_view service);
/// InvalidRequest "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."
core::AwsError unsupported_mechanism();

}  // namespace podbucket::sigv4
