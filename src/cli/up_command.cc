#include "cli/up_command.h"

#include <CLI/CLI.hpp>
#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <thread>

#include "agent/agent.h"
#include "agent/eks_auth.h"
#include "cli/admin_listener.h"
#include "cli/aws_caller.h"
#include "cli/private_file.h"
#include "cli/provision.h"
#include "cli/server_runtime.h"
#include "cli/settings.h"
#include "config/kinds.h"
#include "observe/logging.h"
#include "core/clock.h"
#include "crypto/hash.h"
#include "gitlab/layout.h"

namespace podbucket::cli {
namespace {

/// Mints the service account's token into a file and re-mints it at half-life until stopped.
class TokenKeeper {
 public:
  TokenKeeper(AwsCaller& aws, std::filesystem::path file, std::string pod_name, int64_t lifetime_s)
      : aws_(aws), file_(std::move(file)), pod_name_(std::move(pod_name)), lifetime_s_(lifetime_s) {}
  ~TokenKeeper() { stop(); }

  /// Mints once. Errors: the admin call's error, or InternalError when the file cannot be written.
  core::Result<void> refresh() {
    nlohmann::json body = {{"namespace", gitlab::kNamespace},
                           {"serviceAccount", gitlab::kServiceAccount},
                           {"podName", pod_name_},
                           {"expiresIn", lifetime_s_}};
    auto res = aws_.rest_json("eks", "POST", "/_podbucket/clusters/" + std::string(gitlab::kClusterName) + "/token",
                              body);
    if (!res) return res.error();
    if (res->status != 200) return core::AwsError(core::kInternalError, "token: " + describe_failure(*res));
    auto token = nlohmann::json::parse(res->body, nullptr, false).value("token", "");
    if (token.empty() || !write_private_file(file_, token)) {
      return core::AwsError(core::kInternalError, "cannot write the token file " + file_.string());
    }
    return {};
  }

