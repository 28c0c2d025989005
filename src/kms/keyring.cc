#include "kms/keyring.h"

#include <stdexcept>

#include "core/encoding.h"
#include "core/time_format.h"
#include "crypto/aes_gcm.h"
#include "kms/default_policies.h"
#include "kms/errors.h"

namespace podbucket::kms {
namespace {

constexpr std::string_view kKeys = "kms.keys";
constexpr std::string_view kAliases = "kms.aliases";
constexpr std::string_view kInternal = "kms.internal";
constexpr std::string_view kRootCheckId = "root-check";
constexpr std::string_view kSseS3DocId = "sse-s3";
constexpr std::string_view kRootCheckText = "podbucket KMS root key check, version 1";
constexpr int64_t kDayMs = 86'400'000;
constexpr size_t kMaterialSize = 32;

bool is_key_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

// "arn:aws:kms:REGION:ACCOUNT:RESOURCE" → RESOURCE, if region and account are ours.
std::optional<std::string_view> kms_arn_resource(std::string_view arn, std::string_view region,
                                                 std::string_view account) {
  std::string prefix = "arn:aws:kms:" + std::string(region) + ":" + std::string(account) + ":";
  if (arn.substr(0, prefix.size()) != prefix) return std::nullopt;
  return arn.substr(prefix.size());
}

}  // namespace

core::Result<void> require_enabled(const KeyRecord& key) {
  if (key.state == KeyState::kDisabled) return core::AwsError(kDisabledException, key.arn + " is disabled.");
  if (key.state == KeyState::kPendingDeletion)
    return core::AwsError(kKMSInvalidStateException, key.arn + " is pending deletion.");
  return {};
}

Keyring::Keyring(store::Documents& docs, const core::Clock& clock, core::Random& random, std::string root_key,
                 std::string account_id, std::string region)
    : docs_(docs),
      clock_(clock),
      random_(random),
      root_key_(std::move(root_key)),
      account_(std::move(account_id)),
      region_(std::move(region)) {
  if (root_key_.size() != crypto::kAesGcmKeySize) throw std::invalid_argument("KMS root key must be 32 bytes");
  std::lock_guard lock(mu_);
  check_root_key();
  load();
  load_sse_s3_key();
}

std::string Keyring::key_arn(std::string_view key_id) const {
  return "arn:aws:kms:" + region_ + ":" + account_ + ":key/" + std::string(key_id);
}

std::string Keyring::alias_arn(std::string_view alias_name) const {
  return "arn:aws:kms:" + region_ + ":" + account_ + ":" + std::string(alias_name);
}

int64_t Keyring::now_ms() const { return core::to_unix_millis(clock_.now()); }

std::string Keyring::new_key_id() {
  std::string b = random_.bytes(16);
  b[6] = char((uint8_t(b[6]) & 0x0f) | 0x40);  // version 4
  b[8] = char((uint8_t(b[8]) & 0x3f) | 0x80);  // RFC 4122 variant
  std::string h = core::hex_encode(b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

std::string Keyring::wrap(std::string_view label, uint32_t version, std::string_view material) {
  std::string nonce = random_.bytes(crypto::kAesGcmNonceSize);
  std::string aad = std::string(label) + "#" + std::to_string(version);
  return nonce + crypto::aes_gcm_seal(root_key_, nonce, material, aad);
}

std::optional<std::string> Keyring::unwrap(std::string_view label, uint32_t version,
                                           std::string_view wrapped) const {
  if (wrapped.size() < crypto::kAesGcmNonceSize) return std::nullopt;
  std::string aad = std::string(label) + "#" + std::to_string(version);
  return crypto::aes_gcm_open(root_key_, wrapped.substr(0, crypto::kAesGcmNonceSize),
                              wrapped.substr(crypto::kAesGcmNonceSize), aad);
}

// A fixed text sealed under the root key at first start: a different root key later is reported as such instead
// of as unreadable keys.
void Keyring::check_root_key() {
  auto stored = docs_.get(kInternal, kRootCheckId);
  if (!stored) {
    std::string sealed = core::base64_encode(wrap(kRootCheckId, 1, kRootCheckText));
    if (docs_.insert(kInternal, kRootCheckId, sealed)) return;
    stored = docs_.get(kInternal, kRootCheckId);
  }
  auto raw = stored ? core::base64_decode(*stored) : std::nullopt;
  auto text = raw ? unwrap(kRootCheckId, 1, *raw) : std::nullopt;
  if (!text || *text != kRootCheckText)
    throw std::runtime_error(
        "the KMS root key is not the one this server's KMS keys were wrapped with; restore the original root key "
        "(see docs/kms.md)");
}

void Keyring::load() {
  for (const auto& [id, body] : docs_.list(kKeys)) {
    auto key = decode_key(body);
    if (!key) throw std::runtime_error("KMS key document " + id + " is unreadable");
    for (const KeyVersion& v : key->versions) {
      auto material = unwrap(key->arn, v.number, v.wrapped);
      if (!material) throw std::runtime_error("KMS key " + id + " version " + std::to_string(v.number) +
                                              ": material does not unwrap under the root key");
      materials_[{key->id, v.number}] = std::move(*material);
    }
    if (!key->policy.empty()) {
      auto parsed = policy::parse_resource_policy(key->policy, kMalformedPolicyDocumentException);
      if (parsed) key->parsed_policy = *parsed;  // a stored policy that no longer parses allows nothing
    }
    std::string key_id = key->id;  // (the right side of = is evaluated first and moves the record)
    keys_[key_id] = std::make_shared<const KeyRecord>(std::move(*key));
  }
  for (const auto& [name, body] : docs_.list(kAliases)) {
    auto alias = decode_alias(body);
    if (!alias) throw std::runtime_error("KMS alias document " + name + " is unreadable");
    std::string alias_name = alias->name;
    aliases_[alias_name] = std::move(*alias);
  }
}

void Keyring::load_sse_s3_key() {
  auto stored = docs_.get(kInternal, kSseS3DocId);
  if (!stored) {
    KeyRecord k;
    k.id = std::string(kSseS3KeyId);
    k.arn = std::string(kSseS3KeyId);  // the wrapping label
    k.account = account_;
    k.creation_ms = now_ms();
    k.manager = KeyManager::kAws;
    add_version(k, false);
    if (docs_.insert(kInternal, kSseS3DocId, encode_key(k))) {
      sse_s3_ = std::move(k);
      return;
    }
    stored = docs_.get(kInternal, kSseS3DocId);
  }
  auto key = stored ? decode_key(*stored) : std::nullopt;
  if (!key) throw std::runtime_error("the SSE-S3 master key document is unreadable");
  for (const KeyVersion& v : key->versions) {
    auto material = unwrap(key->arn, v.number, v.wrapped);
    if (!material) throw std::runtime_error("the SSE-S3 master key does not unwrap under the root key");
    materials_[{key->id, v.number}] = std::move(*material);
  }
  sse_s3_ = std::move(*key);
}

void Keyring::add_version(KeyRecord& key, bool on_demand) {
  uint32_t n = key.current_version() + 1;
  std::string material = random_.bytes(kMaterialSize);
  int64_t now = now_ms();
  key.versions.push_back({n, now, wrap(key.arn, n, material)});
  if (n > 1) key.rotations.push_back({now, on_demand});
  materials_[{key.id, n}] = std::move(material);
}

Keyring::KeyPtr Keyring::publish(KeyRecord key) {
  docs_.commit({{std::string(kKeys), key.id, encode_key(key)}});
  auto ptr = std::make_shared<const KeyRecord>(std::move(key));
  keys_[ptr->id] = ptr;
  return ptr;
}

void Keyring::delete_key(const Lock&, const KeyRecord& key) {
  std::vector<store::Documents::Write> writes{{std::string(kKeys), key.id, std::nullopt}};
  std::vector<std::string> names;
  for (const auto& [name, alias] : aliases_)
    if (alias.target_key_id == key.id) names.push_back(name);
  for (const std::string& name : names) writes.push_back({std::string(kAliases), name, std::nullopt});
  docs_.commit(writes);
  for (const std::string& name : names) aliases_.erase(name);
  for (const KeyVersion& v : key.versions) materials_.erase({key.id, v.number});
  keys_.erase(key.id);
}

Keyring::KeyPtr Keyring::housekeep(const Lock& lock, KeyPtr key) {
  int64_t now = now_ms();
  if (key->state == KeyState::kPendingDeletion && now >= key->deletion_ms) {
    delete_key(lock, *key);
    return nullptr;
  }
  if (key->rotation_enabled && key->state == KeyState::kEnabled && key->next_rotation_ms > 0 &&
      now >= key->next_rotation_ms) {
    KeyRecord copy = *key;
    add_version(copy, false);
    int64_t period = int64_t(copy.rotation_period_days) * kDayMs;
    while (copy.next_rotation_ms <= now) copy.next_rotation_ms += period;
    return publish(std::move(copy));
  }
  return key;
}

Keyring::KeyPtr Keyring::find_key(const Lock& lock, std::string_view key_id) {
  auto it = keys_.find(key_id);
  if (it == keys_.end()) return nullptr;
  return housekeep(lock, it->second);
}

Keyring::KeyPtr Keyring::create_aws_s3_key(const Lock&) {
  KeyRecord k;
  k.id = new_key_id();
  k.arn = key_arn(k.id);
  k.account = account_;
  k.creation_ms = now_ms();
  k.description = "Default key that protects my S3 objects when no other key is defined";
  k.manager = KeyManager::kAws;
  k.policy = aws_s3_key_policy(account_, region_);
  auto parsed = policy::parse_resource_policy(k.policy, kMalformedPolicyDocumentException);
  if (parsed) k.parsed_policy = *parsed;
  // AWS rotates AWS managed keys every year.
  k.rotation_enabled = true;
  k.rotation_period_days = 365;
  k.next_rotation_ms = k.creation_ms + 365 * kDayMs;
  add_version(k, false);
  AliasRecord alias{std::string(kAwsS3Alias), k.id, k.creation_ms, k.creation_ms};
  docs_.commit({{std::string(kKeys), k.id, encode_key(k)}, {std::string(kAliases), alias.name, encode_alias(alias)}});
  auto ptr = std::make_shared<const KeyRecord>(std::move(k));
  keys_[ptr->id] = ptr;
  aliases_[alias.name] = alias;
  return ptr;
}

core::AwsError Keyring::key_not_found(std::string_view key_id) const {
  std::string arn = key_id.substr(0, 4) == "arn:" ? std::string(key_id) : key_arn(key_id);
  return core::AwsError(kNotFoundException, "Key '" + arn + "' does not exist");
}

core::AwsError Keyring::alias_not_found(std::string_view alias_name) const {
  return core::AwsError(kNotFoundException, "Alias " + alias_arn(alias_name) + " is not found.");
}

core::Result<Keyring::Resolved> Keyring::resolve(std::string_view key_id) {
  std::string_view alias_name;
  std::string_view id;
  if (key_id.substr(0, 6) == "alias/") {
    alias_name = key_id;
  } else if (key_id.substr(0, 4) == "arn:") {
    auto resource = kms_arn_resource(key_id, region_, account_);
    if (!resource) return key_not_found(key_id);
    if (resource->substr(0, 6) == "alias/") alias_name = *resource;
    else if (resource->substr(0, 4) == "key/") id = resource->substr(4);
    else return core::AwsError(kNotFoundException, "Invalid arn " + std::string(key_id));
  } else if (is_key_uuid(key_id)) {
    id = key_id;
  } else {
    return core::AwsError(kNotFoundException, "Invalid keyId '" + std::string(key_id) + "'");
  }
  Lock lock(mu_);
  if (!alias_name.empty()) {
    auto it = aliases_.find(alias_name);
    if (it == aliases_.end()) {
      if (alias_name == kAwsS3Alias) return Resolved{create_aws_s3_key(lock), std::string(alias_name)};
      return alias_not_found(alias_name);
    }
    std::string target = it->second.target_key_id;
    KeyPtr key = find_key(lock, target);
    if (!key) return alias_not_found(alias_name);
    return Resolved{std::move(key), std::string(alias_name)};
  }
  KeyPtr key = find_key(lock, id);
  if (!key) return key_not_found(key_id);
  return Resolved{std::move(key), ""};
}

core::Result<Keyring::KeyPtr> Keyring::resolve_key_only(std::string_view key_id) {
  bool alias = key_id.substr(0, 6) == "alias/";
  if (auto resource = kms_arn_resource(key_id, region_, account_); resource && resource->substr(0, 6) == "alias/")
    alias = true;
  if (alias) return core::AwsError(kValidationException, "Aliases must refer to keys. Not aliases");
  auto r = resolve(key_id);
  if (!r) return r.error();
  return r->key;
}

std::vector<Keyring::KeyPtr> Keyring::list_keys() {
  Lock lock(mu_);
  std::vector<std::string> ids;
  for (const auto& [id, key] : keys_) ids.push_back(id);
  std::vector<KeyPtr> out;
  for (const std::string& id : ids)
    if (KeyPtr key = find_key(lock, id)) out.push_back(std::move(key));
  return out;
}

Keyring::KeyPtr Keyring::create_key(NewKey spec) {
  Lock lock(mu_);
  KeyRecord k;
  k.id = new_key_id();
  k.arn = key_arn(k.id);
  k.account = account_;
  k.creation_ms = now_ms();
  k.description = std::move(spec.description);
  k.manager = spec.manager;
  k.policy = std::move(spec.policy);
  k.parsed_policy = std::move(spec.parsed_policy);
  k.tags = std::move(spec.tags);
  add_version(k, false);
  return publish(std::move(k));
}

core::Result<Keyring::KeyPtr> Keyring::update(std::string_view key_id, const Mutation& mutate) {
  Lock lock(mu_);
  KeyPtr key = find_key(lock, key_id);
  if (!key) return key_not_found(key_id);
  KeyRecord copy = *key;
  if (auto r = mutate(copy); !r) return r.error();
  return publish(std::move(copy));
}

std::vector<AliasRecord> Keyring::list_aliases() {
  Lock lock(mu_);
  std::vector<std::string> ids;
  for (const auto& [id, key] : keys_) ids.push_back(id);
  for (const std::string& id : ids) find_key(lock, id);  // drops the aliases of keys whose deletion date passed
  std::vector<AliasRecord> out;
  bool have_s3 = aliases_.count(kAwsS3Alias) != 0;
  for (const auto& [name, alias] : aliases_) {
    if (!have_s3 && name > kAwsS3Alias) {
      out.push_back({std::string(kAwsS3Alias), "", 0, 0});
      have_s3 = true;
    }
    out.push_back(alias);
  }
  if (!have_s3) out.push_back({std::string(kAwsS3Alias), "", 0, 0});
  return out;
}

std::vector<std::string> Keyring::aliases_of(std::string_view key_id) {
  Lock lock(mu_);
  std::vector<std::string> out;
  for (const auto& [name, alias] : aliases_)
    if (alias.target_key_id == key_id) out.push_back(name);
  return out;
}

std::optional<AliasRecord> Keyring::find_alias(std::string_view alias_name) {
  Lock lock(mu_);
  auto it = aliases_.find(alias_name);
  if (it == aliases_.end()) return std::nullopt;
  return it->second;
}

core::Result<void> Keyring::create_alias(std::string_view alias_name, std::string_view key_id) {
  Lock lock(mu_);
  if (aliases_.count(alias_name) != 0)
    return core::AwsError(kAlreadyExistsException,
                          "An alias with the name " + alias_arn(alias_name) + " already exists");
  int64_t now = now_ms();
  AliasRecord alias{std::string(alias_name), std::string(key_id), now, now};
  docs_.commit({{std::string(kAliases), alias.name, encode_alias(alias)}});
  std::string name = alias.name;
  aliases_[name] = std::move(alias);
  return {};
}

core::Result<void> Keyring::update_alias(std::string_view alias_name, std::string_view key_id) {
  Lock lock(mu_);
  auto it = aliases_.find(alias_name);
  if (it == aliases_.end()) return alias_not_found(alias_name);
  AliasRecord alias = it->second;
  alias.target_key_id = std::string(key_id);
  alias.updated_ms = now_ms();
  docs_.commit({{std::string(kAliases), alias.name, encode_alias(alias)}});
  it->second = std::move(alias);
  return {};
}

core::Result<void> Keyring::delete_alias(std::string_view alias_name) {
  Lock lock(mu_);
  auto it = aliases_.find(alias_name);
  if (it == aliases_.end()) return alias_not_found(alias_name);
  docs_.commit({{std::string(kAliases), it->first, std::nullopt}});
  aliases_.erase(it);
  return {};
}

std::string Keyring::material_of(const KeyRecord& key, uint32_t version) {
  Lock lock(mu_);
  auto it = materials_.find({key.id, version});
  if (it != materials_.end()) return it->second;
  const KeyVersion* v = key.version(version);
  if (v == nullptr) return {};
  auto material = unwrap(key.arn, version, v->wrapped);
  if (!material) return {};
  return materials_[{key.id, version}] = std::move(*material);
}

std::string Keyring::encrypt(const KeyRecord& key, std::string_view plaintext, const EncryptionContext& context) {
  std::string material = material_of(key, key.current_version());
  if (material.size() != kMaterialSize) throw std::runtime_error("KMS key material unavailable");
  return seal_ciphertext(material, key.id, key.current_version(), random_.bytes(crypto::kAesGcmNonceSize), plaintext,
                         context);
}

core::Result<std::string> Keyring::decrypt(const KeyRecord& key, const ParsedCiphertext& parsed,
                                           const EncryptionContext& context) {
  core::AwsError invalid(kInvalidCiphertextException, "");
  if (parsed.key_id != key.id || key.version(parsed.key_version) == nullptr) return invalid;
  std::string material = material_of(key, parsed.key_version);
  if (material.size() != kMaterialSize) return invalid;
  auto plaintext = open_ciphertext(material, parsed, context);
  if (!plaintext) return invalid;
  return std::move(*plaintext);
}

DataKey Keyring::generate_sse_s3_key(const EncryptionContext& context) {
  std::string material;
  uint32_t version;
  {
    Lock lock(mu_);
    version = sse_s3_.current_version();
    material = materials_.at({sse_s3_.id, version});
  }
  DataKey out;
  out.plaintext = random_.bytes(kMaterialSize);
  out.ciphertext_blob = seal_ciphertext(material, kSseS3KeyId, version, random_.bytes(crypto::kAesGcmNonceSize),
                                        out.plaintext, context);
  return out;
}

core::Result<std::string> Keyring::decrypt_sse_s3_key(std::string_view blob, const EncryptionContext& context) {
  core::AwsError failed(core::kInternalError, "");
  auto parsed = parse_ciphertext(blob);
  if (!parsed || parsed->key_id != kSseS3KeyId) return failed;
  std::string material;
  {
    Lock lock(mu_);
    auto it = materials_.find({sse_s3_.id, parsed->key_version});
    if (it == materials_.end()) return failed;
    material = it->second;
  }
  auto plaintext = open_ciphertext(material, *parsed, context);
  if (!plaintext) return failed;
  return std::move(*plaintext);
}

}  // namespace podbucket::kms
