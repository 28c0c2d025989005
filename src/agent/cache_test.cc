#include "agent/cache.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "agent/response.h"
#include "agent/test_util.h"

namespace podbucket::agent {
namespace {

using namespace std::chrono;
using testing::FakeEksAuth;
using testing::pod_token;
using testing::SeededRandom;
using testing::t0;

class CacheTest : public ::testing::Test {
 protected:
  CredentialCache& cache(CacheOptions o = {}) {
    cache_ = std::make_unique<CredentialCache>(o, "gitlab-cluster", eks_, clock_, random_, metrics_);
    return *cache_;
  }

  core::FakeClock clock_{t0()};
  SeededRandom random_;
  Metrics metrics_;
  FakeEksAuth eks_{clock_};
  std::unique_ptr<CredentialCache> cache_;
};

TEST_F(CacheTest, SecondRequestIsAHit) {
  auto& c = cache();
  std::string token = pod_token(t0());
  auto a = c.get(token);
  ASSERT_TRUE(a);
  EXPECT_EQ(eks_.last_cluster(), "gitlab-cluster");
  EXPECT_EQ(eks_.last_token(), token);
  auto b = c.get(token);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->access_key_id, a->access_key_id);
  EXPECT_EQ(eks_.calls(), 1);
  EXPECT_EQ(metrics_.value("podbucket_agent_cache_hits_total"), 1u);
  EXPECT_EQ(metrics_.value("pod_identity_cache_state", "state=\"miss\""), 1u);
  EXPECT_EQ(metrics_.value("podbucket_agent_eks_auth_calls_total", "kind=\"fetch\""), 1u);
  EXPECT_EQ(c.size(), 1u);
}

TEST_F(CacheTest, FindServesTheRenderedAnswer) {
  auto& c = cache();
  std::string token = pod_token(t0());
  EXPECT_FALSE(c.find(token));
  TokenTimes times;
  times.exp = {true, true, 123};
  ASSERT_TRUE(c.get(token, times));
  auto hit = c.find(token);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->body, credentials_response(*c.get(token)).body);
  EXPECT_EQ(hit->times.exp.value, 123);
  EXPECT_EQ(metrics_.value("podbucket_agent_cache_hits_total"), 2u);
  clock_.advance(hours(6) - seconds(15));  // within min_ttl: no longer served
  EXPECT_FALSE(c.find(token));
}

TEST_F(CacheTest, KeyedByTheWholeToken) {
  auto& c = cache();
  ASSERT_TRUE(c.get(pod_token(t0(), 86400, "a")));
  ASSERT_TRUE(c.get(pod_token(t0(), 86400, "b")));
  ASSERT_TRUE(c.get(pod_token(t0(), 86400, "a")));
  EXPECT_EQ(eks_.calls(), 2);
  EXPECT_EQ(c.size(), 2u);
}

TEST_F(CacheTest, ErrorsAreNotCached) {
  auto& c = cache();
  eks_.fail_next(eks_auth_error(404, "ResourceNotFoundException", "no association", "r-1"));
  auto a = c.get(pod_token(t0()));
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().http_status(), 404);
  EXPECT_EQ(c.size(), 0u);
  EXPECT_TRUE(c.get(pod_token(t0())));
  EXPECT_EQ(eks_.calls(), 2);
  EXPECT_EQ(metrics_.value("podbucket_agent_eks_auth_errors_total", "code=\"ResourceNotFoundException\""), 1u);
}

TEST_F(CacheTest, NeverServesCredentialsWithFifteenSecondsOrLessLeft) {
  auto& c = cache();
  eks_.lifetime = minutes(30);
  std::string token = pod_token(t0());
  auto first = c.get(token);
  ASSERT_TRUE(first);
  clock_.advance(minutes(30) - seconds(16));
  EXPECT_EQ(c.get(token)->access_key_id, first->access_key_id);  // 16 s left: still served
  clock_.advance(seconds(1));
  auto second = c.get(token);  // 15 s left: fetched again
  ASSERT_TRUE(second);
  EXPECT_NE(second->access_key_id, first->access_key_id);
  EXPECT_EQ(eks_.calls(), 2);
  EXPECT_EQ(metrics_.value("pod_identity_cache_state", "state=\"evicted\""), 1u);
}

TEST_F(CacheTest, FetchedCredentialsAboutToExpireAreRefused) {
  auto& c = cache();
  eks_.lifetime = seconds(15);
  auto r = c.get(pod_token(t0()));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().http_status(), 500);
  EXPECT_EQ(r.error().message(),
            "error getting credentials to cache: fetched credentials are expired or will expire within the next 15 "
            "seconds");
  EXPECT_EQ(c.size(), 0u);
}

