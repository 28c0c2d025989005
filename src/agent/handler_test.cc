// Every agent error path of the spec (1.3-1.5) through the pure handler, with a scripted EKS Auth.
#include "agent/handler.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "agent/response.h"
#include "agent/test_util.h"

namespace podbucket::agent {
namespace {

using namespace std::chrono;
using testing::FakeEksAuth;
using testing::pod_token;
using testing::SeededRandom;
using testing::t0;

class HandlerTest : public ::testing::Test {
 protected:
  HandlerTest()
      : cache_(CacheOptions{}, "gitlab-cluster", eks_, clock_, random_, metrics_),
        ingress_(1000, 500, clock_),
        handler_({"169.254.170.23", "[fd00:ec2::23]"}, cache_, ingress_, metrics_, clock_) {}

  http::Response get(std::string path, std::optional<std::string> token, std::string host = "169.254.170.23") {
    http::Request req;
    req.method = "GET";
    req.path = std::move(path);
    req.target = req.path;
    if (!host.empty()) req.headers.set("Host", host);
    if (token) req.headers.set("Authorization", *token);
    return handler_.handle(req);
  }

  void expect_text_error(const http::Response& res, int status, const std::string& body) {
    EXPECT_EQ(res.status, status);
    EXPECT_EQ(res.body, body + "\n");
    EXPECT_EQ(res.headers.get("Content-Type"), "text/plain; charset=utf-8");
    EXPECT_EQ(res.headers.get("X-Content-Type-Options"), "nosniff");
  }

