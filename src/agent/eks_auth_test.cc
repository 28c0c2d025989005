// EKS Auth replies as recorded (spec 2.3, 2.4), and HttpEksAuth against a stub EKS Auth on 127.0.0.1 that verifies
// the SigV4 signature with podbucket's own verifier.
#include "agent/eks_auth.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>

#include "agent/errors.h"
#include "agent/test_util.h"
#include "http/server.h"
#include "sigv4/verify.h"

namespace podbucket::agent {
namespace {

using namespace std::chrono;
using testing::SeededRandom;

const char* kSpecReply =
    R"({"subject":{"namespace":"gitlab","serviceAccount":"gitlab-webservice"},
 "audience":"pods.eks.amazonaws.com",
 "podIdentityAssociation":{"associationArn":"arn:aws:eks:us-west-2:111122223333:podidentityassociation/my-cluster/a-abcdefghijklmnop1","associationId":"a-abcdefghijklmnop1"},
 "assumedRoleUser":{"arn":"arn:aws:sts::111122223333:assumed-role/my-role/eks-my-cluster-web","assumeRoleId":"AROAEXAMPLE:eks-my-cluster-web"},
 "credentials":{"sessionToken":"FwoGZX","secretAccessKey":"wJalr","accessKeyId":"ASIAEXAMPLE","expiration":1707498060}})";

http::ClientResponse reply(int status, std::string body, std::vector<std::pair<std::string, std::string>> h = {}) {
  http::ClientResponse r;
  r.status = status;
  r.body = std::move(body);
  for (auto& [k, v] : h) r.headers.add(k, v);
  return r;
}

TEST(ParseReply, Success) {
  auto c = parse_eks_auth_reply(reply(200, kSpecReply));
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->access_key_id, "ASIAEXAMPLE");
  EXPECT_EQ(c->secret_access_key, "wJalr");
  EXPECT_EQ(c->session_token, "FwoGZX");
  EXPECT_EQ(c->account_id, "111122223333");
  EXPECT_EQ(core::to_unix_seconds(c->expiration), 1707498060);
}

TEST(ParseReply, ErrorFromTheHeader) {
  auto c = parse_eks_auth_reply(reply(400, R"({"message":"The token included in the request is expired"})",
                                      {{"X-Amzn-ErrorType", "ExpiredTokenException:http://internal.amazon.com/"},
                                       {"x-amzn-RequestId", "18b9-req"}}));
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().http_status(), 400);
  EXPECT_EQ(c.error().code(), "ExpiredTokenException");
  EXPECT_EQ(eks_auth_code(c.error()), "ExpiredTokenException");
  EXPECT_EQ(c.error().message(), "The token included in the request is expired");
  EXPECT_TRUE(is_irrecoverable(c.error()));
}

TEST(ParseReply, ErrorFromTheBody) {
  auto c = parse_eks_auth_reply(reply(429, R"({"__type":"com.amazonaws.eksauth#ThrottlingException","Message":"slow"})"));
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().http_status(), 429);
  EXPECT_EQ(eks_auth_code(c.error()), "ThrottlingException");
  EXPECT_EQ(c.error().message(), "slow");
  EXPECT_FALSE(is_irrecoverable(c.error()));
}

TEST(ParseReply, UnknownCodeKeepsStatusAndCode) {
  auto c = parse_eks_auth_reply(reply(403, R"({"message":"The security token included in the request is invalid."})",
                                      {{"x-amzn-ErrorType", "UnrecognizedClientException"}}));
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().http_status(), 403);
  EXPECT_EQ(c.error().code(), "EksAuthError");
  EXPECT_EQ(eks_auth_code(c.error()), "UnrecognizedClientException");
  EXPECT_FALSE(is_irrecoverable(c.error()));
}

TEST(ParseReply, IrrecoverableCodes) {
  for (const char* code : {"ResourceNotFoundException", "ExpiredTokenException", "InvalidTokenException",
                           "AccessDeniedException"}) {
    EXPECT_TRUE(is_irrecoverable(eks_auth_error(400, code, "", ""))) << code;
  }
  for (const char* code : {"ThrottlingException", "InternalServerException", "ServiceUnavailableException",
                           "InvalidParameterException", "InvalidRequestException"}) {
    EXPECT_FALSE(is_irrecoverable(eks_auth_error(400, code, "", ""))) << code;
  }
  EXPECT_FALSE(is_irrecoverable(core::AwsError(kInternal, "timeout")));
}

