// Directory: roles (CreateRole, UpdateRole, UpdateAssumeRolePolicy, Tag/UntagRole, DeleteRole).
#include <functional>
#include <map>

#include "core/encoding.h"
#include "iam/directory.h"
#include "iam/directory_index.h"
#include "iam/errors.h"

namespace podbucket::iam {

namespace {

core::AwsError no_such_role(std::string_view name) {
  return core::AwsError(kNoSuchEntity, "The role with name " + std::string(name) + " cannot be found.");
}

core::AwsError too_many_tags() { return core::AwsError(kLimitExceeded, "Cannot exceed quota for TagsPerRole: 50"); }

}  // namespace

core::Result<Role> Directory::create_role(RoleSpec spec) {
  std::unique_lock lock(mu_);
  std::string key = core::to_lower(spec.name);
  if (index_->roles.contains(key))
    return core::AwsError(kEntityAlreadyExists, "Role with name " + spec.name + " already exists.");
  Role r;
  if (!merge_tags(r.tags, spec.tags)) return too_many_tags();
  r.name = std::move(spec.name);
  r.path = std::move(spec.path);
  r.id = new_unique_id("AROA");
  r.arn = role_arn(r.path, r.name);
  r.created = clock_.now();
  r.description = std::move(spec.description);
  r.max_session_duration = spec.max_session_duration;
  r.trust = std::move(spec.trust);
  commit({write_of(r)});
  index_->unique_ids.insert(r.id);
  index_->roles[key] = r;
  return r;
}

std::optional<Role> Directory::find_role(std::string_view name) const {
  std::shared_lock lock(mu_);
  auto it = index_->roles.find(core::to_lower(name));
  if (it == index_->roles.end()) return std::nullopt;
  return it->second;
}

std::optional<Role> Directory::find_role_by_arn(std::string_view arn) const {
  auto slash = arn.rfind('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::shared_lock lock(mu_);
  auto it = index_->roles.find(core::to_lower(arn.substr(slash + 1)));
  if (it == index_->roles.end() || it->second.arn != arn) return std::nullopt;
  return it->second;
}

std::vector<Role> Directory::list_roles(std::string_view path_prefix) const {
  std::shared_lock lock(mu_);
  std::vector<Role> out;
  for (const auto& [_, r] : index_->roles)
    if (r.path.starts_with(path_prefix)) out.push_back(r);
  return out;
}

namespace {

/// Applies `change` to a copy of the role named `name`, commits it, then installs it. NoSuchEntity.
template <typename Change>
core::Result<void> change_role(std::map<std::string, Role>& roles, std::string_view name, Change&& change,
                               const std::function<void(const store::Documents::Write&)>& commit) {
  auto it = roles.find(core::to_lower(name));
  if (it == roles.end()) return no_such_role(name);
  Role r = it->second;
  if (auto ok = change(r); !ok) return ok;
  commit(write_of(r));
  it->second = std::move(r);
  return {};
}

}  // namespace

core::Result<void> Directory::update_role(std::string_view name, std::optional<std::string> description,
                                          std::optional<int> max_session_duration) {
  std::unique_lock lock(mu_);
  return change_role(
      index_->roles, name,
      [&](Role& r) -> core::Result<void> {
        if (description) r.description = *description;
        if (max_session_duration) r.max_session_duration = *max_session_duration;
        return {};
      },
      [&](const store::Documents::Write& w) { commit({w}); });
}

core::Result<void> Directory::set_trust_policy(std::string_view name, StoredDocument trust) {
  std::unique_lock lock(mu_);
  return change_role(
      index_->roles, name,
      [&](Role& r) -> core::Result<void> {
        r.trust = std::move(trust);
        return {};
      },
      [&](const store::Documents::Write& w) { commit({w}); });
}

core::Result<void> Directory::tag_role(std::string_view name, const std::vector<Tag>& tags) {
  std::unique_lock lock(mu_);
  return change_role(
      index_->roles, name,
      [&](Role& r) -> core::Result<void> {
        if (!merge_tags(r.tags, tags)) return too_many_tags();
        return {};
      },
      [&](const store::Documents::Write& w) { commit({w}); });
}

core::Result<void> Directory::untag_role(std::string_view name, const std::vector<std::string>& keys) {
  std::unique_lock lock(mu_);
  return change_role(
      index_->roles, name,
      [&](Role& r) -> core::Result<void> {
        remove_tags(r.tags, keys);
        return {};
      },
      [&](const store::Documents::Write& w) { commit({w}); });
}

core::Result<void> Directory::delete_role(std::string_view name) {
  std::unique_lock lock(mu_);
  auto it = index_->roles.find(core::to_lower(name));
  if (it == index_->roles.end()) return no_such_role(name);
  const Role& r = it->second;
  if (!r.inline_policies.empty())
    return core::AwsError(kDeleteConflict, "Cannot delete entity, must delete policies first.");
  if (!r.attached.empty())
    return core::AwsError(kDeleteConflict, "Cannot delete entity, must detach all policies first.");
  commit({write_of(r, true)});
  index_->unique_ids.erase(r.id);
  index_->roles.erase(it);
  return {};
}

}  // namespace podbucket::iam
