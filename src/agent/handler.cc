#include "agent/handler.h"

#include <algorithm>

#include "agent/errors.h"
#include "agent/response.h"
#include "agent/token_check.h"

namespace podbucket::agent {

std::string host_of(std::string_view h) {
  std::string_view host = h;
  if (!h.empty() && h.front() == '[') {
    size_t close = h.find(']');
    if (close != std::string_view::npos && (close + 1 == h.size() || h[close + 1] == ':')) {
      host = h.substr(1, close - 1);
    }
  } else if (size_t colon = h.find(':'); colon != std::string_view::npos && h.find(':', colon + 1) == h.npos) {
    host = h.substr(0, colon);
  }
  while (!host.empty() && (host.front() == '[' || host.front() == ']')) host.remove_prefix(1);
  while (!host.empty() && (host.back() == '[' || host.back() == ']')) host.remove_suffix(1);
  return std::string(host);
}

CredentialHandler::CredentialHandler(const std::vector<std::string>& allowed_hosts, CredentialCache& cache,
                                     RateLimiter& ingress, Metrics& metrics, const core::Clock& clock)
    : cache_(cache), ingress_(ingress), metrics_(metrics), clock_(clock) {
  for (const auto& h : allowed_hosts) allowed_.push_back(host_of(h));
  allowed_text_ = "[";
  for (size_t i = 0; i < allowed_.size(); ++i) allowed_text_ += (i ? " " : "") + allowed_[i];
  allowed_text_ += "]";
}

http::Response CredentialHandler::handle(const http::Request& req) {
  if (req.path != kCredentialsPath) {
    return error_response(core::AwsError(kNotFound, "404 page not found"));
  }
  auto answer = [&](http::Response res) {
    metrics_.count_response(res.status);
    return res;
  };
  if (!ingress_.allow()) return answer(error_response(core::AwsError(kTooManyRequests, "Too Many Requests")));

  std::string host = host_of(req.headers.get("Host").value_or(""));
  if (std::find(allowed_.begin(), allowed_.end(), host) == allowed_.end()) {
    return answer(error_response(core::AwsError(
        kInvalidAddress, "Access Denied. Called agent through invalid address, please use either " + allowed_text_ +
                             " address not " + host)));
  }
  std::string token(req.headers.get("Authorization").value_or(""));
  const auto now = clock_.now();
  if (auto hit = cache_.find(token)) {  // a cached token was parsed before: only its times are checked again
    if (auto ok = check_token_times(hit->times, now); !ok) return answer(error_response(ok.error()));
    return answer(json_response(std::move(hit->body)));
  }
  auto times = parse_token_times(token);
  if (!times) return answer(error_response(times.error()));
  if (auto ok = check_token_times(*times, now); !ok) return answer(error_response(ok.error()));
  auto creds = cache_.get(token, *times);
  if (!creds) return answer(error_response(creds.error()));
  return answer(credentials_response(*creds));
}

}  // namespace podbucket::agent
