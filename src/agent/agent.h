#pragma once
// The Pod Identity Agent as a library (spec 1): credential listeners on every bind host, the probe listener,
// the metrics listener, the credential cache and its janitor. `podbucket agent` runs one in its own process;
// `podbucket up` runs one beside the server with an in-process EksAuth.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "agent/cache.h"
#include "agent/eks_auth.h"
#include "agent/handler.h"
#include "agent/metrics.h"
#include "agent/rate_limiter.h"
#include "core/clock.h"
#include "core/random.h"
#include "http/server.h"

namespace podbucket::agent {

/// The addresses pods use (spec 1.1); the IPv6 one is bound in brackets.
inline constexpr const char* kDefaultIpv4Host = "169.254.170.23";
inline constexpr const char* kDefaultIpv6Host = "[fd00:ec2::23]";

struct AgentOptions {
  std::string cluster_name;                                            // required
  std::vector<std::string> bind_hosts{kDefaultIpv4Host, kDefaultIpv6Host};
  uint16_t port = 80;                  // on every bind host; 0 picks a free port per host (tests)
  std::string probe_host = "127.0.0.1";
  uint16_t probe_port = 2703;          // 0 = free port; see Agent::probe_port()
  std::string metrics_host = "0.0.0.0";
  uint16_t metrics_port = 2705;        // 0 = free port
  bool serve_probes = true;            // false: no probe listener (in-process use)
  bool serve_metrics = true;           // false: no metrics listener
  CacheOptions cache;
  double request_rate = 1000;          // ingress token bucket per second (0 = unlimited)
  double request_burst = 500;
  std::chrono::milliseconds janitor_interval{0};  // 0 = min(60 s, max_retention / 2), at least 1 s
  std::chrono::milliseconds probe_timeout{10'000};
};

/// Checks options the way the real agent does at start-up. Throws std::invalid_argument: no cluster name, no
/// bind host, or renewal_qps × max_retention (s) < max_size / 2 (renewals could not keep up).
void validate(const AgentOptions& options);

/// Not copyable. start()/stop() from one thread; the rest is internal and thread-safe.
class Agent {
 public:
  /// Validates `options` (throws std::invalid_argument). `eks_auth`, `clock` and `random` outlive the agent.
  Agent(AgentOptions options, EksAuth& eks_auth, const core::Clock& clock, core::Random& random);
  ~Agent();
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  /// Binds every listener and starts the janitor. Throws std::runtime_error when an address cannot be bound
  /// (listeners already started are stopped again); an IPv6 bind host that cannot be bound is skipped with a
  /// warning when there are other bind hosts (as `agent init` treats IPv6 as best effort).
  void start();
  /// Stops the janitor and the listeners (in-flight requests finish). Idempotent.
  void stop();

  /// The bind hosts actually served, in order (after start()).
  const std::vector<std::string>& bound_hosts() const;
  /// The real port of bound host `i` (after start()).
  uint16_t port(size_t i = 0) const;
  uint16_t probe_port() const;
  uint16_t metrics_port() const;

  /// The credential handler, for in-process callers and tests.
  http::Response handle(const http::Request& req) { return handler_.handle(req); }
  /// The probe answer (/healthz and /readyz).
  http::Response probe() const;
  const Metrics& metrics() const { return metrics_; }
  CredentialCache& cache() { return cache_; }

 private:
  http::Response serve_probe(const http::Request& req) const;
  http::Response serve_metrics(const http::Request& req) const;
  void janitor();

  AgentOptions options_;
  Metrics metrics_;
  RateLimiter ingress_;
  CredentialCache cache_;
  CredentialHandler handler_;
  std::vector<std::unique_ptr<http::Server>> listeners_;
  std::vector<std::string> bound_hosts_;  // parallel to listeners_
  std::unique_ptr<http::Server> probe_server_;
  std::unique_ptr<http::Server> metrics_server_;

  std::thread janitor_thread_;
  std::mutex janitor_mu_;
  std::condition_variable janitor_cv_;
  bool stopping_ = false;  // GUARDED_BY(janitor_mu_)
};

}  // namespace podbucket::agent
