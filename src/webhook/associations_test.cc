// Association sources (the file form, the podbucket server's ListPodIdentityAssociations with paging and SigV4),
// the manifest, and the webhook served over TLS.
#include "webhook/associations.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "http/server.h"
#include "sigv4/verify.h"
#include "webhook/manifest.h"
#include "webhook/webhook.h"

namespace podbucket::webhook {
namespace {

using json = nlohmann::json;

TEST(IdentitiesFile, Forms) {
  auto set = parse_identities_file(
      R"({"identities":[{"namespace":"gitlab","serviceAccount":"gitlab-global"},{"namespace":"a","serviceAccount":"b"}]})");
  ASSERT_TRUE(set);
  EXPECT_EQ(*set, (IdentitySet{{"gitlab", "gitlab-global"}, {"a", "b"}}));
  EXPECT_TRUE(parse_identities_file("")->empty());  // an empty file clears the set
  EXPECT_TRUE(parse_identities_file("{}")->empty());
  EXPECT_FALSE(parse_identities_file("[]"));
  EXPECT_FALSE(parse_identities_file(R"({"identities":[{"namespace":"a"}]})"));
}

TEST(AssociationPage, Parse) {
  IdentitySet out;
  auto next = parse_association_page(
      R"({"associations":[{"clusterName":"c","namespace":"gitlab","serviceAccount":"gitlab-global",
          "associationArn":"arn:aws:eks:us-east-1:000000000000:podidentityassociation/c/a-abcdefghijklmnop1",
          "associationId":"a-abcdefghijklmnop1"}],"nextToken":"t2"})",
      out);
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, "t2");
  EXPECT_EQ(out, (IdentitySet{{"gitlab", "gitlab-global"}}));
  EXPECT_EQ(*parse_association_page(R"({"associations":[]})", out), "");
  EXPECT_FALSE(parse_association_page(R"({"clusters":[]})", out));
}

TEST(StaticAssociations, Replace) {
  StaticAssociations s(IdentitySet{{"a", "b"}});
  EXPECT_TRUE(s.has("a", "b"));
  EXPECT_FALSE(s.has("a", "c"));
  s.replace({{"a", "c"}});
  EXPECT_FALSE(s.has("a", "b"));
  EXPECT_TRUE(s.has("a", "c"));
}

// A stub EKS API: two pages of associations for cluster "gitlab-cluster", 404 for any other cluster, and SigV4
// checked with podbucket's verifier.
class StubEks {
 public:
  StubEks() {
    server_ = std::make_unique<http::Server>(http::ServerOptions{}, [this](http::Request& r) { return handle(r); },
                                             nullptr);
    server_->start();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  std::atomic<int> calls{0};
  std::atomic<bool> second_page_has_runner{true};
  std::mutex mu;
  std::vector<std::string> queries;
  std::string service;

 private:
  http::Response handle(http::Request& req) {
    ++calls;
    sigv4::KeyLookup keys = [](std::string_view id) -> std::optional<sigv4::KeyInfo> {
      if (id != "AKIDWEBHOOK") return std::nullopt;
      sigv4::KeyInfo k;
      k.secret_access_key = "webhook-secret";
      return k;
    };
    core::SystemClock clock;
    auto v = sigv4::verify(req, keys, clock);
    http::Response res;
    res.headers.set("Content-Type", "application/json");
    if (!v) {
      res.status = 403;
      res.headers.set("x-amzn-ErrorType", "UnrecognizedClientException");
      res.body = R"({"message":"bad signature"})";
      return res;
    }
    {
      std::lock_guard lock(mu);
      queries.push_back(req.raw_query);
      service = v->scope.service;
    }
    if (req.path != "/clusters/gitlab-cluster/pod-identity-associations") {
      res.status = 404;
      res.headers.set("x-amzn-ErrorType", "ResourceNotFoundException");
      res.body = R"({"message":"No cluster found for name: other."})";
      return res;
    }
    if (req.raw_query.find("nextToken=page%2B2") == std::string::npos) {
      res.body = R"({"associations":[{"namespace":"gitlab","serviceAccount":"gitlab-global"}],"nextToken":"page+2"})";
    } else if (second_page_has_runner) {
      res.body = R"({"associations":[{"namespace":"gitlab","serviceAccount":"gitlab-runner"}]})";
    } else {
      res.body = R"({"associations":[]})";
    }
    return res;
  }
  std::unique_ptr<http::Server> server_;
};

CredentialsSource webhook_keys() {
  return [] { return core::Result<sigv4::Credentials>(sigv4::Credentials{"AKIDWEBHOOK", "webhook-secret", ""}); };
}

TEST(EksAssociations, AllPagesSigned) {
  StubEks stub;
  core::SystemClock clock;
  EksAssociations assoc({.endpoint = stub.url(), .cluster = "gitlab-cluster"}, webhook_keys(), clock);
  EXPECT_FALSE(assoc.ready());
  EXPECT_FALSE(assoc.has("gitlab", "gitlab-global"));
  auto n = assoc.refresh();
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(*n, 2u);
  EXPECT_TRUE(assoc.ready());
  EXPECT_TRUE(assoc.has("gitlab", "gitlab-global"));
  EXPECT_TRUE(assoc.has("gitlab", "gitlab-runner"));
  EXPECT_FALSE(assoc.has("gitlab", "gitlab-redis"));
  std::lock_guard lock(stub.mu);
  EXPECT_EQ(stub.service, "eks");
  EXPECT_EQ(stub.queries, (std::vector<std::string>{"maxResults=100", "maxResults=100&nextToken=page%2B2"}));
}

TEST(EksAssociations, RefreshReplacesAndFailuresKeepTheLastGoodSet) {
  StubEks stub;
  core::SystemClock clock;
  EksAssociations assoc({.endpoint = stub.url(), .cluster = "gitlab-cluster"}, webhook_keys(), clock);
  ASSERT_TRUE(assoc.refresh());
  stub.second_page_has_runner = false;
  ASSERT_TRUE(assoc.refresh());
  EXPECT_FALSE(assoc.has("gitlab", "gitlab-runner"));  // deleted associations disappear

  EksAssociations wrong_keys({.endpoint = stub.url(), .cluster = "gitlab-cluster"},
                             [] { return core::Result<sigv4::Credentials>(sigv4::Credentials{"AKIDX", "x", ""}); },
                             clock);
  auto r = wrong_keys.refresh();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().http_status(), 403);
  EXPECT_NE(r.error().message().find("UnrecognizedClientException"), std::string::npos);
  EXPECT_FALSE(wrong_keys.ready());

