// Key policies (GetKeyPolicy, PutKeyPolicy, ListKeyPolicies) and tags (TagResource, UntagResource,
// ListResourceTags). A key has exactly one policy, named "default".
#include <algorithm>

#include "kms/errors.h"
#include "kms/operations.h"
#include "kms/pagination.h"

namespace podbucket::kms::ops {
namespace {

constexpr size_t kMaxTags = 50;

core::Result<void> require_default_policy_name(const Json& in) {
  auto name = optional_string(in, "PolicyName", 128, 1);
  if (!name) return name.error();
  if (*name && **name != "default") return core::AwsError(kNotFoundException, "No such policy exists");
  return {};
}

core::Result<void> not_pending_deletion(const KeyRecord& k) {
  if (k.state == KeyState::kPendingDeletion)
    return core::AwsError(kKMSInvalidStateException, k.arn + " is pending deletion.");
  return {};
}

}  // namespace

Out get_key_policy(Env& env, const Json& in) {
  if (auto n = require_default_policy_name(in); !n) return n.error();
  auto key = resolve_member(env, in);
  if (!key) return key.error();
  if (auto a = env.allow("kms:GetKeyPolicy", *key); !a) return a.error();
  return nlohmann::ordered_json{{"Policy", key->key->policy}, {"PolicyName", "default"}};
}

Out put_key_policy(Env& env, const Json& in) {
  if (auto n = require_default_policy_name(in); !n) return n.error();
  auto text = required_string(in, "Policy", 32768);
  if (!text) return text.error();
  auto bypass = optional_bool(in, "BypassPolicyLockoutSafetyCheck");
  if (!bypass) return bypass.error();
  auto key = resolve_member(env, in);
  if (!key) return key.error();
  if (auto a = env.allow("kms:PutKeyPolicy", *key); !a) return a.error();
  if (auto c = require_customer_managed(env, *key->key, "kms:PutKeyPolicy"); !c) return c.error();
  auto parsed = policy::parse_resource_policy(*text, kMalformedPolicyDocumentException);
  if (!parsed) return parsed.error();
  if (!bypass->value_or(false)) {
    KeyRecord probe = *key->key;
    probe.parsed_policy = *parsed;
    Keyring::Resolved as_new{std::make_shared<const KeyRecord>(std::move(probe)), key->alias};
    if (!env.allow("kms:PutKeyPolicy", as_new))
      return core::AwsError(kMalformedPolicyDocumentException,
                            "The new key policy will not allow you to update the key policy in the future.");
  }
  auto r = env.keys.update(key->key->id, [&](KeyRecord& k) -> core::Result<void> {
    if (auto p = not_pending_deletion(k); !p) return p;
    k.policy = *text;
    k.parsed_policy = *parsed;
    return {};
  });
  if (!r) return r.error();
  return no_content();
}

Out list_key_policies(Env& env, const Json& in) {
  auto page = read_page(in, 1000, 100);
  if (!page) return page.error();
  auto key = resolve_member(env, in);
  if (!key) return key.error();
  if (auto a = env.allow("kms:ListKeyPolicies", *key); !a) return a.error();
  return nlohmann::ordered_json{{"PolicyNames", nlohmann::ordered_json::array({"default"})}, {"Truncated", false}};
}

Out tag_resource(Env& env, const Json& in) {
  auto tags = tag_list(in, "Tags");
  if (!tags) return tags.error();
  if (in.find("Tags") == in.end()) return missing_member("Tags");
  auto key = resolve_member(env, in);
  if (!key) return key.error();
  if (auto a = env.allow("kms:TagResource", *key); !a) return a.error();
  if (auto c = require_customer_managed(env, *key->key, "kms:TagResource"); !c) return c.error();
  auto r = env.keys.update(key->key->id, [&](KeyRecord& k) -> core::Result<void> {
    if (auto p = not_pending_deletion(k); !p) return p;
    for (const Tag& t : *tags) {
      bool replaced = false;
      for (Tag& existing : k.tags)
        if (existing.key == t.key) {
          existing.value = t.value;
          replaced = true;
        }
      if (!replaced) k.tags.push_back(t);
    }
    if (k.tags.size() > kMaxTags) return core::AwsError(kTagException, "Too many tags: a key has at most 50.");
    return {};
  });
  if (!r) return r.error();
  return no_content();
}

Out untag_resource(Env& env, const Json& in) {
  auto it = in.find("TagKeys");
  if (it == in.end() || it->is_null()) return missing_member("TagKeys");
  if (!it->is_array()) return core::AwsError(kSerializationException, "TagKeys must be a list of strings");
  std::vector<std::string> names;
  for (const Json& k : *it) {
    if (!k.is_string()) return core::AwsError(kSerializationException, "TagKeys must be a list of strings");
    names.push_back(k.get<std::string>());
  }
  auto key = resolve_member(env, in);
  if (!key) return key.error();
  if (auto a = env.allow("kms:UntagResource", *key); !a) return a.error();
  if (auto c = require_customer_managed(env, *key->key, "kms:UntagResource"); !c) return c.error();
  auto r = env.keys.update(key->key->id, [&](KeyRecord& k) -> core::Result<void> {
    if (auto p = not_pending_deletion(k); !p) return p;
    std::erase_if(k.tags, [&](const Tag& t) { return std::find(names.begin(), names.end(), t.key) != names.end(); });
    return {};
  });
  if (!r) return r.error();
  return no_content();
}

Out list_resource_tags(Env& env, const Json& in) {
  auto page = read_page(in, 50, 50);
  if (!page) return page.error();
  auto key = resolve_member(env, in);
  if (!key) return key.error();
  if (auto a = env.allow("kms:ListResourceTags", *key); !a) return a.error();
  std::vector<Tag> tags = key->key->tags;
  std::sort(tags.begin(), tags.end(), [](const Tag& a, const Tag& b) { return a.key < b.key; });
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  auto out = paginate(tags, *page, [](const Tag& t) { return t.key; },
                      [&](const Tag& t) { list.push_back({{"TagKey", t.key}, {"TagValue", t.value}}); });
  if (!out) return out.error();
  nlohmann::ordered_json res{{"Tags", list}};
  add_page_fields(res, *out);
  return res;
}

}  // namespace podbucket::kms::ops
