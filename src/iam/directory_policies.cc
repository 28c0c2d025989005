// Directory: customer-managed policies and their versions, attachments, inline policies.
#include <algorithm>
#include <functional>

#include "core/encoding.h"
#include "iam/directory.h"
#include "iam/directory_index.h"
#include "iam/errors.h"

namespace podbucket::iam {

namespace {

constexpr size_t kMaxVersions = 5;
constexpr size_t kMaxAttached = 10;
constexpr size_t kUserInlineQuota = 2048;
constexpr size_t kRoleInlineQuota = 10240;

core::AwsError no_such_policy(std::string_view arn) {
  return core::AwsError(kNoSuchEntity, "Policy " + std::string(arn) + " was not found.");
}

core::AwsError not_attachable(std::string_view arn) {
  return core::AwsError(kNoSuchEntity, "Policy " + std::string(arn) + " does not exist or is not attachable.");
}

core::AwsError no_such_version(std::string_view arn, std::string_view version) {
  return core::AwsError(kNoSuchEntity, "Policy " + std::string(arn) + " version " + std::string(version) +
                                           " does not exist or is not attachable.");
}

core::AwsError no_such_entity(EntityKind kind, std::string_view name) {
  return core::AwsError(kNoSuchEntity, std::string(kind == EntityKind::kUser ? "The user" : "The role") +
                                           " with name " + std::string(name) + " cannot be found.");
}

/// "v7" -> 7; 0 when malformed.
int version_number(std::string_view id) {
  if (id.size() < 2 || id[0] != 'v') return 0;
  int n = 0;
  for (char c : id.substr(1)) {
    if (c < '0' || c > '9' || n > 100000) return 0;
    n = n * 10 + (c - '0');
  }
  return n;
}

}  // namespace

// ---- Managed policies ------------------------------------------------------------------------------------------

core::Result<ManagedPolicy> Directory::create_policy(PolicySpec spec) {
  std::unique_lock lock(mu_);
  std::string key = core::to_lower(spec.name);
  if (index_->policies.contains(key))
    return core::AwsError(kEntityAlreadyExists,
                          "A policy called " + spec.name + " already exists. Duplicate names are not allowed.");
  ManagedPolicy p;
  if (!merge_tags(p.tags, spec.tags)) return core::AwsError(kLimitExceeded, "Cannot exceed quota for TagsPerPolicy: 50");
  p.name = std::move(spec.name);
  p.path = std::move(spec.path);
  p.id = new_unique_id("ANPA");
  p.arn = policy_arn(p.path, p.name);
  p.description = std::move(spec.description);
  p.created = p.updated = clock_.now();
  p.versions.push_back({"v1", std::move(spec.document), p.created});
  p.default_version = "v1";
  p.next_version = 2;
  commit({write_of(p)});
  index_->unique_ids.insert(p.id);
  index_->policy_by_arn[p.arn] = key;
  index_->policies[key] = p;
  return p;
}

std::optional<ManagedPolicy> Directory::find_policy(std::string_view arn) const {
  std::shared_lock lock(mu_);
  const ManagedPolicy* p = index_->policy(arn);
  if (!p) return std::nullopt;
  return *p;
}

std::vector<ManagedPolicy> Directory::list_policies(std::string_view path_prefix, bool only_attached) const {
  std::shared_lock lock(mu_);
  std::vector<ManagedPolicy> out;
  for (const auto& [_, p] : index_->policies)
    if (p.path.starts_with(path_prefix) && (!only_attached || p.attachment_count > 0)) out.push_back(p);
  return out;
}

core::Result<void> Directory::delete_policy(std::string_view arn) {
  std::unique_lock lock(mu_);
  ManagedPolicy* p = index_->policy(arn);
  if (!p) return no_such_policy(arn);
  if (p->attachment_count > 0) return core::AwsError(kDeleteConflict, "Cannot delete a policy attached to entities.");
  if (p->versions.size() > 1)
    return core::AwsError(kDeleteConflict,
                          "This policy has more than one version. Before you delete a policy, you must delete the "
                          "policy's non-default versions.");
  commit({write_of(*p, true)});
  index_->unique_ids.erase(p->id);
  std::string key = core::to_lower(p->name);
  index_->policy_by_arn.erase(p->arn);
  index_->policies.erase(key);
  return {};
}

namespace {

/// Applies `change` to a copy of the policy, commits it, then installs it (attachment_count is kept).
template <typename Change>
core::Result<void> change_policy(ManagedPolicy* p, std::string_view arn, Change&& change,
                                 const std::function<void(const store::Documents::Write&)>& commit) {
  if (!p) return no_such_policy(arn);
  ManagedPolicy copy = *p;
  if (auto ok = change(copy); !ok) return ok;
  commit(write_of(copy));
  *p = std::move(copy);
  return {};
}

}  // namespace

core::Result<PolicyVersion> Directory::create_policy_version(std::string_view arn, StoredDocument document,
                                                             bool set_as_default) {
  std::unique_lock lock(mu_);
  PolicyVersion created;
  auto ok = change_policy(
      index_->policy(arn), arn,
      [&](ManagedPolicy& p) -> core::Result<void> {
        if (p.versions.size() >= kMaxVersions)
          return core::AwsError(kLimitExceeded,
                                "A managed policy can have up to 5 versions. Before you create a new version, you "
                                "must delete an existing version.");
        created = {"v" + std::to_string(p.next_version), std::move(document), clock_.now()};
        ++p.next_version;
        p.versions.push_back(created);
        p.updated = created.created;
        if (set_as_default) p.default_version = created.id;
        return {};
      },
      [&](const store::Documents::Write& w) { commit({w}); });
  if (!ok) return ok.error();
  return created;
}

core::Result<void> Directory::delete_policy_version(std::string_view arn, std::string_view version_id) {
  std::unique_lock lock(mu_);
  return change_policy(
      index_->policy(arn), arn,
      [&](ManagedPolicy& p) -> core::Result<void> {
        auto it = std::find_if(p.versions.begin(), p.versions.end(),
                               [&](const PolicyVersion& v) { return v.id == version_id; });
        if (it == p.versions.end()) return no_such_version(arn, version_id);
        if (it->id == p.default_version)
          return core::AwsError(kDeleteConflict, "Cannot delete the default version of a policy.");
        p.versions.erase(it);
        return {};
      },
      [&](const store::Documents::Write& w) { commit({w}); });
}

core::Result<void> Directory::set_default_policy_version(std::string_view arn, std::string_view version_id) {
  std::unique_lock lock(mu_);
  return change_policy(
      index_->policy(arn), arn,
      [&](ManagedPolicy& p) -> core::Result<void> {
        bool known = version_number(version_id) > 0 &&
                     std::any_of(p.versions.begin(), p.versions.end(),
                                 [&](const PolicyVersion& v) { return v.id == version_id; });
        if (!known) return no_such_version(arn, version_id);
        p.default_version = std::string(version_id);
        p.updated = clock_.now();
        return {};
      },
      [&](const store::Documents::Write& w) { commit({w}); });
}

core::Result<void> Directory::tag_policy(std::string_view arn, const std::vector<Tag>& tags) {
  std::unique_lock lock(mu_);
  return change_policy(
      index_->policy(arn), arn,
      [&](ManagedPolicy& p) -> core::Result<void> {
        if (!merge_tags(p.tags, tags)) return core::AwsError(kLimitExceeded, "Cannot exceed quota for TagsPerPolicy: 50");
        return {};
      },
      [&](const store::Documents::Write& w) { commit({w}); });
}

core::Result<void> Directory::untag_policy(std::string_view arn, const std::vector<std::string>& keys) {
  std::unique_lock lock(mu_);
  return change_policy(
      index_->policy(arn), arn,
      [&](ManagedPolicy& p) -> core::Result<void> {
        remove_tags(p.tags, keys);
        return {};
      },
      [&](const store::Documents::Write& w) { commit({w}); });
}

core::Result<PolicyEntities> Directory::entities_for_policy(std::string_view arn) const {
  std::shared_lock lock(mu_);
  if (!index_->policy(arn)) return no_such_policy(arn);
  PolicyEntities out;
  auto has = [&](const std::vector<std::string>& v) { return std::find(v.begin(), v.end(), arn) != v.end(); };
  for (const auto& [_, u] : index_->users)
    if (has(u.attached)) out.users.push_back(u);
  for (const auto& [_, r] : index_->roles)
    if (has(r.attached)) out.roles.push_back(r);
  return out;
}

// ---- Attachments and inline policies ---------------------------------------------------------------------------

core::Result<void> Directory::attach(EntityKind kind, std::string_view entity, std::string_view policy_arn) {
  std::unique_lock lock(mu_);
  auto apply = [&](auto& map) -> core::Result<void> {
    auto it = map.find(core::to_lower(entity));
    if (it == map.end()) return no_such_entity(kind, entity);
    ManagedPolicy* p = index_->policy(policy_arn);
    if (!p) return not_attachable(policy_arn);
    auto copy = it->second;
    if (std::find(copy.attached.begin(), copy.attached.end(), p->arn) != copy.attached.end()) return {};
    if (copy.attached.size() >= kMaxAttached)
      return core::AwsError(kLimitExceeded, std::string("Cannot exceed quota for PoliciesPer") +
                                                (kind == EntityKind::kUser ? "User" : "Role") + ": 10");
    copy.attached.push_back(p->arn);
    commit({write_of(copy)});
    it->second = std::move(copy);
    ++p->attachment_count;
    return {};
  };
  return kind == EntityKind::kUser ? apply(index_->users) : apply(index_->roles);
}

core::Result<void> Directory::detach(EntityKind kind, std::string_view entity, std::string_view policy_arn) {
  std::unique_lock lock(mu_);
  auto apply = [&](auto& map) -> core::Result<void> {
    auto it = map.find(core::to_lower(entity));
    if (it == map.end()) return no_such_entity(kind, entity);
    auto copy = it->second;
    auto pos = std::find(copy.attached.begin(), copy.attached.end(), policy_arn);
    if (pos == copy.attached.end()) return no_such_policy(policy_arn);
    copy.attached.erase(pos);
    commit({write_of(copy)});
    it->second = std::move(copy);
    if (ManagedPolicy* p = index_->policy(policy_arn)) --p->attachment_count;
    return {};
  };
  return kind == EntityKind::kUser ? apply(index_->users) : apply(index_->roles);
}

core::Result<void> Directory::put_inline(EntityKind kind, std::string_view entity, std::string_view policy_name,
                                         StoredDocument document) {
  std::unique_lock lock(mu_);
  auto apply = [&](auto& map) -> core::Result<void> {
    auto it = map.find(core::to_lower(entity));
    if (it == map.end()) return no_such_entity(kind, entity);
    auto copy = it->second;
    auto& list = copy.inline_policies;
    auto pos = std::find_if(list.begin(), list.end(), [&](const InlinePolicy& p) { return p.name == policy_name; });
    if (pos != list.end()) {
      pos->document = std::move(document);
    } else {
      list.push_back({std::string(policy_name), std::move(document)});
      std::sort(list.begin(), list.end(), [](const InlinePolicy& a, const InlinePolicy& b) { return a.name < b.name; });
    }
    size_t total = 0;
    for (const auto& p : list) total += policy::count_policy_chars(p.document.json);
    size_t quota = kind == EntityKind::kUser ? kUserInlineQuota : kRoleInlineQuota;
    if (total > quota)
      return core::AwsError(kLimitExceeded, std::string("Maximum policy size of ") + std::to_string(quota) +
                                                " bytes exceeded for " +
                                                (kind == EntityKind::kUser ? "user " : "role ") + copy.name);
    commit({write_of(copy)});
    it->second = std::move(copy);
    return {};
  };
  return kind == EntityKind::kUser ? apply(index_->users) : apply(index_->roles);
}

core::Result<void> Directory::delete_inline(EntityKind kind, std::string_view entity, std::string_view policy_name) {
  std::unique_lock lock(mu_);
  auto apply = [&](auto& map) -> core::Result<void> {
    auto it = map.find(core::to_lower(entity));
    if (it == map.end()) return no_such_entity(kind, entity);
    auto copy = it->second;
    auto& list = copy.inline_policies;
    auto pos = std::find_if(list.begin(), list.end(), [&](const InlinePolicy& p) { return p.name == policy_name; });
    if (pos == list.end())
      return core::AwsError(kNoSuchEntity, std::string(kind == EntityKind::kUser ? "The user" : "The role") +
                                               " policy with name " + std::string(policy_name) + " cannot be found.");
    list.erase(pos);
    commit({write_of(copy)});
    it->second = std::move(copy);
    return {};
  };
  return kind == EntityKind::kUser ? apply(index_->users) : apply(index_->roles);
}

}  // namespace podbucket::iam
