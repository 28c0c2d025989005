#include "agent/agent.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include "agent/handler.h"
#include "agent/probes.h"

namespace podbucket::agent {

using namespace std::chrono;

void validate(const AgentOptions& o) {
  if (o.cluster_name.empty()) throw std::invalid_argument("a cluster name is required (--cluster-name)");
  if (o.bind_hosts.empty()) throw std::invalid_argument("at least one bind host is required (--bind-hosts)");
  bool cache_on = o.cache.max_size > 0 && o.cache.max_retention.count() > 0;
  if (cache_on && o.cache.renewal_qps * double(o.cache.max_retention.count()) < double(o.cache.max_size) / 2) {
    throw std::invalid_argument(
        "max-service-qps × max-credential-retention-before-renewal (s) must be at least max-cache-size / 2, or "
        "renewals cannot keep up with a full cache");
  }
}

namespace {

AgentOptions checked(AgentOptions o) {
  validate(o);
  if (o.janitor_interval.count() <= 0) {
    auto half = duration_cast<milliseconds>(o.cache.max_retention) / 2;
    o.janitor_interval = std::clamp<milliseconds>(half, seconds(1), seconds(60));
  }
  return o;
}

http::Response plain(int status, std::string body) {
  http::Response res;
  res.status = status;
  res.headers.set("Content-Type", "text/plain; charset=utf-8");
  res.body = std::move(body);
  return res;
}

http::Response server_error(const core::AwsError& error, const http::Request&) {
  return plain(error.http_status(), error.message() + "\n");
}

std::string unbracket(const std::string& host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') return host.substr(1, host.size() - 2);
  return host;
}

std::unique_ptr<http::Server> listen(const std::string& host, uint16_t port, http::Handler handler) {
  http::ServerOptions opt;
  opt.host = unbracket(host);
  opt.port = port;
  opt.header_timeout = seconds(30);  // the agent's read timeout
  opt.send_timeout = seconds(30);    // and write timeout
  opt.shutdown_grace = seconds(35);
  auto server = std::make_unique<http::Server>(opt, std::move(handler), server_error);
  server->start();
  return server;
}

}  // namespace

Agent::Agent(AgentOptions options, EksAuth& eks_auth, const core::Clock& clock, core::Random& random)
    : options_(checked(std::move(options))),
      ingress_(options_.request_rate, options_.request_burst, clock),
      cache_(options_.cache, options_.cluster_name, eks_auth, clock, random, metrics_),
      handler_(options_.bind_hosts, cache_, ingress_, metrics_, clock) {}

Agent::~Agent() { stop(); }

void Agent::start() {
  try {
    for (const auto& host : options_.bind_hosts) {
      try {
        listeners_.push_back(listen(host, options_.port, [this](http::Request& req) { return handler_.handle(req); }));
        bound_hosts_.push_back(host);
      } catch (const std::runtime_error& e) {
        // Like `agent init`, IPv6 is best effort: a node without IPv6 still serves pods on 169.254.170.23.
        bool ipv6 = unbracket(host).find(':') != std::string::npos;
        if (!ipv6 || options_.bind_hosts.size() == 1) throw;
        spdlog::warn("agent: not serving on {}: {}", host, e.what());
      }
    }
    if (options_.serve_probes) {
      probe_server_ = listen(options_.probe_host, options_.probe_port,
                             [this](http::Request& req) { return serve_probe(req); });
    }
    if (options_.serve_metrics) {
      metrics_server_ = listen(options_.metrics_host, options_.metrics_port,
                               [this](http::Request& req) { return serve_metrics(req); });
    }
  } catch (...) {
    stop();
    throw;
  }
  {
    std::lock_guard lock(janitor_mu_);
    stopping_ = false;
  }
  if (cache_.enabled()) janitor_thread_ = std::thread([this] { janitor(); });
}

void Agent::stop() {
  {
    std::lock_guard lock(janitor_mu_);
    stopping_ = true;
  }
  janitor_cv_.notify_all();
  if (janitor_thread_.joinable()) janitor_thread_.join();
  if (metrics_server_) metrics_server_->stop();
  if (probe_server_) probe_server_->stop();
  for (auto& l : listeners_) l->stop();
}

uint16_t Agent::port(size_t i) const { return listeners_.at(i)->port(); }
const std::vector<std::string>& Agent::bound_hosts() const { return bound_hosts_; }
uint16_t Agent::probe_port() const { return probe_server_ ? probe_server_->port() : 0; }
uint16_t Agent::metrics_port() const { return metrics_server_ ? metrics_server_->port() : 0; }

http::Response Agent::probe() const {
  std::vector<ProbeTarget> targets;
  for (size_t i = 0; i < listeners_.size(); ++i) targets.push_back({bound_hosts_[i], listeners_[i]->port()});
  return agent::probe(targets, options_.probe_timeout);
}

http::Response Agent::serve_probe(const http::Request& req) const {
  if (req.path == "/healthz" || req.path == "/readyz") return probe();
  return plain(404, "404 page not found\n");
}

http::Response Agent::serve_metrics(const http::Request& req) const {
  if (req.path == "/metrics") {
    http::Response res = plain(200, metrics_.render(cache_.size()));
    res.headers.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    return res;
  }
  return serve_probe(req);
}

void Agent::janitor() {
  std::unique_lock lock(janitor_mu_);
  while (!janitor_cv_.wait_for(lock, options_.janitor_interval, [this] { return stopping_; })) {
    lock.unlock();
    try {
      auto s = cache_.sweep();
      if (s.renewed || s.failed || s.evicted || s.rate_limited) {
        spdlog::info("agent: renewed {} cached credentials, {} failed, {} evicted, {} postponed by the rate limit",
                     s.renewed, s.failed, s.evicted, s.rate_limited);
      }
    } catch (const std::exception& e) {
      spdlog::error("agent: cache sweep failed: {}", e.what());
    }
    lock.lock();
  }
}

}  // namespace podbucket::agent
