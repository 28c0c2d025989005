#pragma once
// The Keyring: every KMS key and alias of the server, their wrapped material, and the cryptography on it. It knows
// nothing about callers or permissions (KmsService and the S3 seam authorize before they call it).
//
// Storage: store::Documents collections "kms.keys" (id = key UUID), "kms.aliases" (id = alias name) and
// "kms.internal" (the root-key check and the SSE-S3 master key). The Keyring loads everything at construction,
// keeps an in-memory view, and writes through on every change (the in-memory view changes only after the
// store accepted the write).
//
// Lazy housekeeping happens on lookup, as AWS's effects are observable only through the API: a key whose
// deletion date passed is deleted (with its aliases); a key whose automatic rotation is due gets a new version;
// the AWS managed key alias/aws/s3 is created on its first lookup.
//
// Thread-safe. Methods that write throw store::Unavailable when the store fails.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "kms/ciphertext.h"
#include "kms/key_record.h"
#include "kms/key_service.h"
#include "store/documents.h"

namespace podbucket::kms {

/// The AWS managed key S3 uses for SSE-KMS when no key is named.
inline constexpr std::string_view kAwsS3Alias = "alias/aws/s3";

/// The id the SSE-S3 master key carries inside ciphertext blobs (never a UUID, so never a KMS key id).
inline constexpr std::string_view kSseS3KeyId = "podbucket-sse-s3";

/// Cryptographic use needs an enabled key. Errors: DisabledException "ARN is disabled.",
/// KMSInvalidStateException "ARN is pending deletion.".
core::Result<void> require_enabled(const KeyRecord& key);

class Keyring {
 public:
  /// `root_key` is the 32-byte root key. Loads every key and alias, unwrapping all material. Throws
  /// std::runtime_error if the store's keys were wrapped by a different root key (the message says so; it never
  /// contains key material), std::invalid_argument if root_key is not 32 bytes.
  Keyring(store::Documents& docs, const core::Clock& clock, core::Random& random, std::string root_key,
          std::string account_id, std::string region);

  const std::string& account_id() const { return account_; }
  const std::string& region() const { return region_; }
  /// "arn:aws:kms:REGION:ACCOUNT:key/ID".
  std::string key_arn(std::string_view key_id) const;
  /// "arn:aws:kms:REGION:ACCOUNT:alias/NAME" for alias_name "alias/NAME".
  std::string alias_arn(std::string_view alias_name) const;

  using KeyPtr = std::shared_ptr<const KeyRecord>;

  /// A key found by some identifier; `alias` is the alias name when the identifier was an alias.
  struct Resolved {
    KeyPtr key;
    std::string alias;
  };

  /// Finds a key by key id, key ARN, alias name or alias ARN (ARNs must name this account and region).
  /// Errors: NotFoundException ("Invalid keyId 'X'" for an identifier of no known form; "Key 'ARN' does not
  /// exist"; "Alias ARN is not found.").
  core::Result<Resolved> resolve(std::string_view key_id);
  /// As resolve, for a key id or key ARN only (CreateAlias targets, ciphertext key ids). Aliases give
  /// ValidationException "Aliases must refer to keys. Not aliases".
  core::Result<KeyPtr> resolve_key_only(std::string_view key_id);

  /// Every key (pending deletion included), by key id.
  std::vector<KeyPtr> list_keys();

  /// What CreateKey asks for.
  struct NewKey {
    std::string description;
    std::string policy;  // already validated
    std::shared_ptr<const policy::Document> parsed_policy;
    std::vector<Tag> tags;
    KeyManager manager = KeyManager::kCustomer;
  };
  /// Creates an enabled key with a fresh UUID and fresh material (version 1).
  KeyPtr create_key(NewKey spec);

  /// Changes one key: `mutate` runs on a copy under the Keyring's lock; when it succeeds the copy is written
  /// through and published. It must not call back into the Keyring except add_version. Errors: NotFoundException,
  /// or what `mutate` returns (then nothing changes).
  using Mutation = std::function<core::Result<void>(KeyRecord&)>;
  core::Result<KeyPtr> update(std::string_view key_id, const Mutation& mutate);

  /// Appends a version with fresh material to `key` (inside an update mutation). `on_demand` is recorded in the
  /// rotation history.
  void add_version(KeyRecord& key, bool on_demand);

  /// Every alias, by name. The AWS managed alias/aws/s3 is listed (without a target) before its key exists.
  std::vector<AliasRecord> list_aliases();
  /// The aliases that point at `key_id`, by name.
  std::vector<std::string> aliases_of(std::string_view key_id);
  /// Errors: AlreadyExistsException "An alias with the name ARN already exists".
  core::Result<void> create_alias(std::string_view alias_name, std::string_view key_id);
  /// Points an existing alias at another key. Errors: NotFoundException "Alias ARN is not found.".
  core::Result<void> update_alias(std::string_view alias_name, std::string_view key_id);
  /// Errors: NotFoundException "Alias ARN is not found.".
  core::Result<void> delete_alias(std::string_view alias_name);
  /// The alias, or nullopt.
  std::optional<AliasRecord> find_alias(std::string_view alias_name);

  /// Seals `plaintext` under the key's current version with a random nonce.
  std::string encrypt(const KeyRecord& key, std::string_view plaintext, const EncryptionContext& context);
  /// Opens a blob made under `key` (parsed.key_id must be key.id). Errors: InvalidCiphertextException (unknown
  /// version, tampered blob, different encryption context).
  core::Result<std::string> decrypt(const KeyRecord& key, const ParsedCiphertext& parsed,
                                    const EncryptionContext& context);

  /// SSE-S3: a fresh 32-byte data key sealed under the server's SSE-S3 master key.
  DataKey generate_sse_s3_key(const EncryptionContext& context);
  /// Errors: InternalError when the blob is not an SSE-S3 blob or does not authenticate.
  core::Result<std::string> decrypt_sse_s3_key(std::string_view blob, const EncryptionContext& context);

 private:
  using Lock = std::unique_lock<std::mutex>;
  int64_t now_ms() const;
  std::string new_key_id();
  std::string wrap(std::string_view label, uint32_t version, std::string_view material);
  std::optional<std::string> unwrap(std::string_view label, uint32_t version, std::string_view wrapped) const;
  void check_root_key();
  void load();
  void load_sse_s3_key();
  KeyPtr publish(KeyRecord key);
  // Applies lazy housekeeping to one key: returns nullptr if the key is (now) gone.
  KeyPtr housekeep(const Lock& lock, KeyPtr key);
  void delete_key(const Lock& lock, const KeyRecord& key);
  KeyPtr find_key(const Lock& lock, std::string_view key_id);
  KeyPtr create_aws_s3_key(const Lock& lock);
  core::AwsError key_not_found(std::string_view key_id) const;
  core::AwsError alias_not_found(std::string_view alias_name) const;
  std::string material_of(const KeyRecord& key, uint32_t version);

  store::Documents& docs_;
  const core::Clock& clock_;
  core::Random& random_;
  const std::string root_key_;
  const std::string account_;
  const std::string region_;

  std::mutex mu_;
  std::map<std::string, KeyPtr, std::less<>> keys_;                         // GUARDED_BY(mu_), by key id
  std::map<std::string, AliasRecord, std::less<>> aliases_;                 // GUARDED_BY(mu_), by alias name
  std::map<std::pair<std::string, uint32_t>, std::string> materials_;  // GUARDED_BY(mu_): unwrapped material
  KeyRecord sse_s3_;                                                     // GUARDED_BY(mu_)
};

}  // namespace podbucket::kms
