// Cryptographic operations: Encrypt, Decrypt, ReEncrypt, GenerateDataKey, GenerateDataKeyWithoutPlaintext,
// GenerateRandom. Order of checks, as AWS: parameters, key lookup, permission (with the encryption context in the
// condition keys), key state, DryRun, then the work.
#include "core/encoding.h"
#include "kms/errors.h"
#include "kms/operations.h"

namespace podbucket::kms::ops {
namespace {

constexpr size_t kMaxPlaintext = 4096;
constexpr size_t kMaxCiphertext = 6144;

// EncryptionAlgorithm-like members: absent or SYMMETRIC_DEFAULT; another valid algorithm does not fit a symmetric
// key (InvalidKeyUsageException).
core::Result<void> symmetric_algorithm(const Json& in, std::string_view member) {
  auto v = optional_string(in, member);
  if (!v) return v.error();
  if (!*v || **v == "SYMMETRIC_DEFAULT") return {};
  if (**v == "RSAES_OAEP_SHA_1" || **v == "RSAES_OAEP_SHA_256" || **v == "SM2PKE")
    return core::AwsError(kInvalidKeyUsageException,
                          "The encryption algorithm " + **v + " is not supported by a SYMMETRIC_DEFAULT key.");
  return validation_error(member, **v,
                          "Member must satisfy enum value set: [SYMMETRIC_DEFAULT, RSAES_OAEP_SHA_1, "
                          "RSAES_OAEP_SHA_256, SM2PKE]");
}

core::Result<bool> dry_run(const Json& in) {
  auto v = optional_bool(in, "DryRun");
  if (!v) return v.error();
  return v->value_or(false);
}

core::AwsError dry_run_error() {
  return core::AwsError(kDryRunOperationException, "The request would have succeeded, but the DryRun option is set.");
}

struct OpenedBlob {
  Keyring::Resolved key;
  ParsedCiphertext parsed;
};

// Finds the key a ciphertext blob was made under and checks an optional KeyId member names the same key.
core::Result<OpenedBlob> key_of_blob(Env& env, const Json& in, std::string_view key_member,
                                     const std::string& blob) {
  auto parsed = parse_ciphertext(blob);
  // Only a key UUID is a valid id inside a blob (never an alias, an ARN, or the internal SSE-S3 key).
  if (!parsed || parsed->key_id == kSseS3KeyId || parsed->key_id.rfind("alias/", 0) == 0 ||
      parsed->key_id.rfind("arn:", 0) == 0)
    return core::AwsError(kInvalidCiphertextException, "");
  auto key_id = optional_string(in, key_member, 2048, 1);
  if (!key_id) return key_id.error();
  auto owner = env.keys.resolve(parsed->key_id);
  if (!owner) {
    if (owner.error().is(kNotFoundException) && owner.error().message().rfind("Invalid keyId", 0) == 0)
      return core::AwsError(kInvalidCiphertextException, "");
    return owner.error();
  }
  if (*key_id) {
    auto named = env.keys.resolve(**key_id);
    if (!named) return named.error();
    if (named->key->id != owner->key->id)
      return core::AwsError(kIncorrectKeyException,
                            "The key ID in the request does not identify a KMS key that can perform this operation.");
    owner->alias = named->alias;
  }
  return OpenedBlob{std::move(*owner), std::move(*parsed)};
}

// GenerateDataKey and GenerateDataKeyWithoutPlaintext.
core::Result<std::pair<std::string, std::string>> data_key(Env& env, const Json& in, std::string_view action,
                                                           std::string* key_arn) {
  auto spec = optional_string(in, "KeySpec");
  if (!spec) return spec.error();
  auto bytes = optional_int(in, "NumberOfBytes", 1, 1024);
  if (!bytes) return bytes.error();
  if (*spec && **spec != "AES_256" && **spec != "AES_128")
    return validation_error("KeySpec", **spec, "Member must satisfy enum value set: [AES_256, AES_128]");
  if (spec->has_value() == bytes->has_value())
    return core::AwsError(kValidationException, "Please specify either number of bytes or key spec.");
  auto context = encryption_context(in, "EncryptionContext");
  if (!context) return context.error();
  auto dry = dry_run(in);
  if (!dry) return dry.error();
  auto key = resolve_member(env, in);
  if (!key) return key.error();
  if (auto a = env.allow(action, *key, &*context, true); !a) return a.error();
  if (auto e = require_enabled(*key->key); !e) return e.error();
  if (*dry) return dry_run_error();
  size_t n = *bytes ? size_t(**bytes) : (**spec == "AES_256" ? 32 : 16);
  std::string plaintext = env.random.bytes(n);
  std::string blob = env.keys.encrypt(*key->key, plaintext, *context);
  *key_arn = key->key->arn;
  return std::make_pair(std::move(plaintext), std::move(blob));
}

}  // namespace

Out encrypt(Env& env, const Json& in) {
  auto plaintext = optional_blob(in, "Plaintext", 1, kMaxPlaintext);
  if (!plaintext) return plaintext.error();
  if (!*plaintext) return missing_member("Plaintext");
  auto context = encryption_context(in, "EncryptionContext");
  if (!context) return context.error();
  if (auto alg = symmetric_algorithm(in, "EncryptionAlgorithm"); !alg) return alg.error();
  auto dry = dry_run(in);
  if (!dry) return dry.error();
  auto key = resolve_member(env, in);
  if (!key) return key.error();
  if (auto a = env.allow("kms:Encrypt", *key, &*context, true); !a) return a.error();
  if (auto e = require_enabled(*key->key); !e) return e.error();
  if (*dry) return dry_run_error();
  std::string blob = env.keys.encrypt(*key->key, **plaintext, *context);
  return nlohmann::ordered_json{{"CiphertextBlob", core::base64_encode(blob)},
                                {"KeyId", key->key->arn},
                                {"EncryptionAlgorithm", "SYMMETRIC_DEFAULT"}};
}

Out decrypt(Env& env, const Json& in) {
  auto blob = optional_blob(in, "CiphertextBlob", 1, kMaxCiphertext);
  if (!blob) return blob.error();
  if (!*blob) return missing_member("CiphertextBlob");
  auto context = encryption_context(in, "EncryptionContext");
  if (!context) return context.error();
  if (auto alg = symmetric_algorithm(in, "EncryptionAlgorithm"); !alg) return alg.error();
  auto dry = dry_run(in);
  if (!dry) return dry.error();
  auto opened = key_of_blob(env, in, "KeyId", **blob);
  if (!opened) return opened.error();
  const KeyRecord& key = *opened->key.key;
  if (auto a = env.allow("kms:Decrypt", opened->key, &*context, true); !a) return a.error();
  if (auto e = require_enabled(key); !e) return e.error();
  if (*dry) return dry_run_error();
  auto plaintext = env.keys.decrypt(key, opened->parsed, *context);
  if (!plaintext) return plaintext.error();
  return nlohmann::ordered_json{{"KeyId", key.arn},
                                {"Plaintext", core::base64_encode(*plaintext)},
                                {"EncryptionAlgorithm", "SYMMETRIC_DEFAULT"}};
}

Out re_encrypt(Env& env, const Json& in) {
  auto blob = optional_blob(in, "CiphertextBlob", 1, kMaxCiphertext);
  if (!blob) return blob.error();
  if (!*blob) return missing_member("CiphertextBlob");
  auto source_context = encryption_context(in, "SourceEncryptionContext");
  if (!source_context) return source_context.error();
  auto destination_context = encryption_context(in, "DestinationEncryptionContext");
  if (!destination_context) return destination_context.error();
  if (auto alg = symmetric_algorithm(in, "SourceEncryptionAlgorithm"); !alg) return alg.error();
  if (auto alg = symmetric_algorithm(in, "DestinationEncryptionAlgorithm"); !alg) return alg.error();
  auto dry = dry_run(in);
  if (!dry) return dry.error();
  auto destination = resolve_member(env, in, "DestinationKeyId");
  if (!destination) return destination.error();
  auto source = key_of_blob(env, in, "SourceKeyId", **blob);
  if (!source) return source.error();
  if (auto a = env.allow("kms:ReEncryptFrom", source->key, &*source_context, true); !a) return a.error();
  if (auto a = env.allow("kms:ReEncryptTo", *destination, &*destination_context, true); !a) return a.error();
  if (auto e = require_enabled(*source->key.key); !e) return e.error();
  if (auto e = require_enabled(*destination->key); !e) return e.error();
  if (*dry) return dry_run_error();
  auto plaintext = env.keys.decrypt(*source->key.key, source->parsed, *source_context);
  if (!plaintext) return plaintext.error();
  std::string out = env.keys.encrypt(*destination->key, *plaintext, *destination_context);
  return nlohmann::ordered_json{{"CiphertextBlob", core::base64_encode(out)},
                                {"SourceKeyId", source->key.key->arn},
                                {"KeyId", destination->key->arn},
                                {"SourceEncryptionAlgorithm", "SYMMETRIC_DEFAULT"},
                                {"DestinationEncryptionAlgorithm", "SYMMETRIC_DEFAULT"}};
}

Out generate_data_key(Env& env, const Json& in) {
  std::string arn;
  auto key = data_key(env, in, "kms:GenerateDataKey", &arn);
  if (!key) return key.error();
  return nlohmann::ordered_json{{"CiphertextBlob", core::base64_encode(key->second)},
                                {"Plaintext", core::base64_encode(key->first)},
                                {"KeyId", arn}};
}

Out generate_data_key_without_plaintext(Env& env, const Json& in) {
  std::string arn;
  auto key = data_key(env, in, "kms:GenerateDataKeyWithoutPlaintext", &arn);
  if (!key) return key.error();
  return nlohmann::ordered_json{{"CiphertextBlob", core::base64_encode(key->second)}, {"KeyId", arn}};
}

Out generate_random(Env& env, const Json& in) {
  auto bytes = optional_int(in, "NumberOfBytes", 1, 1024);
  if (!bytes) return bytes.error();
  if (!*bytes) return missing_member("NumberOfBytes");
  auto store_id = optional_string(in, "CustomKeyStoreId");
  if (!store_id) return store_id.error();
  if (*store_id) return core::AwsError(kUnsupportedOperationException, "podbucket has no custom key stores.");
  if (auto a = env.allow_resource("kms:GenerateRandom", "*"); !a) return a.error();
  return nlohmann::ordered_json{{"Plaintext", core::base64_encode(env.random.bytes(size_t(**bytes)))}};
}

}  // namespace podbucket::kms::ops
