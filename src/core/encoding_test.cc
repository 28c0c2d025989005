#include "core/encoding.h"

#include <gtest/gtest.h>

#include <cctype>
#include <optional>
#include <string>

#include "core/random.h"

namespace podbucket::core {
namespace {

TEST(Hex, RoundTrip) {
  EXPECT_EQ(hex_encode(std::string("\x00\xff\x10", 3)), "00ff10");
  EXPECT_EQ(hex_encode(std::string("\x00\xff\x10\xab", 4), /*upper_case=*/true), "00FF10AB");
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

/// The decoder as the RFC 3986 rule reads, one character at a time: the reference for the run-copying one.
std::optional<std::string> reference_percent_decode(std::string_view text, bool plus_as_space) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%') {
      if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(text[i + 2])))
        return std::nullopt;
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += (plus_as_space && text[i] == '+') ? ' ' : text[i];
    }
  }
  return out;
}

TEST(PercentDecode, MatchesTheReferenceOnRandomInputs) {
  SeededRandom random(20261130);
  const std::string alphabet = "%%%+aZ09fFgG/ ";
  for (int round = 0; round < 20000; ++round) {
    std::string raw = random.bytes(1 + round % 12);
    std::string text;
    for (char c : raw) text += alphabet[static_cast<unsigned char>(c) % alphabet.size()];
    for (bool plus : {false, true}) EXPECT_EQ(percent_decode(text, plus), reference_percent_decode(text, plus)) << text;
  }
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
