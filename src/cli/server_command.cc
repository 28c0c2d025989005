#include "cli/server_command.h"


#include <CLI/CLI.hpp>
#include <charconv>
#include <filesystem>
#include <iostream>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "cli/server_runtime.h"
#include "observe/logging.h"

namespace podbucket::cli {

std::optional<std::pair<std::string, uint16_t>> parse_listen(std::string_view listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == listen.size()) return std::nullopt;
  std::string_view host = listen.substr(0, colon), port_text = listen.substr(colon + 1);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return std::nullopt;
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return std::nullopt;  // a bare IPv6 address is ambiguous: require brackets
  }
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) return std::nullopt;
  return std::make_pair(std::string(host), uint16_t(port));
}

std::string url_host(const std::string& host) {
  if (host.find(':') != std::string::npos && host.front() != '[') return "[" + host + "]";
  return host;
}

bool is_valid_account_id(std::string_view account_id) {
  return account_id.size() == 12 &&
         std::all_of(account_id.begin(), account_id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void add_server_options(CLI::App* cmd, ServerCommandOptions* options) {
  cmd->add_option("--listen", options->listen, "HOST:PORT to listen on (port 0 picks a free one)")
      ->capture_default_str()
      ->check([](const std::string& v) { return parse_listen(v) ? std::string() : "expected HOST:PORT"; });
  cmd->add_option("--data-dir", options->data_dir, "Directory for meta.db and the object blobs")
      ->capture_default_str();
  cmd->add_option("--region", options->region, "The region this server claims to be")->capture_default_str();
  cmd->add_option("--account-id", options->account_id, "The 12-digit account id of the root user")
      ->capture_default_str()
      ->check([](const std::string& v) { return is_valid_account_id(v) ? std::string() : "expected 12 digits"; });
  auto* cert = cmd->add_option("--tls-cert", options->tls_cert, "PEM certificate (chain) file; enables HTTPS")
                   ->check(CLI::ExistingFile);
  auto* key = cmd->add_option("--tls-key", options->tls_key, "PEM private key file")->check(CLI::ExistingFile);
  cert->needs(key);
  key->needs(cert);
  cmd->add_option("--domain", options->domain, "Base domain for virtual-host-style buckets (BUCKET.DOMAIN)");
  cmd->add_option("--kms-root-key-file", options->kms_root_key_file,
                  "File with the 32-byte KMS root key (default DATA_DIR/kms-root-key, generated with mode 0600; "
                  "the PODBUCKET_KMS_ROOT_KEY variable takes precedence)");
  cmd->add_option("--lifecycle-interval", options->lifecycle_interval_s,
                  "Seconds between two runs of the bucket lifecycle rules (expiration, noncurrent versions, "
                  "incomplete uploads)")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 31'536'000.0));
  cmd->add_option("--admin-listen", options->admin_listen,
                  "HOST:PORT of the admin listener (/metrics, /healthz, /readyz, /log-level), or off")
      ->capture_default_str()
      ->check([](const std::string& v) {
        return v == "off" || parse_listen(v) ? std::string() : "expected HOST:PORT or off";
      });
  // Hidden, for tests: how long a lifecycle "day" lasts, in seconds (day boundaries are multiples of it).
  cmd->add_option("--lifecycle-day-seconds", options->lifecycle_day_s)
      ->check(CLI::Range(0.001, 86'400.0))
      ->group("");
}

void add_server_command(CLI::App& app, int* exit_code) {
  auto options = std::make_shared<ServerCommandOptions>();
  auto* cmd = app.add_subcommand("server", "Serve S3, IAM, STS, KMS, EKS and EKS Auth on one port");
  add_server_options(cmd, options.get());
  cmd->callback([options, exit_code] { *exit_code = run_server(*options); });
}


int run_server(const ServerCommandOptions& o) {
  // Everything on stdout is for the operator and for tests (credentials, "listening on"); logs go to stderr.
  auto stop_signals = block_stop_signals();
  try {
    observe::configure_event_log("podbucket", o.log_level);
    ServerRuntime runtime(o);
    runtime.start();
    std::cout << "listening on " << runtime.endpoint() << std::endl;
    if (!runtime.admin_endpoint().empty()) {
      std::cout << "admin listening on " << runtime.admin_endpoint() << std::endl;
    }
    int sig = wait_for_stop_signal(stop_signals);
    spdlog::info("received signal {}, draining connections (at most 30 s)", sig);
    runtime.stop();
    spdlog::info("stopped");
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "podbucket server: " << e.what() << std::endl;
    return 1;
  }
}

}  // namespace podbucket::cli
