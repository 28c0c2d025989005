#pragma once
// The IAM model of one account: users, access keys, roles, customer-managed policies (with versions),
// attachments and inline policies. Persisted through store::Documents; an in-memory index (loaded at start)
// answers every read. Each write is validated against the index and committed atomically under one exclusive
// lock, then the index and a generation counter change (caches compare generations to invalidate).
//
// Thread-safe: reads share a std::shared_mutex, writes hold it exclusively. Reads return copies (snapshots);
// parsed policy documents inside them are shared immutable values. Store failures throw store::Unavailable.
//
// Errors are IAM's (iam/errors.h): NoSuchEntity 404, EntityAlreadyExists 409, DeleteConflict 409,
// LimitExceeded 409, InvalidInput 400. Document validation (MalformedPolicyDocument, size quotas) is the
// caller's: methods taking a document take it already parsed.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "policy/policy.h"
#include "store/documents.h"

namespace podbucket::iam {

/// An IAM tag. Keys are unique per entity, compared case-insensitively (IAM refuses keys differing only in case).
struct Tag {
  std::string key;
  std::string value;
  bool operator==(const Tag&) const = default;
};

/// A policy document as stored: the text the client sent (returned verbatim, URL-encoded, by Get* calls) and its
/// parse (nullptr only if a stored document no longer parses; it then grants and denies nothing).
struct StoredDocument {
  std::string json;
  std::shared_ptr<const policy::Document> parsed;
};

/// An inline policy embedded in a user or role.
struct InlinePolicy {
  std::string name;
  StoredDocument document;
};

/// An IAM user. `id` is "AIDA" + 17 of [A-Z0-9]; `arn` is arn:aws:iam::ACCOUNT:user{path}{name}.
struct User {
  std::string name;
  std::string path = "/";
  std::string id;
  std::string arn;
  core::TimePoint created{};
  std::vector<Tag> tags;
  std::vector<InlinePolicy> inline_policies;  // name ascending
  std::vector<std::string> attached;          // managed policy ARNs, in attachment order
};

/// An access key of an IAM user: "AKIA" + 16 of [A-Z0-9], a 40-character secret.
struct AccessKey {
  std::string id;
  std::string secret;  // never log
  std::string user_name;
  bool active = true;
  core::TimePoint created{};
};

/// An IAM role. `id` is "AROA" + 17 of [A-Z0-9]; `arn` is arn:aws:iam::ACCOUNT:role{path}{name}.
struct Role {
  std::string name;
  std::string path = "/";
  std::string id;
  std::string arn;
  core::TimePoint created{};
  std::string description;
  int max_session_duration = 3600;  // seconds, 3600..43200
  StoredDocument trust;              // AssumeRolePolicyDocument (policy::Kind::kTrust)
  std::vector<Tag> tags;
  std::vector<InlinePolicy> inline_policies;  // name ascending
  std::vector<std::string> attached;          // managed policy ARNs, in attachment order
};

/// One version of a managed policy ("v1", "v2", ...; numbers never reused within the policy).
struct PolicyVersion {
  std::string id;
  StoredDocument document;
  core::TimePoint created{};
};

/// A customer-managed policy. `id` is "ANPA" + 17 of [A-Z0-9]; `arn` is arn:aws:iam::ACCOUNT:policy{path}{name}.
struct ManagedPolicy {
  std::string name;
  std::string path = "/";
  std::string id;
  std::string arn;
  std::string description;
  core::TimePoint created{};
  core::TimePoint updated{};
  std::vector<PolicyVersion> versions;  // at most 5, oldest first
  std::string default_version;          // id of the default version
  int next_version = 2;                 // the number CreatePolicyVersion uses next
  std::vector<Tag> tags;
  int attachment_count = 0;  // users + roles it is attached to (computed from the index)

  /// The default version (always present in a stored policy).
  const PolicyVersion& default_document() const;
};

/// Which kind of principal entity an attachment or inline policy belongs to.
enum class EntityKind { kUser, kRole };

/// Input of create_role.
struct RoleSpec {
  std::string name;
  std::string path = "/";
  std::string description;
  int max_session_duration = 3600;
  StoredDocument trust;
  std::vector<Tag> tags;
};

/// Input of create_policy.
struct PolicySpec {
  std::string name;
  std::string path = "/";
  std::string description;
  StoredDocument document;
  std::vector<Tag> tags;
};

/// The users and roles a managed policy is attached to (ListEntitiesForPolicy).
struct PolicyEntities {
  std::vector<User> users;
  std::vector<Role> roles;
};

class Directory {
 public:
  /// Loads every IAM document of `documents` into the index. `account_id` is 12 digits. All references must
  /// outlive the Directory. Throws store::Unavailable.
  Directory(store::Documents& documents, const core::Clock& clock, core::Random& random, std::string account_id);
  ~Directory();
  Directory(const Directory&) = delete;
  Directory& operator=(const Directory&) = delete;

