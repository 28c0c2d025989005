#pragma once
// Projected service-account tokens: the claims a kubelet-projected token carries (for minting), and their
// verification as EKS Auth does it (for AssumeRoleForPodIdentity).
// Claims: kubernetes/kubernetes pkg/serviceaccount/claims.go (spec 4.4).
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/result.h"

namespace podbucket::eks {

/// The audience of Pod Identity tokens; the only one EKS Auth accepts.
inline constexpr std::string_view kPodsAudience = "pods.eks.amazonaws.com";

/// Who a token is for. Every name has been validated by the caller.
struct TokenSubject {
  std::string namespace_name;
  std::string service_account;
  std::string service_account_uid;
  std::string pod_name;
  std::string pod_uid;
  std::string node_name;
  std::string node_uid;
};

/// The claims of a projected token: iss, sub "system:serviceaccount:NS:SA", aud [audience], exp = iat +
/// expires_in, iat = nbf = now (whole seconds), jti, and kubernetes.io {namespace, serviceaccount{name,uid},
/// pod{name,uid}, node{name,uid}}.
nlohmann::json token_claims(std::string_view issuer, std::string_view audience, const TokenSubject& subject,
                            core::TimePoint now, std::chrono::seconds expires_in, std::string_view jti);

/// What EKS Auth learns from a verified token.
struct PodToken {
  std::string subject;  // "system:serviceaccount:NS:SA"
  std::string namespace_name;
  std::string service_account;
  std::string pod_name;
  std::string pod_uid;
  int64_t expires_at = 0;  // Unix seconds
};

/// Checks applied by verify_pod_token.
struct PodTokenChecks {
  std::string issuer;    // the cluster's issuer; "iss" must equal it
  std::string jwks_json;  // the cluster's key set
  core::TimePoint now{};
  std::chrono::seconds leeway{10};
  std::string audience{kPodsAudience};
};

/// Verifies a token for AssumeRoleForPodIdentity, in this order: shape (three base64url parts, JSON header and
/// claims), issuer, RS256 signature by a key of the set, exp (ExpiredTokenException "The token included in the
/// request is expired: current date/time ... must be before the expiration date/time ..."), nbf/iat not in the
/// future, audience, subject "system:serviceaccount:NS:SA" agreeing with the kubernetes.io claims, and a bound
/// pod (kubernetes.io.pod.name and uid). Every other failure is InvalidTokenException (400). Messages never
/// contain the token.
core::Result<PodToken> verify_pod_token(std::string_view token, const PodTokenChecks& checks);

}  // namespace podbucket::eks
