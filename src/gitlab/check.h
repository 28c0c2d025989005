#pragma once
// `podbucket gitlab check`: the policy simulator's answers for every GitLab requirement (requirements.h), and the
// report: one line per component with allowed/denied and the statements that decided it, then one line per
// denied operation. Pure: the simulator is passed in, so the report is tested without a server.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "gitlab/requirements.h"

namespace podbucket::gitlab {

/// IAM's EvalDecision.
enum class Decision { kAllowed, kImplicitDeny, kExplicitDeny };

/// Parses an EvalDecision: "allowed", "implicitDeny", "explicitDeny"; nullopt for anything else.
std::optional<Decision> parse_decision(std::string_view text);
/// The EvalDecision spelling.
std::string_view decision_name(Decision d);

/// One simulated decision and the statement that made it.
struct Verdict {
  Decision decision = Decision::kImplicitDeny;
  std::string policy;  // MatchedStatements SourcePolicyId: a policy ARN or "role/NAME inline POLICY"; "" if none
  int statement = 0;   // 1-based index of the statement in that policy; 0 when unknown
  std::string sid;     // its Sid, if it has one
};

struct CheckResult {
  Check check;
  Verdict verdict;
};

/// Decides one check (a SimulatePrincipalPolicy call, or a fake in tests).
using Simulator = std::function<core::Result<Verdict>(const Check&)>;

/// Runs `simulate` on every check, in order. Stops at the first error and returns it.
core::Result<std::vector<CheckResult>> run_checks(const std::vector<Check>& checks, const Simulator& simulate);

/// A policy as the report names it: the last path segment of a managed policy ARN, else the id unchanged.
std::string policy_display_name(std::string_view policy_id);

/// The report, one component per line in components() order:
///   "<component>  allowed  N/N  by <policy> statement(s) I[, J] ..."
///   "<component>  DENIED   A/N  by ...; denied: <action> (<decision>)"
/// followed, for a DENIED component, by one "  denied ..." line per denied operation (its buckets, the reason and
/// what GitLab does with it), then `notes` (advisory lines, e.g. format_kms_note()) and a last "result: ..." line.
/// Components without checks are left out.
std::string format_report(const std::vector<CheckResult>& results, std::string_view notes = {});

/// How many results are not allowed.
size_t count_denied(const std::vector<CheckResult>& results);

/// One simulated KMS use: what S3 asks KMS for when it encrypts or decrypts an object of `bucket` under SSE-KMS.
struct KmsResult {
  std::string bucket;
  std::string action;  // kms:GenerateDataKey or kms:Decrypt
  Verdict verdict;
};

/// One advisory line ("kms  note ...") on whether the role's own policies allow the SSE-KMS calls S3 makes for
/// it (encryption context aws:s3:arn = the object ARN). Advisory: with the AWS managed key alias/aws/s3 the key
/// policy allows use through S3 for any principal of the account, so a denial here breaks nothing; with a
/// customer managed key whose policy delegates to IAM it would. Empty input gives "".
std::string format_kms_note(const std::vector<KmsResult>& results, std::string_view key_arn);

}  // namespace podbucket::gitlab
