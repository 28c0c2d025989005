#include "cli/version_command.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/build_commit.h"  // generated at build time by cmake/build_commit.cmake
#include "cli/build_info.h"    // generated at configure time from build_info.h.in

namespace podbucket::cli {

std::string version_text() {
  std::string commit = PODBUCKET_BUILD_COMMIT;
  return std::string("podbucket ") + PODBUCKET_VERSION + "\n" +
         "commit:     " + (commit.empty() ? "unknown" : commit) + "\n" +
         "compiler:   " + PODBUCKET_COMPILER + "\n" +
         "build type: " + PODBUCKET_BUILD_TYPE + "\n" +
         "platform:   " + PODBUCKET_PLATFORM + "\n";
}

void add_version_command(CLI::App& app, int* exit_code) {
  app.set_version_flag("--version", std::string("podbucket ") + PODBUCKET_VERSION);
  app.add_subcommand("version", "Print the version and build information")->callback([exit_code] {
    std::cout << version_text() << std::flush;
    *exit_code = 0;
  });
}

}  // namespace podbucket::cli
