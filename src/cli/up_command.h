#pragma once
// `podbucket up`: the main job. Runs the server and a Pod Identity agent in one process on the embedded default
// (SQLite + a local data dir), provisions the seed's GitLab layout on it, keeps a service-account token fresh,
// and prints the endpoint, region, role ARN and the env block a pod would get.
#include <cstdint>
#include <string>

#include "cli/server_command.h"

namespace CLI {
class App;
}

namespace podbucket::cli {

struct UpOptions {
  ServerCommandOptions server;
  std::string name_prefix = "example-gitlab-eks";
  bool seed_exact = false;                    // the seed's policies verbatim, gaps included
  std::string agent_listen = "127.0.0.1:9023";  // where the agent serves /v1/credentials
  std::string token_file;                     // empty = DATA_DIR/pod-identity/eks-pod-identity-token
  int64_t token_lifetime_s = 86400;           // seconds; re-minted at half-life
  std::string pod_name = "gitlab-webservice-default-0";
};

/// Registers `up` on `app`; its callback stores the exit code in `*exit_code`.
void add_up_command(CLI::App& app, int* exit_code);

/// Runs until SIGTERM/SIGINT. Returns the exit code (non-zero when start-up or provisioning fails).
int run_up(const UpOptions& options);

}  // namespace podbucket::cli
