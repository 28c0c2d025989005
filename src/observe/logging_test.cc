#include "observe/logging.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace podbucket::observe {
namespace {

TEST(Logging, EventLinesAreOneJsonObjectWithEscapedMessages) {
  std::string line = format_event_line("2026-11-29T18:00:00.000Z", "info", "podbucket", "a \"quoted\"\nline\xff");
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["level"], "info");
  EXPECT_EQ(j["logger"], "podbucket");
  EXPECT_EQ(j["message"].get<std::string>().substr(0, 15), "a \"quoted\"\nline");
}

TEST(Logging, LevelNames) {
  EXPECT_EQ(parse_log_level("warn"), spdlog::level::warn);
  EXPECT_EQ(parse_log_level("warning"), std::nullopt);
  EXPECT_EQ(parse_log_level("off"), spdlog::level::off);
  EXPECT_EQ(parse_log_level("loud"), std::nullopt);
  EXPECT_EQ(parse_log_level("INFO"), std::nullopt);
}

TEST(Logging, SetLevelLeavesTheAccessLoggerAlone) {
  configure_event_log("podbucket-test", "info");
  auto access = spdlog::get("access");
  if (!access) access = spdlog::stderr_logger_mt("access");
  access->set_level(spdlog::level::info);
  EXPECT_TRUE(set_log_level("error"));
  EXPECT_EQ(log_level(), "error");
  EXPECT_EQ(access->level(), spdlog::level::info);
  EXPECT_FALSE(set_log_level("loud"));
  EXPECT_EQ(log_level(), "error");
}

TEST(Logging, SighupTogglesBetweenDebugAndTheConfiguredLevel) {
  configure_event_log("podbucket-test", "warn");
  EXPECT_EQ(toggle_debug_log_level(), "debug");
  EXPECT_EQ(toggle_debug_log_level(), "warn");
  EXPECT_THROW(configure_event_log("podbucket-test", "loud"), std::invalid_argument);
}

}  // namespace
}  // namespace podbucket::observe
