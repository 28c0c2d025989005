#pragma once
// The error catalogs of the two EKS APIs podbucket serves, with the HTTP statuses of their botocore models
// (botocore/data/eks/2017-11-01/service-2.json and eks-auth/2023-11-26/service-2.json). Both are rest-json: the
// code travels in the x-amzn-ErrorType header, the message in {"message": ...} (api/render_error, kRestJson).
// The same code can have different statuses in the two APIs (AccessDeniedException is 403 in EKS, 400 in EKS
// Auth), so the catalogs are kept apart.
#include "core/error.h"
#include "eks/auth_errors.h"

namespace podbucket::eks {

using core::ErrorCode;

// ---- EKS control plane (signing name "eks") ------------------------------------------------------------------

/// A cluster, add-on or association that does not exist (also a cluster name in the path that is unknown).
inline constexpr ErrorCode kResourceNotFoundException{"ResourceNotFoundException", 404};
/// The resource exists already: a cluster name, an add-on on the cluster, an association for the same
/// cluster + namespace + service account.
inline constexpr ErrorCode kResourceInUseException{"ResourceInUseException", 409};
/// A parameter is missing, malformed or out of range.
inline constexpr ErrorCode kInvalidParameterException{"InvalidParameterException", 400};
/// The request is valid but not allowed in the resource's state (a reused clientRequestToken with other
/// parameters, deleting an association an add-on owns, minting for an external cluster).
inline constexpr ErrorCode kInvalidRequestException{"InvalidRequestException", 400};
/// A quota: too many associations on a cluster.
inline constexpr ErrorCode kResourceLimitExceededException{"ResourceLimitExceededException", 400};
/// The caller lacks the eks:* (or iam:PassRole) permission. 403 in the EKS model.
inline constexpr ErrorCode kAccessDeniedException{"AccessDeniedException", 403};
/// A path and method that names no EKS operation podbucket implements.
inline constexpr ErrorCode kNotFoundException{"NotFoundException", 404};
/// The server failed (storage, crypto).
inline constexpr ErrorCode kServerException{"ServerException", 500};

// ---- EKS Auth (signing name "eks-auth"): namespace auth, in eks/auth_errors.h ------------------------------

}  // namespace podbucket::eks
