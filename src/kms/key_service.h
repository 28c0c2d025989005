#pragma once
// What S3 asks of KMS for server-side encryption: the single seam between s3/encryption and kms/. Calls made
// here are made ON BEHALF of the S3 caller: KMS authorizes them with the key policy plus the caller's identity
// policies, with kms:ViaService = "s3.REGION.amazonaws.com" and kms:CallerAccount = the caller's account.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
#include <map>
#include <string>
#include <string_view>

#include "core/principal.h"
#include "core/result.h"

namespace podbucket::kms {

/// KMS encryption context: bound into the ciphertext as AES-GCM additional data.
using EncryptionContext = std::map<std::string, std::string>;

/// A fresh 256-bit data key: the plaintext for immediate use (never stored), and the same key encrypted under
/// the KMS key (stored with the object).
struct DataKey {
  std::string key_arn;          // full ARN of the KMS key used
  std::string plaintext;        // 32 bytes
  std::string ciphertext_blob;  // opaque; pass back to decrypt()
};

class KeyService {
 public:
  virtual ~KeyService() = default;

  /// The full key ARN for a key id, key ARN, alias name ("alias/aws/s3") or alias ARN. The AWS-managed
  /// alias/aws/s3 key is created on first use. Errors: NotFoundException (KMS), as S3 reports it to its caller.
  virtual core::Result<std::string> resolve_key_arn(std::string_view key_id) = 0;

  /// kms:GenerateDataKey as `caller` via S3. Errors: AccessDeniedException, NotFoundException,
  /// DisabledException, KMSInvalidStateException (pending deletion).
  virtual core::Result<DataKey> generate_data_key(const core::Principal& caller, std::string_view key_id,
                                                  const EncryptionContext& context,
                                                  std::string_view via_service) = 0;

  /// kms:Decrypt as `caller` via S3. Returns the 32-byte plaintext data key. Errors: AccessDeniedException,
  /// InvalidCiphertextException (tampered blob or wrong encryption context), DisabledException,
  /// KMSInvalidStateException.
  virtual core::Result<std::string> decrypt(const core::Principal& caller, std::string_view ciphertext_blob,
                                            const EncryptionContext& context, std::string_view via_service) = 0;

  /// SSE-S3 (AES256): a fresh data key wrapped by the server's own S3 master key. No authorization: S3 owns it.
  virtual DataKey generate_sse_s3_key(const EncryptionContext& context) = 0;
  /// Unwraps an SSE-S3 data key. Errors: InternalError if the blob does not authenticate.
  virtual core::Result<std::string> decrypt_sse_s3_key(std::string_view ciphertext_blob,
                                                       const EncryptionContext& context) = 0;
};

}  // namespace podbucket::kms
