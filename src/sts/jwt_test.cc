#include "sts/jwt.h"

#include <gtest/gtest.h>

#include "core/encoding.h"
#include "core/time_format.h"
#include "sts/errors.h"
#include "sts/testing/rsa_signer.h"

namespace podbucket::sts::jwt {
namespace {

using nlohmann::json;
using testing::RsaSigner;

constexpr int64_t kNow = 1'800'000'000;
constexpr const char* kIssuer = "https://oidc.example.test/id/ABC";

const RsaSigner& signer() {
  static RsaSigner s("key-1");
  return s;
}

json claims(int64_t exp = kNow + 3600) {
  return {{"iss", kIssuer},
          {"sub", "system:serviceaccount:gitlab:webservice"},
          {"aud", {"sts.amazonaws.com"}},
          {"iat", kNow - 10},
          {"nbf", kNow - 10},
          {"exp", exp}};
}

ClaimChecks checks() {
  ClaimChecks c;
  c.now = core::from_unix_seconds(kNow);
  c.issuer = kIssuer;
  c.audience = "sts.amazonaws.com";
  return c;
}

TEST(Jwt, ValidTokenVerifiesAndDecodesClaims) {
  auto t = verify(signer().token(claims()), signer().jwks(), checks());
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(t->alg, "RS256");
  EXPECT_EQ(t->kid, "key-1");
  EXPECT_EQ(t->issuer, kIssuer);
  EXPECT_EQ(t->subject, "system:serviceaccount:gitlab:webservice");
  EXPECT_EQ(t->audiences, std::vector<std::string>{"sts.amazonaws.com"});
  EXPECT_EQ(t->expires_at, kNow + 3600);
  EXPECT_EQ(t->issued_at, kNow - 10);
}

TEST(Jwt, AudienceAsPlainString) {
  json c = claims();
  c["aud"] = "pods.eks.amazonaws.com";
  auto t = decode(signer().token(c));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->audiences, std::vector<std::string>{"pods.eks.amazonaws.com"});
}

TEST(Jwt, TamperedPayloadFailsSignature) {
  std::string tok = signer().token(claims());
  auto dot1 = tok.find('.'), dot2 = tok.rfind('.');
  json c = claims();
  c["sub"] = "system:serviceaccount:kube-system:admin";
  std::string forged = tok.substr(0, dot1 + 1) + core::base64url_encode(c.dump()) + tok.substr(dot2);
  auto t = verify(forged, signer().jwks(), checks());
  ASSERT_FALSE(t);
  EXPECT_TRUE(t.error().is(kInvalidIdentityToken));
  EXPECT_EQ(t.error().http_status(), 400);
  EXPECT_NE(t.error().message().find("could not be validated"), std::string::npos);
}

TEST(Jwt, KeyOfAnotherSignerWithTheSameKidFails) {
  RsaSigner other("key-1");
  auto t = verify(signer().token(claims()), other.jwks(), checks());
  ASSERT_FALSE(t);
  EXPECT_TRUE(t.error().is(kInvalidIdentityToken));
}

TEST(Jwt, UnknownKidCannotFindAKey) {
  RsaSigner other("key-2");
  auto t = verify(signer().token(claims()), other.jwks(), checks());
  ASSERT_FALSE(t);
  EXPECT_TRUE(t.error().is(kInvalidIdentityToken));
  EXPECT_NE(t.error().message().find("Couldn't retrieve verification key"), std::string::npos);
}

TEST(Jwt, TokenWithoutKidTriesEveryKey) {
  RsaSigner other("key-2");
  json jwks = {{"keys", {other.jwk(), signer().jwk()}}};
  auto t = verify(signer().token(claims(), "RS256", /*with_kid=*/false), jwks.dump(), checks());
  EXPECT_TRUE(t) << t.error().message();
}

TEST(Jwt, KeyRotationKeepsOldKeysUsable) {
  RsaSigner next("key-2");
  json jwks = {{"keys", {next.jwk(), signer().jwk()}}};
  EXPECT_TRUE(verify(signer().token(claims()), jwks.dump(), checks()));
  EXPECT_TRUE(verify(next.token(claims()), jwks.dump(), checks()));
}

TEST(Jwt, OnlyRs256IsAccepted) {
  for (const char* alg : {"none", "HS256", "RS512", "ES256"}) {
    auto t = verify(signer().token(claims(), alg), signer().jwks(), checks());
    ASSERT_FALSE(t) << alg;
    EXPECT_TRUE(t.error().is(kInvalidIdentityToken)) << alg;
  }
  // An unsigned token ("alg":"none" with an empty signature part).
  std::string none = core::base64url_encode(R"({"alg":"none"})") + "." + core::base64url_encode(claims().dump()) + ".";
  EXPECT_FALSE(verify(none, signer().jwks(), checks()));
}

TEST(Jwt, KeysWithOtherUseOrAlgAreIgnored) {
  json k = signer().jwk();
  k["use"] = "enc";
  EXPECT_FALSE(verify(signer().token(claims()), json{{"keys", {k}}}.dump(), checks()));
  k = signer().jwk();
  k["alg"] = "RS384";
  EXPECT_FALSE(verify(signer().token(claims()), json{{"keys", {k}}}.dump(), checks()));
  k = signer().jwk();
  k.erase("alg");
  k.erase("use");
  EXPECT_TRUE(verify(signer().token(claims()), json{{"keys", {k}}}.dump(), checks()));
}

TEST(Jwt, ShortRsaKeysAreRefused) {
  RsaSigner weak("weak", 1024);
  auto t = verify(weak.token(claims()), weak.jwks(), checks());
  ASSERT_FALSE(t);
  EXPECT_TRUE(t.error().is(kInvalidIdentityToken));
}

TEST(Jwt, ExpiryHonoursLeeway) {
  ClaimChecks c = checks();
  c.leeway = std::chrono::seconds(30);
  EXPECT_TRUE(verify(signer().token(claims(kNow - 30)), signer().jwks(), c));
  auto t = verify(signer().token(claims(kNow - 31)), signer().jwks(), c);
  ASSERT_FALSE(t);
  EXPECT_TRUE(t.error().is(kExpiredTokenException));
  EXPECT_EQ(t.error().code(), "ExpiredTokenException");
  EXPECT_EQ(t.error().http_status(), 400);
  EXPECT_EQ(t.error().message(), "Token expired: current date/time 1800000000 must be before the expiration "
                                 "date/time 1799999969");
}

TEST(Jwt, NotBeforeAndIssuedAtInTheFutureAreRefused) {
  ClaimChecks c = checks();
  c.leeway = std::chrono::seconds(60);
  json j = claims();
  j["nbf"] = kNow + 61;
  EXPECT_FALSE(verify(signer().token(j), signer().jwks(), c));
  j["nbf"] = kNow + 60;
  EXPECT_TRUE(verify(signer().token(j), signer().jwks(), c));
  j = claims();
  j["iat"] = kNow + 61;
  auto t = verify(signer().token(j), signer().jwks(), c);
  ASSERT_FALSE(t);
  EXPECT_TRUE(t.error().is(kInvalidIdentityToken));
}

TEST(Jwt, IssuerAndAudienceMustMatch) {
  ClaimChecks c = checks();
  c.issuer = "https://elsewhere.test";
  EXPECT_FALSE(verify(signer().token(claims()), signer().jwks(), c));
  c = checks();
  c.audience = "pods.eks.amazonaws.com";
  auto t = verify(signer().token(claims()), signer().jwks(), c);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().message(), "Incorrect token audience");
  c.audience.clear();
  c.issuer.clear();
  EXPECT_TRUE(verify(signer().token(claims()), signer().jwks(), c));
}

