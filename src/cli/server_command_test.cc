#include "cli/server_command.h"

#include <gtest/gtest.h>

namespace podbucket::cli {
namespace {

TEST(ParseListenTest, AcceptsHostPortForms) {
  EXPECT_EQ(parse_listen("127.0.0.1:9000"), std::make_pair(std::string("127.0.0.1"), uint16_t(9000)));
  EXPECT_EQ(parse_listen("127.0.0.1:0"), std::make_pair(std::string("127.0.0.1"), uint16_t(0)));
  EXPECT_EQ(parse_listen("[::1]:443"), std::make_pair(std::string("::1"), uint16_t(443)));
  EXPECT_EQ(parse_listen("0.0.0.0:65535"), std::make_pair(std::string("0.0.0.0"), uint16_t(65535)));
}

TEST(ParseListenTest, RejectsBadForms) {
  for (std::string_view bad : {"", "9000", ":9000", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:90a", "::1:9000",
                               "[::1:9000", "127.0.0.1:-1"})
    EXPECT_FALSE(parse_listen(bad)) << bad;
}

TEST(AccountIdTest, ExactlyTwelveDigits) {
  EXPECT_TRUE(is_valid_account_id("000000000000"));
  EXPECT_TRUE(is_valid_account_id("123456789012"));
  EXPECT_FALSE(is_valid_account_id("12345678901"));
  EXPECT_FALSE(is_valid_account_id("1234567890123"));
  EXPECT_FALSE(is_valid_account_id("12345678901a"));
}

}  // namespace
}  // namespace podbucket::cli
