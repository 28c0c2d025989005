#pragma once
// A running podbucket server: the data dir's stores, the root credentials, the control plane, the dispatcher, the
// HTTP listener and the lifecycle worker. `podbucket server` runs one until a signal; `podbucket up` runs one and
// provisions the GitLab layout on it.
#include <signal.h>

#include <memory>
#include <string>

#include "cli/credentials.h"
#include "cli/server_command.h"

namespace podbucket::cli {

/// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread (call before any thread exists, so that every thread
/// inherits the mask) and ignores SIGPIPE. Returns the set for wait_for_stop_signal.
sigset_t block_stop_signals();
/// Waits for SIGTERM or SIGINT and returns it. Each SIGHUP meanwhile toggles the event log level between debug and
/// the configured level (observe::toggle_debug_log_level).
int wait_for_stop_signal(const sigset_t& signals);

class ServerRuntime {
 public:
  /// Opens the data dir (created if missing; made 0700 with its databases 0600, and the process umask set to 077
  /// so that nothing the server writes is readable by other users), sweeps orphan blobs, loads or generates the
  /// root credentials (printing them on stdout when generated: the one place a secret is shown) and builds every
  /// service.
  /// Throws std::runtime_error (bad --listen, unreadable data, bad KMS root key) or store::Unavailable.
  explicit ServerRuntime(const ServerCommandOptions& options);
  ~ServerRuntime();
  ServerRuntime(const ServerRuntime&) = delete;
  ServerRuntime& operator=(const ServerRuntime&) = delete;

  /// Binds the listener and starts the lifecycle worker. Throws std::runtime_error when the address is taken.
  void start();
  /// Drains in-flight requests (at most 30 s) and stops the worker. Idempotent.
  void stop();

  /// "http(s)://HOST:PORT" of the bound listener (after start()).
  const std::string& endpoint() const { return endpoint_; }
  /// "http://HOST:PORT" of the admin listener (after start()), "" with --admin-listen off.
  const std::string& admin_endpoint() const;
  const RootCredentials& root_credentials() const;
  const ServerCommandOptions& options() const { return options_; }

 private:
  struct Parts;
  ServerCommandOptions options_;
  std::unique_ptr<Parts> parts_;
  std::string endpoint_;
};

}  // namespace podbucket::cli
