#pragma once
// The STS error catalog: the codes podbucket's STS API emits, with their HTTP status, as the STS API reference
// and botocore's sts/2011-06-15 model list them
// (https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html and each action's Errors section).
// Rendered as awsQuery XML (<ErrorResponse><Error><Type>Sender</Type>...) by api/render_error (kStsQuery).
#include "core/error.h"

namespace podbucket::sts {

using core::ErrorCode;

// Shared codes, re-exported so STS code has one place to look.
using core::kAccessDenied;  // 403: trust policy or identity policy denies; root callers; unknown roles
using core::kExpiredToken;  // 400: the request was signed with expired temporary credentials (sigv4 answers it)

/// A parameter breaks the model's constraints or an STS rule ("1 validation error detected: ...").
inline constexpr ErrorCode kValidationError{"ValidationError", 400};
/// The session policy does not parse or validate.
inline constexpr ErrorCode kMalformedPolicyDocument{"MalformedPolicyDocument", 400};
/// Session policies and tags together exceed the packed size limit.
inline constexpr ErrorCode kPackedPolicyTooLarge{"PackedPolicyTooLarge", 400};
/// AssumeRoleWithWebIdentity: the web identity token has expired (note the code keeps "Exception").
inline constexpr ErrorCode kExpiredTokenException{"ExpiredTokenException", 400};
/// AssumeRoleWithWebIdentity: the token is malformed, badly signed, or from an issuer the account does not trust.
inline constexpr ErrorCode kInvalidIdentityToken{"InvalidIdentityToken", 400};
/// AssumeRoleWithWebIdentity: the identity provider rejected the claim.
inline constexpr ErrorCode kIDPRejectedClaim{"IDPRejectedClaim", 403};
/// AssumeRoleWithWebIdentity: the identity provider's keys could not be fetched.
inline constexpr ErrorCode kIDPCommunicationError{"IDPCommunicationError", 400};
/// STS is not activated in the region (podbucket never disables regions; kept for completeness of the catalog).
inline constexpr ErrorCode kRegionDisabledException{"RegionDisabledException", 403};
/// The access key id or session token the request was signed with is not valid.
inline constexpr ErrorCode kInvalidClientTokenId{"InvalidClientTokenId", 403};
/// An unsigned request to an action that needs credentials.
inline constexpr ErrorCode kMissingAuthenticationToken{"MissingAuthenticationToken", 403};
/// Action= names no STS operation podbucket implements, or Version= is not 2011-06-15.
inline constexpr ErrorCode kInvalidAction{"InvalidAction", 400};
/// The request has no Action=.
inline constexpr ErrorCode kMissingAction{"MissingAction", 400};

}  // namespace podbucket::sts
