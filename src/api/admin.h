#pragma once
// The admin listener's handler (`--admin-listen`, separate from the S3 port because there `/metrics` is a bucket):
//   GET /metrics    the Prometheus text exposition format 0.0.4 of observe::metrics()
//   GET /healthz    200 "ok" while the process serves HTTP (Kubernetes liveness probe)
//   GET /readyz     200 when every readiness check passes, else 503 naming the failed checks (readiness probe)
//   GET /log-level  the current log level; PUT /log-level with the level name as body changes it (400 if unknown)
// Anything else is 404; a known path with another method is 405 with Allow. HEAD is answered like GET without a
// body. The handler is pure (request → response): checks and the log level come in as callbacks. The /readyz
// body lists each check as "[+]name ok" or "[-]name failed: reason", as the Kubernetes API server's does.
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace podbucket::api {

/// One readiness condition. `check` returns "" when ready, else why not (for operators; no secrets). An
/// exception from `check` counts as a failure with its message.
struct ReadinessCheck {
  std::string name;  // "metadata", "disk", "kms"
  std::function<std::string()> check;
};

struct AdminOptions {
  std::vector<ReadinessCheck> readiness;
  /// The /metrics body; default observe::metrics().render().
  std::function<std::string()> render_metrics;
  /// The current level name ("info"). Without it (or set_log_level), /log-level is 404.
  std::function<std::string()> get_log_level;
  /// Switches to `level`; false when the name is unknown.
  std::function<bool(std::string_view level)> set_log_level;
};

/// The admin handler. Thread-safe when the callbacks are.
http::Handler admin_handler(AdminOptions options);

/// The /metrics Content-Type of the text exposition format 0.0.4.
inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

/// Readiness: can a file be created, written, fsync-ed and unlinked in `dir`? Returns "" or the failed step with
/// strerror ("create /data/.readyz-probe-…: Read-only file system"). The probe file's name is unique per call.
std::string probe_writable(const std::filesystem::path& dir);

}  // namespace podbucket::api
