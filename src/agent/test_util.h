#pragma once
// Shared pieces of the agent's unit tests: a scripted EksAuth, a deterministic Random and unsigned test JWTs.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "agent/eks_auth.h"
#include "agent/errors.h"
#include "core/clock.h"
#include "core/encoding.h"
#include "core/random.h"
#include "core/time_format.h"

namespace podbucket::agent::testing {

inline core::TimePoint t0() { return core::from_unix_seconds(1'707'480'000); }  // 2024-02-09T12:00:00Z

/// A JWT-shaped token (the signature is junk: the agent never checks it) with the given claims.
inline std::string make_token(const nlohmann::json& claims, const nlohmann::json& header = {{"alg", "RS256"},
                                                                                              {"kid", "k1"}}) {
  return core::base64url_encode(header.dump()) + "." + core::base64url_encode(claims.dump()) + "." +
         core::base64url_encode("not-a-real-signature");
}

/// A projected-token-like JWT issued at `iat` valid for `lifetime` seconds, for pod `pod`.
inline std::string pod_token(core::TimePoint iat, int64_t lifetime = 86400, const std::string& pod = "web-0") {
  int64_t i = core::to_unix_seconds(iat);
  return make_token({{"aud", {"pods.eks.amazonaws.com"}},
                     {"exp", i + lifetime},
                     {"iat", i},
                     {"nbf", i},
                     {"iss", "https://127.0.0.1/_oidc/c"},
                     {"sub", "system:serviceaccount:gitlab:gitlab-global"},
                     {"kubernetes.io", {{"namespace", "gitlab"}, {"pod", {{"name", pod}, {"uid", "u-" + pod}}}}}});
}

class SeededRandom final : public core::Random {
 public:
  std::string bytes(size_t n) override {
    std::string out(n, '\0');
    for (auto& c : out) c = char(next_ = next_ * 1103515245 + 12345);
    return out;
  }

 private:
  uint32_t next_ = 7;
};

/// An EksAuth whose answers are scripted. By default it issues credentials valid for `lifetime` from the clock's
/// now, numbered by call ("ASIA0001", ...). Thread-safe.
class FakeEksAuth final : public EksAuth {
 public:
  explicit FakeEksAuth(const core::Clock& clock) : clock_(clock) {}

  core::Result<PodCredentials> assume_role_for_pod_identity(std::string_view cluster,
                                                            std::string_view token) override {
    std::unique_lock lock(mu_);
    ++calls_;
    last_cluster_ = std::string(cluster);
    last_token_ = std::string(token);
    if (gate_closed_) {
      ++waiting_;
      cv_.notify_all();
      cv_.wait(lock, [&] { return !gate_closed_; });
      --waiting_;
    }
    if (!errors_.empty()) {
      auto e = errors_.front();
      errors_.pop_front();
      return e;
    }
    PodCredentials c;
    char id[16];
    std::snprintf(id, sizeof id, "ASIA%04d", calls_);
    c.access_key_id = id;
    c.secret_access_key = "secret-" + std::to_string(calls_);
    c.session_token = "session-" + std::to_string(calls_);
    c.account_id = "111122223333";
    c.expiration = clock_.now() + lifetime;
    return c;
  }

  /// The next calls fail with these errors, in order.
  void fail_next(core::AwsError e) {
    std::lock_guard lock(mu_);
    errors_.push_back(std::move(e));
  }
  /// While closed, calls block (to test concurrent misses).
  void close_gate() {
    std::lock_guard lock(mu_);
    gate_closed_ = true;
  }
  void open_gate() {
    std::lock_guard lock(mu_);
    gate_closed_ = false;
    cv_.notify_all();
  }
  void wait_for_waiters(int n) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return waiting_ >= n; });
  }
  int calls() const {
    std::lock_guard lock(mu_);
    return calls_;
  }
  std::string last_cluster() const {
    std::lock_guard lock(mu_);
    return last_cluster_;
  }
  std::string last_token() const {
    std::lock_guard lock(mu_);
    return last_token_;
  }

  std::chrono::seconds lifetime{std::chrono::hours(6)};

 private:
  const core::Clock& clock_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<core::AwsError> errors_;
  bool gate_closed_ = false;
  int waiting_ = 0;
  int calls_ = 0;
  std::string last_cluster_, last_token_;
};

}  // namespace podbucket::agent::testing
