#pragma once
// EKS Auth's error catalog (signing name "eks-auth"; botocore eks-auth/2023-11-26/service-2.json, spec 2.4), with
// the statuses of its model. Rest-json: the code travels in the x-amzn-ErrorType header, the message in
// {"message": ...}. Header-only and depending on core/ alone, so that both its server (eks/, via eks/errors.h) and
// its client, the Pod Identity agent (agent/errors.h, which does not link the eks library), name the same codes.
#include "core/error.h"

namespace podbucket::eks {

using core::ErrorCode;

namespace auth {
/// The token is malformed, badly signed, for another issuer or audience, or its subject is not a service
/// account. The agent evicts its cache entry.
inline constexpr ErrorCode kInvalidTokenException{"InvalidTokenException", 400};
/// The token's exp has passed (beyond the leeway).
inline constexpr ErrorCode kExpiredTokenException{"ExpiredTokenException", 400};
/// The caller lacks eks-auth:AssumeRoleForPodIdentity, or the role's trust policy refuses the assumption.
/// 400, not 403 (spec 2.4).
inline constexpr ErrorCode kAccessDeniedException{"AccessDeniedException", 400};
/// A parameter breaks the model's constraints (missing token, bad cluster name).
inline constexpr ErrorCode kInvalidParameterException{"InvalidParameterException", 400};
/// The request cannot be served as asked (a malformed body).
inline constexpr ErrorCode kInvalidRequestException{"InvalidRequestException", 400};
/// No such cluster, or no association for the token's service account.
inline constexpr ErrorCode kResourceNotFoundException{"ResourceNotFoundException", 404};
inline constexpr ErrorCode kThrottlingException{"ThrottlingException", 429};
inline constexpr ErrorCode kInternalServerException{"InternalServerException", 500};
inline constexpr ErrorCode kServiceUnavailableException{"ServiceUnavailableException", 503};
}  // namespace auth

}  // namespace podbucket::eks
