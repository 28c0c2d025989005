#include "iam/key_lookup.h"

namespace podbucket::iam {

sigv4::KeyLookup user_key_lookup(const Directory& directory) {
  return [&directory](std::string_view access_key_id) -> std::optional<sigv4::KeyInfo> {
    if (!access_key_id.starts_with("AKIA")) return std::nullopt;
    auto found = directory.find_access_key(access_key_id);
    if (!found || !found->first.active) return std::nullopt;
    const auto& [key, user] = *found;
    sigv4::KeyInfo info;
    info.secret_access_key = key.secret;
    core::Principal& p = info.principal;
    p.anonymous = false;
    p.root = false;
    p.type = core::PrincipalType::kUser;
    p.access_key_id = key.id;
    p.arn = user.arn;
    p.account_id = directory.account_id();
    p.user_id = user.id;
    p.user_name = user.name;
    for (const auto& t : user.tags) p.tags[t.key] = t.value;
    return info;
  };
}

}  // namespace podbucket::iam
