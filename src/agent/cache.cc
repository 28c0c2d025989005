#include "agent/cache.h"

#include <spdlog/spdlog.h>
#include <algorithm>
#include <vector>

#include "agent/errors.h"
#include "agent/response.h"

namespace podbucket::agent {

using namespace std::chrono;

CredentialCache::CredentialCache(CacheOptions options, std::string cluster, EksAuth& eks_auth,
                                 const core::Clock& clock, core::Random& random, Metrics& metrics)
    : options_(options),
      cluster_(std::move(cluster)),
      eks_auth_(eks_auth),
      clock_(clock),
      random_(random),
      metrics_(metrics),
      renewals_(options.renewal_qps, std::max(1.0, options.renewal_qps), clock) {}

size_t CredentialCache::size() const {
  std::lock_guard lock(mu_);
  return lru_.size();
}

core::Result<PodCredentials> CredentialCache::fetch(const std::string& token) {
  auto r = eks_auth_.assume_role_for_pod_identity(cluster_, token);
  metrics_.count_eks_auth_call("fetch", r ? std::string_view() : (eks_auth_code(r.error()).empty()
                                                                      ? std::string_view("Unknown")
                                                                      : eks_auth_code(r.error())));
  if (!r) return r.error();
  if (!fresh(*r, clock_.now())) {
    return core::AwsError(kInternal,
                          "error getting credentials to cache: fetched credentials are expired or will expire "
                          "within the next " + std::to_string(options_.min_ttl.count()) + " seconds");
  }
  return r;
}

core::TimePoint CredentialCache::refresh_time(const PodCredentials& creds, core::TimePoint now) const {
  auto ttl = duration_cast<seconds>(creds.expiration - now);
  auto in = std::min<seconds>(options_.max_retention, std::max<seconds>(ttl - options_.renew_before_expiry, ttl / 2));
  return now + std::max<seconds>(in, seconds(1));
}

void CredentialCache::store(const std::string& token, const PodCredentials& creds, const TokenTimes& times,
                            core::TimePoint now) {
  if (auto it = index_.find(token); it != index_.end()) erase(it->second);
  lru_.push_front(Entry{token, creds, credentials_response(creds).body, times, refresh_time(creds, now), {}});
  index_.emplace(lru_.front().token, lru_.begin());
  while (lru_.size() > options_.max_size) {
    erase(std::prev(lru_.end()));
    metrics_.count_evicted();
  }
}

void CredentialCache::erase(Lru::iterator it) {
  index_.erase(std::string_view(it->token));
  lru_.erase(it);
}

std::optional<CredentialCache::Hit> CredentialCache::find(const std::string& token) {
  if (!enabled()) return std::nullopt;
  std::lock_guard lock(mu_);
  auto it = index_.find(token);
  if (it == index_.end() || !fresh(it->second->creds, clock_.now())) return std::nullopt;
  lru_.splice(lru_.begin(), lru_, it->second);
  metrics_.count_cache_hit();
  return Hit{it->second->body, it->second->times};
}

core::Result<PodCredentials> CredentialCache::get(const std::string& token, const TokenTimes& times) {
  if (!enabled()) {
    metrics_.count_cache_miss();
    return fetch(token);
  }
  std::unique_lock lock(mu_);
  auto now = clock_.now();
  if (auto it = index_.find(token); it != index_.end()) {
    if (fresh(it->second->creds, now)) {
      lru_.splice(lru_.begin(), lru_, it->second);
      metrics_.count_cache_hit();
      return it->second->creds;
    }
    erase(it->second);
    metrics_.count_evicted();
  }
  metrics_.count_cache_miss();
  spdlog::debug("agent: credentials not cached ({} entries), asking EKS Auth", index_.size());

  // Another request is fetching this token: wait for its result.
  if (auto in = inflight_.find(token); in != inflight_.end()) {
    std::shared_ptr<InFlight> flight = in->second;
    if (inflight_done_.wait_for(lock, options_.inflight_wait, [&] { return flight->done; })) {
      return *flight->result;
    }
  }

  auto flight = std::make_shared<InFlight>();
  bool leader = inflight_.emplace(token, flight).second;
  lock.unlock();
  auto result = fetch(token);
  lock.lock();
  if (result) store(token, *result, times, clock_.now());
  if (leader) {
    flight->result = result;
    flight->done = true;
    inflight_.erase(token);
    inflight_done_.notify_all();
  }
  return result;
}

SweepStats CredentialCache::sweep() {
  SweepStats stats;
  std::vector<std::string> due;
  {
    std::lock_guard lock(mu_);
    auto now = clock_.now();
    for (const auto& e : lru_) {
      if (e.refresh_at <= now && e.retry_at <= now) due.push_back(e.token);
    }
  }
  for (const auto& token : due) {
    if (!renewals_.allow()) {
      ++stats.rate_limited;
      metrics_.count_renewal_rate_limited();
      continue;
    }
    auto r = eks_auth_.assume_role_for_pod_identity(cluster_, token);
    std::string_view code = r ? std::string_view() : eks_auth_code(r.error());
    metrics_.count_eks_auth_call("renewal", r ? std::string_view() : (code.empty() ? "Unknown" : code));
    std::lock_guard lock(mu_);
    auto now = clock_.now();
    auto it = index_.find(token);
    if (it == index_.end()) continue;  // evicted meanwhile
    Entry& e = *it->second;
    if (r && fresh(*r, now)) {
      e.creds = *r;
      e.body = credentials_response(*r).body;
      e.refresh_at = refresh_time(*r, now);
      e.retry_at = {};
      ++stats.renewed;
      metrics_.count_renewal_success();
      continue;
    }
    ++stats.failed;
    if (!r && is_irrecoverable(r.error())) {
      metrics_.count_renewal_error(false, code);
      erase(it->second);
      ++stats.evicted;
      metrics_.count_evicted();
      continue;
    }
    metrics_.count_renewal_error(true, code.empty() ? "Unknown" : code);
    std::string b = random_.bytes(4);
    uint32_t x = uint32_t(uint8_t(b[0])) | uint32_t(uint8_t(b[1])) << 8 | uint32_t(uint8_t(b[2])) << 16 |
                 uint32_t(uint8_t(b[3])) << 24;
    auto base = duration_cast<milliseconds>(options_.retry_base);
    auto jitter = milliseconds(base.count() > 0 ? int64_t(x % uint64_t(base.count())) : 0);
    e.retry_at = std::min<core::TimePoint>(now + base + jitter, e.creds.expiration - options_.min_ttl);
  }
  std::lock_guard lock(mu_);
  auto now = clock_.now();
  for (auto it = lru_.begin(); it != lru_.end();) {
    auto next = std::next(it);
    if (!fresh(it->creds, now)) {
      erase(it);
      ++stats.evicted;
      metrics_.count_evicted();
    }
    it = next;
  }
  return stats;
}

}  // namespace podbucket::agent
