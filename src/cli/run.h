#pragma once
// The podbucket command line: `podbucket server ...`, `podbucket version`.

namespace podbucket::cli {

/// Parses argv and runs the chosen subcommand. Returns the process exit code (0 on success, non-zero on a usage
/// or start-up error, after printing the reason to stderr).
int run(int argc, char** argv);

}  // namespace podbucket::cli
