#include "cli/config_command.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "cli/settings.h"
#include "config/document.h"

namespace podbucket::cli {

int run_config_check(const std::string& path, std::ostream& out) {
  auto catalog = make_catalog();
  auto doc = config::read_document(path);
  auto issues = catalog->table.check(doc);
  for (const auto& i : issues) out << path << ": " << i.to_string() << "\n";
  if (issues.empty()) {
    out << path << ": ok" << std::endl;
    return 0;
  }
  out << path << ": " << issues.size() << (issues.size() == 1 ? " error" : " errors") << std::endl;
  return 1;
}

void add_config_command(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("config", "Check a configuration file, or print every setting");
  cmd->require_subcommand(1);

  auto path = std::make_shared<std::string>();
  auto* check = cmd->add_subcommand(
      "check", "Validate a YAML configuration file; list every error with its place (exit 0 when valid)");
  check->add_option("FILE", *path, "The file")->required();
  check->callback([path, exit_code] { *exit_code = run_config_check(*path, std::cout); });

  cmd->add_subcommand("docs", "Print every setting (key, flag, variable, type, default) as markdown tables")
      ->callback([exit_code] {
        std::cout << settings_markdown() << std::flush;
        *exit_code = 0;
      });
}

}  // namespace podbucket::cli
