#pragma once
// A token bucket over an injected clock (golang.org/x/time/rate semantics for a non-blocking Allow): `rate`
// tokens per second up to `burst`, starting full. Used twice by the agent (spec 1.2, 1.3): 1000/s with burst 500
// for incoming credential requests, 3/s with burst 3 for background renewals towards EKS Auth.
#include <algorithm>
#include <chrono>
#include <mutex>

#include "core/clock.h"

namespace podbucket::agent {

/// Thread-safe.
class RateLimiter {
 public:
  RateLimiter(double rate_per_second, double burst, const core::Clock& clock)
      : rate_(rate_per_second), burst_(burst), tokens_(burst), last_(clock.now()), clock_(clock) {}

  /// Takes one token if there is one. Never blocks. A rate <= 0 allows everything.
  bool allow() {
    if (rate_ <= 0) return true;
    std::lock_guard lock(mu_);
    auto now = clock_.now();
    if (now > last_) {
      double elapsed = std::chrono::duration<double>(now - last_).count();
      tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
      last_ = now;
    }
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
  }

 private:
  const double rate_;
  const double burst_;
  std::mutex mu_;
  double tokens_;          // GUARDED_BY(mu_)
  core::TimePoint last_;   // GUARDED_BY(mu_)
  const core::Clock& clock_;
};

}  // namespace podbucket::agent
