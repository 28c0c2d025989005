#include "cli/admin_listener.h"

#include <spdlog/spdlog.h>

#include <stdexcept>

#include "cli/server_command.h"
#include "config/kinds.h"
#include "observe/logging.h"
#include "observe/metrics.h"

namespace podbucket::cli {
namespace {

constexpr std::string_view kConnections = "podbucket_open_connections";
constexpr std::string_view kConnectionsHelp = "HTTP connections currently open, by listener";

}  // namespace

std::vector<api::ReadinessCheck> server_readiness_checks(store::Metadata& meta, store::Documents& control,
                                                         std::filesystem::path data_dir, kms::KeyService& keys) {
  std::vector<api::ReadinessCheck> checks;
  checks.push_back({"metadata", [&meta] {
                      meta.find_bucket("");  // throws store::Unavailable when the database cannot answer
                      return std::string();
                    }});
  checks.push_back({"control", [&control] {
                      control.get("readyz", "probe");  // throws store::Unavailable when control.db cannot answer
                      return std::string();
                    }});
  checks.push_back({"disk", [dir = std::move(data_dir)] { return api::probe_writable(dir); }});
  checks.push_back({"kms", [&keys] {
                      kms::EncryptionContext context{{"podbucket:probe", "readyz"}};
                      auto key = keys.generate_sse_s3_key(context);
                      auto opened = keys.decrypt_sse_s3_key(key.ciphertext_blob, context);
                      if (!opened || *opened != key.plaintext) {
                        return std::string("the KMS root key does not open what it sealed");
                      }
                      return std::string();
                    }});
  return checks;
}

AdminListener::AdminListener(const std::string& listen, std::vector<api::ReadinessCheck> readiness,
                             const http::Server& s3) {
  auto address = config::parse_host_port(listen);
  if (!address && listen != "off") {
    throw std::runtime_error("--admin-listen: expected HOST:PORT or off, got '" + listen + "'");
  }
  observe::metrics().gauge_callback(kConnections, kConnectionsHelp, {{"listener", "s3"}},
                                    [&s3] { return double(s3.connection_count()); });
  if (!address) return;  // off
  api::AdminOptions options;
  options.readiness = std::move(readiness);
  options.get_log_level = [] { return observe::log_level(); };
  options.set_log_level = [](std::string_view level) {
    if (!observe::set_log_level(level)) return false;
    spdlog::warn("admin: log level is now {}", observe::log_level());  // warn: visible at any level but off
    return true;
  };
  http::ServerOptions server_options;
  server_options.host = address->first;
  server_options.port = address->second;
  server_options.max_connections = 64;  // probes and a scraper, not clients
  server_options.shutdown_grace = std::chrono::seconds(5);
  host_ = url_host(address->first);
  server_ = std::make_unique<http::Server>(server_options, api::admin_handler(std::move(options)), nullptr);
  observe::metrics().gauge_callback(kConnections, kConnectionsHelp, {{"listener", "admin"}},
                                    [server = server_.get()] { return double(server->connection_count()); });
}

AdminListener::~AdminListener() {
  // The gauges read the listeners: unregister them before either goes away.
  observe::metrics().remove_callback(kConnections, {{"listener", "s3"}});
  observe::metrics().remove_callback(kConnections, {{"listener", "admin"}});
  stop();
}

void AdminListener::start() {
  if (!server_) return;
  server_->start();
  endpoint_ = "http://" + host_ + ":" + std::to_string(server_->port());
}

void AdminListener::stop() {
  if (server_) server_->stop();
}

AgentMetricsMirror::AgentMetricsMirror(agent::Agent& agent) {
  auto& registry = observe::metrics();
  registry.counter_callback("podbucket_agent_cache_hits_total", "Credential requests served from the agent's cache",
                            {}, [&agent] { return double(agent.metrics().value("podbucket_agent_cache_hits_total")); });
  registry.counter_callback(
      "podbucket_agent_cache_misses_total", "Credential requests the agent sent to EKS Auth (not in its cache)", {},
      [&agent] { return double(agent.metrics().value("podbucket_agent_cache_misses_total")); });
  registry.gauge_callback("podbucket_agent_cache_entries", "Credentials currently in the agent's cache", {},
                          [&agent] { return double(agent.cache().size()); });
}

AgentMetricsMirror::~AgentMetricsMirror() {
  auto& registry = observe::metrics();
  registry.remove_callback("podbucket_agent_cache_hits_total", {});
  registry.remove_callback("podbucket_agent_cache_misses_total", {});
  registry.remove_callback("podbucket_agent_cache_entries", {});
}

}  // namespace podbucket::cli