  core::FakeClock clock_{t0()};
  SeededRandom random_;
  Metrics metrics_;
  FakeEksAuth eks_{clock_};
  CredentialCache cache_;
  RateLimiter ingress_;
  CredentialHandler handler_;
};

TEST_F(HandlerTest, Success) {
  auto res = get("/v1/credentials", pod_token(t0()));
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.headers.get("Content-Type"), "application/json");
  // Field order as the real agent emits it; Expiration in UTC with a literal Z.
  EXPECT_EQ(res.body,
            R"({"AccessKeyId":"ASIA0001","SecretAccessKey":"secret-1","Token":"session-1","AccountId":"111122223333",)"
            R"("Expiration":"2024-02-09T18:00:00Z"})");
  EXPECT_EQ(eks_.last_cluster(), "gitlab-cluster");
  EXPECT_EQ(metrics_.value("pod_identity_http_response", "code=\"200\""), 1u);
}

TEST_F(HandlerTest, AnyMethodAndQueryAreServed) {
  http::Request req;
  req.method = "POST";
  req.path = "/v1/credentials";
  req.raw_query = "x=1";
  req.headers.set("Host", "169.254.170.23:80");
  req.headers.set("Authorization", pod_token(t0()));
  EXPECT_EQ(handler_.handle(req).status, 200);
}

TEST_F(HandlerTest, OnlyTheExactPathExists) {
  for (const char* path : {"/", "/v1/credentials/", "/v1/Credentials", "/v1", "/healthz"}) {
    auto res = get(path, pod_token(t0()));
    expect_text_error(res, 404, "404 page not found");
  }
  EXPECT_EQ(eks_.calls(), 0);
  EXPECT_EQ(metrics_.value("pod_identity_http_response", "code=\"404\""), 0u);  // not a credential response
}

TEST_F(HandlerTest, HostMustBeAnAgentAddress) {
  EXPECT_EQ(get("/v1/credentials", pod_token(t0()), "169.254.170.23:80").status, 200);
  EXPECT_EQ(get("/v1/credentials", pod_token(t0()), "[fd00:ec2::23]").status, 200);
  EXPECT_EQ(get("/v1/credentials", pod_token(t0()), "[fd00:ec2::23]:80").status, 200);
  const std::string prefix =
      "Access Denied. Called agent through invalid address, please use either [169.254.170.23 fd00:ec2::23] "
      "address not ";
  expect_text_error(get("/v1/credentials", pod_token(t0()), "127.0.0.1:8080"), 403, prefix + "127.0.0.1");
  expect_text_error(get("/v1/credentials", pod_token(t0()), "agent.local"), 403, prefix + "agent.local");
  expect_text_error(get("/v1/credentials", pod_token(t0()), ""), 403, prefix);
  // The Host check comes before the token check.
  expect_text_error(get("/v1/credentials", std::nullopt, "10.0.0.1"), 403, prefix + "10.0.0.1");
  EXPECT_EQ(metrics_.value("pod_identity_http_response", "code=\"403\""), 4u);
}

TEST(HandlerHostOf, Forms) {
  EXPECT_EQ(host_of("169.254.170.23:80"), "169.254.170.23");
  EXPECT_EQ(host_of("169.254.170.23"), "169.254.170.23");
  EXPECT_EQ(host_of("[fd00:ec2::23]:80"), "fd00:ec2::23");
  EXPECT_EQ(host_of("[fd00:ec2::23]"), "fd00:ec2::23");
  EXPECT_EQ(host_of("fd00:ec2::23"), "fd00:ec2::23");
  EXPECT_EQ(host_of("localhost:1"), "localhost");
  EXPECT_EQ(host_of(""), "");
}

TEST_F(HandlerTest, LocalBindHostIsAllowedWhenBound) {
  CredentialHandler local({"127.0.0.1"}, cache_, ingress_, metrics_, clock_);
  http::Request req;
  req.path = "/v1/credentials";
  req.headers.set("Host", "127.0.0.1:40123");
  req.headers.set("Authorization", pod_token(t0()));
  EXPECT_EQ(local.handle(req).status, 200);
  req.headers.set("Host", "169.254.170.23");
  auto res = local.handle(req);
  EXPECT_EQ(res.status, 403);
  EXPECT_EQ(res.body, "Access Denied. Called agent through invalid address, please use either [127.0.0.1] address "
                      "not 169.254.170.23\n");
}

TEST_F(HandlerTest, NoToken) {
  expect_text_error(get("/v1/credentials", std::nullopt), 400, "Service account token cannot be empty");
  expect_text_error(get("/v1/credentials", ""), 400, "Service account token cannot be empty");
  EXPECT_EQ(eks_.calls(), 0);
}

TEST_F(HandlerTest, BearerPrefix) {
  expect_text_error(get("/v1/credentials", "Bearer " + pod_token(t0())), 400,
                    "Service account token cannot be parsed: token is malformed: could not base64 decode header");
  EXPECT_EQ(eks_.calls(), 0);
}

TEST_F(HandlerTest, MalformedJwt) {
  expect_text_error(get("/v1/credentials", "not-a-jwt"), 400,
                    "Service account token cannot be parsed: token is malformed: token contains an invalid number "
                    "of segments");
  EXPECT_EQ(eks_.calls(), 0);
}

TEST_F(HandlerTest, ExpiredOrFutureToken) {
  expect_text_error(get("/v1/credentials", pod_token(t0() - hours(2), 3600)), 400,
                    "Service account token failed basic claim validations: token has invalid claims: token is "
                    "expired");
  expect_text_error(get("/v1/credentials", pod_token(t0() + minutes(5))), 400,
                    "Service account token failed basic claim validations: token has invalid claims: token is not "
                    "valid yet");
  EXPECT_EQ(eks_.calls(), 0);
  EXPECT_EQ(metrics_.value("pod_identity_http_response", "code=\"400\""), 2u);
}

TEST_F(HandlerTest, EksAuthStatusesPassThrough) {
  struct Case {
    int status;
    const char* code;
    const char* fault;
  } cases[] = {
      {400, "InvalidTokenException", "client"},     {400, "ExpiredTokenException", "client"},
      {400, "AccessDeniedException", "client"},     {400, "InvalidParameterException", "client"},
      {400, "InvalidRequestException", "client"},   {404, "ResourceNotFoundException", "client"},
      {429, "ThrottlingException", "client"},       {500, "InternalServerException", "server"},
      {503, "ServiceUnavailableException", "server"}, {403, "UnrecognizedClientException", "client"},
  };
  for (const auto& tc : cases) {
    eks_.fail_next(eks_auth_error(tc.status, tc.code, "the message", "8a1c6b3e-req"));
    auto res = get("/v1/credentials", pod_token(t0()));
    expect_text_error(res, tc.status,
                      std::string("[8a1c6b3e-req]: (") + tc.code + "): the message, fault: " + tc.fault);
  }
  EXPECT_EQ(metrics_.value("pod_identity_http_response", "code=\"400\""), 5u);
  EXPECT_EQ(metrics_.value("pod_identity_http_response", "code=\"503\""), 1u);
}

TEST_F(HandlerTest, ExpiredTokenAsBotocoreSawIt) {
  eks_.fail_next(eks_auth_error(400, "ExpiredTokenException",
                                "The token included in the request is expired: current date/time 2024-02-09T12:00:10Z "
                                "must be before the expiration date/time 2024-02-09T12:00:00Z",
                                "18b9"));
  auto res = get("/v1/credentials", pod_token(t0()));
  EXPECT_EQ(res.status, 400);
  EXPECT_TRUE(res.body.starts_with("[18b9]: (ExpiredTokenException): The token included in the request is expired"));
  EXPECT_TRUE(res.body.ends_with(", fault: client\n"));
}

TEST_F(HandlerTest, TransportFailureIs500) {
  eks_.fail_next(core::AwsError(kInternal, "operation error EKS Auth: AssumeRoleForPodIdentity, connection refused"));
  expect_text_error(get("/v1/credentials", pod_token(t0())), 500,
                    "operation error EKS Auth: AssumeRoleForPodIdentity, connection refused");
}

TEST_F(HandlerTest, ServedFromCacheUntilFifteenSecondsBeforeExpiry) {
  std::string token = pod_token(t0());
  auto a = nlohmann::json::parse(get("/v1/credentials", token).body);
  auto b = nlohmann::json::parse(get("/v1/credentials", token).body);
  EXPECT_EQ(a, b);
  EXPECT_EQ(eks_.calls(), 1);
}

TEST_F(HandlerTest, CachedTokensAreStillCheckedForExpiry) {
  std::string token = pod_token(t0(), 60);
  EXPECT_EQ(get("/v1/credentials", token).status, 200);
  clock_.advance(seconds(59));
  EXPECT_EQ(get("/v1/credentials", token).status, 200);
  EXPECT_EQ(metrics_.value("podbucket_agent_cache_hits_total"), 1u);
  clock_.advance(seconds(1));  // the credentials are still cached, the token is not valid any more
  expect_text_error(get("/v1/credentials", token), 400,
                    "Service account token failed basic claim validations: token has invalid claims: token is "
                    "expired");
  EXPECT_EQ(eks_.calls(), 1);
}

TEST_F(HandlerTest, IngressRateLimit) {
  RateLimiter tight(1, 2, clock_);
  CredentialHandler h({"169.254.170.23"}, cache_, tight, metrics_, clock_);
  http::Request req;
  req.path = "/v1/credentials";
  req.headers.set("Host", "169.254.170.23");
  req.headers.set("Authorization", pod_token(t0()));
  EXPECT_EQ(h.handle(req).status, 200);
  EXPECT_EQ(h.handle(req).status, 200);
  auto res = h.handle(req);
  expect_text_error(res, 429, "Too Many Requests");
  clock_.advance(seconds(1));
  EXPECT_EQ(h.handle(req).status, 200);
}

TEST(Response, ExpirationFormats) {
  auto t = core::from_unix_seconds(827912723);  // 1996-03-27T07:45:23Z
  EXPECT_EQ(format_expiration(t), "1996-03-27T07:45:23Z");
  EXPECT_EQ(format_expiration(t + nanoseconds(123456789)), "1996-03-27T07:45:23.123456789Z");
  EXPECT_EQ(format_expiration(t + milliseconds(500)), "1996-03-27T07:45:23.5Z");
}

TEST(Response, EmptyFieldsAreLeftOut) {
  PodCredentials c;
  c.access_key_id = "ASIA";
  c.secret_access_key = "s";
  c.session_token = "t";
  c.expiration = core::from_unix_seconds(0);
  EXPECT_EQ(credentials_response(c).body,
            R"({"AccessKeyId":"ASIA","SecretAccessKey":"s","Token":"t","Expiration":"1970-01-01T00:00:00Z"})");
}

}  // namespace
}  // namespace podbucket::agent
