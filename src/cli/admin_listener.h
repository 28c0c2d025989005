#pragma once
// The server's admin listener (`--admin-listen`, default 127.0.0.1:9001, "off" disables it): api::admin_handler on
// its own http::Server, with the readiness checks of a podbucket server, plus the connection gauges.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "agent/agent.h"
#include "api/admin.h"
#include "http/server.h"
#include "kms/key_service.h"
#include "store/documents.h"
#include "store/metadata.h"

namespace podbucket::cli {

/// The readiness checks of `podbucket server` (Kubernetes readiness probe, /readyz):
///   "metadata": meta.db answers a query (a bucket lookup);
///   "control": control.db (IAM, STS, KMS, EKS documents) answers a lookup;
///   "disk": a probe file can be created, written, fsync-ed and unlinked in `data_dir` (api::probe_writable);
///   "kms": the KMS root key is loaded: the SSE-S3 master key it unwraps seals and opens a fresh data key.
/// The references outlive the checks.
std::vector<api::ReadinessCheck> server_readiness_checks(store::Metadata& meta, store::Documents& control,
                                                         std::filesystem::path data_dir, kms::KeyService& keys);

/// The admin listener. Also publishes podbucket_open_connections{listener="s3"|"admin"} (gauges read from
/// http::Server::connection_count()) while it lives.
class AdminListener {
 public:
  /// `listen` is "HOST:PORT" or "off"; `readiness` the /readyz checks; `s3` the S3 listener (outlives this
  /// object). /metrics renders observe::metrics(); /log-level goes to observe::log_level / set_log_level.
  /// Throws std::runtime_error for an address that is neither HOST:PORT nor off.
  AdminListener(const std::string& listen, std::vector<api::ReadinessCheck> readiness, const http::Server& s3);
  ~AdminListener();
  AdminListener(const AdminListener&) = delete;
  AdminListener& operator=(const AdminListener&) = delete;

  /// Binds and serves (nothing when off). Throws std::runtime_error when the address cannot be bound.
  void start();
  /// Stops serving. Idempotent.
  void stop();
  /// "http://HOST:PORT" once started, "" when off.
  const std::string& endpoint() const { return endpoint_; }

 private:
  std::unique_ptr<http::Server> server_;  // nullptr when off
  std::string host_;
  std::string endpoint_;
};

/// Mirrors the in-process agent's cache counters (`podbucket up`) into observe::metrics(), so that one scrape of
/// the admin listener shows them: podbucket_agent_cache_hits_total, podbucket_agent_cache_misses_total (counters)
/// and podbucket_agent_cache_entries (gauge), named as on the standalone agent's own /metrics. Unregisters them on
/// destruction: declare it after the agent.
class AgentMetricsMirror {
 public:
  explicit AgentMetricsMirror(agent::Agent& agent);
  ~AgentMetricsMirror();
  AgentMetricsMirror(const AgentMetricsMirror&) = delete;
  AgentMetricsMirror& operator=(const AgentMetricsMirror&) = delete;
};

}  // namespace podbucket::cli
