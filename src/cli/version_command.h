#pragma once
// `podbucket version`: the version and how this binary was built.
#include <string>

namespace CLI {
class App;
}

namespace podbucket::cli {

/// What `podbucket version` prints: "podbucket VERSION" (the CMake project version) on the first line, then the
/// git commit (when it was known at build time), the compiler, the build type and the platform, one per line.
std::string version_text();

/// Registers `version` on `app` (and `--version` on the app itself); the callback stores 0 in `*exit_code`.
void add_version_command(CLI::App& app, int* exit_code);

}  // namespace podbucket::cli
