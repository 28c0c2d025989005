#include "cli/run.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/agent_command.h"
#include "cli/cluster_commands.h"
#include "cli/gitlab_command.h"
#include "cli/server_command.h"
#include "cli/webhook_command.h"
#include "cli/up_command.h"

#ifndef PODBUCKET_VERSION
#define PODBUCKET_VERSION "0.0.0"
#endif

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
  app.add_subcommand("version", "Print the version")->callback([] {
    std::cout << "podbucket " << PODBUCKET_VERSION << std::endl;
  });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}

}  // namespace podbucket::cli
