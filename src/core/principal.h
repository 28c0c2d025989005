#pragma once
// Who sent a request, as established by SigV4 verification (or anonymous).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace podbucket::core {

/// The kind of caller, as `aws:PrincipalType` names it.
enum class PrincipalType { kAnonymous, kRoot, kUser, kAssumedRole };

/// The authenticated caller. For the root user, `arn` is "arn:aws:iam::ACCOUNT:root".
struct Principal {
  bool anonymous = true;
  bool root = false;
  PrincipalType type = PrincipalType::kAnonymous;
  std::string access_key_id;
  std::string arn;         // the caller's ARN ("arn:aws:sts::ACCT:assumed-role/ROLE/SESSION" for role sessions)
  std::string account_id;  // 12 digits
  std::string user_id;     // aws:userid (account id for root, AIDA... for users, AROA...:session for sessions)
  std::string user_name;   // aws:username: IAM users only
  std::string role_arn;    // role sessions: the role's ARN (aws:PrincipalArn), with its path
  std::string role_name;   // role sessions: the role's name
  std::string session_name;
  std::string session_token;
  int64_t token_issue_time_s = 0;  // temporary credentials: Unix seconds (aws:TokenIssueTime)
  std::map<std::string, std::string> tags;      // session tags -> aws:PrincipalTag/* (role tags overlaid)
  std::vector<std::string> transitive_tag_keys;  // carried into chained AssumeRole sessions
  std::string session_policy;                    // inline session policy JSON passed at AssumeRole, if any
  std::vector<std::string> session_policy_arns;  // managed session policies passed at AssumeRole
  bool chained = false;  // the session was made by a role session assuming a role (1 h cap)
};

}  // namespace podbucket::core
