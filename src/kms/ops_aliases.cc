// Aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases. An alias operation needs permission on the alias
// (identity policies) and on each key it touches (key policy).
// https://docs.aws.amazon.com/kms/latest/developerguide/alias-access.html
#include "kms/errors.h"
#include "kms/operations.h"
#include "kms/pagination.h"

namespace podbucket::kms::ops {
namespace {

// Checks an alias name a caller wants to create, change or delete.
core::Result<std::string> alias_name_member(const Json& in) {
  auto name = required_string(in, "AliasName", 256);
  if (!name) return name.error();
  for (char c : *name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '_' ||
          c == '-' || c == ':'))
      return validation_error("AliasName", *name,
                              "Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$");
  if (name->substr(0, 6) != "alias/" || name->size() == 6 || name->find(':') != std::string::npos)
    return core::AwsError(kValidationException,
                          "Alias must start with the prefix \"alias/\". Please see "
                          "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html");
  if (name->substr(0, 10) == "alias/aws/")
    return core::AwsError(kNotAuthorizedException,
                          "The alias prefix alias/aws/ is reserved for AWS managed keys; you cannot create, change "
                          "or delete such aliases.");
  return name;
}

core::Result<Keyring::Resolved> target_member(Env& env, const Json& in) {
  auto id = required_string(in, "TargetKeyId", 2048);
  if (!id) return id.error();
  auto key = env.keys.resolve_key_only(*id);
  if (!key) return key.error();
  return Keyring::Resolved{*key, ""};
}

core::Result<void> usable_target(const Env& env, const KeyRecord& key, std::string_view action) {
  if (key.state == KeyState::kPendingDeletion)
    return core::AwsError(kKMSInvalidStateException, key.arn + " is pending deletion.");
  return require_customer_managed(env, key, action);
}

}  // namespace

Out create_alias(Env& env, const Json& in) {
  auto name = alias_name_member(in);
  if (!name) return name.error();
  auto target = target_member(env, in);
  if (!target) return target.error();
  if (auto a = env.allow_resource("kms:CreateAlias", env.keys.alias_arn(*name)); !a) return a.error();
  if (auto a = env.allow("kms:CreateAlias", *target); !a) return a.error();
  if (auto u = usable_target(env, *target->key, "kms:CreateAlias"); !u) return u.error();
  if (auto r = env.keys.create_alias(*name, target->key->id); !r) return r.error();
  return no_content();
}

Out update_alias(Env& env, const Json& in) {
  auto name = alias_name_member(in);
  if (!name) return name.error();
  auto target = target_member(env, in);
  if (!target) return target.error();
  auto current = env.keys.resolve(*name);
  if (!current) return current.error();
  if (auto a = env.allow_resource("kms:UpdateAlias", env.keys.alias_arn(*name)); !a) return a.error();
  if (auto a = env.allow("kms:UpdateAlias", Keyring::Resolved{current->key, ""}); !a) return a.error();
  if (auto a = env.allow("kms:UpdateAlias", *target); !a) return a.error();
  if (auto u = usable_target(env, *target->key, "kms:UpdateAlias"); !u) return u.error();
  if (auto r = env.keys.update_alias(*name, target->key->id); !r) return r.error();
  return no_content();
}

Out delete_alias(Env& env, const Json& in) {
  auto name = alias_name_member(in);
  if (!name) return name.error();
  auto current = env.keys.resolve(*name);
  if (!current) return current.error();
  if (auto a = env.allow_resource("kms:DeleteAlias", env.keys.alias_arn(*name)); !a) return a.error();
  if (auto a = env.allow("kms:DeleteAlias", Keyring::Resolved{current->key, ""}); !a) return a.error();
  if (auto r = env.keys.delete_alias(*name); !r) return r.error();
  return no_content();
}

Out list_aliases(Env& env, const Json& in) {
  auto page = read_page(in, 100, 50);
  if (!page) return page.error();
  auto key_id = optional_string(in, "KeyId", 2048, 1);
  if (!key_id) return key_id.error();
  std::string filter;
  if (*key_id) {
    auto key = env.keys.resolve_key_only(**key_id);
    if (!key) return key.error();
    filter = (*key)->id;
  }
  if (auto a = env.allow_resource("kms:ListAliases", "*"); !a) return a.error();
  std::vector<AliasRecord> aliases = env.keys.list_aliases();
  if (!filter.empty())
    std::erase_if(aliases, [&](const AliasRecord& a) { return a.target_key_id != filter; });
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  auto out = paginate(aliases, *page, [](const AliasRecord& a) { return a.name; }, [&](const AliasRecord& a) {
    nlohmann::ordered_json entry{{"AliasName", a.name}, {"AliasArn", env.keys.alias_arn(a.name)}};
    if (!a.target_key_id.empty()) {
      entry["TargetKeyId"] = a.target_key_id;
      entry["CreationDate"] = epoch_seconds(a.creation_ms);
      entry["LastUpdatedDate"] = epoch_seconds(a.updated_ms);
    }
    list.push_back(std::move(entry));
  });
  if (!out) return out.error();
  nlohmann::ordered_json res{{"Aliases", list}};
  add_page_fields(res, *out);
  return res;
}

}  // namespace podbucket::kms::ops
