#pragma once
// The agent's credential cache (spec 1.6): an LRU keyed by the pod's raw token (as agent 0.1.37 keys it), with
// background renewal before expiry and a rate limit on renewals towards EKS Auth.
//
// Rules:
//   - a request is served from the cache while the entry's credentials have more than min_ttl (15 s) left;
//     otherwise the entry is dropped and fetched again;
//   - concurrent misses for one token share one EKS Auth call: the others wait up to inflight_wait for its
//     result (success or error), then call EKS Auth themselves;
//   - fetched credentials with min_ttl or less left are refused (500);
//   - each entry is due for renewal at now + min(max_retention, max(ttl - renew_before_expiry, ttl / 2)), so pods
//     never receive credentials inside the SDKs' refresh windows (5-15 min) while the agent keeps them fresh.
//     The real agent renews only at min(ttl, 3 h); renewing earlier is podbucket's choice;
//   - sweep() (the janitor, run every minute by Agent) renews due entries with their original token, taking one
//     token from the renewal bucket per call (3/s, burst 3) and leaving an entry for the next sweep when none is
//     left; ResourceNotFound, ExpiredToken, InvalidToken and AccessDenied evict the entry, other failures keep
//     the old credentials and retry after retry_base + random[0, retry_base), never past expiry; then entries
//     with min_ttl or less left are evicted;
//   - max_size 0 or max_retention 0 disables the cache: every request calls EKS Auth.
// Tokens are secrets: they are never logged and never leave this object except towards EKS Auth.
#include <chrono>
#include <condition_variable>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "agent/eks_auth.h"
#include "agent/metrics.h"
#include "agent/rate_limiter.h"
#include "agent/token_check.h"
#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"

namespace podbucket::agent {

struct CacheOptions {
  size_t max_size = 2000;                                         // entries (--max-cache-size)
  std::chrono::seconds max_retention{std::chrono::hours(3)};      // --max-credential-retention-before-renewal
  std::chrono::seconds min_ttl{15};                               // defaultMinCredentialTtl
  std::chrono::seconds renew_before_expiry{std::chrono::minutes(20)};
  double renewal_qps = 3;                                         // --max-service-qps (burst = max(1, qps))
  std::chrono::seconds retry_base{60};                            // after a recoverable renewal failure
  std::chrono::milliseconds inflight_wait{1800};                  // 9 × 200 ms
};

/// What one sweep() did.
struct SweepStats {
  size_t renewed = 0;
  size_t failed = 0;
  size_t rate_limited = 0;
  size_t evicted = 0;
};

/// Thread-safe. `eks_auth`, `clock`, `random` and `metrics` outlive the cache.
class CredentialCache {
 public:
  CredentialCache(CacheOptions options, std::string cluster, EksAuth& eks_auth, const core::Clock& clock,
                  core::Random& random, Metrics& metrics);

  /// A fresh cached answer: the rendered credential JSON and the token's time claims.
  struct Hit {
    std::string body;
    TokenTimes times;
  };

  /// The hot path: the cached answer for `token` when its credentials have more than min_ttl left (the entry
  /// becomes the most recently used; counted as a cache hit), else nullopt. Never calls EKS Auth.
  std::optional<Hit> find(const std::string& token);

  /// Credentials for `token`, from the cache or from EKS Auth; `times` (the token's already checked claims) are
  /// kept with a new entry for find(). Errors: EKS Auth's (status passed through), kInternal for transport
  /// failures and for credentials that expire within min_ttl.
  core::Result<PodCredentials> get(const std::string& token, const TokenTimes& times = {});

  /// The janitor's pass (see the file comment).
  SweepStats sweep();

  size_t size() const;
  bool enabled() const { return options_.max_size > 0 && options_.max_retention.count() > 0; }
  const CacheOptions& options() const { return options_; }

 private:
  struct Entry {
    std::string token;
    PodCredentials creds;
    std::string body;  // credentials_response(creds).body, rendered once
    TokenTimes times;
    core::TimePoint refresh_at{};
    core::TimePoint retry_at{};  // after a recoverable renewal failure
  };
  struct InFlight {
    bool done = false;
    std::optional<core::Result<PodCredentials>> result;
  };
  using Lru = std::list<Entry>;

  core::Result<PodCredentials> fetch(const std::string& token);
  core::TimePoint refresh_time(const PodCredentials& creds, core::TimePoint now) const;
  void store(const std::string& token, const PodCredentials& creds, const TokenTimes& times,
             core::TimePoint now);  // requires mu_
  void erase(Lru::iterator it);                                                            // requires mu_
  bool fresh(const PodCredentials& creds, core::TimePoint now) const {
    return creds.expiration - now > options_.min_ttl;
  }

  const CacheOptions options_;
  const std::string cluster_;
  EksAuth& eks_auth_;
  const core::Clock& clock_;
  core::Random& random_;
  Metrics& metrics_;
  RateLimiter renewals_;

  mutable std::mutex mu_;
  std::condition_variable inflight_done_;
  Lru lru_;                                                                 // GUARDED_BY(mu_), front = newest
  std::unordered_map<std::string_view, Lru::iterator> index_;               // GUARDED_BY(mu_), views into lru_
  std::unordered_map<std::string, std::shared_ptr<InFlight>> inflight_;     // GUARDED_BY(mu_)
};

}  // namespace podbucket::agent
