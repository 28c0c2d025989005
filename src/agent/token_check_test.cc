#include "agent/token_check.h"

#include <gtest/gtest.h>

#include "agent/test_util.h"

namespace podbucket::agent {
namespace {

using testing::make_token;
using testing::pod_token;
using testing::t0;

std::string message(const core::Result<void>& r) { return r ? "" : r.error().message(); }

TEST(TokenCheck, AValidProjectedToken) {
  EXPECT_TRUE(check_token(pod_token(t0() - std::chrono::hours(1)), t0()));
}

TEST(TokenCheck, Empty) {
  auto r = check_token("", t0());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().http_status(), 400);
  EXPECT_EQ(r.error().message(), "Service account token cannot be empty");
}

TEST(TokenCheck, BearerPrefixIsNotStripped) {
  auto r = check_token("Bearer " + pod_token(t0()), t0());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().http_status(), 400);
  EXPECT_EQ(r.error().message(),
            "Service account token cannot be parsed: token is malformed: could not base64 decode header");
}

TEST(TokenCheck, Malformed) {
  const std::string h = core::base64url_encode(R"({"alg":"RS256"})");
  const std::string c = core::base64url_encode(R"({"exp":9999999999})");
  struct Case {
    std::string token, why;
  } cases[] = {
      {"abc", "token is malformed: token contains an invalid number of segments"},
      {h + "." + c, "token is malformed: token contains an invalid number of segments"},
      {h + "." + c + ".s.x", "token is malformed: token contains an invalid number of segments"},
      {"!!." + c + ".s", "token is malformed: could not base64 decode header"},
      {core::base64url_encode("not json") + "." + c + ".s", "token is malformed: could not JSON decode header"},
      {core::base64url_encode("[1]") + "." + c + ".s", "token is malformed: could not JSON decode header"},
      {h + ".!!.s", "token is malformed: could not base64 decode claim"},
      {h + "." + core::base64url_encode("{") + ".s", "token is malformed: could not JSON decode claim"},
      {core::base64url_encode(R"({"typ":"JWT"})") + "." + c + ".s",
       "token is unverifiable: signing method (alg) is unavailable"},
  };
  for (const auto& tc : cases) {
    auto r = check_token(tc.token, t0());
    ASSERT_FALSE(r) << tc.token;
    EXPECT_EQ(r.error().http_status(), 400);
    EXPECT_EQ(r.error().message(), "Service account token cannot be parsed: " + tc.why) << tc.token;
  }
}

TEST(TokenCheck, TimeClaims) {
  const int64_t now = core::to_unix_seconds(t0());
  const std::string prefix = "Service account token failed basic claim validations: token has invalid claims: ";
  EXPECT_EQ(message(check_token(make_token({{"exp", now}}), t0())), prefix + "token is expired");
  EXPECT_EQ(message(check_token(make_token({{"exp", now - 100}}), t0())), prefix + "token is expired");
  EXPECT_EQ(message(check_token(make_token({{"exp", now + 1}}), t0())), "");
  EXPECT_EQ(message(check_token(make_token({{"nbf", now + 1}}), t0())), prefix + "token is not valid yet");
  EXPECT_EQ(message(check_token(make_token({{"nbf", now}}), t0())), "");
  EXPECT_EQ(message(check_token(make_token({{"iat", now + 5}}), t0())), prefix + "token used before issued");
  EXPECT_EQ(message(check_token(make_token({{"exp", "tomorrow"}}), t0())),
            prefix + "invalid type for claim: exp is invalid");
  EXPECT_EQ(message(check_token(make_token({{"exp", now + 60.5}, {"iat", now - 0.5}}), t0())), "");
  // No time claims at all: golang-jwt's defaults do not require them.
  EXPECT_EQ(message(check_token(make_token({{"sub", "x"}}), t0())), "");
  auto r = check_token(make_token({{"exp", now}}), t0());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().http_status(), 400);
}

TEST(TokenCheck, PaddedBase64IsAccepted) {
  // The EKS Auth model's token pattern allows '='.
  std::string h = core::base64_encode(R"({"alg":"RS256"})");
  std::string c = core::base64_encode(R"({"sub":"a"})");
  for (auto& ch : h) ch = ch == '+' ? '-' : ch == '/' ? '_' : ch;
  for (auto& ch : c) ch = ch == '+' ? '-' : ch == '/' ? '_' : ch;
  EXPECT_TRUE(check_token(h + "." + c + ".sig", t0()));
}

}  // namespace
}  // namespace podbucket::agent
