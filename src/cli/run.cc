#include "cli/run.h"

#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>

#include "cli/agent_command.h"
#include "cli/audit_command.h"
#include "cli/cluster_commands.h"
#include "cli/config_command.h"
#include "cli/gitlab_command.h"
#include "cli/server_command.h"
#include "cli/webhook_command.h"
#include "cli/up_command.h"
#include "cli/version_command.h"

namespace podbucket::cli {
namespace {

/// Raises the soft limit on open files (RLIMIT_NOFILE) to the hard limit, at most 1,048,576 (Linux's default
/// nr_open). Every connection, blob read and database takes a descriptor, and the common soft limit of 1,024 is
/// below the server's default of 1,024 connections plus its own files. Best effort: if the limit stays low, the
/// HTTP server refuses what it cannot take with 503 SlowDown.
void raise_open_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  rlim_t wanted = std::min<rlim_t>(limit.rlim_max, 1 << 20);
  if (limit.rlim_cur >= wanted) return;
  limit.rlim_cur = wanted;
  ::setrlimit(RLIMIT_NOFILE, &limit);
}

}  // namespace

int run(int argc, char** argv) {
  raise_open_file_limit();
  CLI::App app("podbucket: self-hostable, AWS-compatible object storage", "podbucket");
  app.require_subcommand(1);
  int exit_code = 0;
  add_server_command(app, &exit_code);
  add_cluster_commands(app, &exit_code);
  add_gitlab_commands(app, &exit_code);
  add_agent_command(app, &exit_code);
  add_webhook_command(app, &exit_code);
  add_up_command(app, &exit_code);
  add_audit_command(app, &exit_code);
  add_config_command(app, &exit_code);
  add_version_command(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version end here with 0; every command-line mistake exits 2, as a bad setting does.
    return app.exit(e) == 0 ? 0 : 2;
  }
  return exit_code;
}

}  // namespace podbucket::cli
