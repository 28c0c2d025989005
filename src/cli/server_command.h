#pragma once
// `podbucket server`: open the data dir, sweep orphan blobs, serve S3, IAM, STS and KMS on one port,
// drain gracefully on SIGTERM/SIGINT.
#include <cstdint>
#include <string>
#include <string_view>

namespace CLI {
class App;
}

namespace podbucket::cli {

struct ServerCommandOptions {
  std::string listen = "127.0.0.1:9000";
  std::string data_dir = "./data";
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
  std::string tls_cert;
  std::string tls_key;
  std::string domain;  // virtual-host base domain ("bucket.DOMAIN")
  std::string kms_root_key_file;  // empty = DATA_DIR/kms-root-key
  double lifecycle_interval_s = 3600;  // seconds between lifecycle passes
  double lifecycle_day_s = 86400;      // length of a lifecycle "day" (tests shorten it; hidden flag)
  std::string admin_listen = "127.0.0.1:9001";  // /metrics, /healthz, /readyz, /log-level; "off" disables it
  std::string log_level = "info";                // trace, debug, info, warn, error, critical, off
  std::string audit_file;                        // empty = DATA_DIR/audit/trail.jsonl; "off" disables the trail
  uint64_t audit_max_bytes = 100ull << 20;       // rotate the trail file when it reaches this size (bytes)
  int audit_max_files = 10;                      // rotated trail files kept besides the current one
  bool audit_read_data_events = true;            // false: successful S3 object reads and listings are not audited
};

/// `host` as it goes into a URL: an IPv6 literal in brackets, anything else unchanged.
std::string url_host(const std::string& host);

/// True for exactly 12 ASCII digits.
bool is_valid_account_id(std::string_view account_id);

/// Registers the `server` subcommand on `app`: its settings (cli/settings.h) as flags and `--config FILE`. Its
/// callback loads them (flag > variable > file > default), then runs the server; it stores the exit code in
/// `*exit_code` (2 when a setting is invalid).
void add_server_command(CLI::App& app, int* exit_code);

/// Runs the server until SIGTERM/SIGINT. Prints the root credentials (when generated) and
/// "listening on http(s)://HOST:PORT" to stdout. Returns the exit code.
int run_server(const ServerCommandOptions& options);

}  // namespace podbucket::cli
