#pragma once
// Assuming roles: the trust-policy decision, the duration and tag rules, and the new session. One class serves
// STS AssumeRole (an IAM user or role session asks), AssumeRoleWithWebIdentity (an OIDC identity asks, see
// web_identity.cc), GetSessionToken, and EKS Auth AssumeRoleForPodIdentity (a service principal asks).
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html (role chaining)
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/principal.h"
#include "core/result.h"
#include "iam/authorizer.h"
#include "iam/directory.h"
#include "policy/policy.h"
#include "sts/identity_providers.h"
#include "sts/sessions.h"

namespace podbucket::sts {

/// AssumeRole's parameters as the form carries them (validated by RoleAssumer::assume_role).
struct AssumeRoleInput {
  std::optional<std::string> role_arn;
  std::optional<std::string> role_session_name;
  std::optional<std::string> duration_seconds;  // raw text: DurationSeconds=
  std::optional<std::string> policy;            // inline session policy
  std::vector<std::string> policy_arns;         // PolicyArns.member.N.arn
  size_t policy_arns_count = 0;                 // the largest N seen (limit checks)
  std::vector<iam::Tag> tags;                   // Tags.member.N.Key/Value
  size_t tags_count = 0;
  std::vector<std::string> transitive_tag_keys;  // TransitiveTagKeys.member.N
  size_t transitive_tag_keys_count = 0;
  std::optional<std::string> external_id;
  std::optional<std::string> source_identity;
};

/// AssumeRoleWithWebIdentity's parameters.
struct WebIdentityInput {
  std::optional<std::string> role_arn;
  std::optional<std::string> role_session_name;
  std::optional<std::string> web_identity_token;  // never logged
  std::optional<std::string> duration_seconds;
  std::optional<std::string> policy;
  std::vector<std::string> policy_arns;
  size_t policy_arns_count = 0;
};

/// A role assumed by a service principal on a caller's behalf (EKS Auth AssumeRoleForPodIdentity).
struct ServiceAssumeInput {
  std::string service;  // the service principal the trust policy must name: "pods.eks.amazonaws.com"
  std::string role_arn;
  std::string session_name;                      // 2..64 of [\w+=,.@-] (the caller shortens longer names)
  std::chrono::seconds duration{3600};           // 900..43200; not limited by the role's MaxSessionDuration
  std::vector<iam::Tag> tags;                    // session tags (aws:RequestTag/* in the trust policy)
  std::vector<std::string> transitive_tag_keys;  // usually every tag key
  std::string session_policy;                    // inline session policy JSON ("" = none)
};

/// What every successful assume returns.
struct AssumedRole {
  Session session;
  std::optional<int> packed_policy_size;  // percent; set when session policies or tags were passed
  // AssumeRoleWithWebIdentity only:
  std::string subject;   // the token's "sub"
  std::string provider;  // the provider ARN
  std::string audience;  // the audience that matched the provider's client ids
};

class RoleAssumer {
 public:
  /// `providers` may be null (then every web identity token is from an unknown issuer). All references outlive
  /// the RoleAssumer. Thread-safe.
  RoleAssumer(iam::Directory& directory, iam::Authorizer& authorizer, SessionStore& sessions,
              const IdentityProviders* providers, const core::Clock& clock);

  /// AssumeRole by an IAM user or a role session (role chaining; 1 h cap, transitive tags inherited). The root
  /// user is refused, as AWS does (AccessDenied "Roles may not be assumed by root accounts.").
  /// Checks, in order: parameters (ValidationError), the session policy (MalformedPolicyDocument,
  /// PackedPolicyTooLarge), the role
  /// (AccessDenied as for a trust denial when it does not exist), the duration against MaxSessionDuration and the
  /// chaining cap (ValidationError), then sts:AssumeRole, sts:TagSession (when the session gets tags) and
  /// sts:SetSourceIdentity (when SourceIdentity is passed) through the Authorizer with the trust policy as the
  /// required resource policy (AccessDenied "User: CALLER is not authorized to perform: ACTION on resource: ROLE").
  /// Throws store::Unavailable.
  /// `request_id` keys the decision's explanation in the server log.
  core::Result<AssumedRole> assume_role(const core::Principal& caller, const iam::RequestFacts& facts,
                                        const AssumeRoleInput& input, std::string_view request_id = {});

  /// AssumeRoleWithWebIdentity (no AWS credentials needed): verifies the RS256 token against the issuer's
  /// registered keys (InvalidIdentityToken, ExpiredTokenException), then decides sts:AssumeRoleWithWebIdentity
  /// with the trust policy alone for the Federated principal arn:aws:iam::ACCOUNT:oidc-provider/ISSUER, with the
  /// condition keys ISSUER:sub, ISSUER:aud, ISSUER:amr (when present) and sts:RoleSessionName (AccessDenied "Not
  /// authorized to perform sts:AssumeRoleWithWebIdentity"). Session tags come from the token's
  /// "https://aws.amazon.com/tags" claim and then need sts:TagSession. Throws store::Unavailable.
  core::Result<AssumedRole> assume_role_with_web_identity(const iam::RequestFacts& facts,
                                                          const WebIdentityInput& input,
                                                          std::string_view request_id = {});

  /// A service principal assumes `input.role_arn`: the trust policy alone decides sts:AssumeRole and, when tags
  /// are passed, sts:TagSession for Principal {"Service": input.service}, with aws:RequestTag/* and aws:TagKeys in
  /// the context. Errors: ValidationError (session name, duration, tags), AccessDenied "Service: SERVICE is not
  /// authorized to perform: ACTION on resource: ROLE" (also for an unknown role), PackedPolicyTooLarge,
  /// MalformedPolicyDocument. Throws store::Unavailable.
  core::Result<AssumedRole> assume_role_for_service(const ServiceAssumeInput& input, const iam::RequestFacts& facts,
                                                    std::string_view request_id = {});

  /// GetSessionToken for the root user or an IAM user with long-term keys: a session acting as the caller.
  /// DurationSeconds 900..129600, default 43200; the root user's sessions last at most 3600 s. AccessDenied for
  /// callers that already use temporary credentials. Throws store::Unavailable.
  core::Result<Session> get_session_token(const core::Principal& caller,
                                          const std::optional<std::string>& duration_seconds);

 private:
  /// Issues the role session described by `spec` for `duration`.
  AssumedRole issue(const RoleSessionSpec& spec, std::chrono::seconds duration, std::optional<int> packed);

  iam::Directory& directory_;
  iam::Authorizer& authorizer_;
  SessionStore& sessions_;
  const IdentityProviders* providers_;
  const core::Clock& clock_;
};

/// The session policies passed at AssumeRole, checked: the inline policy parses as an identity policy
/// (MalformedPolicyDocument with the parser's message), every ARN names an existing managed policy (ValidationError),
/// at most 10 ARNs, and the packed size is at most 100% (PackedPolicyTooLarge). Returns the packed percentage.
core::Result<int> check_session_policies(const iam::Directory& directory, const std::optional<std::string>& policy,
                                         const std::vector<std::string>& policy_arns, size_t policy_arns_count,
                                         const std::vector<iam::Tag>& tags);

}  // namespace podbucket::sts
