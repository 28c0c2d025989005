#include "cli/run.h"

#include <CLI/CLI.hpp>

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

int run(int argc, char** argv) {
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
