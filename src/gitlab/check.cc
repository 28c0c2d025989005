#include "gitlab/check.h"

#include <algorithm>
#include <sstream>

namespace podbucket::gitlab {
namespace {

/// "POLICY statement 1" / "POLICY statements 1, 2 (Sid)" for the allowing statements, grouped by policy in
/// first-seen order.
std::string statements_text(const std::vector<const Verdict*>& verdicts) {
  struct Group {
    std::string policy;
    std::vector<std::string> statements;
  };
  std::vector<Group> groups;
  for (const auto* v : verdicts) {
    if (v->policy.empty()) continue;
    std::string name = policy_display_name(v->policy);
    auto it = std::find_if(groups.begin(), groups.end(), [&](const Group& g) { return g.policy == name; });
    if (it == groups.end()) it = groups.insert(groups.end(), Group{name, {}});
    if (v->statement <= 0) continue;
    std::string s = std::to_string(v->statement);
    if (!v->sid.empty()) s += " (" + v->sid + ")";
    if (std::find(it->statements.begin(), it->statements.end(), s) == it->statements.end())
      it->statements.push_back(s);
  }
  // Statement numbers in ascending order ("1, 2 (Sid)").
  for (auto& g : groups) {
    std::stable_sort(g.statements.begin(), g.statements.end(), [](const std::string& a, const std::string& b) {
      return std::stoi(a) < std::stoi(b);
    });
  }
  std::string out;
  for (const auto& g : groups) {
    if (!out.empty()) out += "; ";
    out += g.policy;
    if (g.statements.empty()) continue;
    out += g.statements.size() == 1 ? " statement " : " statements ";
    for (size_t i = 0; i < g.statements.size(); ++i) out += (i ? ", " : "") + g.statements[i];
  }
  return out;
}

/// Why a check was denied: "implicitDeny, no statement allows it" or "explicitDeny by POLICY statement N".
std::string denial_text(const Verdict& v) {
  std::string out(decision_name(v.decision));
  if (v.decision == Decision::kImplicitDeny && v.policy.empty()) return out + ", no statement allows it";
  if (v.policy.empty()) return out;
  out += " by " + policy_display_name(v.policy);
  if (v.statement > 0) out += " statement " + std::to_string(v.statement);
  if (!v.sid.empty()) out += " (" + v.sid + ")";
  return out;
}

std::string pad(std::string_view text, size_t width) {
  std::string out(text);
  if (out.size() < width) out.append(width - out.size(), ' ');
  return out + " ";
}

}  // namespace

std::optional<Decision> parse_decision(std::string_view text) {
  if (text == "allowed") return Decision::kAllowed;
  if (text == "implicitDeny") return Decision::kImplicitDeny;
  if (text == "explicitDeny") return Decision::kExplicitDeny;
  return std::nullopt;
}

std::string_view decision_name(Decision d) {
  switch (d) {
    case Decision::kAllowed: return "allowed";
    case Decision::kImplicitDeny: return "implicitDeny";
    case Decision::kExplicitDeny: return "explicitDeny";
  }
  return "implicitDeny";
}

core::Result<std::vector<CheckResult>> run_checks(const std::vector<Check>& checks, const Simulator& simulate) {
  std::vector<CheckResult> out;
  out.reserve(checks.size());
  for (const auto& check : checks) {
    auto verdict = simulate(check);
    if (!verdict) return verdict.error();
    out.push_back(CheckResult{check, std::move(*verdict)});
  }
  return out;
}

std::string policy_display_name(std::string_view policy_id) {
  if (policy_id.starts_with("arn:") && policy_id.find(":policy/") != std::string_view::npos) {
    return std::string(policy_id.substr(policy_id.rfind('/') + 1));
  }
  return std::string(policy_id);
}

size_t count_denied(const std::vector<CheckResult>& results) {
  return static_cast<size_t>(std::count_if(results.begin(), results.end(), [](const CheckResult& r) {
    return r.verdict.decision != Decision::kAllowed;
  }));
}

std::string format_report(const std::vector<CheckResult>& results, std::string_view notes) {
  size_t width = 0;
  for (const auto& c : components()) width = std::max(width, c.name.size());
  std::ostringstream o;
  for (const auto& component : components()) {
    std::vector<const CheckResult*> mine;
    for (const auto& r : results)
      if (r.check.requirement->component == component.name) mine.push_back(&r);
    if (mine.empty()) continue;

    std::vector<const Verdict*> allowing;
    // Denied checks grouped by requirement and reason, in table order; each group lists its buckets.
    struct DeniedGroup {
      const Requirement* requirement;
      Decision decision;
      std::string reason;
      std::vector<std::string> buckets;
    };
    std::vector<DeniedGroup> denied;
    size_t allowed = 0;
    for (const auto* r : mine) {
      if (r->verdict.decision == Decision::kAllowed) {
        ++allowed;
        allowing.push_back(&r->verdict);
        continue;
      }
      std::string reason = denial_text(r->verdict);
      auto it = std::find_if(denied.begin(), denied.end(), [&](const DeniedGroup& g) {
        return g.requirement == r->check.requirement && g.reason == reason;
      });
      if (it == denied.end()) it = denied.insert(denied.end(), DeniedGroup{r->check.requirement, r->verdict.decision, reason, {}});
      it->buckets.push_back(r->check.bucket);
    }

    o << pad(component.name, width) << pad(denied.empty() ? "allowed" : "DENIED", 7)
      << pad(std::to_string(allowed) + "/" + std::to_string(mine.size()), 5);
    std::string by = statements_text(allowing);
    o << "by " << (by.empty() ? "nothing" : by);
    if (!denied.empty()) {
      std::vector<std::string> actions;
      for (const auto& g : denied) {
        std::string a = std::string(g.requirement->action) + " (" + std::string(decision_name(g.decision)) + ")";
        if (std::find(actions.begin(), actions.end(), a) == actions.end()) actions.push_back(a);
      }
      o << "; denied:";
      for (size_t i = 0; i < actions.size(); ++i) o << (i ? ", " : " ") << actions[i];
    }
    o << "\n";
    for (const auto& g : denied) {
      o << "  - " << g.requirement->action << " denied on ";
      for (size_t i = 0; i < g.buckets.size(); ++i) o << (i ? ", " : "") << g.buckets[i];
      o << " (" << g.requirement->operation << "): " << g.reason << "; GitLab " << g.requirement->why << "\n";
    }
  }
  o << notes;
  size_t n_denied = count_denied(results);
  if (n_denied == 0) {
    o << "result: the role allows everything GitLab needs (" << results.size() << " checks)\n";
  } else {
    o << "result: " << n_denied << " of " << results.size()
      << " checks denied: GitLab will fail where the lines above say DENIED\n";
  }
  return o.str();
}

std::string format_kms_note(const std::vector<KmsResult>& results, std::string_view key_arn) {
  if (results.empty()) return "";
  size_t width = 0;
  for (const auto& c : components()) width = std::max(width, c.name.size());
  std::vector<const Verdict*> allowing;
  std::vector<std::string> denied_buckets;
  for (const auto& r : results) {
    if (r.verdict.decision == Decision::kAllowed) {
      allowing.push_back(&r.verdict);
    } else if (std::find(denied_buckets.begin(), denied_buckets.end(), r.bucket) == denied_buckets.end()) {
      denied_buckets.push_back(r.bucket);
    }
  }
  std::ostringstream o;
  o << pad("kms", width) << pad("note", 7)
    << pad(std::to_string(allowing.size()) + "/" + std::to_string(results.size()), 5);
  std::string by = statements_text(allowing);
  o << "by " << (by.empty() ? "nothing" : by) << "; ";
  if (denied_buckets.empty()) {
    o << "the role's policies allow SSE-KMS through S3 with " << key_arn << "\n";
  } else {
    o << "the role's policies do not allow kms:GenerateDataKey/kms:Decrypt with the object ARN as encryption "
         "context on "
      << denied_buckets.size() << " bucket(s); advisory only: the key policy of alias/aws/s3 lets S3 use "
      << key_arn << " for any principal of the account\n";
  }
  return o.str();
}

}  // namespace podbucket::gitlab
