#pragma once
// The agent's Prometheus counters (text exposition format 0.0.4, served on the metrics port at /metrics).
//
// Two sets:
//   - the real agent's families, same names and labels, so its dashboards work (spec 1.7):
//       pod_identity_http_response{code}, pod_identity_cache_state{state} (state "hit" counts successful
//       background renewals, not request hits; "miss" requests not served from the cache; "evicted"),
//       pod_identity_cache_errors{type="Recoverable"|"NonRecoverable",code};
//   - podbucket's own, named by Prometheus conventions:
//       podbucket_agent_requests_total{code}, podbucket_agent_cache_hits_total,
//       podbucket_agent_cache_misses_total, podbucket_agent_eks_auth_calls_total{kind="fetch"|"renewal"},
//       podbucket_agent_eks_auth_errors_total{code}, podbucket_agent_renewals_total{result}, and the gauge
//       podbucket_agent_cache_entries.
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace podbucket::agent {

/// Thread-safe.
class Metrics {
 public:
  /// One credential response with this HTTP status.
  void count_response(int status);
  /// A request served from the cache.
  void count_cache_hit();
  /// A request not served from the cache (pod_identity_cache_state{state="miss"}).
  void count_cache_miss();
  /// A cached entry renewed in the background (pod_identity_cache_state{state="hit"}).
  void count_renewal_success();
  /// A renewal skipped because the renewal rate limit had no token.
  void count_renewal_rate_limited();
  /// A renewal that failed; `code` is EKS Auth's code or "Unknown".
  void count_renewal_error(bool recoverable, std::string_view code);
  /// An entry dropped from the cache (pod_identity_cache_state{state="evicted"}).
  void count_evicted();
  /// One AssumeRoleForPodIdentity call; `kind` is "fetch" or "renewal"; `error_code` "" on success.
  void count_eks_auth_call(std::string_view kind, std::string_view error_code);

  /// The exposition text. `cache_entries` feeds the gauge.
  std::string render(size_t cache_entries) const;

  /// A counter's current value by family and label string (`code="200"`), for tests. 0 when absent.
  uint64_t value(std::string_view family, std::string_view labels = {}) const;

 private:
  void add(std::string_view family, std::string labels);
  /// Every counter, the atomic ones included: family → labels → value.
  std::map<std::string, std::map<std::string, uint64_t>> snapshot() const;

  // The per-request counters are lock-free: responses by status code (100..599), cache hits.
  std::array<std::atomic<uint64_t>, 600> responses_{};
  std::atomic<uint64_t> hits_{0};
  mutable std::mutex mu_;
  std::map<std::string, std::map<std::string, uint64_t>> counters_;  // GUARDED_BY(mu_): family → labels → n
};

}  // namespace podbucket::agent
