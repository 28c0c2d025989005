#pragma once
// `podbucket agent`: the EKS Pod Identity Agent as its own process (flags as aws/eks-pod-identity-agent's
// `server`, spec 1.2), and `podbucket agent init`: the node network set-up of its init container.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace podbucket::cli {

struct AgentCommandOptions {
  std::string cluster_name;
  std::string endpoint;  // EKS Auth base URL; "" = https://eks-auth.REGION.api.aws
  std::string region;    // "" = $AWS_REGION, else $AWS_DEFAULT_REGION, else us-east-1
  std::vector<std::string> bind_hosts{"169.254.170.23", "[fd00:ec2::23]"};
  uint16_t port = 80;
  uint16_t probe_port = 2703;
  std::string metrics_address = "0.0.0.0";
  uint16_t metrics_port = 2705;
  std::string max_retention = "3h";  // Go duration
  int64_t max_cache_size = 2000;
  double max_service_qps = 3;
  double max_request_rate = 1000;  // ingress token bucket per second (burst half of it); 0 = unlimited
  std::string credentials_file;  // "" = the standard environment variables, else the shared credentials file
  std::string profile;
  std::string ca_file;  // CA bundle for an https endpoint; "" = the system's
};

/// Parses a Go time.Duration string ("3h", "90s", "1h30m", "250ms", "0") or plain seconds ("10800").
/// nullopt when malformed or negative.
std::optional<std::chrono::milliseconds> parse_go_duration(std::string_view text);

/// Registers `agent` (and `agent init`) on `app`; the callbacks store the exit code in `*exit_code`.
void add_agent_command(CLI::App& app, int* exit_code);

/// Runs the agent until SIGTERM/SIGINT. Prints one "credentials on URL" line per bind host, then the probe and
/// metrics addresses, on stdout. Returns the exit code (1 when the options are invalid or a port cannot be bound).
int run_agent(const AgentCommandOptions& options);

}  // namespace podbucket::cli
