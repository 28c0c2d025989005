#include "sigv4/verify.h"

#include <gtest/gtest.h>

#include "core/encoding.h"
#include "core/time_format.h"
#include "crypto/hash.h"
#include "sigv4/canonical.h"
#include "sigv4/sign.h"
#include "sigv4/test_util.h"

namespace podbucket::sigv4 {
namespace {

using testing::drain;
using testing::single_key;

const core::TimePoint kNow = *core::parse_amz_date("20240301T120000Z");
const Credentials kCreds{"AKIAEXAMPLE000000001", "secretsecretsecretsecretsecretsecret0001", ""};

// A request plus its body storage.
struct Req {
  http::Request req;
  std::unique_ptr<http::StringBodySource> body;
  std::string text;
  explicit Req(std::string method = "GET", std::string path = "/bucket/key", std::string query = "",
               std::string body_text = "") {
    req.method = std::move(method);
    req.path = std::move(path);
    req.raw_query = std::move(query);
    req.target = req.path + (req.raw_query.empty() ? "" : "?" + req.raw_query);
    req.headers.add("Host", "127.0.0.1:9000");
    text = std::move(body_text);
    body = std::make_unique<http::StringBodySource>(text);
    req.body = body.get();
    req.content_length = text.size();
  }
};

std::string sha_hex(std::string_view s) { return core::hex_encode(crypto::sha256(s)); }

KeyLookup lookup() { return single_key(kCreds.access_key_id, kCreds.secret_access_key); }

core::Result<Verified> run(Req& r, const KeyLookup& l = lookup(), core::TimePoint now = kNow,
                           std::string_view region = {}) {
  core::FakeClock clock(now);
  return verify(r.req, l, clock, region);
}

std::string code(const core::Result<Verified>& v) { return v ? "OK" : std::string(v.error().code()); }

std::string field(const core::AwsError& e, std::string_view name) {
  for (const auto& [n, v] : e.fields()) {
    if (n == name) return v;
  }
  return "<none>";
}

Req signed_get(std::string path = "/bucket/key", std::string query = "") {
  Req r("GET", std::move(path), std::move(query));
  sign_request(r.req, kCreds, "us-east-1", "s3", kNow, kEmptySha256);
  return r;
}

TEST(VerifyTest, HeaderAuthRoundTrip) {
  Req r = signed_get("/bucket/dir/a%20b~c", "list-type=2&prefix=a%2Fb");
  auto v = run(r);
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_FALSE(v->principal.anonymous);
  EXPECT_EQ(v->principal.access_key_id, kCreds.access_key_id);
  EXPECT_EQ(v->principal.arn, "arn:aws:iam::123456789012:user/test");
  EXPECT_EQ(v->scope.region, "us-east-1");
  EXPECT_EQ(v->scope.date, "20240301");
  EXPECT_FALSE(v->scope.presigned);
}

TEST(VerifyTest, S3PathEscapingMayDifferFromTheSignedForm) {
  // Signed as "/bucket/~user/a%20b", sent with other (equivalent) escapes.
  Req r = signed_get("/bucket/~user/a%20b");
  r.req.path = "/bucket/%7Euser/a%20b";
  EXPECT_EQ(code(run(r)), "OK");
  // A client that signs exactly the bytes it sends (here "%2F" inside a key) is accepted too.
  Req raw("GET", "/bucket/a%2Fb");
  std::string amz = core::format_amz_date(kNow);
  raw.req.headers.set("x-amz-date", amz);
  raw.req.headers.set("x-amz-content-sha256", std::string(kEmptySha256));
  std::string creq = canonical_request("GET", "/bucket/a%2Fb", "", canonical_headers(raw.req.headers,
                                       {"host", "x-amz-content-sha256", "x-amz-date"}),
                                       "host;x-amz-content-sha256;x-amz-date", kEmptySha256);
  std::string scope = credential_scope("20240301", "us-east-1", "s3");
  std::string sig = signature(derive_signing_key(kCreds.secret_access_key, "20240301", "us-east-1", "s3"),
                              string_to_sign(amz, scope, creq));
  raw.req.headers.set("Authorization", "AWS4-HMAC-SHA256 Credential=" + kCreds.access_key_id + "/" + scope +
                                           ",SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=" + sig);
  EXPECT_EQ(code(run(raw)), "OK");
}

TEST(VerifyTest, AnonymousRequest) {
  Req r("GET", "/bucket/key", "", "data");
  auto scope = peek_scope(r.req);
  ASSERT_TRUE(scope);
  EXPECT_FALSE(scope->has_value());
  auto v = run(r);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->principal.anonymous);
  EXPECT_EQ(drain(*v->body), "data");
}

TEST(VerifyTest, PeekScope) {
  Req r = signed_get();
  auto scope = peek_scope(r.req);
  ASSERT_TRUE(scope && scope->has_value());
  EXPECT_EQ((*scope)->access_key_id, kCreds.access_key_id);
  EXPECT_EQ((*scope)->service, "s3");
  Req p("GET", "/bucket/key");
  presign_request(p.req, kCreds, "eu-west-1", "s3", kNow, 60);
  auto pscope = peek_scope(p.req);
  ASSERT_TRUE(pscope && pscope->has_value());
  EXPECT_TRUE((*pscope)->presigned);
  EXPECT_EQ((*pscope)->region, "eu-west-1");
  Req bad("GET", "/b/k");
  bad.req.headers.set("Authorization", "AWS4-HMAC-SHA256 Credential=x");
  auto e = peek_scope(bad.req);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code(), "AuthorizationHeaderMalformed");
}

