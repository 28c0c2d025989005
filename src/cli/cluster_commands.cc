#include "cli/cluster_commands.h"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/admin_client.h"
#include "cli/private_file.h"

namespace podbucket::cli {
namespace {

struct TokenOptions {
  AdminTarget target;
  std::string cluster, namespace_name, service_account, pod_name, pod_uid, audience, out;
  int64_t expires_in = 0;  // seconds; 0 = the server's default
};

struct ClusterAddOptions {
  AdminTarget target;
  std::string name, issuer, jwks_file, jwks_url;
};

int run_token(const TokenOptions& o) {
  nlohmann::json body{{"namespace", o.namespace_name}, {"serviceAccount", o.service_account}};
  if (!o.pod_name.empty()) body["podName"] = o.pod_name;
  if (!o.pod_uid.empty()) body["podUid"] = o.pod_uid;
  if (!o.audience.empty()) body["audience"] = o.audience;
  if (o.expires_in > 0) body["expiresIn"] = o.expires_in;
  auto answer = post_admin(o.target, "/_podbucket/clusters/" + o.cluster + "/token", body);
  if (!answer) {
    std::cerr << "podbucket token: " << answer.error().message() << std::endl;
    return 1;
  }
  std::string token = answer->value("token", "");
  if (o.out.empty()) {
    std::cout << token << std::endl;
    return 0;
  }
  if (!write_private_file(o.out, token)) {
    std::cerr << "podbucket token: cannot write " << o.out << std::endl;
    return 1;
  }
  return 0;
}

int run_cluster_add(const ClusterAddOptions& o) {
  std::string jwks;
  if (!o.jwks_file.empty()) {
    std::ifstream in(o.jwks_file);
    if (!in) {
      std::cerr << "podbucket cluster add: cannot read " << o.jwks_file << std::endl;
      return 1;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    jwks = buffer.str();
  } else {
    auto fetched = fetch_url(o.jwks_url, o.target.ca_file);
    if (!fetched) {
      std::cerr << "podbucket cluster add: " << fetched.error().message() << std::endl;
      return 1;
    }
    jwks = *fetched;
  }
  auto answer = post_admin(o.target, "/_podbucket/external-clusters",
                           {{"name", o.name}, {"issuer", o.issuer}, {"jwks", jwks}});
  if (!answer) {
    std::cerr << "podbucket cluster add: " << answer.error().message() << std::endl;
    return 1;
  }
  std::cout << answer->dump(2) << std::endl;
  return 0;
}

void add_target_options(CLI::App* cmd, AdminTarget& target) {
  cmd->add_option("--endpoint", target.endpoint, "The podbucket server, http(s)://HOST:PORT")->required();
  cmd->add_option("--region", target.region, "Signing region (the server's --region)")->capture_default_str();
  cmd->add_option("--ca-file", target.ca_file, "Trusted CA certificates (PEM) for an https endpoint");
}

}  // namespace

void add_cluster_commands(CLI::App& app, int* exit_code) {
  auto token = std::make_shared<TokenOptions>();
  auto* t = app.add_subcommand(
      "token", "Mint a projected-service-account-style token from a local cluster (root credentials from env)");
  add_target_options(t, token->target);
  t->add_option("--cluster", token->cluster, "Local cluster name")->required();
  t->add_option("--namespace", token->namespace_name, "Kubernetes namespace")->required();
  t->add_option("--service-account", token->service_account, "Service account name")->required();
  t->add_option("--pod-name", token->pod_name, "Pod name (kubernetes.io.pod.name claim)");
  t->add_option("--pod-uid", token->pod_uid, "Pod UID (kubernetes.io.pod.uid claim)");
  t->add_option("--audience", token->audience, "Audience (default pods.eks.amazonaws.com)");
  t->add_option("--expires-in", token->expires_in, "Lifetime in seconds (default: the server's)")
      ->check(CLI::PositiveNumber);
  t->add_option("--out", token->out, "Write the token to this file (mode 0600, replaced atomically)");
  t->callback([token, exit_code] { *exit_code = run_token(*token); });

  auto cluster = app.add_subcommand("cluster", "Manage clusters whose service-account tokens podbucket trusts");
  cluster->require_subcommand(1);
  auto add = std::make_shared<ClusterAddOptions>();
  auto* a = cluster->add_subcommand("add", "Register a Kubernetes cluster's token issuer and its keys (as the root user: PODBUCKET_ROOT_ACCESS_KEY_ID / PODBUCKET_ROOT_SECRET_ACCESS_KEY)");
  add_target_options(a, add->target);
  a->add_option("name", add->name, "Cluster name")->required();
  a->add_option("--issuer", add->issuer, "The API server's service-account issuer URL")->required();
  auto* file = a->add_option("--jwks-file", add->jwks_file, "JWKS file (kubectl get --raw /openid/v1/jwks)")
                   ->check(CLI::ExistingFile);
  auto* url = a->add_option("--jwks-url", add->jwks_url, "JWKS URL to fetch now");
  file->excludes(url);
  url->excludes(file);
  a->callback([add, exit_code] {
    if (add->jwks_file.empty() && add->jwks_url.empty()) {
      throw CLI::ValidationError("--jwks-file or --jwks-url", "one of them is required");
    }
    *exit_code = run_cluster_add(*add);
  });
}

}  // namespace podbucket::cli
