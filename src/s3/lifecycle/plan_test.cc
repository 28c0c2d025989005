// Lifecycle decisions for one key at a time: day rounding, current expiration, noncurrent versions with
// NewerNoncurrentVersions, expired object delete markers, disabled rules, filters, uploads.
#include "s3/lifecycle/plan.h"

#include <gtest/gtest.h>

#include "core/time_format.h"

namespace podbucket::s3::lifecycle {
namespace {

int64_t at(const char* iso) { return core::to_unix_millis(*core::parse_iso8601(iso)); }

store::ObjectRecord version(const std::string& id, const char* written, bool marker = false, uint64_t size = 10) {
  store::ObjectRecord r;
  r.key = "logs/a";
  r.version_id = id;
  r.last_modified_ms = at(written);
  r.delete_marker = marker;
  r.size = marker ? 0 : size;
  return r;
}

Rule expire_after(int64_t days, std::string prefix = "") {
  Rule r;
  r.filter.form = Filter::Form::kPrefix;
  r.filter.prefix = std::move(prefix);
  r.expiration = Expiration{days, std::nullopt, std::nullopt};
  return r;
}

Rule noncurrent_after(int64_t days, std::optional<int64_t> keep = std::nullopt) {
  Rule r;
  r.noncurrent_expiration = NoncurrentExpiration{days, keep};
  return r;
}

TEST(LifecyclePlan, DueTimesRoundUpToTheNextMidnightUtc) {
  // The S3 user guide's example: written 2014-01-15 10:30 UTC, 3 days -> 2014-01-19 00:00 UTC.
  EXPECT_EQ(due_ms(at("2014-01-15T10:30:00Z"), 3, kRealDayMs), at("2014-01-19T00:00:00Z"));
  EXPECT_EQ(due_ms(at("2014-01-15T00:00:00Z"), 3, kRealDayMs), at("2014-01-18T00:00:00Z")) << "already midnight";
  EXPECT_EQ(due_ms(at("2014-01-15T23:59:59Z"), 1, kRealDayMs), at("2014-01-17T00:00:00Z"));
  // A 2-second test day: boundaries are even seconds.
  EXPECT_EQ(due_ms(1'001, 1, 2'000), 4'000);
  EXPECT_EQ(due_ms(2'000, 1, 2'000), 4'000);
}

TEST(LifecyclePlan, CurrentVersionExpiresAfterItsDays) {
  Configuration c{{expire_after(3, "logs/")}};
  std::vector<store::ObjectRecord> v = {version("v1", "2024-01-15T10:30:00Z")};
  EXPECT_FALSE(plan_key(c, v, at("2024-01-18T23:59:59Z"), kRealDayMs).expire_current);
  EXPECT_TRUE(plan_key(c, v, at("2024-01-19T00:00:00Z"), kRealDayMs).expire_current);
  c.rules[0].filter.prefix = "other/";
  EXPECT_FALSE(plan_key(c, v, at("2030-01-01T00:00:00Z"), kRealDayMs).expire_current) << "prefix does not match";
  c.rules[0].filter.prefix = "logs/";
  c.rules[0].enabled = false;
  EXPECT_FALSE(plan_key(c, v, at("2030-01-01T00:00:00Z"), kRealDayMs).expire_current) << "disabled rule";
}

TEST(LifecyclePlan, DateExpirationAndFilters) {
  Rule r;
  r.filter.form = Filter::Form::kAnd;
  r.filter.tags = {{"tmp", "yes"}};
  r.filter.size_greater_than = 5;
  r.expiration = Expiration{std::nullopt, at("2025-06-01T00:00:00Z"), std::nullopt};
  Configuration c{{r}};
  auto obj = version("v1", "2020-01-01T00:00:00Z");
  obj.tags = {{"tmp", "yes"}};
  EXPECT_FALSE(plan_key(c, {obj}, at("2025-05-31T23:59:59Z"), kRealDayMs).expire_current);
  EXPECT_TRUE(plan_key(c, {obj}, at("2025-06-01T00:00:00Z"), kRealDayMs).expire_current);
  obj.tags.clear();
  EXPECT_FALSE(plan_key(c, {obj}, at("2026-01-01T00:00:00Z"), kRealDayMs).expire_current) << "tag required";
  obj.tags = {{"tmp", "yes"}};
  obj.size = 5;
  EXPECT_FALSE(plan_key(c, {obj}, at("2026-01-01T00:00:00Z"), kRealDayMs).expire_current) << "size > 5 required";
}

TEST(LifecyclePlan, ACurrentDeleteMarkerIsNotExpiredAgain) {
  Configuration c{{expire_after(1)}};
  std::vector<store::ObjectRecord> v = {version("m", "2024-01-01T00:00:00Z", true),
                                        version("v1", "2023-01-01T00:00:00Z")};
  auto plan = plan_key(c, v, at("2024-06-01T00:00:00Z"), kRealDayMs);
  EXPECT_FALSE(plan.expire_current);
  EXPECT_TRUE(plan.remove_versions.empty()) << "the marker still hides a version";
}

TEST(LifecyclePlan, NoncurrentVersionsAgeFromWhenTheyWereReplaced) {
  Configuration c{{noncurrent_after(2)}};
  // Newest first: v3 current (written Jan 10), v2 replaced on Jan 10, v1 replaced on Jan 5.
  std::vector<store::ObjectRecord> v = {version("v3", "2024-01-10T12:00:00Z"), version("v2", "2024-01-05T12:00:00Z"),
                                        version("v1", "2024-01-01T12:00:00Z")};
  auto plan = plan_key(c, v, at("2024-01-08T00:00:00Z"), kRealDayMs);
  EXPECT_EQ(plan.remove_versions, (std::vector<std::string>{"v1"})) << "v1 noncurrent since Jan 5 12:00 -> Jan 8";
  plan = plan_key(c, v, at("2024-01-13T00:00:00Z"), kRealDayMs);
  EXPECT_EQ(plan.remove_versions, (std::vector<std::string>{"v2", "v1"}));
  EXPECT_FALSE(plan.expire_current) << "the current version is never touched by noncurrent rules";
}

TEST(LifecyclePlan, NewerNoncurrentVersionsAreKept) {
  Configuration c{{noncurrent_after(1, 2)}};
  std::vector<store::ObjectRecord> v = {version("v5", "2024-01-05T00:00:00Z"), version("v4", "2024-01-04T00:00:00Z"),
                                        version("v3", "2024-01-03T00:00:00Z"), version("v2", "2024-01-02T00:00:00Z"),
                                        version("v1", "2024-01-01T00:00:00Z")};
  auto plan = plan_key(c, v, at("2025-01-01T00:00:00Z"), kRealDayMs);
  EXPECT_EQ(plan.remove_versions, (std::vector<std::string>{"v2", "v1"})) << "v4 and v3 are the 2 newest kept";
}

TEST(LifecyclePlan, ExpiredObjectDeleteMarkers) {
  Rule markers;
  markers.expiration = Expiration{std::nullopt, std::nullopt, true};
  Configuration c{{markers}};
  std::vector<store::ObjectRecord> lone = {version("m", "2024-01-01T00:00:00Z", true)};
  EXPECT_EQ(plan_key(c, lone, at("2024-01-01T00:00:01Z"), kRealDayMs).remove_versions,
            (std::vector<std::string>{"m"}));
  std::vector<store::ObjectRecord> hiding = {version("m", "2024-01-01T00:00:00Z", true),
                                             version("v1", "2023-01-01T00:00:00Z")};
  EXPECT_TRUE(plan_key(c, hiding, at("2025-01-01T00:00:00Z"), kRealDayMs).empty());
  // With a noncurrent rule removing the last version in the same pass, the marker goes too.
  c.rules.push_back(noncurrent_after(1));
  EXPECT_EQ(plan_key(c, hiding, at("2025-01-01T00:00:00Z"), kRealDayMs).remove_versions,
            (std::vector<std::string>{"v1", "m"}));
  // A Days expiration removes a lone marker once its days have passed.
  Configuration days{{expire_after(2)}};
  EXPECT_TRUE(plan_key(days, lone, at("2024-01-02T00:00:00Z"), kRealDayMs).empty());
  EXPECT_EQ(plan_key(days, lone, at("2024-01-03T00:00:00Z"), kRealDayMs).remove_versions,
            (std::vector<std::string>{"m"}));
}

TEST(LifecyclePlan, StaleUploads) {
  Rule r;
  r.filter.form = Filter::Form::kPrefix;
  r.filter.prefix = "tmp/";
  r.abort_after_days = 1;
  Configuration c{{r}};
  store::UploadRecord u;
  u.key = "tmp/big";
  u.initiated_ms = at("2024-01-01T08:00:00Z");
  EXPECT_FALSE(upload_expired(c, u, at("2024-01-02T23:59:59Z"), kRealDayMs));
  EXPECT_TRUE(upload_expired(c, u, at("2024-01-03T00:00:00Z"), kRealDayMs));
  u.key = "keep/big";
  EXPECT_FALSE(upload_expired(c, u, at("2030-01-01T00:00:00Z"), kRealDayMs));
}

}  // namespace
}  // namespace podbucket::s3::lifecycle
