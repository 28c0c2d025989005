#pragma once
// Test helpers for src/gitlab: golden files, and a Simulator that decides checks against the Layout's policies
// in-process, the way the server's SimulatePrincipalPolicy does.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "gitlab/check.h"
#include "gitlab/layout.h"
#include "policy/policy.h"

namespace podbucket::gitlab::testing {

inline constexpr const char* kAccount = "000000000000";
inline constexpr const char* kKeyArn =
    "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/// The contents of testdata/NAME. With PODBUCKET_UPDATE_GOLDEN=1 the file is (re)written from `actual` first.
inline std::string golden(const std::string& name, const std::string& actual) {
  std::string path = std::string(PODBUCKET_GITLAB_GOLDEN_DIR) + "/" + name;
  if (const char* update = std::getenv("PODBUCKET_UPDATE_GOLDEN"); update && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
  }
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing golden file " << path << " (run with PODBUCKET_UPDATE_GOLDEN=1)";
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

/// The role's managed policies as the server names them (policy ARNs).
inline policy::PolicySet policy_set(const Layout& layout) {
  policy::PolicySet set;
  for (const auto& p : layout.policies()) {
    auto doc = policy::parse(p.document, policy::Kind::kIdentity);
    EXPECT_TRUE(doc) << p.name;
    if (doc) set.identity.push_back({std::string("arn:aws:iam::") + kAccount + ":policy/" + p.name, *doc});
  }
  return set;
}

/// Decides `action` on `resource` for a session of the layout's role: the Verdict the server would report,
/// with the statement index the CLI finds.
inline Verdict decide(const policy::PolicySet& set, const Layout& layout, const std::string& action,
                      const std::string& resource, const policy::Context& context = {}) {
  policy::Caller caller;
  caller.arn = std::string("arn:aws:sts::") + kAccount + ":assumed-role/" + layout.role_name() + "/s";
  caller.role_arn = layout.role_arn();
  caller.account_id = kAccount;
  auto d = policy::evaluate(set, policy::Request{action, resource, caller, context});
  Verdict v;
  v.decision = d.effect == policy::Effect::kAllow         ? Decision::kAllowed
               : d.effect == policy::Effect::kExplicitDeny ? Decision::kExplicitDeny
                                                           : Decision::kImplicitDeny;
  if (d.statement >= 0) {
    v.policy = d.policy;
    v.statement = d.statement + 1;
    v.sid = d.sid;
  }
  return v;
}

/// A Simulator over the layout's policies.
inline Simulator local_simulator(const Layout& layout) {
  auto set = std::make_shared<policy::PolicySet>(policy_set(layout));
  return [set, layout](const Check& check) -> core::Result<Verdict> {
    return decide(*set, layout, std::string(check.requirement->action), check.resource);
  };
}

}  // namespace podbucket::gitlab::testing
