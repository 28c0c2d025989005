#include "s3/object/conditional.h"

#include <gtest/gtest.h>

#include "core/time_format.h"

namespace podbucket::s3::object {
namespace {

using enum ConditionOutcome;

const std::string kEtag = "\"abc\"";
const core::TimePoint kModified = core::from_unix_seconds(1'000'000);
const core::TimePoint kBefore = core::from_unix_seconds(999'000);
const core::TimePoint kAfter = core::from_unix_seconds(1'001'000);

ConditionOutcome eval(Conditions c) { return evaluate_conditions(c, kEtag, kModified).outcome; }

TEST(Conditional, NoneProceeds) { EXPECT_EQ(eval({}), kProceed); }

TEST(Conditional, IfMatch) {
  EXPECT_EQ(eval({.if_match = "\"abc\""}), kProceed);
  EXPECT_EQ(eval({.if_match = "abc"}), kProceed);
  EXPECT_EQ(eval({.if_match = "\"x\", \"abc\""}), kProceed);
  EXPECT_EQ(eval({.if_match = "*"}), kProceed);
  EXPECT_EQ(eval({.if_match = "\"x\""}), kPreconditionFailed);
}

TEST(Conditional, IfNoneMatch) {
  EXPECT_EQ(eval({.if_none_match = "\"abc\""}), kNotModified);
  EXPECT_EQ(eval({.if_none_match = "W/\"abc\""}), kNotModified);
  EXPECT_EQ(eval({.if_none_match = "*"}), kNotModified);
  EXPECT_EQ(eval({.if_none_match = "\"x\""}), kProceed);
}

TEST(Conditional, Dates) {
  EXPECT_EQ(eval({.if_modified_since = kBefore}), kProceed);
  EXPECT_EQ(eval({.if_modified_since = kModified}), kNotModified);
  EXPECT_EQ(eval({.if_modified_since = kAfter}), kNotModified);
  EXPECT_EQ(eval({.if_unmodified_since = kAfter}), kProceed);
  EXPECT_EQ(eval({.if_unmodified_since = kModified}), kProceed);
  EXPECT_EQ(eval({.if_unmodified_since = kBefore}), kPreconditionFailed);
  // Sub-second precision of the stored time is ignored (HTTP dates have none).
  EXPECT_EQ(evaluate_conditions({.if_modified_since = kModified}, kEtag, kModified + std::chrono::milliseconds(400))
                .outcome,
            kNotModified);
}

// S3: If-Match true + If-Unmodified-Since false → 200; If-None-Match false + If-Modified-Since true → 304.
TEST(Conditional, AwsPrecedence) {
  EXPECT_EQ(eval({.if_match = "\"abc\"", .if_unmodified_since = kBefore}), kProceed);
  EXPECT_EQ(eval({.if_none_match = "\"abc\"", .if_modified_since = kBefore}), kNotModified);
  EXPECT_EQ(eval({.if_none_match = "\"x\"", .if_modified_since = kAfter}), kProceed);
  // 412 wins over 304.
  auto r = evaluate_conditions({.if_match = "\"x\"", .if_none_match = "\"abc\""}, kEtag, kModified);
  EXPECT_EQ(r.outcome, kPreconditionFailed);
  EXPECT_EQ(r.header, "If-Match");
}

TEST(Conditional, ReadsHeadersWithPrefix) {
  http::Headers h;
  h.add("x-amz-copy-source-if-match", "\"abc\"");
  h.add("x-amz-copy-source-if-modified-since", "Sun, 30 Aug 2015 12:36:00 GMT");
  h.add("If-None-Match", "\"zzz\"");
  auto c = read_conditions(h, "x-amz-copy-source-");
  EXPECT_EQ(c.if_match, "\"abc\"");
  EXPECT_FALSE(c.if_none_match.has_value());
  ASSERT_TRUE(c.if_modified_since.has_value());
  EXPECT_EQ(core::format_http_date(*c.if_modified_since), "Sun, 30 Aug 2015 12:36:00 GMT");
  auto g = read_conditions(h);
  EXPECT_EQ(g.if_none_match, "\"zzz\"");
  // An unparseable date is ignored.
  http::Headers bad;
  bad.add("If-Modified-Since", "yesterday");
  EXPECT_FALSE(read_conditions(bad).if_modified_since.has_value());
}

}  // namespace
}  // namespace podbucket::s3::object
