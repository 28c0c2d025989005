#pragma once
// Who sent a request, as established by SigV4 verification (or anonymous).
#include <map>
#include <string>

namespace podbucket::core {

/// The authenticated caller. For the root user, `arn` is "arn:aws:iam::ACCOUNT:root".
struct Principal {
  bool anonymous = true;
  bool root = false;
  std::string access_key_id;
  std::string arn;         // the caller's ARN ("arn:aws:sts::ACCT:assumed-role/ROLE/SESSION" for role sessions)
  std::string account_id;  // 12 digits
  std::string user_id;     // aws:userid (AIDA..., AROA...:session)
  std::string session_token;
  std::map<std::string, std::string> tags;  // session tags -> aws:PrincipalTag/*
};

}  // namespace podbucket::core
