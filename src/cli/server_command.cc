#include "cli/server_command.h"


#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "cli/server_runtime.h"
#include "cli/settings.h"
#include "observe/logging.h"

namespace podbucket::cli {

std::string url_host(const std::string& host) {
  if (host.find(':') != std::string::npos && host.front() != '[') return "[" + host + "]";
  return host;
}

bool is_valid_account_id(std::string_view account_id) {
  return account_id.size() == 12 &&
         std::all_of(account_id.begin(), account_id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void add_server_command(CLI::App& app, int* exit_code) {
  auto options = std::make_shared<ServerCommandOptions>();
  auto settings = std::make_shared<CommandSettings>("server");
  auto* cmd = app.add_subcommand("server", "Serve S3, IAM, STS, KMS, EKS and EKS Auth on one port");
  add_server_settings(settings->table(), *options);
  settings->set_final_check([options] { return check_server_settings(*options); });
  settings->attach(cmd);
  cmd->callback([options, settings, exit_code] {
    if (!settings->load(std::cerr)) {
      *exit_code = 2;
      return;
    }
    *exit_code = run_server(*options);
  });
}

int run_server(const ServerCommandOptions& o) {
  // Everything on stdout is for the operator and for tests (credentials, "listening on"); logs go to stderr.
  auto stop_signals = block_stop_signals();
  try {
    observe::configure_event_log("podbucket", o.log_level);
    ServerRuntime runtime(o);
    runtime.start();
    std::cout << "listening on " << runtime.endpoint() << std::endl;
    if (!runtime.admin_endpoint().empty()) {
      std::cout << "admin listening on " << runtime.admin_endpoint() << std::endl;
    }
    int sig = wait_for_stop_signal(stop_signals);
    spdlog::info("received signal {}, draining connections (at most 30 s)", sig);
    runtime.stop();
    spdlog::info("stopped");
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "podbucket server: " << e.what() << std::endl;
    return 1;
  }
}

}  // namespace podbucket::cli
