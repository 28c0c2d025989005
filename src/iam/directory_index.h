#pragma once
// Private to iam/: the in-memory index behind Directory and the JSON form of each entity in store::Documents.
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>

#include "iam/directory.h"

namespace podbucket::iam {

/// Collections in store::Documents. Users, roles and policies are keyed by their lower-cased name (IAM names are
/// unique regardless of case), access keys by key id.
inline constexpr std::string_view kUsersCollection = "iam.users";
inline constexpr std::string_view kRolesCollection = "iam.roles";
inline constexpr std::string_view kPoliciesCollection = "iam.policies";
inline constexpr std::string_view kAccessKeysCollection = "iam.access-keys";

/// Every entity of the account, as loaded from the store and kept current by each write.
struct Directory::Index {
  std::map<std::string, User> users;              // lower-cased name -> user
  std::map<std::string, Role> roles;              // lower-cased name -> role
  std::map<std::string, ManagedPolicy> policies;  // lower-cased name -> policy
  std::map<std::string, std::string> policy_by_arn;  // ARN -> lower-cased name
  std::map<std::string, AccessKey> keys;          // key id -> key
  std::set<std::string> unique_ids;               // every AIDA/AROA/ANPA id in use

  ManagedPolicy* policy(std::string_view arn);
  const ManagedPolicy* policy(std::string_view arn) const;
  /// Recomputes attachment_count of every policy (after load).
  void count_attachments();
};

nlohmann::json to_json(const User& user);
nlohmann::json to_json(const Role& role);
nlohmann::json to_json(const ManagedPolicy& policy);
nlohmann::json to_json(const AccessKey& key);

/// The inverses; documents are re-parsed with policy::parse (a stored document that no longer parses keeps its
/// text and gets a null parse). Throw nlohmann::json::exception on a malformed record.
User user_from_json(const nlohmann::json& j);
Role role_from_json(const nlohmann::json& j);
ManagedPolicy policy_from_json(const nlohmann::json& j);
AccessKey access_key_from_json(const nlohmann::json& j);

/// Parses `json` as `kind` for a stored document; nullptr when it no longer parses.
std::shared_ptr<const policy::Document> reparse(const std::string& json, policy::Kind kind);

}  // namespace podbucket::iam

namespace podbucket::iam {

/// The store write that replaces (or, with `erase`, deletes) the entity's document.
store::Documents::Write write_of(const User& user, bool erase = false);
store::Documents::Write write_of(const Role& role, bool erase = false);
store::Documents::Write write_of(const ManagedPolicy& policy, bool erase = false);
store::Documents::Write write_of(const AccessKey& key, bool erase = false);

/// Most tags an IAM user, role or policy may carry.
inline constexpr size_t kMaxTags = 50;
/// Adds or replaces `add` in `tags` (keys case-insensitive). False, changing nothing, if the result would
/// exceed kMaxTags.
bool merge_tags(std::vector<Tag>& tags, const std::vector<Tag>& add);
/// Removes the keys (case-insensitive).
void remove_tags(std::vector<Tag>& tags, const std::vector<std::string>& keys);

/// The entity's inline policy named `name` (IAM policy names compare case-sensitively here), or nullptr.
const InlinePolicy* find_inline(const std::vector<InlinePolicy>& policies, std::string_view name);

}  // namespace podbucket::iam
