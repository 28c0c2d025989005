#pragma once
// What one request did, gathered while it runs and handed to the observers (access log, metrics, audit trail)
// when it ends. The dispatcher opens a TraceScope on the connection's thread; code deeper down (the authorizer,
// the services) adds to the current trace without being passed it. Outside a scope the record_* calls only
// count metrics.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace podbucket::observe {

/// One authorization decision (iam::Authorizer::authorize), as the audit trail shows it.
struct AuthzRecord {
  std::string action;    // "s3:GetObject"
  std::string resource;  // "arn:aws:s3:::bucket/key"
  std::string decision;  // "Allow", "ExplicitDeny" or "ImplicitDeny"
  std::string policy;    // the deciding policy's name or ARN ("" for an implicit deny)
  std::string statement;  // the deciding statement's Sid, or its index as "#N"
};

/// Who made the request: the verified caller without its secrets (no secret key, no session token).
struct Identity {
  std::string type;  // CloudTrail's userIdentity.type: "Root", "IAMUser", "AssumedRole", "AWSAccount"(anonymous),
                     // "WebIdentityUser" (set by STS for AssumeRoleWithWebIdentity)
  std::string arn;   // empty for anonymous callers
  std::string account_id;
  std::string principal_id;  // aws:userid
  std::string access_key_id;
  std::string user_name;                     // IAM users
  std::string role_arn;                      // role sessions: the issuer of the session
  std::string session_name;                  // role sessions
  int64_t session_issued_s = 0;              // role sessions: Unix seconds
  std::map<std::string, std::string> tags;   // session tags (aws:PrincipalTag/*)
  std::string identity_provider;             // WebIdentityUser: the OIDC provider (issuer without https://)
};

/// Everything known about a request when it ends.
struct RequestSummary {
  std::string time;        // start of the request, ISO 8601 with milliseconds, UTC
  std::string request_id;
  std::string service;     // "s3", "iam", "sts", "kms", "eks", "eks-auth"
  std::string operation;   // AWS operation name ("GetObject"), or "METHOD /path" when the request never routed
  std::string region;      // the signing region, else the server's
  Identity identity;       // type "" when the request was never authenticated (bad signature, routing error)
  std::string remote_ip;
  std::string user_agent;
  std::string method;      // HTTP method
  int status = 0;
  std::string error_code;     // empty on success
  std::string error_message;  // empty on success
  uint64_t bytes_in = 0;      // request body bytes read
  uint64_t bytes_out = 0;     // response body bytes (0 for HEAD)
  double latency_s = 0;       // handler time, seconds
  std::vector<AuthzRecord> decisions;
  std::map<std::string, std::string> parameters;  // CloudTrail requestParameters; never secrets
};

/// The request being served on this thread, or nullptr.
RequestSummary* current_request();

/// Makes `summary` the current request of this thread for the scope's lifetime (scopes nest; the outer one is
/// restored on destruction).
class TraceScope {
 public:
  explicit TraceScope(RequestSummary& summary);
  ~TraceScope();
  TraceScope(const TraceScope&) = delete;
  TraceScope& operator=(const TraceScope&) = delete;

 private:
  RequestSummary* previous_;
};

/// Adds a decision to the current request (if any) and counts podbucket_policy_decisions_total{decision}.
void record_decision(AuthzRecord record);

/// Adds a request parameter for the audit trail to the current request (if any). Callers pass only
/// non-secret values (names, ARNs, ids); the audit writer drops known secret-bearing names again.
void record_parameter(std::string_view name, std::string_view value);

}  // namespace podbucket::observe
