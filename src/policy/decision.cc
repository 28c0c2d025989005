// Decision::reason and Decision::explain: the words AWS puts in AccessDenied messages, and a log line.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
#include "policy/policy.h"

namespace podbucket::policy {

namespace {

std::string_view type_name(PolicyType type) {
  switch (type) {
    case PolicyType::kIdentity: return "identity-based policy";
    case PolicyType::kResource: return "resource-based policy";
    case PolicyType::kSession: return "session policy";
    case PolicyType::kBoundary: return "permissions boundary";
    case PolicyType::kNone: break;
  }
  return "policy";
}

std::string_view article(PolicyType type) {
  return type == PolicyType::kIdentity ? "an " : "a ";
}

}  // namespace

std::string Decision::reason(std::string_view action) const {
  switch (effect) {
    case Effect::kAllow:
      return "";
    case Effect::kExplicitDeny:
      return "with an explicit deny in " + std::string(article(decided_by)) + std::string(type_name(decided_by));
    case Effect::kImplicitDeny: {
      PolicyType type = decided_by == PolicyType::kNone ? PolicyType::kIdentity : decided_by;
      return "because no " + std::string(type_name(type)) + " allows the " + std::string(action) + " action";
    }
  }
  return "";
}

std::string Decision::explain() const {
  std::string out;
  switch (effect) {
    case Effect::kAllow: out = "Allow"; break;
    case Effect::kExplicitDeny: out = "ExplicitDeny"; break;
    case Effect::kImplicitDeny: out = "ImplicitDeny"; break;
  }
  if (effect == Effect::kAllow && decided_by == PolicyType::kNone && policy.empty()) {
    return out + ": account root user";
  }
  if (statement < 0) {
    out += effect == Effect::kImplicitDeny ? ": no " : ": ";
    out += type_name(decided_by);
    if (effect == Effect::kImplicitDeny) out += " allows";
    if (!policy.empty()) out += " \"" + policy + "\"";
    return out;
  }
  out += " by ";
  out += type_name(decided_by);
  out += " \"" + policy + "\" statement " + std::to_string(statement);
  if (!sid.empty()) out += " (Sid \"" + sid + "\")";
  return out;
}

}  // namespace podbucket::policy