  void start() {
    thread_ = std::thread([this] {
      std::unique_lock lock(mu_);
      auto period = std::chrono::seconds(std::max<int64_t>(1, lifetime_s_ / 2));
      while (!cv_.wait_for(lock, period, [this] { return stopping_; })) {
        lock.unlock();
        if (auto ok = refresh(); !ok) spdlog::warn("could not refresh the pod token: {}", ok.error().message());
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
  AwsCaller& aws_;
  std::filesystem::path file_;
  std::string pod_name_;
  int64_t lifetime_s_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

void print_summary(const UpOptions& o, const std::string& endpoint, const ProvisionResult& p,
                   const std::string& agent_url, const std::filesystem::path& token_file) {
  std::cout << "\npodbucket is up: the GitLab layout is provisioned"
            << (o.seed_exact ? " with the seed's policies verbatim" : "") << "\n"
            << "  endpoint:    " << endpoint << "\n"
            << "  region:      " << o.server.region << "\n"
            << "  role:        " << p.role_arn << "\n"
            << "  cluster:     " << gitlab::kClusterName << " (association " << p.association_id << " for "
            << gitlab::kNamespace << "/" << gitlab::kServiceAccount << ")\n"
            << "  kms key:     " << p.kms_key_arn << " (alias/aws/s3)\n"
            << "  buckets:    ";
  for (const auto& b : p.buckets) std::cout << " " << b;
  std::cout << "\n";
  if (!p.fixes.empty()) {
    std::cout << "  policy fixes to the seed (--seed-exact applies it verbatim):\n";
    for (const auto& f : p.fixes) std::cout << "    - " << f.policy << ": " << f.change << "\n";
  }
  std::cout << "\nThe env block a pod gets (Pod Identity), for any AWS SDK or CLI:\n"
            << "export AWS_REGION=" << o.server.region << "\n"
            << "export AWS_DEFAULT_REGION=" << o.server.region << "\n"
            << "export AWS_ENDPOINT_URL=" << endpoint << "\n"
            << "export AWS_CONTAINER_CREDENTIALS_FULL_URI=" << agent_url << "\n"
            << "export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="
            << std::filesystem::absolute(token_file).lexically_normal().string() << "\n"
            << std::endl;
}

}  // namespace

void add_up_command(CLI::App& app, int* exit_code) {
  auto options = std::make_shared<UpOptions>();
  auto settings = std::make_shared<CommandSettings>("up");
  auto* cmd = app.add_subcommand(
      "up", "Run the server and a Pod Identity agent, provision the seed's GitLab layout, print the pod env block");
  add_server_settings(settings->table(), options->server);
  add_up_settings(settings->table(), *options);
  settings->set_final_check([options] { return check_server_settings(options->server); });
  settings->attach(cmd);
  cmd->callback([options, settings, exit_code] {
    if (!settings->load(std::cerr)) {
      *exit_code = 2;
      return;
    }
    *exit_code = run_up(*options);
  });
}

int run_up(const UpOptions& o) {
  auto stop_signals = block_stop_signals();
  try {
    observe::configure_event_log("podbucket", o.server.log_level);
    ServerRuntime runtime(o.server);
    runtime.start();
    std::cout << "listening on " << runtime.endpoint() << std::endl;
    if (!runtime.admin_endpoint().empty()) {
      std::cout << "admin listening on " << runtime.admin_endpoint() << std::endl;
    }
    const auto& root = runtime.root_credentials();
    sigv4::Credentials creds{root.access_key_id, root.secret_access_key, {}};
    AwsCaller aws(runtime.endpoint(), creds, o.server.region, o.server.tls_cert);

    ProvisionOptions provision;
    provision.name_prefix = o.name_prefix;
    provision.seed_exact = o.seed_exact;
    provision.account_id = o.server.account_id;
    auto provisioned = provision_gitlab(aws, provision);
    if (!provisioned) throw std::runtime_error("provisioning failed: " + provisioned.error().message());

    // The agent: same process, talking to EKS Auth over the wire with the root user's keys (the agent's own
    // credentials, as a node role would give it on EKS).
    auto agent_listen = config::parse_host_port(o.agent_listen);
    core::SystemClock clock;
    crypto::SecureRandom random;
    agent::HttpEksAuthOptions auth_options;
    auth_options.endpoint = runtime.endpoint();
    auth_options.region = o.server.region;
    if (!o.server.tls_cert.empty()) auth_options.client.ca_file = o.server.tls_cert;
    agent::HttpEksAuth eks_auth(auth_options, [creds]() -> core::Result<sigv4::Credentials> { return creds; }, clock,
                                random);
    agent::AgentOptions agent_options;
    agent_options.cluster_name = std::string(gitlab::kClusterName);
    agent_options.bind_hosts = {url_host(agent_listen->first)};
    agent_options.port = agent_listen->second;
    agent_options.serve_probes = false;
    agent_options.serve_metrics = false;
    agent::Agent agent(agent_options, eks_auth, clock, random);
    agent.start();
    AgentMetricsMirror agent_metrics(agent);  // its cache counters on the admin listener's /metrics
    std::string agent_url = "http://" + agent_options.bind_hosts[0] + ":" + std::to_string(agent.port()) +
                            "/v1/credentials";

    std::filesystem::path token_file =
        o.token_file.empty() ? std::filesystem::path(o.server.data_dir) / "pod-identity" / "eks-pod-identity-token"
                             : std::filesystem::path(o.token_file);
    if (token_file.has_parent_path()) std::filesystem::create_directories(token_file.parent_path());
    TokenKeeper tokens(aws, token_file, o.pod_name, o.token_lifetime_s);
    if (auto ok = tokens.refresh(); !ok) throw std::runtime_error(ok.error().message());
    tokens.start();

    print_summary(o, runtime.endpoint(), *provisioned, agent_url, token_file);
    int sig = wait_for_stop_signal(stop_signals);
    spdlog::info("received signal {}, stopping", sig);
    tokens.stop();
    agent.stop();
    runtime.stop();
    spdlog::info("stopped");
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "podbucket up: " << e.what() << std::endl;
    return 1;
  }
}

}  // namespace podbucket::cli