TEST(VerifyTest, UnknownKey) {
  Req r = signed_get();
  auto v = run(r, single_key("OTHER", "x"));
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code(), "InvalidAccessKeyId");
  EXPECT_EQ(v.error().http_status(), 403);
  EXPECT_EQ(v.error().message(), "The AWS Access Key Id you provided does not exist in our records.");
  Req sts("POST", "/", "", "Action=GetCallerIdentity&Version=2011-06-15");
  sign_request(sts.req, kCreds, "us-east-1", "sts", kNow, sha_hex(sts.text));
  auto vs = run(sts, single_key("OTHER", "x"));
  ASSERT_FALSE(vs);
  EXPECT_EQ(vs.error().code(), "InvalidClientTokenId");
}

TEST(VerifyTest, SignatureDoesNotMatchCarriesS3Diagnostics) {
  Req r = signed_get();
  auto v = run(r, single_key(kCreds.access_key_id, "wrong-secret"));
  ASSERT_FALSE(v);
  const auto& e = v.error();
  EXPECT_EQ(e.code(), "SignatureDoesNotMatch");
  EXPECT_EQ(e.http_status(), 403);
  EXPECT_EQ(e.message(),
            "The request signature we calculated does not match the signature you provided. Check your key and "
            "signing method.");
  ASSERT_EQ(e.fields().size(), 6u);
  const char* names[] = {"AWSAccessKeyId", "StringToSign",     "SignatureProvided",
                         "StringToSignBytes", "CanonicalRequest", "CanonicalRequestBytes"};
  for (size_t i = 0; i < 6; ++i) EXPECT_EQ(e.fields()[i].first, names[i]);
  EXPECT_EQ(field(e, "AWSAccessKeyId"), kCreds.access_key_id);
  std::string sts = field(e, "StringToSign");
  EXPECT_EQ(sts.substr(0, 34), "AWS4-HMAC-SHA256\n20240301T120000Z\n");
  EXPECT_EQ(field(e, "StringToSignBytes").substr(0, 11), "41 57 53 34");
  EXPECT_EQ(field(e, "CanonicalRequest").substr(0, 17), "GET\n/bucket/key\n\n");
}

