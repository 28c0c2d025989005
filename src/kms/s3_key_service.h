#pragma once
// The S3 seam (kms::KeyService) over the Keyring: calls S3 makes on behalf of its caller, authorized with the key
// policy plus the caller's identity policies and kms:ViaService = "s3.REGION.amazonaws.com", kms:CallerAccount =
// the caller's account, and the encryption context S3 passes ({"aws:s3:arn": object or bucket ARN}).
#include <string>

#include "core/clock.h"
#include "core/random.h"
#include "kms/authorize.h"
#include "kms/key_service.h"
#include "kms/keyring.h"

namespace podbucket::kms {

/// Thread-safe. Everything passed by reference outlives it.
class S3KeyService final : public KeyService {
 public:
  S3KeyService(Keyring& keys, KeyAuthorizer& authz, const core::Clock& clock, core::Random& random)
      : keys_(keys), authz_(authz), clock_(clock), random_(random) {}

  core::Result<std::string> resolve_key_arn(std::string_view key_id) override;
  core::Result<DataKey> generate_data_key(const core::Principal& caller, std::string_view key_id,
                                          const EncryptionContext& context, std::string_view via_service) override;
  core::Result<std::string> decrypt(const core::Principal& caller, std::string_view ciphertext_blob,
                                    const EncryptionContext& context, std::string_view via_service) override;
  DataKey generate_sse_s3_key(const EncryptionContext& context) override;
  core::Result<std::string> decrypt_sse_s3_key(std::string_view ciphertext_blob,
                                               const EncryptionContext& context) override;

 private:
  core::Result<void> allow(const core::Principal& caller, std::string_view action, const Keyring::Resolved& key,
                           const EncryptionContext& context, std::string_view via_service);

  Keyring& keys_;
  KeyAuthorizer& authz_;
  const core::Clock& clock_;
  core::Random& random_;
};

}  // namespace podbucket::kms
