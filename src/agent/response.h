#pragma once
// The only place the agent turns results into bytes (spec 1.4, 1.5): the ECS-style credential JSON and Go
// http.Error-style plain-text errors.
#include <string>

#include "agent/eks_auth.h"
#include "core/clock.h"
#include "core/error.h"
#include "http/message.h"

namespace podbucket::agent {

/// RFC 3339 in UTC with a literal Z and optional fractional seconds, trailing zeros dropped (Go's RFC3339Nano):
/// "2024-02-09T17:01:00Z", "1996-03-27T07:45:23.123456789Z". JS SDK v3 accepts only the Z form.
std::string format_expiration(core::TimePoint t);

/// 200, Content-Type application/json, body
/// {"AccessKeyId":…,"SecretAccessKey":…,"Token":…,"AccountId":…,"Expiration":…} in that order; empty string fields
/// are left out.
http::Response credentials_response(const PodCredentials& creds);

/// 200 with Content-Type application/json and `body` (a credentials_response() body kept by the cache).
http::Response json_response(std::string body);

/// The error's status with Content-Type "text/plain; charset=utf-8", X-Content-Type-Options nosniff and the body
/// message + "\n". Errors from EKS Auth read "[<request-id>]: (<ErrorCode>): <message>, fault: client|server".
http::Response error_response(const core::AwsError& error);

/// The text error_response() puts in the body, without the newline.
std::string error_text(const core::AwsError& error);

}  // namespace podbucket::agent
