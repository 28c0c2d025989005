#pragma once
// The Pod Identity agent's error catalog. The agent is not an AWS API: its errors reach pods as Go http.Error
// plain text (spec 1.5), rendered in one place, agent/response.cc. Statuses and messages follow
// aws/eks-pod-identity-agent 0.1.37 (pkg/errors/errors.go, internal/validation/request.go).
//
// Errors passed through from EKS Auth keep EKS Auth's code and status; AwsError carries them as
// kEksAuthError-like entries (see eks_auth.h), with the upstream code and request id in fields.
#include "core/error.h"
#include "eks/auth_errors.h"

namespace podbucket::agent {

using core::ErrorCode;

/// The request's Host is not one of the agent's addresses (spec 6.1).
inline constexpr ErrorCode kInvalidAddress{"AccessDenied", 403};
/// No Authorization header, or an empty one.
inline constexpr ErrorCode kEmptyToken{"EmptyToken", 400};
/// The Authorization header is not a parsable JWT (signature unchecked).
inline constexpr ErrorCode kMalformedToken{"MalformedToken", 400};
/// The JWT's exp has passed or its nbf/iat lie in the future.
inline constexpr ErrorCode kTokenClaims{"InvalidTokenClaims", 400};
/// Any path but /v1/credentials (the probes rely on 404 for "/").
inline constexpr ErrorCode kNotFound{"NotFound", 404};
/// The ingress token bucket is empty.
inline constexpr ErrorCode kTooManyRequests{"TooManyRequests", 429};
/// EKS Auth could not be reached or answered nonsense, or its credentials were unusable.
inline constexpr ErrorCode kInternal{"InternalError", 500};

// EKS Auth's codes (botocore eks-auth/2023-11-26, spec 2.4), as the agent receives them: the server's own catalog.
namespace eksauth = eks::auth;

}  // namespace podbucket::agent
