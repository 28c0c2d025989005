#include "cli/agent_command.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "agent/agent.h"
#include "agent/network_init.h"
#include "agent/own_credentials.h"
#include "cli/server_runtime.h"
#include "cli/settings.h"
#include "observe/logging.h"
#include "core/clock.h"
#include "crypto/hash.h"

namespace podbucket::cli {

std::optional<std::chrono::milliseconds> parse_go_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text == "0") return std::chrono::milliseconds(0);
  bool digits_only = text.find_first_not_of("0123456789") == std::string_view::npos;
  if (digits_only) {
    int64_t s = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), s);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return std::chrono::milliseconds(s * 1000);
  }
  double total_ms = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t num_end = pos;
    while (num_end < text.size() && ((text[num_end] >= '0' && text[num_end] <= '9') || text[num_end] == '.')) {
      ++num_end;
    }
    if (num_end == pos) return std::nullopt;
    double value = 0;
    auto [end, ec] = std::from_chars(text.data() + pos, text.data() + num_end, value);
    if (ec != std::errc() || end != text.data() + num_end) return std::nullopt;
    size_t unit_end = num_end;
    while (unit_end < text.size() && !(text[unit_end] >= '0' && text[unit_end] <= '9') && text[unit_end] != '.') {
      ++unit_end;
    }
    std::string_view unit = text.substr(num_end, unit_end - num_end);
    double scale;
    if (unit == "h") {
      scale = 3'600'000;
    } else if (unit == "m") {
      scale = 60'000;
    } else if (unit == "s") {
      scale = 1'000;
    } else if (unit == "ms") {
      scale = 1;
    } else if (unit == "us" || unit == "µs") {
      scale = 0.001;
    } else if (unit == "ns") {
      scale = 0.000001;
    } else {
      return std::nullopt;
    }
    total_ms += value * scale;
    pos = unit_end;
  }
  return std::chrono::milliseconds(int64_t(total_ms));
}

namespace {

std::string env_or(const char* a, const char* b, const char* fallback) {
  for (const char* name : {a, b}) {
    const char* v = std::getenv(name);
    if (v && *v) return v;
  }
  return fallback;
}

int run_agent_init(const agent::NetworkInitOptions& options) {
  auto notes = agent::initialize_network(options);
  if (!notes) {
    std::cerr << "podbucket agent init: " << notes.error().message() << std::endl;
    return 1;
  }
  for (const auto& n : *notes) std::cout << n << "\n";
  std::cout << std::flush;
  return 0;
}

}  // namespace

int run_agent(const AgentCommandOptions& o) {
  observe::configure_event_log("podbucket-agent", "info");
  auto stop_signals = block_stop_signals();

  try {
    auto retention = parse_go_duration(o.max_retention);
    if (!retention) throw std::invalid_argument("--max-credential-retention-before-renewal: not a duration");
    if (o.max_cache_size < 0) throw std::invalid_argument("--max-cache-size must not be negative");

    agent::AgentOptions options;
    options.cluster_name = o.cluster_name;
    options.bind_hosts = o.bind_hosts;
    options.port = o.port;
    options.probe_port = o.probe_port;
    options.metrics_host = o.metrics_address;
    options.metrics_port = o.metrics_port;
    options.cache.max_retention = std::chrono::duration_cast<std::chrono::seconds>(*retention);
    options.cache.max_size = size_t(o.max_cache_size);
    options.cache.renewal_qps = o.max_service_qps;
    if (o.max_request_rate < 0) throw std::invalid_argument("--max-request-rate must not be negative");
    options.request_rate = o.max_request_rate;
    options.request_burst = std::max(1.0, o.max_request_rate / 2);
    agent::validate(options);

    core::SystemClock clock;
    crypto::SecureRandom random;
    auto credentials = agent::default_credentials_source({o.credentials_file, o.profile});
    if (auto first = credentials(); !first) {
      spdlog::warn("{}; every request will fail until credentials appear", first.error().message());
    }
    agent::HttpEksAuthOptions eks_options;
    eks_options.endpoint = o.endpoint;
    eks_options.region = o.region.empty() ? env_or("AWS_REGION", "AWS_DEFAULT_REGION", "us-east-1") : o.region;
    eks_options.client.ca_file = o.ca_file;
    agent::HttpEksAuth eks_auth(eks_options, credentials, clock, random);

    agent::Agent agent(options, eks_auth, clock, random);
    agent.start();
    std::cout << "agent for cluster " << o.cluster_name << ", EKS Auth at " << eks_auth.endpoint().url() << "\n";
    for (size_t i = 0; i < agent.bound_hosts().size(); ++i) {
      std::cout << "credentials on http://" << url_host(agent.bound_hosts()[i]) << ":" << agent.port(i)
                << "/v1/credentials\n";
    }
    std::cout << "probes on http://" << url_host(options.probe_host) << ":" << agent.probe_port() << "\n";
    std::cout << "metrics on http://" << url_host(options.metrics_host) << ":" << agent.metrics_port() << "/metrics"
              << std::endl;

    int sig = wait_for_stop_signal(stop_signals);
    spdlog::info("received signal {}, stopping", sig);
    agent.stop();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "podbucket agent: " << e.what() << std::endl;
    return 1;
  }
}

void add_agent_command(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<AgentCommandOptions>();
  auto* cmd = app.add_subcommand("agent", "Run the EKS Pod Identity Agent (the /v1/credentials endpoint for pods)");
  auto settings = std::make_shared<CommandSettings>("agent");
  add_agent_settings(settings->table(), *o);
  settings->set_final_check([o] { return check_agent_settings(*o); });
  settings->attach(cmd);

  auto init = std::make_shared<agent::NetworkInitOptions>();
  auto* init_cmd = cmd->add_subcommand(
      "init", "Set up the node network: dummy link pod-id-link0 with 169.254.170.23/32 and fd00:ec2::23/128 (root)");
  init_cmd->add_option("--link-name", init->link_name, "Name of the dummy link")->capture_default_str();
  init_cmd->add_option("--ipv4", init->ipv4, "IPv4 agent address")->capture_default_str();
  init_cmd->add_option("--ipv6", init->ipv6, "IPv6 agent address (empty to skip)")->capture_default_str();
  init_cmd->callback([init, exit_code] { *exit_code = run_agent_init(*init); });

  cmd->callback([init_cmd, o, settings, exit_code] {
    if (init_cmd->parsed()) return;
    if (!settings->load(std::cerr)) {
      *exit_code = 2;
      return;
    }
    if (o->cluster_name.empty()) {
      std::cerr << "podbucket agent: --cluster-name is required" << std::endl;
      *exit_code = 2;
      return;
    }
    *exit_code = run_agent(*o);
  });
}

}  // namespace podbucket::cli