  EksAssociations other({.endpoint = stub.url(), .cluster = "other"}, webhook_keys(), clock);
  r = other.refresh();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().http_status(), 404);
  EXPECT_EQ(r.error().message(), "ResourceNotFoundException: No cluster found for name: other.");
}

TEST(EksAssociations, BackgroundRefresh) {
  StubEks stub;
  core::SystemClock clock;
  EksAssociations assoc(
      {.endpoint = stub.url(), .cluster = "gitlab-cluster", .refresh_interval = std::chrono::milliseconds(50)},
      webhook_keys(), clock);
  assoc.start();
  for (int i = 0; i < 100 && stub.calls < 6; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  assoc.stop();
  EXPECT_GE(stub.calls, 6);  // three refreshes of two pages
  EXPECT_TRUE(assoc.has("gitlab", "gitlab-global"));
  EXPECT_THROW(EksAssociations({.endpoint = "nope"}, webhook_keys(), clock), std::invalid_argument);
}

TEST(Manifest, MutatingWebhookConfiguration) {
  ManifestOptions o;
  o.ca_bundle_pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  std::string yaml = mutating_webhook_configuration(o);
  EXPECT_NE(yaml.find("kind: MutatingWebhookConfiguration\n"), std::string::npos);
  EXPECT_NE(yaml.find("      caBundle: " + core::base64_encode(o.ca_bundle_pem) + "\n"), std::string::npos);
  EXPECT_NE(yaml.find("        name: podbucket-pod-identity-webhook\n        namespace: kube-system\n"
                      "        path: /mutate\n        port: 443\n"),
            std::string::npos);
  EXPECT_NE(yaml.find("      - operations: [\"CREATE\"]\n        apiGroups: [\"\"]\n        apiVersions: [\"v1\"]\n"
                      "        resources: [\"pods\"]\n"),
            std::string::npos);
  EXPECT_NE(yaml.find("    failurePolicy: Ignore\n    sideEffects: None\n"), std::string::npos);
  EXPECT_NE(yaml.find("        - key: eks.amazonaws.com/skip-pod-identity-webhook\n          operator: DoesNotExist\n"),
            std::string::npos);
  EXPECT_NE(yaml.find("admissionReviewVersions: [\"v1\"]"), std::string::npos);
  o.url = "https://10.0.0.5:8443/mutate";
  yaml = mutating_webhook_configuration(o);
  EXPECT_NE(yaml.find("      url: \"https://10.0.0.5:8443/mutate\"\n"), std::string::npos);
  EXPECT_EQ(yaml.find("service:"), std::string::npos);
}

class ZeroRandom final : public core::Random {
 public:
  std::string bytes(size_t n) override { return std::string(n, '\0'); }
};

TEST(Webhook, ServesOverTls) {
  auto dir = std::filesystem::temp_directory_path() / ("podbucket-webhook-tls-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string cert = (dir / "cert.pem").string(), key = (dir / "key.pem").string();
  std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=podbucket-webhook -addext "
                    "subjectAltName=IP:127.0.0.1 -keyout " + key + " -out " + cert + " >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "the openssl command is needed";
  StaticAssociations assoc(IdentitySet{{"ns", "sa"}});
  ZeroRandom random;
  WebhookOptions o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.tls = http::TlsOptions{cert, key};
  Webhook hook(o, assoc, random);
  hook.start();
  http::ClientOptions copt;
  copt.ca_file = cert;
  http::Client client({true, "127.0.0.1", hook.port(), ""}, copt);
  http::Request req;
  req.method = "POST";
  req.target = "/mutate";
  req.headers.set("Content-Type", "application/json");
  auto res = client.send(req, R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"x",
    "namespace":"ns","object":{"metadata":{},"spec":{"serviceAccountName":"sa","containers":[{"name":"c"}]}}}})");
  ASSERT_TRUE(res) << res.error().message();
  ASSERT_EQ(res->status, 200);
  auto body = json::parse(res->body);
  EXPECT_EQ(body["response"]["uid"], "x");
  auto patch = json::parse(*core::base64_decode(body["response"]["patch"].get<std::string>()));
  EXPECT_EQ(patch[1]["value"][0]["projected"]["sources"][0]["serviceAccountToken"]["expirationSeconds"], 79200);
  req.method = "GET";
  req.target = "/healthz";
  auto health = client.send(req);
  ASSERT_TRUE(health);
  EXPECT_EQ(health->body, "ok");
  hook.stop();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace podbucket::webhook
