// Key rotation: EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand,
// ListKeyRotations. A rotation adds a key version; ciphertexts name their version, so older ones keep
// decrypting. Automatic rotations happen on the first use after their due date (Keyring housekeeping).
// https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
#include <algorithm>
#include <cstdio>

#include "core/time_format.h"
#include "kms/errors.h"
#include "kms/operations.h"
#include "kms/pagination.h"

namespace podbucket::kms::ops {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr size_t kMaxOnDemandRotations = 10;

int64_t last_rotation_or_creation(const KeyRecord& k) {
  for (auto it = k.rotations.rbegin(); it != k.rotations.rend(); ++it)
    if (!it->on_demand) return it->date_ms;
  return k.creation_ms;
}

}  // namespace

Out enable_key_rotation(Env& env, const Json& in) {
  auto period = optional_int(in, "RotationPeriodInDays", 90, 2560);
  if (!period) return period.error();
  auto key = resolve_member(env, in);
  if (!key) return key.error();
  if (auto a = env.allow("kms:EnableKeyRotation", *key); !a) return a.error();
  if (auto c = require_customer_managed(env, *key->key, "kms:EnableKeyRotation"); !c) return c.error();
  int64_t now = core::to_unix_millis(env.clock.now());
  auto r = env.keys.update(key->key->id, [&](KeyRecord& k) -> core::Result<void> {
    if (auto e = require_enabled(k); !e) return e;
    int days = int(period->value_or(k.rotation_enabled ? k.rotation_period_days : 365));
    int64_t from = k.rotation_enabled ? last_rotation_or_creation(k) : now;
    k.rotation_enabled = true;
    k.rotation_period_days = days;
    k.next_rotation_ms = std::max(from + days * kDayMs, now);
    return {};
  });
  if (!r) return r.error();
  return no_content();
}

Out disable_key_rotation(Env& env, const Json& in) {
  auto key = resolve_member(env, in);
  if (!key) return key.error();
  if (auto a = env.allow("kms:DisableKeyRotation", *key); !a) return a.error();
  if (auto c = require_customer_managed(env, *key->key, "kms:DisableKeyRotation"); !c) return c.error();
  auto r = env.keys.update(key->key->id, [&](KeyRecord& k) -> core::Result<void> {
    if (auto e = require_enabled(k); !e) return e;
    k.rotation_enabled = false;
    k.next_rotation_ms = 0;
    return {};
  });
  if (!r) return r.error();
  return no_content();
}

Out get_key_rotation_status(Env& env, const Json& in) {
  auto key = resolve_member(env, in);
  if (!key) return key.error();
  if (auto a = env.allow("kms:GetKeyRotationStatus", *key); !a) return a.error();
  const KeyRecord& k = *key->key;
  if (k.state == KeyState::kPendingDeletion)
    return core::AwsError(kKMSInvalidStateException, k.arn + " is pending deletion.");
  nlohmann::ordered_json res{{"KeyRotationEnabled", k.rotation_enabled}, {"KeyId", k.arn}};
  if (k.rotation_enabled) {
    res["RotationPeriodInDays"] = k.rotation_period_days;
    res["NextRotationDate"] = epoch_seconds(k.next_rotation_ms);
  }
  return res;
}

Out rotate_key_on_demand(Env& env, const Json& in) {
  auto key = resolve_member(env, in);
  if (!key) return key.error();
  if (auto a = env.allow("kms:RotateKeyOnDemand", *key); !a) return a.error();
  if (auto c = require_customer_managed(env, *key->key, "kms:RotateKeyOnDemand"); !c) return c.error();
  auto r = env.keys.update(key->key->id, [&](KeyRecord& k) -> core::Result<void> {
    if (auto e = require_enabled(k); !e) return e;
    size_t on_demand = 0;
    for (const RotationEvent& e : k.rotations) on_demand += e.on_demand ? 1 : 0;
    if (on_demand >= kMaxOnDemandRotations)
      return core::AwsError(kLimitExceededException,
                            "The key has reached the limit of 10 on-demand rotations.");
    env.keys.add_version(k, true);
    return {};
  });
  if (!r) return r.error();
  return nlohmann::ordered_json{{"KeyId", (*r)->id}};
}

Out list_key_rotations(Env& env, const Json& in) {
  auto page = read_page(in, 1000, 100);
  if (!page) return page.error();
  auto key = resolve_member(env, in);
  if (!key) return key.error();
  if (auto a = env.allow("kms:ListKeyRotations", *key); !a) return a.error();
  const KeyRecord& k = *key->key;
  // Sort key: the rotation's index, zero-padded so that string order is numeric order.
  std::vector<std::pair<std::string, RotationEvent>> rows;
  for (size_t i = 0; i < k.rotations.size(); ++i) {
    char index[24];
    std::snprintf(index, sizeof index, "%010zu", i);
    rows.emplace_back(index, k.rotations[i]);
  }
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  auto out = paginate(rows, *page, [](const auto& row) { return row.first; }, [&](const auto& row) {
    list.push_back({{"KeyId", k.id},
                    {"RotationDate", epoch_seconds(row.second.date_ms)},
                    {"RotationType", row.second.on_demand ? "ON_DEMAND" : "AUTOMATIC"}});
  });
  if (!out) return out.error();
  nlohmann::ordered_json res{{"Rotations", list}};
  add_page_fields(res, *out);
  return res;
}

}  // namespace podbucket::kms::ops
