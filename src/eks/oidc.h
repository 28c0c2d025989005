#pragma once
// OIDC discovery for local clusters, unsigned, on the shared port:
//   GET /_oidc/CLUSTER/.well-known/openid-configuration  → {"issuer","jwks_uri",...}
//   GET /_oidc/CLUSTER/keys                              → {"keys":[...]}
// No S3 bucket can be named "_oidc" (bucket names start with a lower-case letter or digit), so these paths never
// shadow path-style S3 requests. The dispatcher checks is_oidc_path before S3 routing and renders errors with
// api::Protocol::kRestJson.
// https://openid.net/specs/openid-connect-discovery-1_0.html (section 4), kube-apiserver's openidmetadata.go
#include <string_view>

#include "core/result.h"
#include "eks/clusters.h"
#include "http/message.h"

namespace podbucket::eks {

/// True when `path` (raw, as received) is under /_oidc/.
bool is_oidc_path(std::string_view path);

class OidcDiscovery {
 public:
  /// `clusters` outlives this. Thread-safe.
  explicit OidcDiscovery(const ClusterRegistry& clusters);

  /// Serves GET and HEAD (200, application/json, Cache-Control max-age=60). ResourceNotFoundException 404 for an
  /// unknown or external cluster or another path under /_oidc/; MethodNotAllowed 405 (with Allow) for other
  /// methods.
  core::Result<http::Response> handle(const http::Request& req) const;

 private:
  const ClusterRegistry& clusters_;
};

}  // namespace podbucket::eks
