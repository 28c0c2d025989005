#include "observe/audit_query.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/time_format.h"

namespace podbucket::observe {
namespace {

namespace fs = std::filesystem;

nlohmann::json event(const char* time, const char* arn, const char* name, const char* error = nullptr) {
  nlohmann::json e = {{"eventTime", time},
                      {"eventName", name},
                      {"userIdentity", {{"type", "IAMUser"}, {"arn", arn}, {"userName", "u"}}}};
  if (error) e["errorCode"] = error;
  return e;
}

core::TimePoint at(const char* iso) { return *core::parse_iso8601(iso); }

TEST(AuditFilter, PrincipalByExactArnOrSubstring) {
  auto alice = event("2026-11-29T12:00:00Z", "arn:aws:iam::000000000000:user/alice", "PutObject");
  auto alice2 = event("2026-11-29T12:00:00Z", "arn:aws:iam::000000000000:user/alice2", "PutObject");
  AuditFilter exact{.principal = "arn:aws:iam::000000000000:user/alice"};
  EXPECT_TRUE(matches(alice, exact));
  EXPECT_FALSE(matches(alice2, exact)) << "an ARN matches exactly";
  AuditFilter part{.principal = "user/alice"};
  EXPECT_TRUE(matches(alice, part));
  EXPECT_TRUE(matches(alice2, part));
}

TEST(AuditFilter, RoleArnMatchesItsSessions) {
  nlohmann::json e = {{"eventTime", "2026-11-29T12:00:00Z"},
                      {"userIdentity",
                       {{"type", "AssumedRole"},
                        {"arn", "arn:aws:sts::000000000000:assumed-role/ci/job"},
                        {"sessionContext", {{"sessionIssuer", {{"arn", "arn:aws:iam::000000000000:role/ci"}}}}}}}};
  EXPECT_TRUE(matches(e, {.principal = "arn:aws:iam::000000000000:role/ci"}));
  EXPECT_TRUE(matches(e, {.principal = "arn:aws:sts::000000000000:assumed-role/ci/job"}));
  EXPECT_FALSE(matches(e, {.principal = "arn:aws:iam::000000000000:role/cd"}));
}

TEST(AuditFilter, TimeNameAndErrors) {
  auto e = event("2026-11-29T12:00:00Z", "arn:aws:iam::000000000000:user/a", "PutObject", "AccessDenied");
  EXPECT_TRUE(matches(e, {.since = at("2026-11-29T12:00:00Z"), .until = at("2026-11-29T12:00:00Z")}));
  EXPECT_FALSE(matches(e, {.since = at("2026-11-29T12:00:01Z")}));
  EXPECT_FALSE(matches(e, {.until = at("2026-11-29T11:59:59Z")}));
  EXPECT_TRUE(matches(e, {.event_name = "PutObject", .error_only = true}));
  EXPECT_FALSE(matches(e, {.event_name = "GetObject"}));
  auto ok = event("2026-11-29T12:00:00Z", "arn:aws:iam::000000000000:user/a", "PutObject");
  EXPECT_FALSE(matches(ok, {.error_only = true}));
  auto no_time = event("", "arn:aws:iam::000000000000:user/a", "PutObject");
  EXPECT_FALSE(matches(no_time, {.since = at("2020-01-01T00:00:00Z")}));
}

TEST(TimeArg, IsoDatesAndAges) {
  core::TimePoint now = at("2026-11-29T12:00:00Z");
  EXPECT_EQ(*parse_time_arg("15m", now), at("2026-11-29T11:45:00Z"));
  EXPECT_EQ(*parse_time_arg("2h", now), at("2026-11-29T10:00:00Z"));
  EXPECT_EQ(*parse_time_arg("1d", now), at("2026-11-28T12:00:00Z"));
  EXPECT_EQ(*parse_time_arg("30s", now), at("2026-11-29T11:59:30Z"));
  EXPECT_EQ(*parse_time_arg("1w", now), at("2026-11-22T12:00:00Z"));
  EXPECT_EQ(*parse_time_arg("2026-11-01T08:30:00Z", now), at("2026-11-01T08:30:00Z"));
  EXPECT_EQ(*parse_time_arg("2026-11-01T08:30:00.5Z", now), at("2026-11-01T08:30:00.500Z"));
  EXPECT_EQ(*parse_time_arg("2026-11-01", now), at("2026-11-01T00:00:00Z"));
  for (const char* bad : {"", "15", "m", "0m", "-5m", "15x", "yesterday", "2026-13-01", "2026-11-01 08:30"}) {
    auto r = parse_time_arg(bad, now);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message().find("ISO 8601"), std::string::npos);
  }
}

class TrailFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("audit-query-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "trail.jsonl").string();
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& p, const std::vector<nlohmann::json>& events, const std::string& extra = "") {
    std::ofstream out(p);
    for (const auto& e : events) out << e.dump() << '\n';
    out << extra;
  }
  fs::path dir_;
  std::string path_;
};

TEST_F(TrailFiles, ReadsRotatedFilesOldestFirstAndFilters) {
  const char* a = "arn:aws:iam::000000000000:user/a";
  const char* b = "arn:aws:iam::000000000000:user/b";
  write(path_ + ".2", {event("2026-11-29T10:00:00Z", a, "E1")});
  write(path_ + ".1", {event("2026-11-29T11:00:00Z", b, "E2"), event("2026-11-29T11:30:00Z", a, "E3")},
        "{torn\n");
  write(path_, {event("2026-11-29T12:00:00Z", a, "E4")});
  EXPECT_EQ(trail_files(path_), (std::vector<std::string>{path_ + ".2", path_ + ".1", path_}));

  std::ostringstream out, err;
  auto stats = query_trail(path_, {.principal = a}, 0, out, err);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->matched, 3u);
  EXPECT_EQ(stats->unparseable, 1u);
  std::vector<std::string> names;
  std::istringstream lines(out.str());
  for (std::string line; std::getline(lines, line);) names.push_back(nlohmann::json::parse(line)["eventName"]);
  EXPECT_EQ(names, (std::vector<std::string>{"E1", "E3", "E4"}));
  EXPECT_NE(err.str().find("trail.jsonl.1:3"), std::string::npos) << err.str();

  std::ostringstream limited, err2;
  auto first = query_trail(path_, {.since = at("2026-11-29T10:30:00Z")}, 2, limited, err2);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->matched, 2u);
  EXPECT_NE(limited.str().find("E2"), std::string::npos);
  EXPECT_NE(limited.str().find("E3"), std::string::npos);
  EXPECT_EQ(limited.str().find("E4"), std::string::npos);
}

TEST_F(TrailFiles, OnlyRotatedFilesLeftStillRead) {
  write(path_ + ".1", {event("2026-11-29T10:00:00Z", "arn:aws:iam::000000000000:user/a", "E1")});
  std::ostringstream out, err;
  auto stats = query_trail(path_, {}, 0, out, err);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->matched, 1u);
}

TEST_F(TrailFiles, NoTrailIsAnError) {
  std::ostringstream out, err;
  auto stats = query_trail(path_, {}, 0, out, err);
  ASSERT_FALSE(stats);
  EXPECT_NE(stats.error().message().find("no audit trail at"), std::string::npos);
}

}  // namespace
}  // namespace podbucket::observe
