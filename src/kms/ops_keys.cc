// Keys: CreateKey, DescribeKey, ListKeys, EnableKey, DisableKey, ScheduleKeyDeletion, CancelKeyDeletion,
// UpdateKeyDescription; and the helpers every operation family shares.
#include <algorithm>

#include "core/time_format.h"
#include "kms/default_policies.h"
#include "kms/errors.h"
#include "kms/operations.h"
#include "kms/pagination.h"

namespace podbucket::kms::ops {
namespace {

constexpr int64_t kDayMs = 86'400'000;

// An enum member: absent → nullopt; a value outside `allowed` → ValidationException.
core::Result<std::optional<std::string>> enum_member(const Json& in, std::string_view member,
                                                     std::initializer_list<std::string_view> allowed) {
  auto v = optional_string(in, member);
  if (!v) return v.error();
  if (!*v) return v;
  for (std::string_view a : allowed)
    if (**v == a) return v;
  std::string set;
  for (std::string_view a : allowed) set += (set.empty() ? "" : ", ") + std::string(a);
  return validation_error(member, **v, "Member must satisfy enum value set: [" + set + "]");
}

}  // namespace

core::Result<void> Env::allow(std::string_view action, const Keyring::Resolved& key,
                              const EncryptionContext* context, bool cryptographic) {
  KeyAccess access;
  access.action = action;
  access.key = key.key.get();
  access.context = context;
  access.request_alias = key.alias;
  access.resource_aliases = keys.aliases_of(key.key->id);
  access.cryptographic = cryptographic;
  return authz.check(call.caller, call.facts, access);
}

core::Result<void> Env::allow_resource(std::string_view action, std::string_view resource) {
  KeyAccess access;
  access.action = action;
  access.resource = resource;
  return authz.check(call.caller, call.facts, access);
}

core::Result<Keyring::Resolved> resolve_member(Env& env, const Json& in, std::string_view member) {
  auto id = required_string(in, member, 2048);
  if (!id) return id.error();
  return env.keys.resolve(*id);
}

core::Result<void> require_customer_managed(const Env& env, const KeyRecord& key, std::string_view action) {
  if (!key.aws_managed()) return {};
  return core::AwsError(kAccessDeniedException, "User: " + env.call.caller.arn + " is not authorized to perform: " +
                                                    std::string(action) + " on resource: " + key.arn +
                                                    " because it is an AWS managed key");
}

double epoch_seconds(int64_t ms) { return double(ms) / 1000.0; }

nlohmann::ordered_json key_metadata(const KeyRecord& key) {
  nlohmann::ordered_json m;
  m["AWSAccountId"] = key.account;
  m["KeyId"] = key.id;
  m["Arn"] = key.arn;
  m["CreationDate"] = epoch_seconds(key.creation_ms);
  m["Enabled"] = key.state == KeyState::kEnabled;
  m["Description"] = key.description;
  m["KeyUsage"] = "ENCRYPT_DECRYPT";
  m["KeyState"] = key_state_name(key.state);
  if (key.state == KeyState::kPendingDeletion) {
    m["DeletionDate"] = epoch_seconds(key.deletion_ms);
    m["PendingDeletionWindowInDays"] = key.pending_window_days;
  }
  m["Origin"] = "AWS_KMS";
  m["KeyManager"] = key.aws_managed() ? "AWS" : "CUSTOMER";
  m["CustomerMasterKeySpec"] = "SYMMETRIC_DEFAULT";
  m["KeySpec"] = "SYMMETRIC_DEFAULT";
  m["EncryptionAlgorithms"] = nlohmann::ordered_json::array({"SYMMETRIC_DEFAULT"});
  m["MultiRegion"] = false;
  return m;
}

Out create_key(Env& env, const Json& in) {
  auto policy_text = optional_string(in, "Policy", 32768, 1);
  if (!policy_text) return policy_text.error();
  auto description = optional_string(in, "Description", 8192);
  if (!description) return description.error();
  auto usage = enum_member(in, "KeyUsage", {"SIGN_VERIFY", "ENCRYPT_DECRYPT", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"});
  if (!usage) return usage.error();
  const std::initializer_list<std::string_view> kSpecs = {
      "RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1",
      "SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512", "SM2"};
  auto spec = enum_member(in, "KeySpec", kSpecs);
  if (!spec) return spec.error();
  auto cmk_spec = enum_member(in, "CustomerMasterKeySpec", kSpecs);
  if (!cmk_spec) return cmk_spec.error();
  auto origin = enum_member(in, "Origin", {"AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"});
  if (!origin) return origin.error();
  auto multi_region = optional_bool(in, "MultiRegion");
  if (!multi_region) return multi_region.error();
  auto bypass = optional_bool(in, "BypassPolicyLockoutSafetyCheck");
  if (!bypass) return bypass.error();
  auto tags = tag_list(in, "Tags");
  if (!tags) return tags.error();
  auto store_id = optional_string(in, "CustomKeyStoreId");
  if (!store_id) return store_id.error();

  if (*spec && *cmk_spec)
    return core::AwsError(kValidationException,
                          "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. "
                          "CustomerMasterKeySpec is deprecated.");
  if ((*spec && **spec != "SYMMETRIC_DEFAULT") || (*cmk_spec && **cmk_spec != "SYMMETRIC_DEFAULT"))
    return core::AwsError(kUnsupportedOperationException,
                          "podbucket supports only SYMMETRIC_DEFAULT keys (AES-256-GCM).");
  if (*usage && **usage != "ENCRYPT_DECRYPT")
    return core::AwsError(kValidationException,
                          "The operation failed because the KeyUsage value of the KMS key is " + **usage +
                              ". To perform this operation, the KeyUsage value must be ENCRYPT_DECRYPT.");
  if (*origin && **origin != "AWS_KMS")
    return core::AwsError(kUnsupportedOperationException, "podbucket supports only keys with Origin AWS_KMS.");
  if (multi_region->value_or(false))
    return core::AwsError(kUnsupportedOperationException, "podbucket does not support multi-Region keys.");
  if (*store_id) return core::AwsError(kUnsupportedOperationException, "podbucket has no custom key stores.");

  if (auto a = env.allow_resource("kms:CreateKey", "*"); !a) return a.error();

  Keyring::NewKey spec_out;
  spec_out.policy = *policy_text ? **policy_text : default_key_policy(env.keys.account_id());
  auto parsed = policy::parse_resource_policy(spec_out.policy, kMalformedPolicyDocumentException);
  if (!parsed) return parsed.error();
  spec_out.parsed_policy = *parsed;
  if (*policy_text && !bypass->value_or(false)) {
    // AWS's lockout safety check: the new policy must let the caller change it later.
    KeyRecord probe;
    probe.arn = env.keys.key_arn("00000000-0000-4000-8000-000000000000");
    probe.account = env.keys.account_id();
    probe.parsed_policy = *parsed;
    KeyAccess access;
    access.action = "kms:PutKeyPolicy";
    access.key = &probe;
    if (!env.authz.check(env.call.caller, env.call.facts, access))
      return core::AwsError(kMalformedPolicyDocumentException,
                            "The new key policy will not allow you to update the key policy in the future.");
  }
  spec_out.description = description->value_or("");
  spec_out.tags = std::move(*tags);
  auto key = env.keys.create_key(std::move(spec_out));
  return nlohmann::ordered_json{{"KeyMetadata", key_metadata(*key)}};
}

Out describe_key(Env& env, const Json& in) {
  auto key = resolve_member(env, in);
  if (!key) return key.error();
  if (auto a = env.allow("kms:DescribeKey", *key); !a) return a.error();
  return nlohmann::ordered_json{{"KeyMetadata", key_metadata(*key->key)}};
}

Out list_keys(Env& env, const Json& in) {
  auto page = read_page(in);
  if (!page) return page.error();
  if (auto a = env.allow_resource("kms:ListKeys", "*"); !a) return a.error();
  auto keys = env.keys.list_keys();
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  auto out = paginate(keys, *page, [](const Keyring::KeyPtr& k) { return k->id; },
                      [&](const Keyring::KeyPtr& k) { list.push_back({{"KeyId", k->id}, {"KeyArn", k->arn}}); });
  if (!out) return out.error();
  nlohmann::ordered_json res{{"Keys", list}};
  add_page_fields(res, *out);
  return res;
}

Out enable_key(Env& env, const Json& in) {
  auto key = resolve_member(env, in);
  if (!key) return key.error();
  if (auto a = env.allow("kms:EnableKey", *key); !a) return a.error();
  if (auto c = require_customer_managed(env, *key->key, "kms:EnableKey"); !c) return c.error();
  auto r = env.keys.update(key->key->id, [](KeyRecord& k) -> core::Result<void> {
    if (k.state == KeyState::kPendingDeletion)
      return core::AwsError(kKMSInvalidStateException, k.arn + " is pending deletion.");
    k.state = KeyState::kEnabled;
    return {};
  });
  if (!r) return r.error();
  return no_content();
}

Out disable_key(Env& env, const Json& in) {
  auto key = resolve_member(env, in);
  if (!key) return key.error();
  if (auto a = env.allow("kms:DisableKey", *key); !a) return a.error();
  if (auto c = require_customer_managed(env, *key->key, "kms:DisableKey"); !c) return c.error();
  auto r = env.keys.update(key->key->id, [](KeyRecord& k) -> core::Result<void> {
    if (k.state == KeyState::kPendingDeletion)
      return core::AwsError(kKMSInvalidStateException, k.arn + " is pending deletion.");
    k.state = KeyState::kDisabled;
    return {};
  });
  if (!r) return r.error();
  return no_content();
}

Out schedule_key_deletion(Env& env, const Json& in) {
  auto window = optional_int(in, "PendingWindowInDays", 7, 30);
  if (!window) return window.error();
  auto key = resolve_member(env, in);
  if (!key) return key.error();
  if (auto a = env.allow("kms:ScheduleKeyDeletion", *key); !a) return a.error();
  if (auto c = require_customer_managed(env, *key->key, "kms:ScheduleKeyDeletion"); !c) return c.error();
  int days = int(window->value_or(30));
  int64_t now = core::to_unix_millis(env.clock.now());
  auto r = env.keys.update(key->key->id, [&](KeyRecord& k) -> core::Result<void> {
    if (k.state == KeyState::kPendingDeletion)
      return core::AwsError(kKMSInvalidStateException, k.arn + " is pending deletion.");
    k.state = KeyState::kPendingDeletion;
    k.pending_window_days = days;
    k.deletion_ms = now + days * kDayMs;
    return {};
  });
  if (!r) return r.error();
  return nlohmann::ordered_json{{"KeyId", (*r)->arn},
                                {"DeletionDate", epoch_seconds((*r)->deletion_ms)},
                                {"KeyState", "PendingDeletion"},
                                {"PendingWindowInDays", days}};
}

Out cancel_key_deletion(Env& env, const Json& in) {
  auto key = resolve_member(env, in);
  if (!key) return key.error();
  if (auto a = env.allow("kms:CancelKeyDeletion", *key); !a) return a.error();
  if (auto c = require_customer_managed(env, *key->key, "kms:CancelKeyDeletion"); !c) return c.error();
  auto r = env.keys.update(key->key->id, [](KeyRecord& k) -> core::Result<void> {
    if (k.state != KeyState::kPendingDeletion)
      return core::AwsError(kKMSInvalidStateException, k.arn + " is not pending deletion.");
    // AWS leaves a key whose deletion was cancelled disabled.
    k.state = KeyState::kDisabled;
    k.deletion_ms = 0;
    k.pending_window_days = 0;
    return {};
  });
  if (!r) return r.error();
  return nlohmann::ordered_json{{"KeyId", (*r)->arn}};
}

Out update_key_description(Env& env, const Json& in) {
  auto description = optional_string(in, "Description", 8192);
  if (!description) return description.error();
  if (!*description) return missing_member("Description");
  auto key = resolve_member(env, in);
  if (!key) return key.error();
  if (auto a = env.allow("kms:UpdateKeyDescription", *key); !a) return a.error();
  if (auto c = require_customer_managed(env, *key->key, "kms:UpdateKeyDescription"); !c) return c.error();
  auto r = env.keys.update(key->key->id, [&](KeyRecord& k) -> core::Result<void> {
    if (k.state == KeyState::kPendingDeletion)
      return core::AwsError(kKMSInvalidStateException, k.arn + " is pending deletion.");
    k.description = **description;
    return {};
  });
  if (!r) return r.error();
  return no_content();
}

}  // namespace podbucket::kms::ops
