#pragma once
// Server event logs: one JSON object per line on stderr ({"time","level","logger","message"}), on lines of their
// own, apart from the per-request access lines (api/access_log.h). The level changes at runtime through the
// admin listener (PUT /log-level) or SIGHUP (toggles between the configured level and debug).
#include <optional>
#include <string>
#include <string_view>

#include <spdlog/common.h>

namespace podbucket::observe {

/// spdlog's level for a name: trace, debug, info, warn, error, critical, off. nullopt otherwise.
std::optional<spdlog::level::level_enum> parse_log_level(std::string_view name);

/// Makes a logger named `name` (e.g. "podbucket", "podbucket-agent") the default logger, writing JSON event lines
/// to stderr at `level`. Throws std::invalid_argument for an unknown level name.
void configure_event_log(const std::string& name, std::string_view level);

/// Sets the level of every event logger (every registered logger but "access"). Returns false, changing nothing,
/// for an unknown level name.
bool set_log_level(std::string_view level);

/// The default logger's current level name, as parse_log_level spells it ("info", "warn", ...).
std::string log_level();

/// SIGHUP's action: debug when the level is not debug, else back to the level given to configure_event_log.
/// Returns the new level name.
std::string toggle_debug_log_level();

/// The event line for one message (no trailing newline): {"time":ISO 8601 ms UTC,"level","logger","message"}.
/// Invalid UTF-8 in the message is replaced.
std::string format_event_line(std::string_view time, std::string_view level, std::string_view logger,
                              std::string_view message);

}  // namespace podbucket::observe
