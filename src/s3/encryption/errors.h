#pragma once
// The S3 error codes of server-side encryption, beyond the shared ones in s3/errors.h. S3 reports the KMS
// failures of its own calls to KMS under "KMS."-prefixed codes, all 400 (S3 "Error responses" page; messages as
// S3 answers them, recorded against AWS in LocalStack's validated snapshots).
#include <string>
#include <string_view>

#include "core/error.h"

namespace podbucket::s3::encryption {

/// A bad SSE-C algorithm (anything but AES256). Carries ArgumentName / ArgumentValue.
inline constexpr core::ErrorCode kInvalidEncryptionAlgorithmError{"InvalidEncryptionAlgorithmError", 400};

// KMS errors as S3 answers them.
inline constexpr core::ErrorCode kKmsNotFound{"KMS.NotFoundException", 400};
inline constexpr core::ErrorCode kKmsDisabled{"KMS.DisabledException", 400};
inline constexpr core::ErrorCode kKmsInvalidState{"KMS.KMSInvalidStateException", 400};
inline constexpr core::ErrorCode kKmsInvalidKeyUsage{"KMS.InvalidKeyUsageException", 400};

/// 400 InvalidArgument with the ArgumentName/ArgumentValue fields S3 adds (value "null" when absent).
core::AwsError invalid_argument(std::string message, std::string_view name, std::string_view value = "null");

/// An error of a KeyService call made for an S3 request, as S3 reports it: NotFoundException → 400
/// KMS.NotFoundException, DisabledException → 400 KMS.DisabledException ("ARN is disabled."),
/// KMSInvalidStateException → 400 KMS.KMSInvalidStateException ("ARN is pending deletion."),
/// InvalidKeyUsageException → 400 KMS.InvalidKeyUsageException, AccessDeniedException → 403 AccessDenied (KMS's
/// message, which names the caller, the KMS action and the key; built from `action` and `key_arn` when empty),
/// InvalidCiphertextException → 500 InternalError (the stored key envelope does not open: S3's own data is
/// damaged), anything else → 500 InternalError / 503 ServiceUnavailable by its status.
core::AwsError from_kms(const core::AwsError& kms_error, std::string_view action, std::string_view key_arn,
                        std::string_view caller_arn);

}  // namespace podbucket::s3::encryption
