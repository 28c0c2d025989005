#include "cli/audit_command.h"

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <string_view>

#include "observe/audit.h"
#include "observe/audit_query.h"

namespace podbucket::cli {

int run_audit_query(const AuditQueryOptions& o, std::ostream& out, std::ostream& err) {
  constexpr std::string_view kPrefix = "podbucket audit query: ";
  if (!o.data_dir.empty() && !o.file.empty()) {
    err << kPrefix << "give either --data-dir or --file, not both" << std::endl;
    return 2;
  }
  const std::string path = !o.file.empty() ? o.file : observe::default_trail_path(o.data_dir.empty() ? "./data"
                                                                                                   : o.data_dir);
  observe::AuditFilter filter;
  filter.principal = o.principal;
  filter.event_name = o.event_name;
  filter.error_only = o.error_only;
  const auto now = std::chrono::system_clock::now();
  // --since and --until take the same forms; an empty one leaves its side open.
  auto parse_bound = [&](std::string_view flag, const std::string& text, std::optional<core::TimePoint>& bound) {
    if (text.empty()) return true;
    auto t = observe::parse_time_arg(text, now);
    if (!t) {
      err << kPrefix << flag << ": " << t.error().message() << std::endl;
      return false;
    }
    bound = *t;
    return true;
  };
  if (!parse_bound("--since", o.since, filter.since) || !parse_bound("--until", o.until, filter.until)) return 2;
  if (filter.since && filter.until && *filter.since > *filter.until) {
    err << kPrefix << "--since is after --until: nothing can match" << std::endl;
    return 2;
  }
  auto stats = observe::query_trail(path, filter, o.limit, out, err);
  out.flush();
  if (!stats) {
    err << kPrefix << stats.error().message() << std::endl;
    return 2;
  }
  return 0;
}

void add_audit_command(CLI::App& app, int* exit_code) {
  auto* audit = app.add_subcommand("audit", "Read the audit trail (CloudTrail-shaped JSON events)");
  audit->require_subcommand(1);
  auto options = std::make_shared<AuditQueryOptions>();
  auto* query = audit->add_subcommand(
      "query", "Print the trail's events that match every filter, oldest first, one JSON object per line");
  query->add_option("--data-dir", options->data_dir, "The server's data directory (trail in DATA_DIR/audit/)");
  query->add_option("--file", options->file, "A trail file (the server's --audit-file); rotated FILE.N are read too");
  query->add_option("--principal", options->principal,
                    "An ARN (exact: a user, a role session, or a role and all its sessions) or a substring of the "
                    "caller's ARN, principal id, user name or access key id");
  query->add_option("--since", options->since,
                    "Events at or after TIME: ISO 8601 UTC, YYYY-MM-DD, or an age (30s, 15m, 2h, 1d, 1w)");
  query->add_option("--until", options->until, "Events at or before TIME (same forms as --since)");
  query->add_option("--event-name", options->event_name, "Only this eventName (the operation, e.g. PutObject)");
  query->add_flag("--error-only", options->error_only, "Only failed calls (events with an errorCode)");
  query->add_option("--limit", options->limit, "Stop after N events (0 = all)")->check(CLI::NonNegativeNumber);
  query->callback([options, exit_code] { *exit_code = run_audit_query(*options, std::cout, std::cerr); });
}

}  // namespace podbucket::cli
