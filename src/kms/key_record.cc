#include "kms/key_record.h"

#include <nlohmann/json.hpp>

#include "core/encoding.h"

namespace podbucket::kms {
namespace {

using Json = nlohmann::json;

std::string_view manager_name(KeyManager m) { return m == KeyManager::kAws ? "AWS" : "CUSTOMER"; }

std::optional<KeyState> parse_state(std::string_view s) {
  if (s == "Enabled") return KeyState::kEnabled;
  if (s == "Disabled") return KeyState::kDisabled;
  if (s == "PendingDeletion") return KeyState::kPendingDeletion;
  return std::nullopt;
}

}  // namespace

std::string_view key_state_name(KeyState state) {
  switch (state) {
    case KeyState::kEnabled: return "Enabled";
    case KeyState::kDisabled: return "Disabled";
    case KeyState::kPendingDeletion: return "PendingDeletion";
  }
  return "Enabled";
}

const KeyVersion* KeyRecord::version(uint32_t number) const {
  for (const KeyVersion& v : versions)
    if (v.number == number) return &v;
  return nullptr;
}

std::string encode_key(const KeyRecord& key) {
  Json tags = Json::array();
  for (const Tag& t : key.tags) tags.push_back({{"k", t.key}, {"v", t.value}});
  Json versions = Json::array();
  for (const KeyVersion& v : key.versions)
    versions.push_back({{"n", v.number}, {"created_ms", v.created_ms}, {"wrapped", core::base64_encode(v.wrapped)}});
  Json rotations = Json::array();
  for (const RotationEvent& r : key.rotations) rotations.push_back({{"date_ms", r.date_ms}, {"on_demand", r.on_demand}});
  Json j = {{"id", key.id},
            {"arn", key.arn},
            {"account", key.account},
            {"creation_ms", key.creation_ms},
            {"description", key.description},
            {"manager", manager_name(key.manager)},
            {"state", key_state_name(key.state)},
            {"deletion_ms", key.deletion_ms},
            {"pending_window_days", key.pending_window_days},
            {"policy", key.policy},
            {"tags", tags},
            {"rotation_enabled", key.rotation_enabled},
            {"rotation_period_days", key.rotation_period_days},
            {"next_rotation_ms", key.next_rotation_ms},
            {"rotations", rotations},
            {"versions", versions}};
  return j.dump();
}

std::optional<KeyRecord> decode_key(std::string_view json) {
  Json j = Json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  try {
    KeyRecord k;
    k.id = j.at("id").get<std::string>();
    k.arn = j.at("arn").get<std::string>();
    k.account = j.at("account").get<std::string>();
    k.creation_ms = j.at("creation_ms").get<int64_t>();
    k.description = j.at("description").get<std::string>();
    k.manager = j.at("manager").get<std::string>() == "AWS" ? KeyManager::kAws : KeyManager::kCustomer;
    auto state = parse_state(j.at("state").get<std::string>());
    if (!state) return std::nullopt;
    k.state = *state;
    k.deletion_ms = j.at("deletion_ms").get<int64_t>();
    k.pending_window_days = j.at("pending_window_days").get<int>();
    k.policy = j.at("policy").get<std::string>();
    for (const Json& t : j.at("tags")) k.tags.push_back({t.at("k").get<std::string>(), t.at("v").get<std::string>()});
    k.rotation_enabled = j.at("rotation_enabled").get<bool>();
    k.rotation_period_days = j.at("rotation_period_days").get<int>();
    k.next_rotation_ms = j.at("next_rotation_ms").get<int64_t>();
    for (const Json& r : j.at("rotations"))
      k.rotations.push_back({r.at("date_ms").get<int64_t>(), r.at("on_demand").get<bool>()});
    for (const Json& v : j.at("versions")) {
      auto wrapped = core::base64_decode(v.at("wrapped").get<std::string>());
      if (!wrapped) return std::nullopt;
      k.versions.push_back({v.at("n").get<uint32_t>(), v.at("created_ms").get<int64_t>(), std::move(*wrapped)});
    }
    return k;
  } catch (const Json::exception&) {
    return std::nullopt;
  }
}

std::string encode_alias(const AliasRecord& alias) {
  Json j = {{"name", alias.name},
            {"target_key_id", alias.target_key_id},
            {"creation_ms", alias.creation_ms},
            {"updated_ms", alias.updated_ms}};
  return j.dump();
}

std::optional<AliasRecord> decode_alias(std::string_view json) {
  Json j = Json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  try {
    return AliasRecord{j.at("name").get<std::string>(), j.at("target_key_id").get<std::string>(),
                       j.at("creation_ms").get<int64_t>(), j.at("updated_ms").get<int64_t>()};
  } catch (const Json::exception&) {
    return std::nullopt;
  }
}

}  // namespace podbucket::kms
