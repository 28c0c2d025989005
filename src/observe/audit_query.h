#pragma once
// Reading the audit trail back: the files of a trail in time order, a filter over its events, and the time
// arguments of `podbucket audit query`.
#include <cstddef>
#include <iosfwd>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace podbucket::observe {

/// What `podbucket audit query` keeps.
struct AuditFilter {
  /// An ARN ("arn:...") matches events whose userIdentity.arn, or the session issuer's (role) ARN, equals it;
  /// any other text matches a substring of userIdentity.arn, principalId, userName, accessKeyId or the session
  /// issuer's ARN. Empty: every principal.
  std::string principal;
  std::optional<core::TimePoint> since;  // eventTime >= since
  std::optional<core::TimePoint> until;  // eventTime <= until
  std::string event_name;                // exact eventName; empty: all
  bool error_only = false;               // only events with an errorCode
};

/// True if `event` (one parsed trail line) passes `filter`. An event without a parseable eventTime fails any
/// time bound.
bool matches(const nlohmann::json& event, const AuditFilter& filter);

/// The existing files of the trail at `path`, oldest first: path.N, ..., path.1, path. Rotated files are found
/// by probing path.1, path.2, ... until the first missing one.
std::vector<std::string> trail_files(const std::string& path);

/// Parses a time argument: ISO 8601 UTC ("2026-11-29T12:00:00Z", with optional fraction or "+00:00"), a date
/// ("2026-11-29", midnight UTC), or an age before `now`: a positive integer with s, m, h, d or w ("15m", "2h",
/// "1d"). InvalidArgument-style error message otherwise.
core::Result<core::TimePoint> parse_time_arg(std::string_view text, core::TimePoint now);

/// Counts from one query run.
struct QueryStats {
  size_t matched = 0;
  size_t unparseable = 0;  // lines that were not JSON objects (a torn write, a foreign line)
};

/// Streams the events of the trail at `path` that pass `filter` to `out`, one JSON line each as stored, oldest
/// file first and in file order (the order they were written), stopping after `limit` matches (0 = no limit).
/// Unparseable lines are skipped and reported on `err` with file and line number. Errors: no trail file exists
/// at `path`, or a file cannot be read.
core::Result<QueryStats> query_trail(const std::string& path, const AuditFilter& filter, size_t limit,
                                     std::ostream& out, std::ostream& err);

}  // namespace podbucket::observe
