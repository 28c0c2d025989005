#pragma once
// The calls `podbucket gitlab check` makes on a running server: IAM SimulatePrincipalPolicy (and the policy
// documents it names, to find the deciding statement), and KMS DescribeKey for the aws/s3 key. Each is one SigV4
// header-signed request (IAM query protocol, KMS JSON 1.1) over http::Client with keep-alive.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "gitlab/check.h"
#include "http/client.h"
#include "sigv4/sign.h"

namespace podbucket::gitlab {

/// Where and as whom the calls go.
struct ServerTarget {
  std::string endpoint;  // http(s)://HOST:PORT of the server
  std::string region = "us-east-1";
  std::string ca_file;   // for https: trusted CAs (empty = the system's)
  sigv4::Credentials credentials;
};

/// A condition key sent as a ContextEntries member (type string).
using ContextEntry = std::pair<std::string, std::string>;

/// Simulates a role's identity policies, one action on one resource per call. Not thread-safe (one connection).
class RoleSimulator {
 public:
  /// Errors from the constructor are deferred: the first call reports a bad endpoint (InvalidArgument).
  RoleSimulator(ServerTarget target, std::string role_arn);
  ~RoleSimulator();

  /// SimulatePrincipalPolicy for `action` on `resource` with `context`. The verdict carries the decision, the
  /// MatchedStatements policy and, found by evaluating that policy's document locally (GetPolicy +
  /// GetPolicyVersion, or GetRolePolicy for an inline policy), the 1-based statement index and Sid; both stay
  /// empty when the document cannot be read. Errors: the server's IAM error (NoSuchEntity 404 for an unknown
  /// role, AccessDenied 403, InvalidClientTokenId 403, ...), the transport errors of http::Client, and
  /// InternalError for an answer that is not a simulation result.
  core::Result<Verdict> simulate(const std::string& action, const std::string& resource,
                                 const std::vector<ContextEntry>& context = {});

  /// The Simulator for run_checks(): simulate(check.requirement->action, check.resource).
  Simulator as_simulator();

  /// KMS DescribeKey: the ARN of `key_id` (an alias such as "alias/aws/s3", a key id or an ARN).
  /// Errors: NotFoundException, AccessDeniedException, transport errors.
  core::Result<std::string> describe_key_arn(const std::string& key_id);

 private:
  struct Document;
  core::Result<std::string> iam_call(const std::string& action,
                                     const std::vector<std::pair<std::string, std::string>>& params);
  /// The identity policy document `policy_id` (cached); nullptr when it cannot be read.
  const Document* document(const std::string& policy_id);

  ServerTarget target_;
  std::string role_arn_;
  core::Result<http::Endpoint> endpoint_;
  std::unique_ptr<http::Client> client_;
  std::map<std::string, std::shared_ptr<const Document>> documents_;  // policy id -> parsed document or null
};

/// The form body of an IAM query call: Action, Version 2010-05-08, then `params`, each name=value URI-encoded.
std::string iam_form_body(const std::string& action, const std::vector<std::pair<std::string, std::string>>& params);

/// Parses a SimulatePrincipalPolicy answer's first EvaluationResults member: decision and SourcePolicyId.
/// Errors: InternalError when the XML has no EvalDecision this client knows.
core::Result<Verdict> parse_simulation(const std::string& xml);

}  // namespace podbucket::gitlab
