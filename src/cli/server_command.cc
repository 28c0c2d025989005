#include "cli/server_command.h"

#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <filesystem>
#include <iostream>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unordered_set>

#include "api/dispatcher.h"
#include "cli/control_plane.h"
#include "cli/credentials.h"
#include "core/clock.h"
#include "crypto/hash.h"
#include "http/server.h"
#include "s3/lifecycle/worker.h"
#include "store/blobs.h"
#include "store/metadata.h"

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

bool is_valid_account_id(std::string_view account_id) {
  return account_id.size() == 12 &&
         std::all_of(account_id.begin(), account_id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void add_server_command(CLI::App& app, int* exit_code) {
  auto options = std::make_shared<ServerCommandOptions>();
  auto* cmd = app.add_subcommand("server", "Serve S3, IAM, STS and KMS on one port");
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
  // Hidden, for tests: how long a lifecycle "day" lasts, in seconds (day boundaries are multiples of it).
  cmd->add_option("--lifecycle-day-seconds", options->lifecycle_day_s)
      ->check(CLI::Range(0.001, 86'400.0))
      ->group("");
  cmd->callback([options, exit_code] { *exit_code = run_server(*options); });
}

namespace {

// Deletes blob files that no object version or part references (left by a crash between the blob commit and
// the metadata commit, or a failed upload).
void sweep_orphans(store::Metadata& meta, store::Blobs& blobs) {
  std::unordered_set<std::string> referenced;
  meta.for_each_blob_id([&](const std::string& id) { referenced.insert(id); });
  size_t removed =
      blobs.sweep_orphans([&](std::string_view id) { return referenced.count(std::string(id)) > 0; });
  if (removed > 0) spdlog::info("removed {} orphan blob file(s)", removed);
}

}  // namespace

int run_server(const ServerCommandOptions& o) {
  // Everything on stdout is for the operator and for tests (credentials, "listening on"); logs go to stderr.
  spdlog::set_default_logger(spdlog::stderr_color_mt("podbucket"));

  // SIGTERM/SIGINT are taken synchronously by sigwait below; block them before any thread exists so that every
  // thread inherits the mask. SIGPIPE is ignored: a closed peer is an error code, not a reason to die.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  try {
    auto listen = parse_listen(o.listen);
    if (!listen) throw std::runtime_error("--listen: expected HOST:PORT, got '" + o.listen + "'");
    std::filesystem::path data(o.data_dir);
    std::filesystem::create_directories(data);

    crypto::SecureRandom random;
    core::SystemClock clock;
    auto meta = store::make_sqlite_metadata((data / "meta.db").string());
    auto blobs = store::make_fs_blobs(data / "objects");
    sweep_orphans(*meta, *blobs);

    auto creds = load_root_credentials(data / "root-credentials.json", random);
    // The one intentional exception to "no secrets in output": newly generated credentials are shown once, on
    // stdout (never the log), so that the operator can use them.
    std::cout << "root access key id: " << creds.access_key_id << "\n";
    if (creds.generated) {
      std::cout << "root secret access key: " << creds.secret_access_key << "\n"
                << "(stored in " << (data / "root-credentials.json").string() << ")\n";
    }

    s3::Config config;
    config.region = o.region;
    config.account_id = o.account_id;
    config.domain = o.domain;
    ControlPlaneStack control({data, o.kms_root_key_file, o.account_id, o.region}, clock, random);
    api::Dispatcher dispatcher(*meta, *blobs, clock, random, config, control.handlers());
    dispatcher.add_key_lookup(api::root_key_lookup(creds.access_key_id, creds.secret_access_key, o.account_id));
    for (auto& lookup : control.key_lookups()) dispatcher.add_key_lookup(std::move(lookup));

    http::ServerOptions server_options;
    server_options.host = listen->first;
    server_options.port = listen->second;
    if (!o.tls_cert.empty()) server_options.tls = http::TlsOptions{o.tls_cert, o.tls_key};
    http::Server server(server_options, dispatcher.handler(), dispatcher.error_responder());
    server.start();
    s3::lifecycle::WorkerOptions lifecycle_options;
    lifecycle_options.interval = std::chrono::milliseconds(static_cast<int64_t>(o.lifecycle_interval_s * 1000));
    lifecycle_options.day_ms = static_cast<int64_t>(o.lifecycle_day_s * 1000);
    s3::lifecycle::Worker lifecycle(*meta, *blobs, clock, random, config, lifecycle_options);
    lifecycle.start();

    std::string host = listen->first.find(':') != std::string::npos ? "[" + listen->first + "]" : listen->first;
    std::string endpoint = std::string(server_options.tls ? "https" : "http") + "://" + host + ":" +
                           std::to_string(server.port());
    control.set_public_endpoint(endpoint);
    std::cout << "listening on " << endpoint << std::endl;

    int sig = 0;
    sigwait(&stop_signals, &sig);
    spdlog::info("received signal {}, draining connections (at most 30 s)", sig);
    lifecycle.stop();
    server.stop();
    spdlog::info("stopped");
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "podbucket server: " << e.what() << std::endl;
    return 1;
  }
}

}  // namespace podbucket::cli