TEST(ParseReply, UnusableSuccessIs500) {
  auto no_creds = nlohmann::json::parse(kSpecReply);
  no_creds.erase("credentials");
  auto no_user = nlohmann::json::parse(kSpecReply);
  no_user.erase("assumedRoleUser");
  auto bad_arn = nlohmann::json::parse(kSpecReply);
  bad_arn["assumedRoleUser"]["arn"] = "my-role";
  auto string_exp = nlohmann::json::parse(kSpecReply);
  string_exp["credentials"]["expiration"] = "2024-02-09T17:01:00Z";
  for (const auto& body : {no_creds.dump(), no_user.dump(), bad_arn.dump(), string_exp.dump(), std::string("<xml/>")}) {
    auto c = parse_eks_auth_reply(reply(200, body));
    ASSERT_FALSE(c) << body;
    EXPECT_EQ(c.error().http_status(), 500) << body;
    EXPECT_TRUE(c.error().message().starts_with("operation error EKS Auth: AssumeRoleForPodIdentity, "));
  }
}

// ---- HttpEksAuth against a stub ----------------------------------------------------------------------------------

class StubEksAuth {
 public:
  StubEksAuth() {
    server_ = std::make_unique<http::Server>(http::ServerOptions{}, [this](http::Request& req) { return handle(req); },
                                             nullptr);
    server_->start();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

  std::atomic<int> calls{0};
  std::atomic<int> fail_first{0};  // answer 503 to this many calls first
  std::atomic<int> status_always{0};
  std::mutex mu;
  std::string path, body, content_type, signed_service, region, security_token;

 private:
  http::Response handle(http::Request& req) {
    ++calls;
    sigv4::KeyLookup keys = [](std::string_view id) -> std::optional<sigv4::KeyInfo> {
      if (id != "AKIDAGENT") return std::nullopt;
      sigv4::KeyInfo k;
      k.secret_access_key = "agent-secret";
      k.session_token = "agent-session";
      return k;
    };
    core::SystemClock clock;
    auto verified = sigv4::verify(req, keys, clock);
    http::Response res;
    res.headers.set("x-amzn-RequestId", "req-" + std::to_string(calls.load()));
    if (!verified) {
      res.status = 403;
      res.headers.set("x-amzn-ErrorType", std::string(verified.error().code()));
      res.body = nlohmann::json{{"message", verified.error().message()}}.dump();
      return res;
    }
    {
      std::lock_guard lock(mu);
      path = req.path;
      body = *http::read_all(*verified->body, 1 << 20);
      content_type = std::string(req.headers.get("Content-Type").value_or(""));
      signed_service = verified->scope.service;
      region = verified->scope.region;
      security_token = std::string(req.headers.get("X-Amz-Security-Token").value_or(""));
    }
    if (fail_first > 0) {
      --fail_first;
      res.status = 503;
      res.headers.set("x-amzn-ErrorType", "ServiceUnavailableException");
      res.body = R"({"message":"try later"})";
      return res;
    }
    if (status_always) {
      res.status = status_always;
      res.headers.set("x-amzn-ErrorType", "AccessDeniedException");
      res.body = R"({"message":"denied"})";
      return res;
    }
    res.headers.set("Content-Type", "application/json");
    res.body = kSpecReply;
    return res;
  }

  std::unique_ptr<http::Server> server_;
};

CredentialsSource agent_keys() {
  return []() -> core::Result<sigv4::Credentials> {
    return sigv4::Credentials{"AKIDAGENT", "agent-secret", "agent-session"};
  };
}

TEST(HttpEksAuth, SignedCallAndReply) {
  StubEksAuth stub;
  core::SystemClock clock;
  SeededRandom random;
  HttpEksAuth auth({.endpoint = stub.url(), .region = "us-west-2"}, agent_keys(), clock, random);
  auto c = auth.assume_role_for_pod_identity("gitlab-cluster", "h.p.s");
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->access_key_id, "ASIAEXAMPLE");
  EXPECT_EQ(c->account_id, "111122223333");
  std::lock_guard lock(stub.mu);
  EXPECT_EQ(stub.path, "/clusters/gitlab-cluster/assume-role-for-pod-identity");
  EXPECT_EQ(nlohmann::json::parse(stub.body), nlohmann::json({{"token", "h.p.s"}}));
  EXPECT_EQ(stub.content_type, "application/json");
  EXPECT_EQ(stub.signed_service, "eks-auth");
  EXPECT_EQ(stub.region, "us-west-2");
  EXPECT_EQ(stub.security_token, "agent-session");
}

