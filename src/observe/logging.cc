#include "observe/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace podbucket::observe {
namespace {

std::atomic<spdlog::level::level_enum> configured_level{spdlog::level::info};

std::string iso8601_ms(spdlog::log_clock::time_point tp) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(tp.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, int(ms % 1000));
  return buf;
}

/// spdlog formatter that renders each message as format_event_line.
class JsonEventFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    auto level = spdlog::level::to_string_view(msg.level);
    std::string line = format_event_line(iso8601_ms(msg.time), std::string_view(level.data(), level.size()),
                                         std::string_view(msg.logger_name.data(), msg.logger_name.size()),
                                         std::string_view(msg.payload.data(), msg.payload.size()));
    line += '\n';
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonEventFormatter>(); }
};

/// The settings' name of a level (spdlog spells warn "warning").
std::string level_name(spdlog::level::level_enum level) {
  if (level == spdlog::level::warn) return "warn";
  auto name = spdlog::level::to_string_view(level);
  return std::string(name.data(), name.size());
}

}  // namespace

std::optional<spdlog::level::level_enum> parse_log_level(std::string_view name) {
  static constexpr std::pair<std::string_view, spdlog::level::level_enum> kLevels[] = {
      {"trace", spdlog::level::trace}, {"debug", spdlog::level::debug}, {"info", spdlog::level::info},
      {"warn", spdlog::level::warn},   {"error", spdlog::level::err},
      {"critical", spdlog::level::critical}, {"off", spdlog::level::off}};
  for (const auto& [n, level] : kLevels)
    if (n == name) return level;
  return std::nullopt;
}

std::string format_event_line(std::string_view time, std::string_view level, std::string_view logger,
                              std::string_view message) {
  nlohmann::ordered_json j;
  j["time"] = time;
  j["level"] = level;
  j["logger"] = logger;
  j["message"] = message;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void configure_event_log(const std::string& name, std::string_view level) {
  auto parsed = parse_log_level(level);
  if (!parsed) throw std::invalid_argument("unknown log level '" + std::string(level) + "'");
  auto logger = spdlog::get(name);
  if (!logger) logger = spdlog::stderr_logger_mt(name);
  logger->set_formatter(std::make_unique<JsonEventFormatter>());
  logger->set_level(*parsed);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  configured_level = *parsed;
}

bool set_log_level(std::string_view level) {
  auto parsed = parse_log_level(level);
  if (!parsed) return false;
  spdlog::apply_all([&](const std::shared_ptr<spdlog::logger>& logger) {
    if (logger->name() != "access") logger->set_level(*parsed);
  });
  return true;
}

std::string log_level() { return level_name(spdlog::default_logger_raw()->level()); }

std::string toggle_debug_log_level() {
  auto current = spdlog::default_logger_raw()->level();
  auto next = current == spdlog::level::debug ? configured_level.load() : spdlog::level::debug;
  set_log_level(level_name(next));
  return log_level();
}

}  // namespace podbucket::observe