TEST(VerifyTest, TamperedRequestParts) {
  {
    Req r = signed_get("/bucket/key", "a=1");
    r.req.raw_query = "a=2";
    EXPECT_EQ(code(run(r)), "SignatureDoesNotMatch");
  }
  {
    Req r = signed_get();
    r.req.path = "/bucket/other";
    EXPECT_EQ(code(run(r)), "SignatureDoesNotMatch");
  }
  {
    Req r = signed_get();
    r.req.method = "DELETE";
    EXPECT_EQ(code(run(r)), "SignatureDoesNotMatch");
  }
  {
    Req r = signed_get();
    r.req.headers.set("Host", "evil.example");
    EXPECT_EQ(code(run(r)), "SignatureDoesNotMatch");
  }
}

TEST(VerifyTest, ClockSkew) {
  Req r = signed_get();
  EXPECT_EQ(code(run(r, lookup(), kNow + std::chrono::minutes(15))), "OK");
  EXPECT_EQ(code(run(r, lookup(), kNow - std::chrono::minutes(15))), "OK");
  auto v = run(r, lookup(), kNow + std::chrono::minutes(16));
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code(), "RequestTimeTooSkewed");
  EXPECT_EQ(v.error().http_status(), 403);
  EXPECT_EQ(field(v.error(), "RequestTime"), "20240301T120000Z");
  EXPECT_EQ(field(v.error(), "ServerTime"), "2024-03-01T12:16:00Z");
  EXPECT_EQ(field(v.error(), "MaxAllowedSkewMilliseconds"), "900000");
  EXPECT_EQ(code(run(r, lookup(), kNow - std::chrono::minutes(16))), "RequestTimeTooSkewed");
  // Other services answer with SignatureDoesNotMatch "Signature expired".
  Req sts("POST", "/", "", "Action=GetCallerIdentity");
  sign_request(sts.req, kCreds, "us-east-1", "sts", kNow, sha_hex(sts.text));
  auto vs = run(sts, lookup(), kNow + std::chrono::minutes(20));
  ASSERT_FALSE(vs);
  EXPECT_EQ(vs.error().code(), "SignatureDoesNotMatch");
  EXPECT_EQ(vs.error().message(),
            "Signature expired: 20240301T120000Z is now earlier than 20240301T120500Z (20240301T122000Z - 15 min.)");
}

TEST(VerifyTest, DateHeaders) {
  {
    Req r = signed_get();
    r.req.headers.remove("X-Amz-Date");
    auto v = run(r);
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().code(), "AccessDenied");
    EXPECT_EQ(v.error().message(), "AWS authentication requires a valid Date or x-amz-date header");
  }
  {
    Req r = signed_get();
    r.req.headers.set("X-Amz-Date", "yesterday");
    EXPECT_EQ(code(run(r)), "AccessDenied");
  }
  {
    // The Date header (RFC 7231) stands in for X-Amz-Date when that is absent.
    Req r("GET", "/bucket/key");
    r.req.headers.set("Date", "Fri, 01 Mar 2024 12:00:00 GMT");
    r.req.headers.set("x-amz-content-sha256", std::string(kEmptySha256));
    std::string scope = credential_scope("20240301", "us-east-1", "s3");
    std::string creq = canonical_request("GET", "/bucket/key", "",
                                         canonical_headers(r.req.headers, {"date", "host", "x-amz-content-sha256"}),
                                         "date;host;x-amz-content-sha256", kEmptySha256);
    std::string sig = signature(derive_signing_key(kCreds.secret_access_key, "20240301", "us-east-1", "s3"),
                                string_to_sign("20240301T120000Z", scope, creq));
    r.req.headers.set("Authorization", "AWS4-HMAC-SHA256 Credential=" + kCreds.access_key_id + "/" + scope +
                                           ", SignedHeaders=date;host;x-amz-content-sha256, Signature=" + sig);
    EXPECT_EQ(code(run(r)), "OK");
  }
  {
    // Credential date differs from X-Amz-Date.
    Req r = signed_get();
    std::string auth(*r.req.headers.get("Authorization"));
    auth.replace(auth.find("/20240301/"), 10, "/20240302/");
    r.req.headers.set("Authorization", auth);
    auto v = run(r);
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().code(), "AuthorizationHeaderMalformed");
    EXPECT_EQ(v.error().message(),
              "The authorization header is malformed; Invalid credential date. Date is not the same as X-Amz-Date.");
  }
}