  const std::string& account_id() const { return account_id_; }

  /// Bumps on every successful change (any entity, attachment, policy, key). Starts at 1.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  // ---- Users -----------------------------------------------------------------------------------------------

  /// CreateUser. EntityAlreadyExists "User with name NAME already exists." (names compare case-insensitively);
  /// LimitExceeded for more than 50 tags.
  core::Result<User> create_user(std::string_view name, std::string_view path, std::vector<Tag> tags);
  /// The user named `name` (case-insensitive), or nullopt.
  std::optional<User> find_user(std::string_view name) const;
  /// Users whose path starts with `path_prefix`, name ascending (case-insensitive order, as IAM lists).
  std::vector<User> list_users(std::string_view path_prefix = "/") const;
  /// TagUser / UntagUser, as tag_role / untag_role.
  core::Result<void> tag_user(std::string_view name, const std::vector<Tag>& tags);
  core::Result<void> untag_user(std::string_view name, const std::vector<std::string>& keys);
  /// DeleteUser. NoSuchEntity; DeleteConflict while the user has access keys, inline or attached policies.
  core::Result<void> delete_user(std::string_view name);

  // ---- Access keys -----------------------------------------------------------------------------------------

  /// CreateAccessKey: a new Active key. NoSuchEntity; LimitExceeded "Cannot exceed quota for AccessKeysPerUser: 2".
  core::Result<AccessKey> create_access_key(std::string_view user_name);
  /// The user's keys, oldest first. NoSuchEntity for an unknown user.
  core::Result<std::vector<AccessKey>> list_access_keys(std::string_view user_name) const;
  /// UpdateAccessKey (Active/Inactive). NoSuchEntity for an unknown user or a key not belonging to it.
  core::Result<void> set_access_key_active(std::string_view user_name, std::string_view key_id, bool active);
  /// DeleteAccessKey. NoSuchEntity as above.
  core::Result<void> delete_access_key(std::string_view user_name, std::string_view key_id);
  /// The key (active or not) and its user, for SigV4 key lookup (per request, so the User carries only its
  /// identity fields and tags, not its policies); nullopt if unknown.
  std::optional<std::pair<AccessKey, User>> find_access_key(std::string_view key_id) const;

  // ---- Roles -----------------------------------------------------------------------------------------------

  /// CreateRole. EntityAlreadyExists "Role with name NAME already exists."; LimitExceeded for > 50 tags.
  core::Result<Role> create_role(RoleSpec spec);
  /// The role named `name` (case-insensitive), or nullopt.
  std::optional<Role> find_role(std::string_view name) const;
  /// The role whose ARN is `arn` (path included, exact), or nullopt. For STS AssumeRole.
  std::optional<Role> find_role_by_arn(std::string_view arn) const;
  /// Roles whose path starts with `path_prefix`, name ascending.
  std::vector<Role> list_roles(std::string_view path_prefix = "/") const;
  /// UpdateRole: sets the description and/or MaxSessionDuration when given. NoSuchEntity.
  core::Result<void> update_role(std::string_view name, std::optional<std::string> description,
                                 std::optional<int> max_session_duration);
  /// UpdateAssumeRolePolicy. NoSuchEntity.
  core::Result<void> set_trust_policy(std::string_view name, StoredDocument trust);
  /// TagRole: adds or replaces (key case-insensitive). NoSuchEntity; LimitExceeded beyond 50 tags.
  core::Result<void> tag_role(std::string_view name, const std::vector<Tag>& tags);
  /// UntagRole: removes the keys (case-insensitive; absent keys ignored). NoSuchEntity.
  core::Result<void> untag_role(std::string_view name, const std::vector<std::string>& keys);
  /// DeleteRole. NoSuchEntity; DeleteConflict while inline or attached policies remain.
  core::Result<void> delete_role(std::string_view name);

  // ---- Managed policies --------------------------------------------------------------------------------------

