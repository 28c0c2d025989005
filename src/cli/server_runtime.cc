#include "cli/server_runtime.h"

#include <pthread.h>
#include <sys/stat.h>

#include <filesystem>
#include <iostream>
#include <spdlog/spdlog.h>
#include <unordered_set>

#include "api/access_log.h"
#include "api/dispatcher.h"
#include "cli/admin_listener.h"
#include "cli/control_plane.h"
#include "config/kinds.h"
#include "core/clock.h"
#include "crypto/hash.h"
#include "http/server.h"
#include "observe/audit.h"
#include "observe/request_metrics.h"
#include "observe/logging.h"
#include "s3/lifecycle/worker.h"
#include "store/blobs.h"
#include "store/metadata.h"

namespace podbucket::cli {
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

// control.db holds IAM users' secret keys and meta.db every object's metadata: nothing in the data dir is for other
// users. Files the server creates get no group or other bits (umask 077, which SQLite's -wal/-shm files follow too);
// the data dir and the databases an earlier version left readable are tightened, since they are the server's own.
void make_private_data_dir(const std::filesystem::path& data) {
  ::umask(077);
  namespace fs = std::filesystem;
  fs::create_directories(data);
  fs::permissions(data, fs::perms::owner_all, fs::perm_options::replace);
  for (const char* name : {"meta.db", "meta.db-wal", "meta.db-shm", "control.db", "control.db-wal", "control.db-shm"}) {
    std::error_code ec;
    if (fs::exists(data / name, ec)) fs::permissions(data / name, fs::perms::owner_read | fs::perms::owner_write,
                                                      fs::perm_options::replace, ec);
  }
}

}  // namespace

sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);  // a closed peer is an error code, not a reason to die
  return signals;
}

int wait_for_stop_signal(const sigset_t& signals) {
  for (;;) {
    int sig = 0;
    sigwait(&signals, &sig);
    if (sig != SIGHUP) return sig;
    spdlog::warn("SIGHUP: log level is now {}", observe::toggle_debug_log_level());
  }
}

/// Members in construction order; destroyed in reverse.
struct ServerRuntime::Parts {
  crypto::SecureRandom random;
  core::SystemClock clock;
  std::unique_ptr<store::Metadata> meta;
  std::unique_ptr<store::Blobs> blobs;
  RootCredentials creds;
  s3::Config config;
  std::unique_ptr<ControlPlaneStack> control;
  std::unique_ptr<api::Dispatcher> dispatcher;
  std::unique_ptr<http::Server> server;
  std::unique_ptr<s3::lifecycle::Worker> lifecycle;
  std::unique_ptr<AdminListener> admin;  // /metrics, /healthz, /readyz, /log-level
  bool tls = false;
  std::string host;
};

ServerRuntime::ServerRuntime(const ServerCommandOptions& o) : options_(o), parts_(std::make_unique<Parts>()) {
  auto listen = config::parse_host_port(o.listen);
  if (!listen) throw std::runtime_error("--listen: expected HOST:PORT, got '" + o.listen + "'");
  std::filesystem::path data(o.data_dir);
  make_private_data_dir(data);
  Parts& p = *parts_;

  p.meta = store::make_sqlite_metadata((data / "meta.db").string());
  p.blobs = store::make_fs_blobs(data / "objects");
  sweep_orphans(*p.meta, *p.blobs);

  p.creds = load_root_credentials(data / "root-credentials.json", p.random);
  // The one intentional exception to "no secrets in output": newly generated credentials are shown once, on
  // stdout (never the log), so that the operator can use them.
  std::cout << "root access key id: " << p.creds.access_key_id << "\n";
  if (p.creds.generated) {
    std::cout << "root secret access key: " << p.creds.secret_access_key << "\n"
              << "(stored in " << (data / "root-credentials.json").string() << ")\n";
  }

  p.config.region = o.region;
  p.config.account_id = o.account_id;
  p.config.domain = o.domain;
  p.control = std::make_unique<ControlPlaneStack>(
      ControlPlaneOptions{data, o.kms_root_key_file, o.account_id, o.region}, p.clock, p.random);
  p.dispatcher = std::make_unique<api::Dispatcher>(*p.meta, *p.blobs, p.clock, p.random, p.config,
                                                   p.control->handlers());
  p.dispatcher->add_key_lookup(
      api::root_key_lookup(p.creds.access_key_id, p.creds.secret_access_key, o.account_id));
  for (auto& lookup : p.control->key_lookups()) p.dispatcher->add_key_lookup(std::move(lookup));
  p.dispatcher->add_observer(api::log_access);
  p.dispatcher->add_observer(observe::request_metrics_observer());
  if (o.audit_file != "off") {
    observe::AuditOptions audit;
    audit.writer.path = o.audit_file.empty() ? observe::default_trail_path(o.data_dir) : o.audit_file;
    audit.writer.max_bytes = o.audit_max_bytes;
    audit.writer.max_files = o.audit_max_files;
    audit.account_id = o.account_id;
    audit.read_data_events = o.audit_read_data_events;
    auto trail = std::make_shared<observe::AuditTrail>(std::move(audit));  // lives as long as the dispatcher
    p.dispatcher->add_observer([trail](const observe::RequestSummary& s) { trail->record(s); });
  }

  http::ServerOptions server_options;
  server_options.host = listen->first;
  server_options.port = listen->second;
  if (!o.tls_cert.empty()) server_options.tls = http::TlsOptions{o.tls_cert, o.tls_key};
  p.tls = server_options.tls.has_value();
  p.host = url_host(listen->first);
  p.server = std::make_unique<http::Server>(server_options, p.dispatcher->handler(), p.dispatcher->error_responder());

  s3::lifecycle::WorkerOptions lifecycle_options;
  lifecycle_options.interval = std::chrono::milliseconds(static_cast<int64_t>(o.lifecycle_interval_s * 1000));
  lifecycle_options.day_ms = static_cast<int64_t>(o.lifecycle_day_s * 1000);
  p.lifecycle = std::make_unique<s3::lifecycle::Worker>(*p.meta, *p.blobs, p.clock, p.random, p.config,
                                                        lifecycle_options);
  p.admin = std::make_unique<AdminListener>(
      o.admin_listen, server_readiness_checks(*p.meta, p.control->documents(), data,
                                                   *p.control->handlers().key_service), *p.server);
}

ServerRuntime::~ServerRuntime() { stop(); }

void ServerRuntime::start() {
  Parts& p = *parts_;
  p.server->start();
  p.lifecycle->start();
  p.admin->start();
  endpoint_ = std::string(p.tls ? "https" : "http") + "://" + p.host + ":" + std::to_string(p.server->port());
  p.control->set_public_endpoint(endpoint_);
}

void ServerRuntime::stop() {
  if (!parts_) return;
  parts_->lifecycle->stop();
  parts_->server->stop();
  parts_->admin->stop();
}

const RootCredentials& ServerRuntime::root_credentials() const { return parts_->creds; }

const std::string& ServerRuntime::admin_endpoint() const { return parts_->admin->endpoint(); }

}  // namespace podbucket::cli
