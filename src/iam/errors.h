#pragma once
// The IAM error catalog: the codes podbucket's IAM API emits, with their HTTP status, as the IAM API reference
// lists them (https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html and each action's Errors).
// Rendered as awsQuery XML (<ErrorResponse><Error><Type>Sender</Type>...) by api/render_error (kIamQuery).
#include "core/error.h"

namespace podbucket::iam {

using core::ErrorCode;
using core::kAccessDenied;

inline constexpr ErrorCode kNoSuchEntity{"NoSuchEntity", 404};
inline constexpr ErrorCode kEntityAlreadyExists{"EntityAlreadyExists", 409};
inline constexpr ErrorCode kMalformedPolicyDocument{"MalformedPolicyDocument", 400};
inline constexpr ErrorCode kLimitExceeded{"LimitExceeded", 409};
inline constexpr ErrorCode kDeleteConflict{"DeleteConflict", 409};
inline constexpr ErrorCode kValidationError{"ValidationError", 400};
inline constexpr ErrorCode kInvalidInput{"InvalidInput", 400};
/// An Action= the IAM API does not know (or podbucket does not implement).
inline constexpr ErrorCode kInvalidAction{"InvalidAction", 400};
/// A required parameter is missing (awsQuery common error).
inline constexpr ErrorCode kMissingParameter{"MissingParameter", 400};
/// Simulate*: a policy given by text does not parse (IAM's simulator uses this code, not Malformed...).
inline constexpr ErrorCode kPolicyEvaluation{"PolicyEvaluation", 500};

}  // namespace podbucket::iam

namespace podbucket::iam {
/// An unsigned request to IAM.
inline constexpr ErrorCode kMissingAuthenticationToken{"MissingAuthenticationToken", 403};
}  // namespace podbucket::iam
