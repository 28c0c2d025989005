#include "cli/agent_command.h"

#include <gtest/gtest.h>

namespace podbucket::cli {
namespace {

using std::chrono::milliseconds;

TEST(GoDuration, Forms) {
  EXPECT_EQ(parse_go_duration("3h"), milliseconds(3 * 3600 * 1000));
  EXPECT_EQ(parse_go_duration("90s"), milliseconds(90'000));
  EXPECT_EQ(parse_go_duration("1h30m"), milliseconds(5'400'000));
  EXPECT_EQ(parse_go_duration("250ms"), milliseconds(250));
  EXPECT_EQ(parse_go_duration("1.5s"), milliseconds(1500));
  EXPECT_EQ(parse_go_duration("0"), milliseconds(0));
  EXPECT_EQ(parse_go_duration("10800"), milliseconds(10'800'000));
  for (const char* bad : {"", "h", "3x", "-1s", "1h-", "s1", "1.2.3s"}) {
    EXPECT_FALSE(parse_go_duration(bad)) << bad;
  }
}

}  // namespace
}  // namespace podbucket::cli