TEST(VerifyTest, RegionCheck) {
  Req r("GET", "/bucket/key");
  sign_request(r.req, kCreds, "eu-west-1", "s3", kNow, kEmptySha256);
  auto v = run(r, lookup(), kNow, "us-east-1");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code(), "AuthorizationHeaderMalformed");
  EXPECT_EQ(v.error().message(),
            "The authorization header is malformed; the region 'eu-west-1' is wrong; expecting 'us-east-1'");
  EXPECT_EQ(field(v.error(), "Region"), "us-east-1");
  EXPECT_EQ(code(run(r, lookup(), kNow, "eu-west-1")), "OK");
  EXPECT_EQ(code(run(r)), "OK");  // no server region: any
  Req p("GET", "/bucket/key");
  presign_request(p.req, kCreds, "eu-west-1", "s3", kNow, 60);
  auto vp = run(p, lookup(), kNow, "us-east-1");
  ASSERT_FALSE(vp);
  EXPECT_EQ(vp.error().code(), "AuthorizationQueryParametersError");
}

TEST(VerifyTest, MalformedAuthorizationHeaders) {
  auto with_auth = [](std::string value) {
    Req r("GET", "/bucket/key");
    r.req.headers.set("x-amz-date", "20240301T120000Z");
    r.req.headers.set("Authorization", std::move(value));
    return code(run(r));
  };
  EXPECT_EQ(with_auth("AWS4-HMAC-SHA256 Credential=AKID/20240301/us-east-1/s3/aws4_request"),
            "AuthorizationHeaderMalformed");
  EXPECT_EQ(with_auth("AWS4-HMAC-SHA256 Credential=AKID/2024031/us-east-1/s3/aws4_request, SignedHeaders=host, "
                      "Signature=00"),
            "AuthorizationHeaderMalformed");
  EXPECT_EQ(with_auth("AWS4-HMAC-SHA256 Credential=AKID/20240301/us-east-1/s3/aws5_request, SignedHeaders=host, "
                      "Signature=00"),
            "AuthorizationHeaderMalformed");
  EXPECT_EQ(with_auth("AWS4-HMAC-SHA256 Credential=AKID/20240301/us-east-1/s3/aws4_request, "
                      "SignedHeaders=x-amz-date, Signature=00"),
            "AuthorizationHeaderMalformed");  // host not signed
  EXPECT_EQ(with_auth("AWS4-HMAC-SHA256 Credential=AKID/20240301/us-east-1/s3/aws4_request, SignedHeaders=host;;a, "
                      "Signature=00"),
            "AuthorizationHeaderMalformed");
  EXPECT_EQ(with_auth("AWS4-HMAC-SHA256 garbage"), "AuthorizationHeaderMalformed");
  EXPECT_EQ(with_auth("AWS4-HMAC-SHA256"), "AuthorizationHeaderMalformed");
  EXPECT_EQ(with_auth("Bearer abc"), "InvalidArgument");
  EXPECT_EQ(with_auth(""), "InvalidArgument");
  EXPECT_EQ(with_auth("AWS AKIDEXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg="), "InvalidAccessKeyId");  // SigV2, unknown key
  EXPECT_EQ(with_auth("AWS AKIDEXAMPLE"), "InvalidArgument");
}

TEST(VerifyTest, BothAuthForms) {
  Req r("GET", "/bucket/key");
  presign_request(r.req, kCreds, "us-east-1", "s3", kNow, 60);
  r.req.headers.set("Authorization", "AWS4-HMAC-SHA256 Credential=a/20240301/us-east-1/s3/aws4_request");
  auto v = run(r);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code(), "InvalidArgument");
  EXPECT_EQ(field(v.error(), "ArgumentName"), "Authorization");
}