TEST(HttpEksAuth, WrongKeysGetTheServersStatus) {
  StubEksAuth stub;
  core::SystemClock clock;
  SeededRandom random;
  HttpEksAuth auth({.endpoint = stub.url()},
                   [] { return core::Result<sigv4::Credentials>(sigv4::Credentials{"AKIDOTHER", "x", ""}); }, clock,
                   random);
  auto c = auth.assume_role_for_pod_identity("c", "h.p.s");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().http_status(), 403);
  EXPECT_FALSE(eks_auth_code(c.error()).empty());
  EXPECT_EQ(stub.calls, 1);  // 403 is not retried
}

TEST(HttpEksAuth, TransientFailuresAreRetried) {
  StubEksAuth stub;
  stub.fail_first = 2;
  core::SystemClock clock;
  SeededRandom random;
  HttpEksAuth auth({.endpoint = stub.url(), .retry_backoff = milliseconds(1)}, agent_keys(), clock, random);
  auto c = auth.assume_role_for_pod_identity("c", "h.p.s");
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(stub.calls, 3);

  stub.fail_first = 5;
  stub.calls = 0;
  c = auth.assume_role_for_pod_identity("c", "h.p.s");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().http_status(), 503);
  EXPECT_EQ(stub.calls, 3);
}

TEST(HttpEksAuth, ClientErrorsAreNotRetried) {
  StubEksAuth stub;
  stub.status_always = 400;
  core::SystemClock clock;
  SeededRandom random;
  HttpEksAuth auth({.endpoint = stub.url()}, agent_keys(), clock, random);
  auto c = auth.assume_role_for_pod_identity("c", "h.p.s");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().http_status(), 400);
  EXPECT_EQ(c.error().message(), "denied");
  EXPECT_EQ(stub.calls, 1);
}

TEST(HttpEksAuth, UnreachableIs500) {
  uint16_t port;
  {
    http::Server s({}, [](http::Request&) { return http::Response{}; }, nullptr);
    s.start();
    port = s.port();
  }
  core::SystemClock clock;
  SeededRandom random;
  HttpEksAuth auth({.endpoint = "http://127.0.0.1:" + std::to_string(port), .retry_backoff = milliseconds(1)},
                   agent_keys(), clock, random);
  auto c = auth.assume_role_for_pod_identity("c", "h.p.s");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().http_status(), 500);
  EXPECT_TRUE(c.error().message().starts_with(
      "operation error EKS Auth: AssumeRoleForPodIdentity, exceeded maximum number of attempts, 3"));
  EXPECT_EQ(eks_auth_code(c.error()), "");
}

TEST(HttpEksAuth, MissingOwnCredentials) {
  StubEksAuth stub;
  core::SystemClock clock;
  SeededRandom random;
  HttpEksAuth auth({.endpoint = stub.url()},
                   [] { return core::Result<sigv4::Credentials>(core::AwsError(kInternal, "no AWS credentials")); },
                   clock, random);
  auto c = auth.assume_role_for_pod_identity("c", "h.p.s");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().http_status(), 500);
  EXPECT_NE(c.error().message().find("no AWS credentials"), std::string::npos);
  EXPECT_EQ(stub.calls, 0);
}

TEST(HttpEksAuth, DefaultEndpointAndBadUrl) {
  core::SystemClock clock;
  SeededRandom random;
  HttpEksAuth auth({.region = "eu-west-1"}, agent_keys(), clock, random);
  EXPECT_EQ(auth.endpoint().url(), "https://eks-auth.eu-west-1.api.aws");
  EXPECT_THROW(HttpEksAuth({.endpoint = "ftp://x"}, agent_keys(), clock, random), std::invalid_argument);
}

}  // namespace
}  // namespace podbucket::agent
