#include "cli/webhook_command.h"

#include <CLI/CLI.hpp>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sstream>
#include <thread>

#include "agent/own_credentials.h"
#include "cli/server_command.h"
#include "cli/server_runtime.h"
#include "cli/settings.h"
#include "config/kinds.h"
#include "observe/logging.h"
#include "core/clock.h"
#include "crypto/hash.h"
#include "http/server.h"
#include "webhook/associations.h"
#include "webhook/manifest.h"
#include "webhook/webhook.h"

namespace podbucket::cli {
namespace {

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string env_or(const char* a, const char* b, const char* fallback) {
  for (const char* name : {a, b}) {
    const char* v = std::getenv(name);
    if (v && *v) return v;
  }
  return fallback;
}

/// The real webhook's --watch-container-credentials-config: a file re-read whenever it changes.
class WatchedFile {
 public:
  WatchedFile(std::string path, std::chrono::milliseconds interval) : path_(std::move(path)), interval_(interval) {}
  ~WatchedFile() { stop(); }
  webhook::StaticAssociations& associations() { return set_; }

  /// Loads the file once. False (with the reason on stderr) when it is unreadable or malformed.
  bool load() {
    std::error_code ec;
    auto mtime = std::filesystem::last_write_time(path_, ec);
    if (ec) {
      spdlog::warn("webhook: cannot read {}: {}", path_, ec.message());
      return false;
    }
    if (loaded_ && mtime == mtime_) return true;
    auto text = read_file(path_);
    auto parsed = text ? webhook::parse_identities_file(*text) : core::Result<webhook::IdentitySet>(
                                                                     core::AwsError(core::kInvalidArgument, "unreadable"));
    if (!parsed) {
      spdlog::warn("webhook: {}: {}", path_, parsed.error().message());
      return false;
    }
    spdlog::info("webhook: {} associations from {}", parsed->size(), path_);
    set_.replace(std::move(*parsed));
    mtime_ = mtime;
    loaded_ = true;
    return true;
  }
  void start() {
    thread_ = std::thread([this] {
      std::unique_lock lock(mu_);
      while (!cv_.wait_for(lock, interval_, [this] { return stopping_; })) {
        lock.unlock();
        load();
        lock.lock();
      }
    });
  }
  void stop() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::string path_;
  std::chrono::milliseconds interval_;
  webhook::StaticAssociations set_;
  std::filesystem::file_time_type mtime_{};
  bool loaded_ = false;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
};

/// The probe listener's answers: /healthz 200 while the process runs; /readyz 200 once the associations are known
/// (`ready`), else 503 naming what is missing. Anything else 404.
http::Response serve_probe(const http::Request& req, const std::function<bool()>& ready) {
  http::Response res;
  res.headers.set("Content-Type", "text/plain; charset=utf-8");
  if (req.path == "/healthz") {
    res.status = 200;
    res.body = "ok\n";
  } else if (req.path == "/readyz") {
    bool ok = ready();
    res.status = ok ? 200 : 503;
    res.body = ok ? "ok\n" : "associations: not loaded yet\n";
  } else {
    res.status = 404;
    res.body = "not found\n";
  }
  return res;
}

}  // namespace

int run_webhook(const WebhookCommandOptions& o) {
  observe::configure_event_log("podbucket-webhook", "info");
  auto stop_signals = block_stop_signals();

  try {
    auto listen = config::parse_host_port(o.listen);
    if (!listen) throw std::invalid_argument("--listen: expected HOST:PORT, got '" + o.listen + "'");
    if (o.tls_cert.empty() || o.tls_key.empty()) {
      throw std::invalid_argument("--tls-cert and --tls-key are required: the API server calls webhooks over HTTPS");
    }
    auto interval = std::chrono::milliseconds(int64_t(o.refresh_interval_s * 1000));
    core::SystemClock clock;
    crypto::SecureRandom random;

    std::unique_ptr<WatchedFile> file;
    std::unique_ptr<webhook::EksAssociations> eks;
    const webhook::AssociationSource* source = nullptr;
    if (!o.associations_file.empty()) {
      file = std::make_unique<WatchedFile>(o.associations_file, interval);
      if (!file->load()) throw std::runtime_error("cannot load " + o.associations_file);
      file->start();
      source = &file->associations();
    } else {
      if (o.cluster_name.empty() || o.endpoint.empty()) {
        throw std::invalid_argument("give --cluster-name and --endpoint (or --associations-file)");
      }
      webhook::EksAssociationsOptions eo;
      eo.endpoint = o.endpoint;
      eo.cluster = o.cluster_name;
      eo.region = o.region.empty() ? env_or("AWS_REGION", "AWS_DEFAULT_REGION", "us-east-1") : o.region;
      eo.refresh_interval = interval;
      eo.client.ca_file = o.ca_file;
      eks = std::make_unique<webhook::EksAssociations>(
          eo, agent::default_credentials_source({o.credentials_file, o.profile}), clock);
      if (auto n = eks->refresh(); n) {
        spdlog::info("webhook: {} pod identity associations in cluster {}", *n, o.cluster_name);
      } else {
        spdlog::warn("webhook: cannot list the associations of cluster {} yet: {}", o.cluster_name,
                     n.error().message());
      }
      eks->start();
      source = eks.get();
    }

    webhook::WebhookOptions wo;
    wo.host = listen->first;
    wo.port = listen->second;
    wo.tls = http::TlsOptions{o.tls_cert, o.tls_key};
    wo.injection.full_uri = o.full_uri;
    wo.injection.token_expiration = o.token_expiration;
    wo.injection.region = o.aws_default_region;
    wo.injection.sts_regional_endpoints = o.sts_regional_endpoint;
    webhook::Webhook hook(wo, *source, random);
    hook.start();
    std::cout << "listening on https://" << url_host(listen->first) << ":" << hook.port() << std::endl;

    std::unique_ptr<http::Server> probes;
    if (o.probe_listen != "off") {
      auto probe_listen = config::parse_host_port(o.probe_listen);
      if (!probe_listen) throw std::invalid_argument("--probe-listen: expected HOST:PORT, got '" + o.probe_listen + "'");
      http::ServerOptions po;
      po.host = probe_listen->first;
      po.port = probe_listen->second;
      po.max_connections = 16;
      std::function<bool()> ready = [&eks] { return !eks || eks->ready(); };
      probes = std::make_unique<http::Server>(
          po, [ready](http::Request& req) { return serve_probe(req, ready); }, nullptr);
      probes->start();
      std::cout << "probes on http://" << url_host(probe_listen->first) << ":" << probes->port() << std::endl;
    }

    int sig = wait_for_stop_signal(stop_signals);
    spdlog::info("received signal {}, stopping", sig);
    if (probes) probes->stop();
    hook.stop();
    if (eks) eks->stop();
    if (file) file->stop();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "podbucket webhook: " << e.what() << std::endl;
    return 1;
  }
}

void add_webhook_command(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<WebhookCommandOptions>();
  auto* cmd = app.add_subcommand("webhook", "Run the EKS pod identity mutating admission webhook (HTTPS)");
  auto settings = std::make_shared<CommandSettings>("webhook");
  add_webhook_settings(settings->table(), *o);
  settings->set_final_check([o] { return check_webhook_settings(*o); });
  settings->attach(cmd);

  auto m = std::make_shared<webhook::ManifestOptions>();
  auto ca = std::make_shared<std::string>();
  auto* manifest = cmd->add_subcommand("manifest", "Print the MutatingWebhookConfiguration (with caBundle)");
  manifest->add_option("--ca-file", *ca, "PEM the API server should trust (the webhook's CA or certificate)")
      ->required()
      ->check(CLI::ExistingFile);
  manifest->add_option("--name", m->name, "Object name")->capture_default_str();
  manifest->add_option("--service-name", m->service_name, "Service in front of the webhook")->capture_default_str();
  manifest->add_option("--service-namespace", m->service_namespace, "Its namespace")->capture_default_str();
  manifest->add_option("--service-port", m->service_port, "Its port")->capture_default_str();
  manifest->add_option("--url", m->url, "https://HOST:PORT/mutate instead of a service");
  manifest->callback([m, ca, exit_code] {
    auto pem = read_file(*ca);
    if (!pem) {
      std::cerr << "podbucket webhook manifest: cannot read " << *ca << std::endl;
      *exit_code = 1;
      return;
    }
    m->ca_bundle_pem = *pem;
    std::cout << webhook::mutating_webhook_configuration(*m);
    *exit_code = 0;
  });
  cmd->callback([manifest, o, settings, exit_code] {
    if (manifest->parsed()) return;
    if (!settings->load(std::cerr)) {
      *exit_code = 2;
      return;
    }
    *exit_code = run_webhook(*o);
  });
}

}  // namespace podbucket::cli