TEST(VerifyTest, Presigned) {
  Req r("GET", "/bucket/some%20key", "versionId=3");
  presign_request(r.req, kCreds, "us-east-1", "s3", kNow, 3600);
  auto v = run(r, lookup(), kNow + std::chrono::minutes(59));
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_TRUE(v->scope.presigned);
  auto expired = run(r, lookup(), kNow + std::chrono::seconds(3601));
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code(), "AccessDenied");
  EXPECT_EQ(expired.error().message(), "Request has expired");
  EXPECT_EQ(field(expired.error(), "X-Amz-Expires"), "3600");
  EXPECT_EQ(field(expired.error(), "Expires"), "2024-03-01T13:00:00Z");
  EXPECT_EQ(field(expired.error(), "ServerTime"), "2024-03-01T13:00:01Z");
  EXPECT_EQ(code(run(r, lookup(), kNow - std::chrono::minutes(16))), "AccessDenied");  // not valid yet
  // Any change of a signed query parameter breaks it.
  std::string q = r.req.raw_query;
  r.req.raw_query.replace(r.req.raw_query.find("versionId=3"), 11, "versionId=4");
  EXPECT_EQ(code(run(r)), "SignatureDoesNotMatch");
  r.req.raw_query = q;
  EXPECT_EQ(code(run(r)), "OK");
}

TEST(VerifyTest, PresignedParameterErrors) {
  auto with_query = [](std::string query) {
    Req r("GET", "/bucket/key", std::move(query));
    auto v = run(r);
    return v ? std::string("OK") : std::string(v.error().code()) + ": " + v.error().message();
  };
  const std::string base = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE000000001%2F20240301%2F"
                           "us-east-1%2Fs3%2Faws4_request&X-Amz-Date=20240301T120000Z&X-Amz-SignedHeaders=host"
                           "&X-Amz-Signature=00";
  EXPECT_EQ(with_query(base + "&X-Amz-Expires=604801"),
            "AuthorizationQueryParametersError: X-Amz-Expires must be less than a week (in seconds) that is; 604800");
  EXPECT_EQ(with_query(base + "&X-Amz-Expires=abc"),
            "AuthorizationQueryParametersError: X-Amz-Expires should be a number");
  EXPECT_EQ(with_query(base + "&X-Amz-Expires=-5"),
            "AuthorizationQueryParametersError: X-Amz-Expires must be non-negative");
  EXPECT_EQ(with_query(base + "&X-Amz-Expires=0"),
            "AuthorizationQueryParametersError: X-Amz-Expires must be non-negative");
  EXPECT_EQ(with_query(base).substr(0, 79),
            "AuthorizationQueryParametersError: Query-string authentication version 4 requir");
  EXPECT_EQ(with_query("X-Amz-Signature=00"  ).substr(0, 33), "AuthorizationQueryParametersError");
  std::string bad_date = base + "&X-Amz-Expires=60";
  bad_date.replace(bad_date.find("20240301T120000Z"), 16, "2024-03-01");
  EXPECT_EQ(with_query(bad_date).substr(0, 45), "AuthorizationQueryParametersError: X-Amz-Date");
  std::string bad_alg = base + "&X-Amz-Expires=60";
  bad_alg.replace(bad_alg.find("AWS4-HMAC-SHA256"), 16, "AWS4-HMAC-SHA512");
  EXPECT_EQ(with_query(bad_alg), "AuthorizationQueryParametersError: X-Amz-Algorithm only supports "
                                 "\"AWS4-HMAC-SHA256\"");
  EXPECT_EQ(with_query(base + "&X-Amz-Expires=60").substr(0, 21), "SignatureDoesNotMatch");
  EXPECT_EQ(with_query("AWSAccessKeyId=AKID&Signature=abc&Expires=1700000000"),
            "AccessDenied: Request has expired");  // SigV2
  EXPECT_EQ(with_query("AWSAccessKeyId=AKID&Signature=abc&Expires=soon"),
            "AccessDenied: Invalid date (should be seconds since epoch): soon");
  EXPECT_EQ(with_query("AWSAccessKeyId=AKID&Signature=abc").substr(0, 12), "AccessDenied");
}

