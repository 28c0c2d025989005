#include "eks/auth_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/encoding.h"
#include "core/time_format.h"
#include "eks/errors.h"
#include "eks/ids.h"
#include "eks/wire.h"
#include "observe/credential_metrics.h"
#include "observe/request_parameters.h"
#include "observe/request_trace.h"
#include "sts/jwt.h"

namespace podbucket::eks {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr core::ErrorCode kUnknownOperation{"UnknownOperationException", 404};
constexpr std::string_view kAction = "eks-auth:AssumeRoleForPodIdentity";
constexpr std::chrono::seconds kChainedMax{3600};

/// The model's JwtToken pattern: three non-empty runs of [A-Za-z0-9-_=] joined by dots.
bool jwt_shaped(std::string_view token) {
  int parts = 1;
  size_t run = 0;
  for (char c : token) {
    if (c == '.') {
      if (run == 0) return false;
      ++parts;
      run = 0;
      continue;
    }
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '=';
    if (!ok) return false;
    ++run;
  }
  return parts == 3 && run > 0;
}

/// STS's answer in EKS Auth's catalog: AccessDenied (403 in STS) is AccessDeniedException 400 here.
core::AwsError from_sts(const core::AwsError& e) {
  if (e.code() == "AccessDenied") return core::AwsError(auth::kAccessDeniedException, e.message());
  if (e.http_status() >= 500) return core::AwsError(auth::kInternalServerException, e.message());
  return core::AwsError(auth::kInvalidRequestException, e.message());
}

}  // namespace

std::string pod_session_name(std::string_view cluster, std::string_view pod_name, std::string_view uuid) {
  std::string name = "eks-" + std::string(cluster) + "-" + std::string(pod_name) + "-" + std::string(uuid);
  if (name.size() > 64) name.resize(64);
  while (!name.empty() && name.back() == '-') name.pop_back();
  return name;
}

EksAuthService::EksAuthService(ClusterRegistry& clusters, AssociationStore& associations, sts::RoleAssumer& assumer,
                               iam::Authorizer& authorizer, const core::Clock& clock, core::Random& random)
    : clusters_(clusters),
      associations_(associations),
      assumer_(assumer),
      authorizer_(authorizer),
      clock_(clock),
      random_(random) {}

core::Result<PodIdentityGrant> EksAuthService::assume_role_for_pod_identity(const iam::Call& call,
                                                                            std::string_view cluster_name,
                                                                            const std::optional<std::string>& token) {
  if (!valid_cluster_name(cluster_name))
    return core::AwsError(auth::kInvalidParameterException,
                          "1 validation error detected: Value '" + std::string(cluster_name) +
                              "' at 'clusterName' failed to satisfy constraint: Member must satisfy regular "
                              "expression pattern: [0-9A-Za-z][A-Za-z0-9\\-_]*");
  const Config config = clusters_.config();
  auto cluster = clusters_.find_cluster(cluster_name);

  // The caller (the agent's node role) needs eks-auth:AssumeRoleForPodIdentity on the cluster.
  if (!call.caller.root) {
    std::string resource = cluster ? cluster->arn
                                   : cluster_arn(call.facts.region.empty() ? config.region : call.facts.region,
                                                 config.account_id, cluster_name);
    policy::Context context = iam::global_context(call.caller, call.facts);
    iam::AuthzRequest request{call.caller, kAction, resource, context, nullptr, policy::ResourceMode::kEither, {}};
    policy::Decision decision = authorizer_.authorize(request);
    if (!decision.allowed())
      return iam::access_denied(auth::kAccessDeniedException, call.caller, kAction, resource, decision,
                                /*quote_resource=*/false);
  }

  if (!token || token->empty())
    return core::AwsError(auth::kInvalidParameterException,
                          "1 validation error detected: Value null at 'token' failed to satisfy constraint: Member "
                          "must not be null");
  if (token->size() > sts::jwt::kMaxTokenSize || !jwt_shaped(*token))
    return core::AwsError(auth::kInvalidTokenException, "The token is not a well-formed JSON Web Token.");
  if (!cluster)
    return core::AwsError(auth::kResourceNotFoundException,
                          "No cluster found for name: " + std::string(cluster_name) + ".");

  // Verify the token against the cluster's issuer and keys.
  auto issuer = clusters_.issuer_keys(cluster_name);
  if (!issuer)
    return core::AwsError(auth::kResourceNotFoundException,
                          "No cluster found for name: " + std::string(cluster_name) + ".");
  PodTokenChecks checks;
  checks.issuer = issuer->issuer;
  checks.jwks_json = issuer->jwks_json;
  checks.now = clock_.now();
  checks.leeway = config.token_leeway;
  auto pod = verify_pod_token(*token, checks);
  if (!pod) return pod.error();

  auto association = associations_.find_for(cluster->name, pod->namespace_name, pod->service_account);
  if (!association)
    return core::AwsError(auth::kResourceNotFoundException,
                          "No Pod Identity Association found for service account " + pod->service_account +
                              " in namespace " + pod->namespace_name + " of cluster " + cluster->name + ".");

  // pods.eks.amazonaws.com assumes the association's role, with the six session tags unless disabled.
  sts::ServiceAssumeInput in;
  in.service = std::string(kPodsService);
  in.role_arn = association->role_arn;
  in.session_name = pod_session_name(cluster->name, pod->pod_name, new_uuid(random_));
  in.duration = config.credential_lifetime;
  if (!association->disable_session_tags) {
    in.tags = {{"eks-cluster-arn", cluster->arn},
               {"eks-cluster-name", cluster->name},
               {"kubernetes-namespace", pod->namespace_name},
               {"kubernetes-service-account", pod->service_account},
               {"kubernetes-pod-name", pod->pod_name},
               {"kubernetes-pod-uid", pod->pod_uid}};
    for (const auto& t : in.tags) in.transitive_tag_keys.push_back(t.key);
  }
  const bool chaining = !association->target_role_arn.empty();
  if (!chaining) in.session_policy = association->policy;
  auto first = assumer_.assume_role_for_service(in, call.facts, call.request_id);
  if (!first) return from_sts(first.error());

  PodIdentityGrant grant;
  grant.token = std::move(*pod);
  if (!chaining) {
    grant.session = std::move(first->session);
  } else {
    // Role chaining: the association role's session assumes the target role (STS caps chained sessions at 1 h).
    sts::AssumeRoleInput chained;
    chained.role_arn = association->target_role_arn;
    chained.role_session_name = in.session_name;
    chained.duration_seconds = std::to_string(std::min(config.credential_lifetime, kChainedMax).count());
    if (!association->policy.empty()) chained.policy = association->policy;
    if (!association->external_id.empty()) chained.external_id = association->external_id;
    auto second = assumer_.assume_role(first->session.principal, call.facts, chained, call.request_id);
    if (!second) return from_sts(second.error());
    grant.session = std::move(second->session);
  }
  grant.association = std::move(*association);
  return grant;
}