TEST(Jwt, MissingExpiryIsRefusedUnlessAllowed) {
  json j = claims();
  j.erase("exp");
  ClaimChecks c = checks();
  EXPECT_FALSE(verify(signer().token(j), signer().jwks(), c));
  c.require_expiry = false;
  EXPECT_TRUE(verify(signer().token(j), signer().jwks(), c));
}

TEST(Jwt, MalformedTokensAreInvalidIdentityToken) {
  std::string good = signer().token(claims());
  std::string h = core::base64url_encode(R"({"alg":"RS256"})");
  std::string p = core::base64url_encode(claims().dump());
  for (const std::string& bad : {
           std::string(), std::string("abc"), std::string("a.b"), good + ".x", std::string("..."),
           std::string("!!.") + p + ".AA", h + ".@@." + "AA",
           core::base64url_encode("[1,2]") + "." + p + ".AA",                 // header not an object
           core::base64url_encode("not json") + "." + p + ".AA",              // header not JSON
           h + "." + core::base64url_encode(R"({"exp":"soon"})") + ".AA",      // exp not a number
           h + "." + core::base64url_encode(R"({"aud":[1]})") + ".AA",         // aud not strings
           h + "." + core::base64url_encode(R"({"iss":7})") + ".AA",           // iss not a string
           core::base64url_encode(R"({"typ":"JWT"})") + "." + p + ".AA",      // no alg
           std::string(kMaxTokenSize + 1, 'a'),
       }) {
    auto t = decode(bad);
    ASSERT_FALSE(t) << bad.substr(0, 80);
    EXPECT_TRUE(t.error().is(kInvalidIdentityToken));
    EXPECT_EQ(t.error().message().find(p), std::string::npos) << "the message must not echo the token";
  }
}

TEST(Jwt, JwksParsing) {
  EXPECT_FALSE(parse_jwks("not json"));
  EXPECT_FALSE(parse_jwks("[]"));
  EXPECT_FALSE(parse_jwks(R"({"keys":{}})"));
  auto keys = parse_jwks(json{{"keys",
                               {{{"kty", "EC"}, {"crv", "P-256"}, {"x", "AA"}, {"y", "AA"}},
                                {{"kty", "RSA"}, {"n", "@@"}, {"e", "AQAB"}},
                                signer().jwk()}}}
                             .dump());
  ASSERT_TRUE(keys);
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].kid, "key-1");
  EXPECT_EQ((*keys)[0].e, std::string("\x01\x00\x01", 3));
  auto t = verify(signer().token(claims()), "{}", checks());
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().message().find("Couldn't retrieve verification key"), std::string::npos);
}

}  // namespace
}  // namespace podbucket::sts::jwt
