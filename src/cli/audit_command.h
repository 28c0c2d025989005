#pragma once
// `podbucket audit query`: reads the audit trail (the current file and its rotated ones, oldest first) and prints
// the events that pass the filters as JSON lines.
#include <cstddef>
#include <iosfwd>
#include <string>

namespace CLI {
class App;
}

namespace podbucket::cli {

struct AuditQueryOptions {
  std::string data_dir;    // the trail is DATA_DIR/audit/trail.jsonl ("./data" when neither this nor file is set)
  std::string file;        // an explicit trail file (the server's --audit-file)
  std::string principal;   // ARN (exact, or the role of a session) or substring
  std::string since;       // ISO 8601, a date, or an age ("15m", "2h", "1d")
  std::string until;       // same forms
  std::string event_name;  // exact eventName
  bool error_only = false;
  size_t limit = 0;        // 0 = every match
};

/// Runs one query, printing events to `out` and problems to `err`. Returns 0 on success (also with no match),
/// 2 for bad arguments (both --data-dir and --file, an unparseable time, --since after --until) or a missing or
/// unreadable trail.
int run_audit_query(const AuditQueryOptions& options, std::ostream& out, std::ostream& err);

/// Registers `audit query` on `app`; its callback stores the exit code in `*exit_code`.
void add_audit_command(CLI::App& app, int* exit_code);

}  // namespace podbucket::cli
