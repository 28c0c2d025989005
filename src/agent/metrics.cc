#include "agent/metrics.h"

#include <utility>
#include <vector>

namespace podbucket::agent {
namespace {

struct Family {
  std::string_view name;
  std::string_view help;
};

// Every family, in exposition order, with its help text.
constexpr Family kFamilies[] = {
    {"pod_identity_http_response", "Credential responses by HTTP status code (eks-pod-identity-agent compatible)."},
    {"pod_identity_cache_state",
     "Cache events: miss (request not served from cache), hit (successful background renewal), evicted."},
    {"pod_identity_cache_errors", "Failed background renewals by type (Recoverable/NonRecoverable) and code."},
    {"podbucket_agent_requests_total", "Credential requests answered, by HTTP status code."},
    {"podbucket_agent_cache_hits_total", "Credential requests served from the cache."},
    {"podbucket_agent_cache_misses_total", "Credential requests that needed a call to EKS Auth."},
    {"podbucket_agent_eks_auth_calls_total", "AssumeRoleForPodIdentity calls by kind (fetch, renewal)."},
    {"podbucket_agent_eks_auth_errors_total", "AssumeRoleForPodIdentity calls that failed, by error code."},
    {"podbucket_agent_renewals_total", "Background renewals by result (ok, error, rate_limited)."},
};

std::string label(std::string_view name, std::string_view value) {
  std::string out(name);
  out += "=\"";
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace

void Metrics::add(std::string_view family, std::string labels) {
  std::lock_guard lock(mu_);
  ++counters_[std::string(family)][std::move(labels)];
}

void Metrics::count_response(int status) {
  if (status >= 100 && status < 600) responses_[size_t(status)].fetch_add(1, std::memory_order_relaxed);
}

void Metrics::count_cache_hit() { hits_.fetch_add(1, std::memory_order_relaxed); }

void Metrics::count_cache_miss() {
  add("pod_identity_cache_state", label("state", "miss"));
  add("podbucket_agent_cache_misses_total", "");
}

void Metrics::count_renewal_success() {
  add("pod_identity_cache_state", label("state", "hit"));
  add("podbucket_agent_renewals_total", label("result", "ok"));
}

void Metrics::count_renewal_rate_limited() { add("podbucket_agent_renewals_total", label("result", "rate_limited")); }

void Metrics::count_renewal_error(bool recoverable, std::string_view code) {
  add("pod_identity_cache_errors", label("type", recoverable ? "Recoverable" : "NonRecoverable") + "," +
                                       label("code", code.empty() ? "Unknown" : code));
  add("podbucket_agent_renewals_total", label("result", "error"));
}

void Metrics::count_evicted() { add("pod_identity_cache_state", label("state", "evicted")); }

void Metrics::count_eks_auth_call(std::string_view kind, std::string_view error_code) {
  add("podbucket_agent_eks_auth_calls_total", label("kind", kind));
  if (!error_code.empty()) add("podbucket_agent_eks_auth_errors_total", label("code", error_code));
}

std::map<std::string, std::map<std::string, uint64_t>> Metrics::snapshot() const {
  std::lock_guard lock(mu_);
  auto all = counters_;
  for (int status = 100; status < 600; ++status) {
    uint64_t n = responses_[size_t(status)].load(std::memory_order_relaxed);
    if (n == 0) continue;
    std::string code = label("code", std::to_string(status));
    all["pod_identity_http_response"][code] = n;
    all["podbucket_agent_requests_total"][code] = n;
  }
  if (uint64_t n = hits_.load(std::memory_order_relaxed)) all["podbucket_agent_cache_hits_total"][""] = n;
  return all;
}

std::string Metrics::render(size_t cache_entries) const {
  std::string out;
  const auto counters = snapshot();
  for (const auto& family : kFamilies) {
    out += "# HELP " + std::string(family.name) + " " + std::string(family.help) + "\n";
    out += "# TYPE " + std::string(family.name) + " counter\n";
    auto it = counters.find(std::string(family.name));
    if (it == counters.end()) {
      // Unlabelled counters start at 0; labelled families have no series until the first event.
      if (family.name.ends_with("hits_total") || family.name.ends_with("misses_total")) {
        out += std::string(family.name) + " 0\n";
      }
      continue;
    }
    for (const auto& [labels, n] : it->second) {
      out += std::string(family.name);
      if (!labels.empty()) out += "{" + labels + "}";
      out += " " + std::to_string(n) + "\n";
    }
  }
  out += "# HELP podbucket_agent_cache_entries Credentials currently cached.\n";
  out += "# TYPE podbucket_agent_cache_entries gauge\n";
  out += "podbucket_agent_cache_entries " + std::to_string(cache_entries) + "\n";
  return out;
}

uint64_t Metrics::value(std::string_view family, std::string_view labels) const {
  const auto counters = snapshot();
  auto it = counters.find(std::string(family));
  if (it == counters.end()) return 0;
  auto jt = it->second.find(std::string(labels));
  return jt == it->second.end() ? 0 : jt->second;
}

}  // namespace podbucket::agent
