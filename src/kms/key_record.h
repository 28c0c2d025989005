#pragma once
// The stored shape of KMS keys and aliases (store::Documents collections "kms.keys" and "kms.aliases") and their
// JSON codec. Key material is stored only wrapped by the root key (see Keyring).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/policy.h"

namespace podbucket::kms {

enum class KeyState { kEnabled, kDisabled, kPendingDeletion };
enum class KeyManager { kCustomer, kAws };

/// "Enabled", "Disabled", "PendingDeletion" (KeyMetadata.KeyState).
std::string_view key_state_name(KeyState state);

struct Tag {
  std::string key;
  std::string value;
};

/// One generation of key material. `wrapped` = 12-byte nonce || AES-256-GCM(root key, material), with AAD
/// "<key ARN>#<number>" (the internal SSE-S3 key uses its id in place of an ARN).
struct KeyVersion {
  uint32_t number = 0;
  int64_t created_ms = 0;
  std::string wrapped;
};

/// A rotation that added a version (ListKeyRotations).
struct RotationEvent {
  int64_t date_ms = 0;
  bool on_demand = false;
};

/// One KMS key. Immutable once published by the Keyring (it hands out shared_ptr<const KeyRecord>).
struct KeyRecord {
  std::string id;  // UUID
  std::string arn;
  std::string account;
  int64_t creation_ms = 0;
  std::string description;
  KeyManager manager = KeyManager::kCustomer;
  KeyState state = KeyState::kEnabled;
  int64_t deletion_ms = 0;      // PendingDeletion: when the key goes away
  int pending_window_days = 0;  // PendingDeletion: the window asked for
  std::string policy;           // the key policy document, as given
  std::vector<Tag> tags;        // in insertion order
  bool rotation_enabled = false;
  int rotation_period_days = 365;
  int64_t next_rotation_ms = 0;  // rotation_enabled: when the next automatic rotation is due
  std::vector<RotationEvent> rotations;
  std::vector<KeyVersion> versions;  // ascending; back() encrypts

  /// The parsed `policy` (not stored; rebuilt on load).
  std::shared_ptr<const policy::Document> parsed_policy;

  bool aws_managed() const { return manager == KeyManager::kAws; }
  uint32_t current_version() const { return versions.empty() ? 0 : versions.back().number; }
  const KeyVersion* version(uint32_t number) const;
};

/// One alias ("alias/name" → key id).
struct AliasRecord {
  std::string name;
  std::string target_key_id;
  int64_t creation_ms = 0;
  int64_t updated_ms = 0;
};

/// JSON codec for the documents store. decode_* return nullopt on a document they cannot read.
std::string encode_key(const KeyRecord& key);
std::optional<KeyRecord> decode_key(std::string_view json);
std::string encode_alias(const AliasRecord& alias);
std::optional<AliasRecord> decode_alias(std::string_view json);

}  // namespace podbucket::kms