TEST(VerifyTest, SessionTokens) {
  const std::string token = "FwoGZXIvYXdzEXAMPLETOKEN";
  Credentials temp{"ASIAEXAMPLE000000001", "tempsecrettempsecrettempsecrettempsecret", token};
  auto temp_lookup = [&](std::optional<core::TimePoint> expires) -> KeyLookup {
    return [=](std::string_view id) -> std::optional<KeyInfo> {
      if (id != temp.access_key_id) return std::nullopt;
      KeyInfo k;
      k.secret_access_key = temp.secret_access_key;
      k.session_token = token;
      k.expires = expires;
      return k;
    };
  };
  {
    Req r("GET", "/bucket/key");
    sign_request(r.req, temp, "us-east-1", "s3", kNow, kEmptySha256);
    auto v = run(r, temp_lookup(kNow + std::chrono::hours(1)));
    ASSERT_TRUE(v) << v.error().message();
    EXPECT_EQ(v->principal.session_token, token);
    auto expired = run(r, temp_lookup(kNow - std::chrono::seconds(1)));
    ASSERT_FALSE(expired);
    EXPECT_EQ(expired.error().code(), "ExpiredToken");
    EXPECT_EQ(expired.error().message(), "The provided token has expired.");
  }
  {
    Req r("GET", "/bucket/key");
    Credentials wrong = temp;
    wrong.session_token = "other-token";
    sign_request(r.req, wrong, "us-east-1", "s3", kNow, kEmptySha256);
    auto v = run(r, temp_lookup(std::nullopt));
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().code(), "InvalidToken");
    EXPECT_EQ(v.error().message(), "The provided token is malformed or otherwise invalid.");
  }
  {
    Req r("GET", "/bucket/key");
    Credentials none = temp;
    none.session_token.clear();
    sign_request(r.req, none, "us-east-1", "s3", kNow, kEmptySha256);
    EXPECT_EQ(code(run(r, temp_lookup(std::nullopt))), "InvalidAccessKeyId");
  }
  {
    // A token on a long-term key.
    Req r("GET", "/bucket/key");
    Credentials with_token = kCreds;
    with_token.session_token = "x";
    sign_request(r.req, with_token, "us-east-1", "s3", kNow, kEmptySha256);
    EXPECT_EQ(code(run(r)), "InvalidToken");
  }
  {
    // Presigned with X-Amz-Security-Token in the query.
    Req r("GET", "/bucket/key");
    presign_request(r.req, temp, "us-east-1", "s3", kNow, 60);
    EXPECT_EQ(code(run(r, temp_lookup(std::nullopt))), "OK");
  }
}

TEST(VerifyTest, ContentSha256Header) {
  {
    Req r("PUT", "/bucket/key", "", "hello");
    sign_request(r.req, kCreds, "us-east-1", "s3", kNow, sha_hex("hello"));
    auto v = run(r);
    ASSERT_TRUE(v);
    EXPECT_EQ(drain(*v->body), "hello");
  }
  {
    Req r("PUT", "/bucket/key", "", "hello");
    sign_request(r.req, kCreds, "us-east-1", "s3", kNow, sha_hex("HELLO"));
    auto v = run(r);
    ASSERT_TRUE(v);  // the header is signed; the body is checked while it streams
    EXPECT_THROW(drain(*v->body), core::AwsException);
  }
  {
    Req r("PUT", "/bucket/key", "", "hello");
    sign_request(r.req, kCreds, "us-east-1", "s3", kNow, kUnsignedPayload);
    auto v = run(r);
    ASSERT_TRUE(v);
    EXPECT_EQ(drain(*v->body), "hello");
  }
  {
    Req r = signed_get();
    r.req.headers.remove("x-amz-content-sha256");
    auto v = run(r);
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().code(), "InvalidRequest");
    EXPECT_EQ(v.error().message(), "Missing required header for this request: x-amz-content-sha256");
  }
  {
    Req r("GET", "/bucket/key");
    sign_request(r.req, kCreds, "us-east-1", "s3", kNow, "not-a-hash");
    auto v = run(r);
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().code(), "InvalidArgument");
    EXPECT_EQ(field(v.error(), "ArgumentName"), "x-amz-content-sha256");
  }
}

