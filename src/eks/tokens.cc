#include "eks/tokens.h"

#include <algorithm>

#include "core/time_format.h"
#include "eks/errors.h"
#include "eks/ids.h"
#include "sts/jwt.h"

namespace podbucket::eks {

namespace {

using nlohmann::json;

constexpr std::string_view kSubjectPrefix = "system:serviceaccount:";

core::AwsError invalid(std::string message) { return core::AwsError(auth::kInvalidTokenException, std::move(message)); }

std::string string_at(const json& j, std::initializer_list<const char*> path) {
  const json* cur = &j;
  for (const char* p : path) {
    if (!cur->is_object()) return {};
    auto it = cur->find(p);
    if (it == cur->end()) return {};
    cur = &*it;
  }
  return cur->is_string() ? cur->get<std::string>() : std::string();
}

std::string iso(int64_t unix_seconds) { return core::format_iso8601(core::from_unix_seconds(unix_seconds)); }

}  // namespace

json token_claims(std::string_view issuer, std::string_view audience, const TokenSubject& s, core::TimePoint now,
                  std::chrono::seconds expires_in, std::string_view jti) {
  const int64_t iat = core::to_unix_seconds(now);
  json k8s = {{"namespace", s.namespace_name},
              {"serviceaccount", {{"name", s.service_account}, {"uid", s.service_account_uid}}},
              {"pod", {{"name", s.pod_name}, {"uid", s.pod_uid}}},
              {"node", {{"name", s.node_name}, {"uid", s.node_uid}}}};
  return json{{"aud", json::array({std::string(audience)})},
              {"exp", iat + expires_in.count()},
              {"iat", iat},
              {"iss", std::string(issuer)},
              {"jti", std::string(jti)},
              {"kubernetes.io", std::move(k8s)},
              {"nbf", iat},
              {"sub", std::string(kSubjectPrefix) + s.namespace_name + ":" + s.service_account}};
}

core::Result<PodToken> verify_pod_token(std::string_view compact, const PodTokenChecks& checks) {
  auto token = sts::jwt::decode(compact);
  if (!token) return invalid("The token is not a well-formed JSON Web Token.");
  if (token->issuer != checks.issuer)
    return invalid("The token was not issued by the cluster's service account issuer.");

  auto keys = sts::jwt::parse_jwks(checks.jwks_json);
  if (!keys) return invalid("The cluster's service account signing keys are not available.");
  if (!sts::jwt::verify_signature(*token, *keys))
    return invalid("The token's signature could not be verified with the cluster's signing keys.");

  const int64_t now = core::to_unix_seconds(checks.now);
  const int64_t leeway = checks.leeway.count();
  if (!token->expires_at) return invalid("The token has no expiration time (exp).");
  if (now > *token->expires_at + leeway)
    return core::AwsError(auth::kExpiredTokenException,
                          "The token included in the request is expired: current date/time " + iso(now) +
                              " must be before the expiration date/time " + iso(*token->expires_at));
  if (token->not_before && *token->not_before > now + leeway) return invalid("The token is not valid yet (nbf).");
  if (token->issued_at && *token->issued_at > now + leeway) return invalid("The token was issued in the future (iat).");
  if (std::find(token->audiences.begin(), token->audiences.end(), checks.audience) == token->audiences.end())
    return invalid("The token's audience is not " + checks.audience + ".");

  // sub = system:serviceaccount:NS:SA, consistent with the kubernetes.io claims when they are present.
  std::string_view sub = token->subject;
  if (!sub.starts_with(kSubjectPrefix)) return invalid("The token's subject is not a Kubernetes service account.");
  sub.remove_prefix(kSubjectPrefix.size());
  auto colon = sub.find(':');
  if (colon == std::string_view::npos) return invalid("The token's subject is not a Kubernetes service account.");
  PodToken out;
  out.subject = token->subject;
  out.namespace_name = std::string(sub.substr(0, colon));
  out.service_account = std::string(sub.substr(colon + 1));
  if (!valid_namespace(out.namespace_name) || !valid_k8s_name(out.service_account))
    return invalid("The token's subject is not a Kubernetes service account.");
  const json& k8s = token->claims.contains("kubernetes.io") ? token->claims["kubernetes.io"] : json();
  std::string claimed_ns = string_at(k8s, {"namespace"});
  std::string claimed_sa = string_at(k8s, {"serviceaccount", "name"});
  if ((!claimed_ns.empty() && claimed_ns != out.namespace_name) ||
      (!claimed_sa.empty() && claimed_sa != out.service_account))
    return invalid("The token's subject does not match its kubernetes.io claims.");
  out.pod_name = string_at(k8s, {"pod", "name"});
  out.pod_uid = string_at(k8s, {"pod", "uid"});
  if (out.pod_name.empty() || out.pod_uid.empty()) return invalid("The token is not bound to a pod.");
  out.expires_at = *token->expires_at;
  return out;
}

}  // namespace podbucket::eks
