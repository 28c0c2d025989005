// OIDC discovery on the shared port: paths, documents, methods and the errors of everything else under /_oidc/.
#include "eks/oidc.h"

#include <gtest/gtest.h>

#include "eks/test_util.h"
#include "sts/testing/rsa_signer.h"

namespace podbucket::eks {
namespace {

using nlohmann::json;
using testing::Stack;

core::Result<http::Response> get(const OidcDiscovery& oidc, const std::string& path, const std::string& method = "GET") {
  http::StringBodySource body("");
  http::Request req;
  req.method = method;
  req.path = path;
  req.target = path;
  req.body = &body;
  return oidc.handle(req);
}

TEST(OidcTest, PathsNoBucketCanHave) {
  EXPECT_TRUE(is_oidc_path("/_oidc/c1/keys"));
  EXPECT_TRUE(is_oidc_path("/_oidc/c1/.well-known/openid-configuration"));
  EXPECT_FALSE(is_oidc_path("/oidc/c1/keys"));
  EXPECT_FALSE(is_oidc_path("/bucket/_oidc/c1/keys"));
  EXPECT_FALSE(is_oidc_path("/_oidc"));
}

TEST(OidcTest, DiscoveryAndKeys) {
  Stack s;
  s.cluster("c1");
  auto r = get(s.oidc, "/_oidc/c1/.well-known/openid-configuration");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->headers.get("Content-Type"), "application/json");
  json doc = json::parse(r->body);
  EXPECT_EQ(doc["issuer"], "http://127.0.0.1:9000/_oidc/c1");
  EXPECT_EQ(doc["jwks_uri"], "http://127.0.0.1:9000/_oidc/c1/keys");

  r = get(s.oidc, "/_oidc/c1/keys");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->body, *s.clusters.jwks("c1"));
  EXPECT_EQ(json::parse(r->body)["keys"].size(), 1u);

  r = get(s.oidc, "/_oidc/c1/keys", "HEAD");
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->head);
  EXPECT_TRUE(r->body.empty());
  EXPECT_EQ(r->stream_length, s.clusters.jwks("c1")->size());
}

TEST(OidcTest, Errors) {
  Stack s;
  s.cluster("c1");
  sts::testing::RsaSigner k8s("k");
  ASSERT_TRUE(s.clusters.add_external_cluster("ext", "https://k8s.example", k8s.jwks()).has_value());
  for (const char* path : {"/_oidc/nope/keys", "/_oidc/c1/other", "/_oidc/c1", "/_oidc/c1/keys/x",
                           "/_oidc/ext/keys", "/_oidc/ext/.well-known/openid-configuration"}) {
    auto r = get(s.oidc, path);
    ASSERT_FALSE(r.has_value()) << path;
    EXPECT_EQ(r.error().http_status(), 404) << path;
  }
  auto r = get(s.oidc, "/_oidc/c1/keys", "POST");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().http_status(), 405);
  ASSERT_EQ(r.error().headers().size(), 1u);
  EXPECT_EQ(r.error().headers()[0].second, "GET, HEAD");
}

}  // namespace
}  // namespace podbucket::eks
