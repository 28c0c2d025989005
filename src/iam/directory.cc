#include "iam/directory.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/encoding.h"
#include "iam/directory_index.h"
#include "iam/errors.h"

namespace podbucket::iam {

namespace {

constexpr std::string_view kIdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
constexpr std::string_view kSecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr size_t kMaxAccessKeysPerUser = 2;

core::AwsError no_such_user(std::string_view name) {
  return core::AwsError(kNoSuchEntity, "The user with name " + std::string(name) + " cannot be found.");
}

}  // namespace

// ---- Index helpers ---------------------------------------------------------------------------------------------

ManagedPolicy* Directory::Index::policy(std::string_view arn) {
  auto it = policy_by_arn.find(std::string(arn));
  if (it == policy_by_arn.end()) return nullptr;
  auto p = policies.find(it->second);
  return p == policies.end() ? nullptr : &p->second;
}

const ManagedPolicy* Directory::Index::policy(std::string_view arn) const {
  return const_cast<Index*>(this)->policy(arn);
}

void Directory::Index::count_attachments() {
  for (auto& [_, p] : policies) p.attachment_count = 0;
  auto count = [&](const std::vector<std::string>& arns) {
    for (const auto& arn : arns)
      if (auto* p = policy(arn)) ++p->attachment_count;
  };
  for (const auto& [_, u] : users) count(u.attached);
  for (const auto& [_, r] : roles) count(r.attached);
}

store::Documents::Write write_of(const User& u, bool erase) {
  return {std::string(kUsersCollection), core::to_lower(u.name),
          erase ? std::nullopt : std::optional<std::string>(to_json(u).dump())};
}
store::Documents::Write write_of(const Role& r, bool erase) {
  return {std::string(kRolesCollection), core::to_lower(r.name),
          erase ? std::nullopt : std::optional<std::string>(to_json(r).dump())};
}
store::Documents::Write write_of(const ManagedPolicy& p, bool erase) {
  return {std::string(kPoliciesCollection), core::to_lower(p.name),
          erase ? std::nullopt : std::optional<std::string>(to_json(p).dump())};
}
store::Documents::Write write_of(const AccessKey& k, bool erase) {
  return {std::string(kAccessKeysCollection), k.id,
          erase ? std::nullopt : std::optional<std::string>(to_json(k).dump())};
}

bool merge_tags(std::vector<Tag>& tags, const std::vector<Tag>& add) {
  std::vector<Tag> out = tags;
  for (const auto& t : add) {
    auto it = std::find_if(out.begin(), out.end(), [&](const Tag& x) { return core::iequals(x.key, t.key); });
    if (it != out.end()) {
      *it = t;
    } else {
      out.push_back(t);
    }
  }
  if (out.size() > kMaxTags) return false;
  tags = std::move(out);
  return true;
}

void remove_tags(std::vector<Tag>& tags, const std::vector<std::string>& keys) {
  std::erase_if(tags, [&](const Tag& t) {
    return std::any_of(keys.begin(), keys.end(), [&](const std::string& k) { return core::iequals(k, t.key); });
  });
}

const InlinePolicy* find_inline(const std::vector<InlinePolicy>& policies, std::string_view name) {
  for (const auto& p : policies)
    if (p.name == name) return &p;
  return nullptr;
}

const PolicyVersion& ManagedPolicy::default_document() const {
  for (const auto& v : versions)
    if (v.id == default_version) return v;
  return versions.front();
}

// ---- Construction ----------------------------------------------------------------------------------------------

Directory::Directory(store::Documents& documents, const core::Clock& clock, core::Random& random,
                     std::string account_id)
    : documents_(documents),
      clock_(clock),
      random_(random),
      account_id_(std::move(account_id)),
      index_(std::make_unique<Index>()) {
  load();
}

Directory::~Directory() = default;

void Directory::load() {
  Index& ix = *index_;
  auto each = [&](std::string_view collection, auto&& add) {
    for (const auto& [id, body] : documents_.list(collection)) {
      try {
        add(nlohmann::json::parse(body));
      } catch (const std::exception& e) {
        spdlog::error("iam: skipping unreadable record {}/{}: {}", collection, id, e.what());
      }
    }
  };
  each(kUsersCollection, [&](const nlohmann::json& j) {
    User u = user_from_json(j);
    ix.unique_ids.insert(u.id);
    ix.users[core::to_lower(u.name)] = std::move(u);
  });
  each(kRolesCollection, [&](const nlohmann::json& j) {
    Role r = role_from_json(j);
    ix.unique_ids.insert(r.id);
    ix.roles[core::to_lower(r.name)] = std::move(r);
  });
  each(kPoliciesCollection, [&](const nlohmann::json& j) {
    ManagedPolicy p = policy_from_json(j);
    ix.unique_ids.insert(p.id);
    std::string key = core::to_lower(p.name);
    ix.policy_by_arn[p.arn] = key;
    ix.policies[key] = std::move(p);
  });
  each(kAccessKeysCollection, [&](const nlohmann::json& j) {
    AccessKey k = access_key_from_json(j);
    ix.keys[k.id] = std::move(k);
  });
  ix.count_attachments();
}

void Directory::commit(const std::vector<store::Documents::Write>& writes) {
  documents_.commit(writes);
  generation_.fetch_add(1, std::memory_order_acq_rel);
}

std::string Directory::new_unique_id(std::string_view prefix) {
  for (;;) {
    std::string id = std::string(prefix) + random_.token(17, kIdAlphabet);
    if (!index_->unique_ids.contains(id)) return id;
  }
}

std::string Directory::user_arn(std::string_view path, std::string_view name) const {
  return "arn:aws:iam::" + account_id_ + ":user" + std::string(path) + std::string(name);
}
std::string Directory::role_arn(std::string_view path, std::string_view name) const {
  return "arn:aws:iam::" + account_id_ + ":role" + std::string(path) + std::string(name);
}
std::string Directory::policy_arn(std::string_view path, std::string_view name) const {
  return "arn:aws:iam::" + account_id_ + ":policy" + std::string(path) + std::string(name);
}

// ---- Users -----------------------------------------------------------------------------------------------------

core::Result<User> Directory::create_user(std::string_view name, std::string_view path, std::vector<Tag> tags) {
  std::unique_lock lock(mu_);
  std::string key = core::to_lower(name);
  if (index_->users.contains(key))
    return core::AwsError(kEntityAlreadyExists, "User with name " + std::string(name) + " already exists.");
  User u;
  u.name = std::string(name);
  u.path = std::string(path);
  u.id = new_unique_id("AIDA");
  u.arn = user_arn(path, name);
  u.created = clock_.now();
  if (!merge_tags(u.tags, tags)) return core::AwsError(kLimitExceeded, "Cannot exceed quota for TagsPerUser: 50");
  commit({write_of(u)});
  index_->unique_ids.insert(u.id);
  index_->users[key] = u;
  return u;
}

std::optional<User> Directory::find_user(std::string_view name) const {
  std::shared_lock lock(mu_);
  auto it = index_->users.find(core::to_lower(name));
  if (it == index_->users.end()) return std::nullopt;
  return it->second;
}

std::vector<User> Directory::list_users(std::string_view path_prefix) const {
  std::shared_lock lock(mu_);
  std::vector<User> out;
  for (const auto& [_, u] : index_->users)
    if (u.path.starts_with(path_prefix)) out.push_back(u);
  return out;
}

core::Result<void> Directory::delete_user(std::string_view name) {
  std::unique_lock lock(mu_);
  auto it = index_->users.find(core::to_lower(name));
  if (it == index_->users.end()) return no_such_user(name);
  const User& u = it->second;
  for (const auto& [_, k] : index_->keys)
    if (k.user_name == u.name)
      return core::AwsError(kDeleteConflict, "Cannot delete entity, must delete access keys first.");
  if (!u.inline_policies.empty())
    return core::AwsError(kDeleteConflict, "Cannot delete entity, must delete policies first.");
  if (!u.attached.empty())
    return core::AwsError(kDeleteConflict, "Cannot delete entity, must detach all policies first.");
  commit({write_of(u, true)});
  index_->unique_ids.erase(u.id);
  index_->users.erase(it);
  return {};
}

core::Result<void> Directory::tag_user(std::string_view name, const std::vector<Tag>& tags) {
  std::unique_lock lock(mu_);
  auto it = index_->users.find(core::to_lower(name));
  if (it == index_->users.end()) return no_such_user(name);
  User u = it->second;
  if (!merge_tags(u.tags, tags)) return core::AwsError(kLimitExceeded, "Cannot exceed quota for TagsPerUser: 50");
  commit({write_of(u)});
  it->second = std::move(u);
  return {};
}

core::Result<void> Directory::untag_user(std::string_view name, const std::vector<std::string>& keys) {
  std::unique_lock lock(mu_);
  auto it = index_->users.find(core::to_lower(name));
  if (it == index_->users.end()) return no_such_user(name);
  User u = it->second;
  remove_tags(u.tags, keys);
  commit({write_of(u)});
  it->second = std::move(u);
  return {};
}

// ---- Access keys -----------------------------------------------------------------------------------------------

core::Result<AccessKey> Directory::create_access_key(std::string_view user_name) {
  std::unique_lock lock(mu_);
  auto it = index_->users.find(core::to_lower(user_name));
  if (it == index_->users.end()) return no_such_user(user_name);
  size_t count = 0;
  for (const auto& [_, k] : index_->keys) count += k.user_name == it->second.name;
  if (count >= kMaxAccessKeysPerUser)
    return core::AwsError(kLimitExceeded, "Cannot exceed quota for AccessKeysPerUser: 2");
  AccessKey k;
  do {
    k.id = "AKIA" + random_.token(16, kIdAlphabet);
  } while (index_->keys.contains(k.id));
  k.secret = random_.token(40, kSecretAlphabet);
  k.user_name = it->second.name;
  k.active = true;
  k.created = clock_.now();
  commit({write_of(k)});
  index_->keys[k.id] = k;
  return k;
}

core::Result<std::vector<AccessKey>> Directory::list_access_keys(std::string_view user_name) const {
  std::shared_lock lock(mu_);
  auto it = index_->users.find(core::to_lower(user_name));
  if (it == index_->users.end()) return no_such_user(user_name);
  std::vector<AccessKey> out;
  for (const auto& [_, k] : index_->keys)
    if (k.user_name == it->second.name) out.push_back(k);
  std::stable_sort(out.begin(), out.end(), [](const AccessKey& a, const AccessKey& b) { return a.created < b.created; });
  return out;
}

namespace {

core::AwsError no_such_key(std::string_view key_id) {
  return core::AwsError(kNoSuchEntity, "The Access Key with id " + std::string(key_id) + " cannot be found.");
}

}  // namespace

core::Result<void> Directory::set_access_key_active(std::string_view user_name, std::string_view key_id,
                                                    bool active) {
  std::unique_lock lock(mu_);
  auto u = index_->users.find(core::to_lower(user_name));
  if (u == index_->users.end()) return no_such_user(user_name);
  auto it = index_->keys.find(std::string(key_id));
  if (it == index_->keys.end() || it->second.user_name != u->second.name) return no_such_key(key_id);
  if (it->second.active == active) return {};
  AccessKey k = it->second;
  k.active = active;
  commit({write_of(k)});
  it->second = std::move(k);
  return {};
}

core::Result<void> Directory::delete_access_key(std::string_view user_name, std::string_view key_id) {
  std::unique_lock lock(mu_);
  auto u = index_->users.find(core::to_lower(user_name));
  if (u == index_->users.end()) return no_such_user(user_name);
  auto it = index_->keys.find(std::string(key_id));
  if (it == index_->keys.end() || it->second.user_name != u->second.name) return no_such_key(key_id);
  commit({write_of(it->second, true)});
  index_->keys.erase(it);
  return {};
}

std::optional<std::pair<AccessKey, User>> Directory::find_access_key(std::string_view key_id) const {
  std::shared_lock lock(mu_);
  auto it = index_->keys.find(std::string(key_id));
  if (it == index_->keys.end()) return std::nullopt;
  auto u = index_->users.find(core::to_lower(it->second.user_name));
  if (u == index_->users.end()) return std::nullopt;
  User who;
  who.name = u->second.name;
  who.path = u->second.path;
  who.id = u->second.id;
  who.arn = u->second.arn;
  who.created = u->second.created;
  who.tags = u->second.tags;
  return std::make_pair(it->second, std::move(who));
}

// ---- For the authorizer and STS ------------------------------------------------------------------------------

std::vector<policy::NamedPolicy> Directory::identity_policies(EntityKind kind, std::string_view entity) const {
  std::shared_lock lock(mu_);
  const std::vector<InlinePolicy>* inline_policies = nullptr;
  const std::vector<std::string>* attached = nullptr;
  std::string label;
  if (kind == EntityKind::kUser) {
    auto it = index_->users.find(core::to_lower(entity));
    if (it == index_->users.end()) return {};
    inline_policies = &it->second.inline_policies;
    attached = &it->second.attached;
    label = "user/" + it->second.name + " inline ";
  } else {
    auto it = index_->roles.find(core::to_lower(entity));
    if (it == index_->roles.end()) return {};
    inline_policies = &it->second.inline_policies;
    attached = &it->second.attached;
    label = "role/" + it->second.name + " inline ";
  }
  std::vector<policy::NamedPolicy> out;
  for (const auto& p : *inline_policies)
    if (p.document.parsed) out.push_back({label + p.name, p.document.parsed});
  for (const auto& arn : *attached) {
    const ManagedPolicy* mp = index_->policy(arn);
    if (!mp) continue;
    const auto& doc = mp->default_document().document;
    if (doc.parsed) out.push_back({mp->arn, doc.parsed});
  }
  return out;
}

std::optional<policy::NamedPolicy> Directory::managed_policy_document(std::string_view arn) const {
  std::shared_lock lock(mu_);
  const ManagedPolicy* mp = index_->policy(arn);
  if (!mp) return std::nullopt;
  const auto& doc = mp->default_document().document;
  if (!doc.parsed) return std::nullopt;
  return policy::NamedPolicy{mp->arn, doc.parsed};
}

}  // namespace podbucket::iam
