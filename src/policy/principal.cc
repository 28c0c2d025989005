// Principal and NotPrincipal matching.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
#include <algorithm>

#include "policy/document.h"

namespace podbucket::policy::detail {

namespace {

bool contains(const std::vector<std::string>& list, std::string_view value) {
  if (value.empty()) return false;
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool is_root_arn(std::string_view arn) { return arn.starts_with("arn:aws:iam::") && arn.ends_with(":root"); }

}  // namespace

PrincipalMatch match_principal(const PrincipalSet& set, const Caller& caller) {
  if (set.everyone) return PrincipalMatch::kDirect;
  if (caller.anonymous) return PrincipalMatch::kNone;
  if (!caller.service.empty() && contains(set.services, caller.service)) return PrincipalMatch::kDirect;
  if (!caller.federated.empty() && contains(set.federated, caller.federated)) return PrincipalMatch::kDirect;
  if (!is_root_arn(caller.arn) && contains(set.arns, caller.arn)) return PrincipalMatch::kDirect;
  if (contains(set.arns, caller.role_arn)) return PrincipalMatch::kRole;
  if (contains(set.accounts, caller.account_id)) return PrincipalMatch::kAccount;
  return PrincipalMatch::kNone;
}

bool exempt_by_not_principal(const PrincipalSet& set, const Caller& caller) {
  if (set.everyone) return true;
  if (caller.anonymous) return false;
  if (!caller.service.empty() && contains(set.services, caller.service)) return true;
  if (!caller.federated.empty() && contains(set.federated, caller.federated)) return true;
  // AWS checks the caller at every level it has: its own ARN (the session ARN for role sessions) and its account.
  bool account_listed = contains(set.accounts, caller.account_id);
  if (is_root_arn(caller.arn)) return account_listed;
  return account_listed && contains(set.arns, caller.arn);
}

}  // namespace podbucket::policy::detail