TEST_F(CacheTest, RenewsInTheBackgroundBeforeExpiry) {
  auto& c = cache();  // 6 h credentials, 3 h retention
  std::string token = pod_token(t0());
  auto first = c.get(token);
  ASSERT_TRUE(first);
  clock_.advance(hours(3) - seconds(1));
  EXPECT_EQ(c.sweep().renewed, 0u);  // not due yet
  clock_.advance(seconds(1));
  auto stats = c.sweep();
  EXPECT_EQ(stats.renewed, 1u);
  EXPECT_EQ(eks_.calls(), 2);
  EXPECT_EQ(eks_.last_token(), token);  // renewed with the original token
  auto served = c.get(token);
  ASSERT_TRUE(served);
  EXPECT_NE(served->access_key_id, first->access_key_id);
  EXPECT_EQ(served->expiration, clock_.now() + hours(6));
  EXPECT_EQ(eks_.calls(), 2);  // the request was a hit
  EXPECT_EQ(metrics_.value("pod_identity_cache_state", "state=\"hit\""), 1u);
  EXPECT_EQ(metrics_.value("podbucket_agent_eks_auth_calls_total", "kind=\"renewal\""), 1u);
}

TEST_F(CacheTest, ShortLivedCredentialsAreRenewedOutsideTheSdkRefreshWindows) {
  struct Case {
    seconds lifetime, due;
  } cases[] = {{hours(1), minutes(40)}, {minutes(15), seconds(450)}, {hours(12), hours(3)}};
  for (const auto& tc : cases) {
    auto& c = cache();
    eks_.lifetime = tc.lifetime;
    std::string token = pod_token(clock_.now(), 86400, "p" + std::to_string(tc.lifetime.count()));
    ASSERT_TRUE(c.get(token));
    int before = eks_.calls();
    clock_.advance(tc.due - seconds(1));
    c.sweep();
    EXPECT_EQ(eks_.calls(), before) << tc.lifetime.count();
    clock_.advance(seconds(1));
    c.sweep();
    EXPECT_EQ(eks_.calls(), before + 1) << tc.lifetime.count();
  }
}

TEST_F(CacheTest, RetentionCapsTheTimeBeforeRenewal) {
  CacheOptions o;
  o.max_retention = seconds(10);
  o.max_size = 10;
  auto& c = cache(o);
  std::string token = pod_token(t0());
  ASSERT_TRUE(c.get(token));
  clock_.advance(seconds(10));
  EXPECT_EQ(c.sweep().renewed, 1u);
  clock_.advance(seconds(10));
  EXPECT_EQ(c.sweep().renewed, 1u);
  EXPECT_EQ(eks_.calls(), 3);
}

TEST_F(CacheTest, IrrecoverableRenewalErrorsEvict) {
  for (const char* code : {"ResourceNotFoundException", "ExpiredTokenException", "InvalidTokenException",
                           "AccessDeniedException"}) {
    auto& c = cache();
    std::string token = pod_token(clock_.now());
    ASSERT_TRUE(c.get(token));
    clock_.advance(hours(3));
    eks_.fail_next(eks_auth_error(code == std::string("ResourceNotFoundException") ? 404 : 400, code, "m", "r"));
    auto stats = c.sweep();
    EXPECT_EQ(stats.failed, 1u) << code;
    EXPECT_EQ(stats.evicted, 1u) << code;
    EXPECT_EQ(c.size(), 0u) << code;
    EXPECT_EQ(metrics_.value("pod_identity_cache_errors", "type=\"NonRecoverable\",code=\"" + std::string(code) + "\""),
              1u);
  }
}

TEST_F(CacheTest, RecoverableRenewalErrorsKeepTheOldCredentialsAndRetryLater) {
  auto& c = cache();
  std::string token = pod_token(t0());
  auto first = c.get(token);
  ASSERT_TRUE(first);
  clock_.advance(hours(3));
  eks_.fail_next(eks_auth_error(503, "ServiceUnavailableException", "busy", "r"));
  auto stats = c.sweep();
  EXPECT_EQ(stats.failed, 1u);
  EXPECT_EQ(stats.evicted, 0u);
  EXPECT_EQ(c.get(token)->access_key_id, first->access_key_id);
  EXPECT_EQ(metrics_.value("pod_identity_cache_errors", "type=\"Recoverable\",code=\"ServiceUnavailableException\""),
            1u);
  // Retried after 1 min + [0, 1 min), not before.
  clock_.advance(seconds(59));
  c.sweep();
  EXPECT_EQ(eks_.calls(), 2);
  clock_.advance(minutes(1) + seconds(1));
  EXPECT_EQ(c.sweep().renewed, 1u);
  EXPECT_NE(c.get(token)->access_key_id, first->access_key_id);
}