core::Result<http::Response> EksAuthService::handle(const iam::Call& call, http::Request& req) {
  // POST /clusters/{clusterName}/assume-role-for-pod-identity
  constexpr std::string_view kPrefix = "/clusters/";
  constexpr std::string_view kSuffix = "/assume-role-for-pod-identity";
  std::string_view path = req.path;
  if (req.method != "POST" || !path.starts_with(kPrefix) || !path.ends_with(kSuffix) ||
      path.size() <= kPrefix.size() + kSuffix.size())
    return core::AwsError(kUnknownOperation,
                          "No EKS Auth operation serves " + req.method + " " + std::string(req.path) + ".");
  auto cluster = core::percent_decode(path.substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size()));
  if (!cluster) return core::AwsError(auth::kInvalidParameterException, "The cluster name is not valid.");
  observe::record_operation("AssumeRoleForPodIdentity");
  observe::record_parameter("clusterName", *cluster);  // the token itself is a secret: never recorded

  auto body = read_json_body(req, auth::kInvalidRequestException);
  if (!body) return body.error();
  auto token = optional_string(*body, "token", auth::kInvalidParameterException);
  if (!token) return token.error();

  auto grant = assume_role_for_pod_identity(call, *cluster, *token);
  if (!grant) return grant.error();
  static observe::Counter& issued = observe::credentials_issued("eks-auth", "AssumeRoleForPodIdentity");
  issued.inc();
  const sts::Session& s = grant->session;
  ordered_json out;
  out["subject"] = {{"namespace", grant->token.namespace_name}, {"serviceAccount", grant->token.service_account}};
  out["audience"] = std::string(kPodsAudience);
  out["podIdentityAssociation"] = {{"associationArn", grant->association.arn},
                                   {"associationId", grant->association.id}};
  out["assumedRoleUser"] = {{"arn", s.principal.arn}, {"assumeRoleId", s.principal.user_id}};
  out["credentials"] = {{"sessionToken", s.credentials.session_token},
                        {"secretAccessKey", s.credentials.secret_access_key},
                        {"accessKeyId", s.credentials.access_key_id},
                        {"expiration", core::to_unix_seconds(s.credentials.expiration)}};
  spdlog::info("request {}: eks-auth issued {} for {}/{} (association {}) as {}", call.request_id,
               s.credentials.access_key_id, grant->token.namespace_name, grant->token.service_account,
               grant->association.id, s.principal.arn);
  return json_response(out);
}

}  // namespace podbucket::eks
