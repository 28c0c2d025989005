#pragma once
// `podbucket webhook`: the EKS pod identity mutating admission webhook over HTTPS, with the associations of one
// cluster learned from the podbucket server (or a file); `podbucket webhook manifest`: its
// MutatingWebhookConfiguration.
#include <cstdint>
#include <string>

namespace CLI {
class App;
}

namespace podbucket::cli {

struct WebhookCommandOptions {
  std::string listen = "0.0.0.0:443";
  std::string probe_listen = "0.0.0.0:8081";  // plain-HTTP /healthz and /readyz for the kubelet; "off" disables
  std::string tls_cert;
  std::string tls_key;
  std::string cluster_name;
  std::string endpoint;           // the podbucket server (EKS API)
  std::string region;             // "" = $AWS_REGION, else $AWS_DEFAULT_REGION, else us-east-1
  std::string associations_file;  // instead of cluster + endpoint: {"identities":[...]} (re-read on change)
  double refresh_interval_s = 30;
  std::string credentials_file;
  std::string profile;
  std::string ca_file;  // CA bundle for an https endpoint
  // What is injected (the real webhook's flags).
  std::string full_uri = "http://169.254.170.23/v1/credentials";
  int64_t token_expiration = 86400;
  std::string aws_default_region;
  bool sts_regional_endpoint = false;
};

/// Registers `webhook` and `webhook manifest` on `app`; the callbacks store the exit code in `*exit_code`.
void add_webhook_command(CLI::App& app, int* exit_code);

/// Serves until SIGTERM/SIGINT; prints "listening on https://HOST:PORT" and "probes on http://HOST:PORT". Returns
/// the exit code.
int run_webhook(const WebhookCommandOptions& options);

}  // namespace podbucket::cli
