#include "core/encoding.h"

#include <gtest/gtest.h>

namespace podbucket::core {
namespace {

TEST(Hex, RoundTrip) {
  EXPECT_EQ(hex_encode(std::string("\x00\xff\x10", 3)), "00ff10");
  EXPECT_EQ(*hex_decode("00FF10"), std::string("\x00\xff\x10", 3));
  EXPECT_FALSE(hex_decode("abc").has_value());
  EXPECT_FALSE(hex_decode("zz").has_value());
}

TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> cases[] = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"}};
  for (auto [plain, enc] : cases) {
    EXPECT_EQ(base64_encode(plain), enc);
    EXPECT_EQ(*base64_decode(enc), plain);
  }
  EXPECT_FALSE(base64_decode("Zm9v!").has_value());
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(*base64url_decode("-_8"), "\xfb\xff");
}

TEST(UriEncode, SigV4Rules) {
  EXPECT_EQ(uri_encode("a b+c/d~e_f.g-h"), "a%20b%2Bc%2Fd~e_f.g-h");
  EXPECT_EQ(uri_encode("a b/c", false), "a%20b/c");
  EXPECT_EQ(uri_encode("\xc3\xa9"), "%C3%A9");
}

TEST(PercentDecode, EscapesPlusAndErrors) {
  EXPECT_EQ(*percent_decode("a%20b+c"), "a b+c");
  EXPECT_EQ(*percent_decode("a%20b+c", true), "a b c");
  EXPECT_EQ(*percent_decode("%2e%2E/"), "../");
  EXPECT_FALSE(percent_decode("%").has_value());
  EXPECT_FALSE(percent_decode("%4").has_value());
  EXPECT_FALSE(percent_decode("%zz").has_value());
}

TEST(Utf8, Validation) {
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("\xc3"));          // truncated
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));      // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));  // surrogate
  EXPECT_FALSE(is_valid_utf8("\xff"));
}

TEST(Text, CaseAndTrim) {
  EXPECT_TRUE(iequals("Content-Type", "content-type"));
  EXPECT_FALSE(iequals("a", "ab"));
  EXPECT_EQ(to_lower("X-Amz-Date"), "x-amz-date");
  EXPECT_EQ(trim("  a b \t"), "a b");
}

}  // namespace
}  // namespace podbucket::core
