#pragma once
// `podbucket config check FILE`: validates a configuration file against every command's settings.
// `podbucket config docs`: prints the settings tables of docs/configuration.md.
#include <iosfwd>
#include <string>

namespace CLI {
class App;
}

namespace podbucket::cli {

/// Registers `config` (with `check` and `docs`) on `app`; the callbacks store the exit code in `*exit_code`.
void add_config_command(CLI::App& app, int* exit_code);

/// Checks the YAML file `path`: writes every problem to `out` as "PATH: WHERE: PROBLEM (line L, column C)" in file
/// order, then "PATH: ok" or "PATH: N error(s)". Returns 0 when the file is valid, 1 otherwise.
int run_config_check(const std::string& path, std::ostream& out);

}  // namespace podbucket::cli
