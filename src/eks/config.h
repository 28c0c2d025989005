#pragma once
// Server-wide settings of the EKS, EKS Auth and OIDC discovery endpoints.
#include <chrono>
#include <string>

namespace podbucket::eks {

struct Config {
  /// The account that owns clusters and associations (12 digits); part of every ARN.
  std::string account_id;
  /// The region of ARNs when a request carries none (the SigV4 scope's region is used when there is one).
  std::string region = "us-east-1";
  /// The server's public base URL, without a trailing slash ("http://127.0.0.1:9000"). A local cluster's issuer is
  /// <public_endpoint>/_oidc/<cluster>. ClusterRegistry::set_public_endpoint changes it once the port is known.
  std::string public_endpoint;
  /// 32 bytes that seal the clusters' private signing keys (AES-256-GCM) in the documents store; "" keeps them
  /// unsealed (PKCS#8 DER). Never logged.
  std::string key_wrapping_key;
  /// The longest token mint_token issues; a key replaced by rotate_signing_key stays in the JWKS this long.
  std::chrono::seconds max_token_lifetime{std::chrono::hours(48)};
  /// How long AssumeRoleForPodIdentity credentials last (900..43200 s). The default outlasts GitLab's 4 h 15 min
  /// presigned URLs.
  std::chrono::seconds credential_lifetime{std::chrono::hours(6)};
  /// Tolerated clock skew when checking a service-account token's exp, nbf and iat.
  std::chrono::seconds token_leeway{std::chrono::seconds(10)};
};

}  // namespace podbucket::eks
