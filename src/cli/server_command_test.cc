#include "cli/server_command.h"

#include <gtest/gtest.h>

namespace podbucket::cli {
namespace {

TEST(AccountIdTest, ExactlyTwelveDigits) {
  EXPECT_TRUE(is_valid_account_id("000000000000"));
  EXPECT_TRUE(is_valid_account_id("123456789012"));
  EXPECT_FALSE(is_valid_account_id("12345678901"));
  EXPECT_FALSE(is_valid_account_id("1234567890123"));
  EXPECT_FALSE(is_valid_account_id("12345678901a"));
}

}  // namespace
}  // namespace podbucket::cli
