#pragma once
// The Authorizer backed by the IAM Directory: a caller's identity policies (user: inline + attached; role session:
// the role's inline + attached, limited by the session's policies) decided by policy::evaluate, with the parsed
// policy set of each principal cached until the Directory's generation changes.
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "iam/authorizer.h"
#include "iam/directory.h"

namespace podbucket::iam {

/// Builds, without caching, the policies that apply to `caller` before any resource policy is added: the root
/// user gets caller_is_root; anonymous callers nothing; IAM users their identity policies; role sessions their
/// role's identity policies plus session policies (Principal::session_policy, session_policy_arns; a session
/// policy that does not parse or no longer exists allows nothing, so the session stays limited).
/// Also used by SimulatePrincipalPolicy, so the simulator and enforcement see the same policies.
policy::PolicySet identity_policy_set(const Directory& directory, const core::Principal& caller);

class DirectoryAuthorizer final : public Authorizer {
 public:
  /// `directory` must outlive the authorizer.
  explicit DirectoryAuthorizer(const Directory& directory);

  /// See Authorizer::authorize. Thread-safe; never fails.
  policy::Decision authorize(const AuthzRequest& request) override;

  /// The cached identity_policy_set of `caller` (rebuilt after any IAM change). Thread-safe.
  std::shared_ptr<const policy::PolicySet> policies_for(const core::Principal& caller);

 private:
  struct Entry {
    uint64_t generation = 0;
    std::shared_ptr<const policy::PolicySet> policies;
  };
  static constexpr size_t kMaxEntries = 4096;

  const Directory& directory_;
  std::shared_ptr<const policy::PolicySet> root_;
  std::shared_ptr<const policy::PolicySet> nobody_;
  std::shared_mutex mu_;
  std::unordered_map<std::string, Entry> cache_;  // guarded by mu_; key: principal kind + name (+ session policies)
};

}  // namespace podbucket::iam
