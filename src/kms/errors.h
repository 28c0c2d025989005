#pragma once
// The KMS error catalog: the codes podbucket's KMS API emits, with the HTTP status AWS KMS uses for them. KMS
// answers every client error with 400, AccessDeniedException included. Rendered as JSON 1.1
// (`{"__type":"NotFoundException","message":"..."}`) by api/render_error (kJson11).
// https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html and each action's Errors section.
#include "core/error.h"

namespace podbucket::kms {

using core::ErrorCode;

/// No key or alias with that identifier (also: an identifier that is neither a key id, key ARN, alias name nor
/// alias ARN, and an unknown policy name).
inline constexpr ErrorCode kNotFoundException{"NotFoundException", 400};
/// The key is disabled.
inline constexpr ErrorCode kDisabledException{"DisabledException", 400};
/// The key's state does not allow the operation (pending deletion, not pending deletion on cancel).
inline constexpr ErrorCode kKMSInvalidStateException{"KMSInvalidStateException", 400};
/// The ciphertext blob is malformed, was tampered with, or the encryption context differs.
inline constexpr ErrorCode kInvalidCiphertextException{"InvalidCiphertextException", 400};
/// Decrypt/ReEncrypt named a KeyId that is not the key the ciphertext was made under.
inline constexpr ErrorCode kIncorrectKeyException{"IncorrectKeyException", 400};
/// The key policy and identity policies do not allow the call.
inline constexpr ErrorCode kAccessDeniedException{"AccessDeniedException", 400};
/// A parameter fails its constraints ("1 validation error detected: ...").
inline constexpr ErrorCode kValidationException{"ValidationException", 400};
/// The request body is not JSON, or a member has the wrong JSON type.
inline constexpr ErrorCode kSerializationException{"SerializationException", 400};
/// An alias with that name exists.
inline constexpr ErrorCode kAlreadyExistsException{"AlreadyExistsException", 400};
/// The alias/aws/ prefix is reserved for AWS managed keys.
inline constexpr ErrorCode kNotAuthorizedException{"NotAuthorizedException", 400};
/// An alias name that is not valid.
inline constexpr ErrorCode kInvalidAliasNameException{"InvalidAliasNameException", 400};
/// The key cannot be used for this operation or algorithm (a non-SYMMETRIC_DEFAULT algorithm on a symmetric key).
inline constexpr ErrorCode kInvalidKeyUsageException{"InvalidKeyUsageException", 400};
/// The key policy is not valid JSON or not a valid key policy (or would lock the caller out).
inline constexpr ErrorCode kMalformedPolicyDocumentException{"MalformedPolicyDocumentException", 400};
/// A tag key or value that is not valid (reserved aws: prefix, length).
inline constexpr ErrorCode kTagException{"TagException", 400};
/// A valid request podbucket does not support (asymmetric and HMAC keys, imported material, multi-Region keys).
inline constexpr ErrorCode kUnsupportedOperationException{"UnsupportedOperationException", 400};
/// The request would succeed, but DryRun was set.
inline constexpr ErrorCode kDryRunOperationException{"DryRunOperationException", 412};
/// A Marker that this server did not hand out.
inline constexpr ErrorCode kInvalidMarkerException{"InvalidMarkerException", 400};
/// An X-Amz-Target operation KMS does not have (or podbucket does not implement).
inline constexpr ErrorCode kUnknownOperationException{"UnknownOperationException", 400};
/// Too many keys, aliases or tags.
inline constexpr ErrorCode kLimitExceededException{"LimitExceededException", 400};

}  // namespace podbucket::kms
