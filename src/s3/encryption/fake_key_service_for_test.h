#pragma once
// Test-only: an in-memory kms::KeyService that behaves like KMS as S3 sees it: keys by id, ARN or alias (the
// AWS-managed alias/aws/s3 appears on first use), data keys sealed under a per-key secret with the encryption
// context as AES-GCM AAD, disabled and pending-deletion states, callers denied by ARN, and call counters.
// Header-only so that any s3 test can use it. Not thread-safe.
#include <map>
#include <set>
#include <string>

#include "core/encoding.h"
#include "crypto/aes_gcm.h"
#include "crypto/hash.h"
#include "kms/key_service.h"

namespace podbucket::s3::encryption::testing {

class FakeKeyService final : public kms::KeyService {
 public:
  struct Key {
    std::string material;  // 32 bytes
    bool enabled = true;
    bool pending_deletion = false;
  };

  explicit FakeKeyService(std::string region = "us-east-1", std::string account = "123456789012")
      : region_(std::move(region)), account_(std::move(account)) {}

  /// Adds a customer key with this id; returns its ARN.
  std::string create_key(const std::string& id) {
    std::string arn = "arn:aws:kms:" + region_ + ":" + account_ + ":key/" + id;
    keys_[arn] = Key{random_.bytes(32)};
    return arn;
  }
  void alias(const std::string& name, const std::string& arn) { aliases_[name] = arn; }
  Key& key(const std::string& arn) { return keys_.at(arn); }
  void deny(const std::string& caller_arn) { denied_.insert(caller_arn); }

  int generate_calls = 0;
  int decrypt_calls = 0;
  int sse_s3_calls = 0;
  kms::EncryptionContext last_context;  // of the last generate/decrypt call

  core::Result<std::string> resolve_key_arn(std::string_view key_id) override {
    std::string id(key_id);
    if (id == "alias/aws/s3" && !aliases_.count(id)) alias(id, create_key("aws-s3-managed-0000"));
    if (aliases_.count(id)) return aliases_[id];
    if (keys_.count(id)) return id;
    std::string arn = "arn:aws:kms:" + region_ + ":" + account_ + ":key/" + id;
    if (keys_.count(arn)) return arn;
    if (id.starts_with("arn:")) return core::AwsError(kNotFound, "Key '" + id + "' does not exist");
    return core::AwsError(kNotFound, "Invalid keyId '" + id + "'");
  }

  core::Result<kms::DataKey> generate_data_key(const core::Principal& caller, std::string_view key_id,
                                               const kms::EncryptionContext& context,
                                               std::string_view via_service) override {
    ++generate_calls;
    last_context = context;
    auto arn = usable(caller, key_id, "kms:GenerateDataKey", via_service);
    if (!arn) return arn.error();
    kms::DataKey out;
    out.key_arn = *arn;
    out.plaintext = random_.bytes(32);
    out.ciphertext_blob = seal(keys_[*arn].material, *arn, out.plaintext, context);
    return out;
  }

  core::Result<std::string> decrypt(const core::Principal& caller, std::string_view blob,
                                    const kms::EncryptionContext& context, std::string_view via_service) override {
    ++decrypt_calls;
    last_context = context;
    auto sep = blob.find('|');
    if (sep == std::string_view::npos) return core::AwsError(kInvalidCiphertext, "");
    auto arn = usable(caller, blob.substr(0, sep), "kms:Decrypt", via_service);
    if (!arn) return arn.error();
    auto plain = open(keys_[*arn].material, blob.substr(sep + 1), context);
    if (!plain) return core::AwsError(kInvalidCiphertext, "");
    return *plain;
  }

  kms::DataKey generate_sse_s3_key(const kms::EncryptionContext& context) override {
    ++sse_s3_calls;
    kms::DataKey out;
    out.key_arn = "sse-s3";
    out.plaintext = random_.bytes(32);
    out.ciphertext_blob = seal(s3_master_, "sse-s3", out.plaintext, context);
    return out;
  }

  core::Result<std::string> decrypt_sse_s3_key(std::string_view blob, const kms::EncryptionContext& context) override {
    ++sse_s3_calls;
    auto sep = blob.find('|');
    auto plain = sep == std::string_view::npos ? std::nullopt : open(s3_master_, blob.substr(sep + 1), context);
    if (!plain) return core::AwsError(core::kInternalError, "");
    return *plain;
  }

 private:
  static constexpr core::ErrorCode kNotFound{"NotFoundException", 400};
  static constexpr core::ErrorCode kDisabled{"DisabledException", 400};
  static constexpr core::ErrorCode kInvalidState{"KMSInvalidStateException", 400};
  static constexpr core::ErrorCode kAccessDeniedException{"AccessDeniedException", 400};
  static constexpr core::ErrorCode kInvalidCiphertext{"InvalidCiphertextException", 400};

  static std::string aad(const kms::EncryptionContext& context) {
    std::string out;
    for (const auto& [k, v] : context) out += k + "=" + v + ";";
    return out;
  }
  std::string seal(const std::string& material, std::string_view arn, const std::string& plain,
                   const kms::EncryptionContext& context) {
    std::string nonce = random_.bytes(12);
    return std::string(arn) + "|" + nonce + crypto::aes_gcm_seal(material, nonce, plain, aad(context));
  }
  static std::optional<std::string> open(const std::string& material, std::string_view sealed,
                                         const kms::EncryptionContext& context) {
    if (sealed.size() < 28) return std::nullopt;
    return crypto::aes_gcm_open(material, sealed.substr(0, 12), sealed.substr(12), aad(context));
  }

  core::Result<std::string> usable(const core::Principal& caller, std::string_view key_id, std::string_view action,
                                   std::string_view via_service) {
    auto arn = resolve_key_arn(key_id);
    if (!arn) return arn.error();
    if (via_service != "s3." + region_ + ".amazonaws.com" || denied_.count(caller.arn)) {
      return core::AwsError(kAccessDeniedException, "User: " + caller.arn + " is not authorized to perform: " +
                                                        std::string(action) + " on resource: " + *arn);
    }
    const Key& k = keys_[*arn];
    if (k.pending_deletion) return core::AwsError(kInvalidState, *arn + " is pending deletion.");
    if (!k.enabled) return core::AwsError(kDisabled, *arn + " is disabled.");
    return *arn;
  }

  std::string region_;
  std::string account_;
  crypto::SecureRandom random_;
  std::string s3_master_ = random_.bytes(32);
  std::map<std::string, Key> keys_;
  std::map<std::string, std::string> aliases_;
  std::set<std::string> denied_;
};

}  // namespace podbucket::s3::encryption::testing
