#pragma once
// Temporary credentials: issuing them, persisting them, and finding them again when a request is signed with
// them. Every STS flow (AssumeRole, AssumeRoleWithWebIdentity, GetSessionToken) and EKS Auth
// (AssumeRoleForPodIdentity) ends in SessionStore::issue.
//
// Sessions live in store::Documents (collection "sts-sessions", keyed by access key id) so they survive restarts,
// with an in-memory cache in front for SigV4 lookups. Expired sessions keep answering ExpiredToken for a retention
// period, then are garbage-collected (after which their key is simply unknown: InvalidClientTokenId).
// https://docs.aws.amazon.com/STS/latest/APIReference/API_Credentials.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html
#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/principal.h"
#include "core/random.h"
#include "iam/directory.h"
#include "sigv4/verify.h"
#include "store/documents.h"

namespace podbucket::sts {

inline constexpr std::string_view kSessionsCollection = "sts-sessions";

/// Temporary credentials as STS returns them.
struct Credentials {
  std::string access_key_id;      // "ASIA" + 16 of [A-Z2-7]
  std::string secret_access_key;  // 40 characters of [A-Za-z0-9+/]; never logged
  std::string session_token;      // opaque base64 (192 characters); never logged
  core::TimePoint expiration{};   // whole seconds
};

/// One issued session: its credentials, and the principal that requests signed with them act as.
struct Session {
  Credentials credentials;
  core::Principal principal;    // access_key_id, session_token, token_issue_time_s filled in
  std::string source_identity;  // sts:SourceIdentity set at AssumeRole ("" if none)
};

/// What a role session is made of. The caller has validated every field.
struct RoleSessionSpec {
  iam::Role role;                                // the assumed role (arn with path, id, name, tags)
  std::string session_name;                      // 2..64 of [\w+=,.@-]
  std::vector<iam::Tag> session_tags;            // passed and inherited transitive tags, keys unique (case-insensitive)
  std::vector<std::string> transitive_tag_keys;  // carried into sessions this one assumes
  std::string session_policy;                    // inline session policy JSON ("" if none)
  std::vector<std::string> session_policy_arns;  // managed session policies
  std::string source_identity;
  bool chained = false;  // assumed by a role session (role chaining)
};

/// The principal of a role session: type kAssumedRole, arn "arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION" (the
/// role's path dropped), role_arn with the path, user_id "AROA...:SESSION", tags = the role's tags overlaid by the
/// session tags (a session tag replaces a role tag whose key matches case-insensitively; the session tag's
/// spelling wins). The credentials fields are left empty for SessionStore::issue.
core::Principal role_session_principal(const RoleSessionSpec& spec);

/// The account id inside an IAM or STS ARN ("arn:aws:iam::123456789012:role/x" -> "123456789012"), or "".
std::string_view arn_account(std::string_view arn);

class SessionStore {
 public:
  struct Options {
    std::chrono::seconds retention{std::chrono::hours(24)};       // expired sessions answer ExpiredToken this long
    std::chrono::seconds gc_interval{std::chrono::minutes(10)};   // at most one collection per interval
  };

  /// The references must outlive the store. Loads nothing up front (sessions are read on first use).
  SessionStore(store::Documents& documents, const core::Clock& clock, core::Random& random);
  SessionStore(store::Documents& documents, const core::Clock& clock, core::Random& random, Options options);

  /// Issues credentials for `principal`, valid from now for `duration` (whole seconds). Overwrites the
  /// principal's access_key_id, session_token and token_issue_time_s. Durable before it returns. Also collects
  /// garbage when gc_interval has passed since the last collection. Thread-safe; throws store::Unavailable.
  Session issue(core::Principal principal, std::chrono::seconds duration, std::string source_identity = {});

  /// The session of `access_key_id`, expired or not, or nullopt if unknown or collected. Thread-safe; throws
  /// store::Unavailable.
  std::optional<Session> find(std::string_view access_key_id) const;

  /// A SigV4 key lookup for ASIA... keys: secret, principal, session token and expiry (sigv4::verify then answers
  /// InvalidToken/InvalidClientTokenId for a wrong token and ExpiredToken after expiry). Other keys → nullopt.
  /// The store must outlive the function.
  sigv4::KeyLookup key_lookup() const;

  /// Deletes every session that expired more than `retention` ago, from the store and the cache. Returns how many.
  /// Thread-safe; throws store::Unavailable.
  size_t collect_garbage();

 private:
  Credentials new_credentials(core::TimePoint expiration);
  void maybe_collect();

  store::Documents& documents_;
  const core::Clock& clock_;
  core::Random& random_;
  Options options_;
  mutable std::mutex mu_;
  mutable std::unordered_map<std::string, Session> cache_;  // guarded by mu_
  core::TimePoint last_gc_{};                               // guarded by mu_
};

}  // namespace podbucket::sts
