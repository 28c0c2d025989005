#pragma once
// The credential endpoint (spec 1.3-1.5): exactly /v1/credentials, any method; checks in the agent's order
// Host → token → EKS Auth (through the cache). A pure function of the request and the cache, so it is tested
// without sockets.
#include <string>
#include <string_view>
#include <vector>

#include "agent/cache.h"
#include "agent/metrics.h"
#include "agent/rate_limiter.h"
#include "core/clock.h"
#include "http/message.h"

namespace podbucket::agent {

/// The credential path.
inline constexpr std::string_view kCredentialsPath = "/v1/credentials";

/// The host part of a Host header as Go's net.SplitHostPort + strings.Trim("[]") yields it:
/// "169.254.170.23:80" → "169.254.170.23", "[fd00:ec2::23]:80" → "fd00:ec2::23", "[fd00:ec2::23]" →
/// "fd00:ec2::23", "host" → "host".
std::string host_of(std::string_view host_header);

/// Thread-safe; the references outlive the handler.
class CredentialHandler {
 public:
  /// `allowed_hosts`: the bind hosts (brackets are stripped here).
  CredentialHandler(const std::vector<std::string>& allowed_hosts, CredentialCache& cache, RateLimiter& ingress,
                    Metrics& metrics, const core::Clock& clock);

  /// Answers one request:
  ///   - a path other than /v1/credentials (the query is ignored) → 404 "404 page not found";
  ///   - ingress token bucket empty → 429 "Too Many Requests";
  ///   - Host not an allowed host → 403 "Access Denied. Called agent through invalid address, please use either
  ///     [H1 H2] address not HOST";
  ///   - Authorization empty, unparsable or failing exp/nbf/iat → 400 (token_check.h);
  ///   - EKS Auth's error status and "[request-id]: (Code): message, fault: client|server", or 500;
  ///   - else 200 with the credential JSON.
  http::Response handle(const http::Request& req);

 private:
  std::vector<std::string> allowed_;
  std::string allowed_text_;  // "[h1 h2]"
  CredentialCache& cache_;
  RateLimiter& ingress_;
  Metrics& metrics_;
  const core::Clock& clock_;
};

}  // namespace podbucket::agent
