#pragma once
// `podbucket gitlab values` (the GitLab Helm chart settings for a podbucket endpoint, keyless) and `podbucket
// gitlab check` (will GitLab work with this role? the policy simulator for every operation each component needs).
namespace CLI {
class App;
}

namespace podbucket::cli {

/// Registers `gitlab values` and `gitlab check` on `app`; their callbacks store the exit code in `*exit_code`:
/// values: 0, or 2 on bad options; check: 0 when every check is allowed, 1 when GitLab needs something the role
/// denies, 2 when the check could not run (no credentials, server unreachable, unknown role).
void add_gitlab_commands(CLI::App& app, int* exit_code);

}  // namespace podbucket::cli