TEST(VerifyTest, OtherServicesHashTheBody) {
  Req r("POST", "/", "", "Action=GetCallerIdentity&Version=2011-06-15");
  r.req.headers.set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  sign_request(r.req, kCreds, "us-east-1", "sts", kNow, sha_hex(r.text));
  EXPECT_FALSE(r.req.headers.has("x-amz-content-sha256"));
  auto v = run(r);
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(v->scope.service, "sts");
  EXPECT_EQ(drain(*v->body), r.text);
  Req t("POST", "/", "", "Action=GetCallerIdentity&Version=2011-06-16");
  t.req.headers = r.req.headers;
  auto vt = run(t);
  ASSERT_FALSE(vt);
  EXPECT_EQ(vt.error().code(), "SignatureDoesNotMatch");
  EXPECT_TRUE(vt.error().fields().empty());  // the S3 diagnostics are S3's
}

TEST(VerifyTest, StreamingSignedPayload) {
  std::string payload(150000, 'x');
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = char('a' + i % 23);
  Req r("PUT", "/bucket/big");
  r.req.headers.set("Content-Encoding", "aws-chunked,gzip");
  r.req.headers.set("x-amz-decoded-content-length", std::to_string(payload.size()));
  std::string seed = sign_request(r.req, kCreds, "us-east-1", "s3", kNow, kStreamingPayload);
  std::string key = derive_signing_key(kCreds.secret_access_key, "20240301", "us-east-1", "s3");
  r.text = encode_signed_chunks(payload, 65536, key, "20240301T120000Z",
                                credential_scope("20240301", "us-east-1", "s3"), seed);
  r.body = std::make_unique<http::StringBodySource>(r.text);
  r.req.body = r.body.get();
  r.req.content_length.reset();  // Transfer-Encoding: chunked underneath, as fog sends it
  auto v = run(r);
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(r.req.content_length, payload.size());
  EXPECT_EQ(r.req.headers.get("Content-Encoding"), "gzip");
  EXPECT_EQ(drain(*v->body, 10000), payload);
}

TEST(VerifyTest, StreamingTrailersMergeIntoHeaders) {
  std::string payload = "some object data";
  std::string crc = core::base64_encode(crypto::make_checksum(crypto::ChecksumAlgorithm::kCRC32)->finish());
  for (bool signed_chunks : {true, false}) {
    Req r("PUT", "/bucket/obj");
    r.req.headers.set("Content-Encoding", "aws-chunked");
    r.req.headers.set("x-amz-trailer", "x-amz-checksum-crc32");
    r.req.headers.set("x-amz-decoded-content-length", std::to_string(payload.size()));
    std::string seed = sign_request(r.req, kCreds, "us-east-1", "s3", kNow,
                                    signed_chunks ? kStreamingPayloadTrailer : kStreamingUnsignedTrailer);
    std::string key = derive_signing_key(kCreds.secret_access_key, "20240301", "us-east-1", "s3");
    r.text = signed_chunks ? encode_signed_chunks(payload, 5, key, "20240301T120000Z",
                                                  credential_scope("20240301", "us-east-1", "s3"), seed,
                                                  {{"x-amz-checksum-crc32", "q83vEg=="}})
                           : encode_unsigned_chunks(payload, 5, {{"x-amz-checksum-crc32", "q83vEg=="}});
    r.body = std::make_unique<http::StringBodySource>(r.text);
    r.req.body = r.body.get();
    auto v = run(r);
    ASSERT_TRUE(v) << v.error().message();
    EXPECT_FALSE(r.req.headers.has("x-amz-checksum-crc32"));
    EXPECT_EQ(drain(*v->body), payload);
    EXPECT_EQ(r.req.headers.get("x-amz-checksum-crc32"), "q83vEg==");
    EXPECT_FALSE(r.req.headers.has("Content-Encoding"));
  }
}

TEST(VerifyTest, NullBodyIsEmpty) {
  Req r = signed_get();
  r.req.body = nullptr;
  auto v = run(r);
  ASSERT_TRUE(v);
  EXPECT_EQ(drain(*v->body), "");
}

}  // namespace
}  // namespace podbucket::sigv4
