#pragma once
// EksAuthService: EKS Auth AssumeRoleForPodIdentity (signing name "eks-auth", REST-JSON, botocore
// eks-auth/2023-11-26), the call the Pod Identity Agent makes with a pod's projected service-account token:
//   POST /clusters/NAME/assume-role-for-pod-identity  {"token": JWT}
//   → {"subject","audience","podIdentityAssociation","assumedRoleUser","credentials"} (spec 2.3)
//
// Flow: the caller needs eks-auth:AssumeRoleForPodIdentity on the cluster ARN (root always passes); the token is
// verified against the cluster's issuer and keys (audience pods.eks.amazonaws.com, exp/nbf/iat with
// Config::token_leeway, subject system:serviceaccount:NS:SA, bound to a pod); the association of (cluster, NS, SA)
// names the role; pods.eks.amazonaws.com assumes it through sts::RoleAssumer (the trust policy must allow
// sts:AssumeRole, and sts:TagSession unless the association disables session tags) with the six session tags
// eks-cluster-arn, eks-cluster-name, kubernetes-namespace, kubernetes-service-account, kubernetes-pod-name and
// kubernetes-pod-uid, all transitive; with a targetRoleArn that session then assumes the target role (role
// chaining, externalId, at most 1 h). Credentials last Config::credential_lifetime (default 6 h).
//
// Errors (eks/errors.h, namespace auth; spec 2.4): InvalidParameterException (missing token, bad cluster name),
// InvalidRequestException (body not JSON), InvalidTokenException, ExpiredTokenException, ResourceNotFoundException
// 404 (no cluster, no association), AccessDeniedException 400 (caller not allowed, trust policy refuses),
// InternalServerException.
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "eks/associations.h"
#include "eks/clusters.h"
#include "eks/tokens.h"
#include "http/message.h"
#include "iam/authorizer.h"
#include "sts/assume.h"

namespace podbucket::eks {

/// The service principal that assumes association roles.
inline constexpr std::string_view kPodsService = "pods.eks.amazonaws.com";

/// What AssumeRoleForPodIdentity produced.
struct PodIdentityGrant {
  PodToken token;
  Association association;
  sts::Session session;  // the final session (the target role's when chaining)
};

/// The role session name EKS Auth uses: "eks-<cluster>-<pod name>-<uuid>", cut to STS's 64 characters.
std::string pod_session_name(std::string_view cluster, std::string_view pod_name, std::string_view uuid);

class EksAuthService {
 public:
  /// All references outlive the service. Thread-safe.
  EksAuthService(ClusterRegistry& clusters, AssociationStore& associations, sts::RoleAssumer& assumer,
                 iam::Authorizer& authorizer, const core::Clock& clock, core::Random& random);

  /// Serves one request (body unread). Errors as in the file comment; an unknown route is
  /// UnknownOperationException 404. Throws store::Unavailable.
  core::Result<http::Response> handle(const iam::Call& call, http::Request& req);

  /// AssumeRoleForPodIdentity without the HTTP layer: `cluster` from the path, `token` from the body (both
  /// unchecked). Errors as handle().
  core::Result<PodIdentityGrant> assume_role_for_pod_identity(const iam::Call& call, std::string_view cluster,
                                                              const std::optional<std::string>& token);

 private:
  ClusterRegistry& clusters_;
  AssociationStore& associations_;
  sts::RoleAssumer& assumer_;
  iam::Authorizer& authorizer_;
  const core::Clock& clock_;
  core::Random& random_;
};

}  // namespace podbucket::eks