TEST_F(CacheTest, FailingRenewalsEndWithEvictionAtExpiry) {
  auto& c = cache();
  eks_.lifetime = minutes(20);
  std::string token = pod_token(t0());
  ASSERT_TRUE(c.get(token));
  for (int i = 0; i < 40; ++i) eks_.fail_next(eks_auth_error(500, "InternalServerException", "x", "r"));
  for (int i = 0; i < 25; ++i) {
    clock_.advance(minutes(1));
    c.sweep();
  }
  EXPECT_EQ(c.size(), 0u);
  EXPECT_GE(metrics_.value("pod_identity_cache_state", "state=\"evicted\""), 1u);
}

TEST_F(CacheTest, RenewalsAreRateLimited) {
  auto& c = cache();  // 3 per second, burst 3
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(c.get(pod_token(t0(), 86400, "pod-" + std::to_string(i))));
  clock_.advance(hours(3));
  auto s = c.sweep();
  EXPECT_EQ(s.renewed, 3u);
  EXPECT_EQ(s.rate_limited, 2u);
  EXPECT_EQ(metrics_.value("podbucket_agent_renewals_total", "result=\"rate_limited\""), 2u);
  s = c.sweep();  // same instant: the bucket is empty
  EXPECT_EQ(s.renewed, 0u);
  clock_.advance(seconds(1));
  s = c.sweep();
  EXPECT_EQ(s.renewed, 2u);
  EXPECT_EQ(eks_.calls(), 10);
}

TEST_F(CacheTest, LeastRecentlyUsedEntryGoesFirst) {
  CacheOptions o;
  o.max_size = 2;
  auto& c = cache(o);
  std::string a = pod_token(t0(), 86400, "a"), b = pod_token(t0(), 86400, "b"), d = pod_token(t0(), 86400, "d");
  ASSERT_TRUE(c.get(a));
  ASSERT_TRUE(c.get(b));
  ASSERT_TRUE(c.get(a));  // b is now the least recently used
  ASSERT_TRUE(c.get(d));
  EXPECT_EQ(c.size(), 2u);
  EXPECT_EQ(eks_.calls(), 3);
  ASSERT_TRUE(c.get(a));
  EXPECT_EQ(eks_.calls(), 3);
  ASSERT_TRUE(c.get(b));
  EXPECT_EQ(eks_.calls(), 4);
}

TEST_F(CacheTest, DisabledCacheAlwaysCalls) {
  for (CacheOptions o : {CacheOptions{.max_size = 0}, CacheOptions{.max_retention = seconds(0)}}) {
    auto& c = cache(o);
    int before = eks_.calls();
    ASSERT_TRUE(c.get(pod_token(t0())));
    ASSERT_TRUE(c.get(pod_token(t0())));
    EXPECT_EQ(eks_.calls(), before + 2);
    EXPECT_FALSE(c.enabled());
    EXPECT_EQ(c.size(), 0u);
  }
}

TEST_F(CacheTest, ConcurrentMissesShareOneCall) {
  auto& c = cache();
  std::string token = pod_token(t0());
  eks_.close_gate();
  std::vector<std::thread> threads;
  std::vector<std::string> keys(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto r = c.get(token);
      if (r) keys[i] = r->access_key_id;
    });
  }
  eks_.wait_for_waiters(1);
  std::this_thread::sleep_for(milliseconds(100));  // let the others queue behind the first
  eks_.open_gate();
  for (auto& t : threads) t.join();
  EXPECT_EQ(eks_.calls(), 1);
  for (const auto& k : keys) EXPECT_EQ(k, "ASIA0001");
}

TEST_F(CacheTest, WaitersGetTheSharedError) {
  auto& c = cache();
  std::string token = pod_token(t0());
  eks_.fail_next(eks_auth_error(403, "UnrecognizedClientException", "bad key", "r"));
  eks_.close_gate();
  std::vector<std::thread> threads;
  std::vector<int> statuses(4);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      auto r = c.get(token);
      statuses[i] = r ? 200 : r.error().http_status();
    });
  }
  eks_.wait_for_waiters(1);
  std::this_thread::sleep_for(milliseconds(100));
  eks_.open_gate();
  for (auto& t : threads) t.join();
  EXPECT_EQ(eks_.calls(), 1);
  for (int s : statuses) EXPECT_EQ(s, 403);
}

TEST_F(CacheTest, WaitersGiveUpAfterTheWaitAndCallThemselves) {
  CacheOptions o;
  o.inflight_wait = milliseconds(50);
  auto& c = cache(o);
  std::string token = pod_token(t0());
  eks_.close_gate();
  std::thread first([&] { (void)c.get(token); });
  eks_.wait_for_waiters(1);
  std::thread second([&] { (void)c.get(token); });
  eks_.wait_for_waiters(2);  // the second one gave up waiting and called EKS Auth itself
  eks_.open_gate();
  first.join();
  second.join();
  EXPECT_EQ(eks_.calls(), 2);
  EXPECT_EQ(c.size(), 1u);
}

}  // namespace
}  // namespace podbucket::agent