  /// CreatePolicy (version v1, default). EntityAlreadyExists "A policy called NAME already exists. Duplicate names
  /// are not allowed."; LimitExceeded for > 50 tags.
  core::Result<ManagedPolicy> create_policy(PolicySpec spec);
  /// The policy with this ARN (exact), or nullopt.
  std::optional<ManagedPolicy> find_policy(std::string_view arn) const;
  /// Policies whose path starts with `path_prefix`; with `only_attached`, those attached to something. Name
  /// ascending.
  std::vector<ManagedPolicy> list_policies(std::string_view path_prefix = "/", bool only_attached = false) const;
  /// DeletePolicy. NoSuchEntity; DeleteConflict while attached ("Cannot delete a policy attached to entities.")
  /// or while it has non-default versions.
  core::Result<void> delete_policy(std::string_view arn);
  /// CreatePolicyVersion. NoSuchEntity; LimitExceeded when the policy already has 5 versions.
  core::Result<PolicyVersion> create_policy_version(std::string_view arn, StoredDocument document,
                                                    bool set_as_default);
  /// DeletePolicyVersion. NoSuchEntity; DeleteConflict for the default version.
  core::Result<void> delete_policy_version(std::string_view arn, std::string_view version_id);
  /// SetDefaultPolicyVersion. NoSuchEntity for an unknown policy or version.
  core::Result<void> set_default_policy_version(std::string_view arn, std::string_view version_id);
  /// TagPolicy / UntagPolicy. NoSuchEntity; LimitExceeded beyond 50 tags.
  core::Result<void> tag_policy(std::string_view arn, const std::vector<Tag>& tags);
  core::Result<void> untag_policy(std::string_view arn, const std::vector<std::string>& keys);
  /// The users and roles `arn` is attached to. NoSuchEntity.
  core::Result<PolicyEntities> entities_for_policy(std::string_view arn) const;

  // ---- Attachments and inline policies (users and roles alike) ----------------------------------------------

  /// Attach{User,Role}Policy. NoSuchEntity for the entity or policy ("Policy ARN does not exist or is not
  /// attachable."); LimitExceeded beyond 10 attached policies ("Cannot exceed quota for PoliciesPerRole: 10").
  /// Attaching an attached policy again succeeds and changes nothing.
  core::Result<void> attach(EntityKind kind, std::string_view entity, std::string_view policy_arn);
  /// Detach{User,Role}Policy. NoSuchEntity also when the policy is not attached ("Policy ARN was not found.").
  core::Result<void> detach(EntityKind kind, std::string_view entity, std::string_view policy_arn);
  /// Put{User,Role}Policy: creates or replaces. NoSuchEntity; LimitExceeded when the entity's inline documents
  /// together exceed the aggregate quota (user 2048, role 10240 characters, whitespace not counted).
  core::Result<void> put_inline(EntityKind kind, std::string_view entity, std::string_view policy_name,
                                StoredDocument document);
  /// Delete{User,Role}Policy. NoSuchEntity for the entity or the policy name.
  core::Result<void> delete_inline(EntityKind kind, std::string_view entity, std::string_view policy_name);

  // ---- For the authorizer and STS --------------------------------------------------------------------------

  /// The identity policies of a user or role: inline ones named "user/NAME inline POLICY" / "role/NAME inline
  /// POLICY", then attached managed policies (default version) named by their ARN. Empty if the entity is gone.
  std::vector<policy::NamedPolicy> identity_policies(EntityKind kind, std::string_view entity) const;
  /// A managed policy's default document named by its ARN (STS PolicyArns session policies), or nullopt.
  std::optional<policy::NamedPolicy> managed_policy_document(std::string_view arn) const;

  /// The ARN forms: arn:aws:iam::ACCOUNT:{user|role|policy}{path}{name}.
  std::string user_arn(std::string_view path, std::string_view name) const;
  std::string role_arn(std::string_view path, std::string_view name) const;
  std::string policy_arn(std::string_view path, std::string_view name) const;

 private:
  struct Index;
  void load();
  void commit(const std::vector<store::Documents::Write>& writes);  // store write + generation bump; lock held
  std::string new_unique_id(std::string_view prefix);               // lock held (checks collisions)

  store::Documents& documents_;
  const core::Clock& clock_;
  core::Random& random_;
  std::string account_id_;
  mutable std::shared_mutex mu_;
  std::unique_ptr<Index> index_;  // guarded by mu_
  std::atomic<uint64_t> generation_{1};
};

}  // namespace podbucket::iam
