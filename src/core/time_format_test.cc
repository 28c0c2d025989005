#include "core/time_format.h"

#include <gtest/gtest.h>

namespace podbucket::core {
namespace {

TEST(TimeFormat, FormatsTheAwsForms) {
  TimePoint t = from_unix_millis(1440938160123);  // 2015-08-30T12:36:00.123Z
  EXPECT_EQ(format_amz_date(t), "20150830T123600Z");
  EXPECT_EQ(format_iso8601_ms(t), "2015-08-30T12:36:00.123Z");
  EXPECT_EQ(format_iso8601(t), "2015-08-30T12:36:00Z");
  EXPECT_EQ(format_http_date(t), "Sun, 30 Aug 2015 12:36:00 GMT");
}

TEST(TimeFormat, ParsesWhatItFormats) {
  TimePoint t = from_unix_seconds(1440938160);
  EXPECT_EQ(*parse_amz_date("20150830T123600Z"), t);
  EXPECT_EQ(*parse_iso8601("2015-08-30T12:36:00Z"), t);
  EXPECT_EQ(*parse_iso8601("2015-08-30T12:36:00.500Z"), t + std::chrono::milliseconds(500));
  EXPECT_EQ(*parse_http_date("Sun, 30 Aug 2015 12:36:00 GMT"), t);
  EXPECT_EQ(*parse_http_date("Sunday, 30-Aug-15 12:36:00 GMT"), t);
  EXPECT_EQ(*parse_http_date("Sun Aug 30 12:36:00 2015"), t);
}

TEST(TimeFormat, RejectsMalformed) {
  EXPECT_FALSE(parse_amz_date("20150830T1236Z").has_value());
  EXPECT_FALSE(parse_amz_date("2015083xT123600Z").has_value());
  EXPECT_FALSE(parse_iso8601("2015-13-30T12:36:00Z").has_value());
  EXPECT_FALSE(parse_iso8601("2015-08-30 12:36:00").has_value());
  EXPECT_FALSE(parse_http_date("yesterday").has_value());
}

}  // namespace
}  // namespace podbucket::core
