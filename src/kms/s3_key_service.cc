#include "kms/s3_key_service.h"

#include "kms/errors.h"

namespace podbucket::kms {
namespace {

constexpr size_t kDataKeySize = 32;

}  // namespace

core::Result<void> S3KeyService::allow(const core::Principal& caller, std::string_view action,
                                       const Keyring::Resolved& key, const EncryptionContext& context,
                                       std::string_view via_service) {
  iam::RequestFacts facts;
  facts.region = keys_.region();
  facts.now = clock_.now();
  KeyAccess access;
  access.action = action;
  access.key = key.key.get();
  access.context = &context;
  access.via_service = via_service;
  access.request_alias = key.alias;
  access.resource_aliases = keys_.aliases_of(key.key->id);
  access.cryptographic = true;
  return authz_.check(caller, facts, access);
}

core::Result<std::string> S3KeyService::resolve_key_arn(std::string_view key_id) {
  auto key = keys_.resolve(key_id);
  if (!key) return key.error();
  return key->key->arn;
}

core::Result<DataKey> S3KeyService::generate_data_key(const core::Principal& caller, std::string_view key_id,
                                                      const EncryptionContext& context,
                                                      std::string_view via_service) {
  auto key = keys_.resolve(key_id);
  if (!key) return key.error();
  if (auto a = allow(caller, "kms:GenerateDataKey", *key, context, via_service); !a) return a.error();
  if (auto e = require_enabled(*key->key); !e) return e.error();
  DataKey out;
  out.key_arn = key->key->arn;
  out.plaintext = random_.bytes(kDataKeySize);
  out.ciphertext_blob = keys_.encrypt(*key->key, out.plaintext, context);
  return out;
}

core::Result<std::string> S3KeyService::decrypt(const core::Principal& caller, std::string_view ciphertext_blob,
                                                const EncryptionContext& context, std::string_view via_service) {
  auto parsed = parse_ciphertext(ciphertext_blob);
  if (!parsed || parsed->key_id.size() != 36 || parsed->key_id.rfind("alias/", 0) == 0)
    return core::AwsError(kInvalidCiphertextException, "");
  auto key = keys_.resolve(parsed->key_id);
  if (!key) return key.error();
  if (auto a = allow(caller, "kms:Decrypt", *key, context, via_service); !a) return a.error();
  if (auto e = require_enabled(*key->key); !e) return e.error();
  return keys_.decrypt(*key->key, *parsed, context);
}

DataKey S3KeyService::generate_sse_s3_key(const EncryptionContext& context) {
  return keys_.generate_sse_s3_key(context);
}

core::Result<std::string> S3KeyService::decrypt_sse_s3_key(std::string_view ciphertext_blob,
                                                           const EncryptionContext& context) {
  return keys_.decrypt_sse_s3_key(ciphertext_blob, context);
}

}  // namespace podbucket::kms
