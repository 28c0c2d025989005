#pragma once
// The one seam through which every service asks "may this caller do this?": S3, IAM, STS, KMS and EKS build an
// AuthzRequest and call Authorizer::authorize. The implementation (iam/) knows each principal's identity
// policies, caches policy sets, and invalidates them on any IAM change.
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/error.h"
#include "core/principal.h"
#include "policy/policy.h"

namespace podbucket::iam {

/// Facts about the request's transport, for the global condition keys.
struct RequestFacts {
  std::string source_ip;        // aws:SourceIp (empty = absent)
  bool secure_transport = false;  // aws:SecureTransport
  std::string region;           // aws:RequestedRegion: the signing region
  std::string user_agent;
  core::TimePoint now{};        // aws:CurrentTime, aws:EpochTime
};

/// What every service handler gets besides the http::Request: the verified caller, the transport facts and the
/// request id. Each service exposes `core::Result<http::Response> handle(const iam::Call&, http::Request&)` and
/// reads its own body from req.body (bounded); api/dispatcher routes to it after SigV4 verification.
struct Call {
  const core::Principal& caller;
  const RequestFacts& facts;
  std::string_view request_id;
};

/// The global condition keys for `caller` (aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType, aws:userid,
/// aws:username for users only, aws:PrincipalTag/*, aws:TokenIssueTime and aws:MultiFactorAuthPresent for
/// temporary credentials, aws:SourceIp, aws:SecureTransport, aws:RequestedRegion, aws:CurrentTime, aws:EpochTime).
/// Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
policy::Context global_context(const core::Principal& caller, const RequestFacts& facts);

/// The Caller that Principal elements match for `principal`.
policy::Caller caller_of(const core::Principal& principal);

/// One authorization question.
struct AuthzRequest {
  const core::Principal& caller;
  std::string_view action;    // "s3:GetObject"
  std::string_view resource;  // "arn:aws:s3:::bucket/key"
  const policy::Context& context;
  const policy::NamedPolicy* resource_policy = nullptr;  // bucket / key / trust policy, if any
  policy::ResourceMode mode = policy::ResourceMode::kEither;
  std::string_view resource_account;  // owner of the resource; empty = the caller's account
};

class Authorizer {
 public:
  virtual ~Authorizer() = default;
  /// Decides the request with the caller's identity policies (user: inline + attached; role session: the role's,
  /// plus the session's policies), the given resource policy and mode. The root user is allowed unless the
  /// resource policy explicitly denies; anonymous callers only by a resource policy. Thread-safe; never fails.
  virtual policy::Decision authorize(const AuthzRequest& request) = 0;
};

/// Reports one decision to the current request's audit trail and to podbucket_policy_decisions_total
/// (observe::record_decision): "Allow", "ExplicitDeny" or "ImplicitDeny" for `action` on `resource`, with the
/// deciding policy's name and the statement's Sid (or "#index"). The root user's implicit allow names the policy
/// "(root user)". DirectoryAuthorizer::authorize calls it for every decision; code that decides without the
/// Authorizer (service principals, web identities, KMS key policies for the root user) calls it itself.
void record_decision(std::string_view action, std::string_view resource, const policy::Decision& decision,
                     bool caller_is_root = false);

/// The AccessDenied error AWS returns for a denied request, in its current form:
/// `User: ARN is not authorized to perform: ACTION on resource: RESOURCE because no identity-based policy allows
/// the ACTION action`. S3 quotes the resource (`"arn:aws:s3:::b/k"`); IAM, STS and KMS do not. Anonymous callers
/// get the bare "Access Denied". `code` is the service's AccessDenied code (S3/IAM/STS: AccessDenied 403; KMS:
/// AccessDeniedException 400).
core::AwsError access_denied(const core::ErrorCode& code, const core::Principal& caller, std::string_view action,
                             std::string_view resource, const policy::Decision& decision, bool quote_resource);

}  // namespace podbucket::iam
