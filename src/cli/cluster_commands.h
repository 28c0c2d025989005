#pragma once
// `podbucket token` (a projected-service-account-style JWT from a local cluster) and `podbucket cluster add`
// (register a real Kubernetes cluster's token issuer), both against a running server's admin routes.
namespace CLI {
class App;
}

namespace podbucket::cli {

/// Registers `token` and `cluster add` on `app`; their callbacks store the exit code in `*exit_code`.
void add_cluster_commands(CLI::App& app, int* exit_code);

}  // namespace podbucket::cli
