// ClusterRegistry: local and external clusters, persistence (plain and sealed keys), key rotation and the JWKS,
// OIDC discovery documents, and the IdentityProviders seam.
#include "eks/clusters.h"

#include <gtest/gtest.h>

#include "core/encoding.h"
#include "eks/test_util.h"
#include "sts/jwt.h"
#include "sts/testing/rsa_signer.h"

namespace podbucket::eks {
namespace {

using nlohmann::json;
using testing::kAccount;
using testing::kEndpoint;
using testing::kStart;
using testing::SeededRandom;

class RegistryTest : public ::testing::Test {
 protected:
  Config config(std::string wrapping = "") {
    Config c;
    c.account_id = kAccount;
    c.region = "eu-west-1";
    c.public_endpoint = std::string(kEndpoint) + "/";
    c.key_wrapping_key = std::move(wrapping);
    return c;
  }
  ClusterSpec spec(std::string name, std::string token = "") {
    ClusterSpec s;
    s.name = std::move(name);
    s.role_arn = std::string("arn:aws:iam::") + kAccount + ":role/eks";
    s.client_request_token = std::move(token);
    return s;
  }
  core::FakeClock clock{core::from_unix_seconds(kStart)};
  SeededRandom random;
  std::unique_ptr<store::Documents> docs = store::make_memory_documents();
};

TEST_F(RegistryTest, CreateFindListDelete) {
  ClusterRegistry reg(*docs, clock, random, config());
  auto c = reg.create_cluster(spec("b"));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->arn, "arn:aws:eks:eu-west-1:123456789012:cluster/b");
  EXPECT_EQ(c->version, "1.31");
  EXPECT_EQ(c->keys.size(), 1u);
  EXPECT_EQ(reg.issuer_of(*c), "http://127.0.0.1:9000/_oidc/b");  // trailing slash of the endpoint dropped
  ASSERT_TRUE(reg.create_cluster(spec("a")).has_value());
  EXPECT_EQ(reg.cluster_names(), (std::vector<std::string>{"a", "b"}));

  auto dup = reg.create_cluster(spec("b"));
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().code(), "ResourceInUseException");
  EXPECT_EQ(dup.error().http_status(), 409);
  EXPECT_EQ(dup.error().message(), "Cluster already exists with name: b");

  auto gone = reg.delete_cluster("b");
  ASSERT_TRUE(gone.has_value());
  EXPECT_FALSE(reg.find_cluster("b").has_value());
  EXPECT_EQ(reg.delete_cluster("b").error().code(), "ResourceNotFoundException");
  EXPECT_FALSE(reg.create_cluster(spec("bad name")).has_value());
}

TEST_F(RegistryTest, ClientRequestTokenMakesCreateIdempotent) {
  ClusterRegistry reg(*docs, clock, random, config());
  auto first = reg.create_cluster(spec("c", "tok-1"));
  ASSERT_TRUE(first.has_value());
  auto again = reg.create_cluster(spec("c", "tok-1"));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->id, first->id);
  EXPECT_EQ(reg.create_cluster(spec("c", "tok-2")).error().code(), "ResourceInUseException");
}

TEST_F(RegistryTest, SurvivesARestartAndTokensStillVerify) {
  std::string token;
  {
    ClusterRegistry reg(*docs, clock, random, config());
    ASSERT_TRUE(reg.create_cluster(spec("c")).has_value());
    TokenRequest req{"c", "ns", "sa"};
    token = reg.mint_token(req)->token;
  }
  ClusterRegistry reg(*docs, clock, random, config());
  auto keys = reg.issuer_keys("c");
  ASSERT_TRUE(keys.has_value());
  EXPECT_TRUE(sts::jwt::verify(token, keys->jwks_json, {clock.now()}).has_value());
  TokenRequest req{"c", "ns", "sa"};
  EXPECT_TRUE(reg.mint_token(req).has_value());
}

TEST_F(RegistryTest, SealedKeysNeedTheWrappingKey) {
  const std::string wrap(32, 'k');
  {
    ClusterRegistry reg(*docs, clock, random, config(wrap));
    ASSERT_TRUE(reg.create_cluster(spec("c")).has_value());
  }
  // The stored private key is sealed: not a parsable PKCS#8 key.
  auto doc = decode_cluster(*docs->get(kClustersCollection, "c"));
  ASSERT_TRUE(doc.has_value());
  EXPECT_TRUE(doc->keys[0].sealed);
  EXPECT_FALSE(crypto::RsaKey::from_pkcs8_der(doc->keys[0].private_key).has_value());

  ClusterRegistry good(*docs, clock, random, config(wrap));
  TokenRequest req{"c", "ns", "sa"};
  EXPECT_TRUE(good.mint_token(req).has_value());
  ClusterRegistry wrong(*docs, clock, random, config(std::string(32, 'x')));
  auto r = wrong.mint_token(req);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), "ServerException");
}

TEST_F(RegistryTest, RotationKeepsOldKeysUntilTheirTokensExpired) {
  Config cfg = config();
  cfg.max_token_lifetime = std::chrono::hours(2);
  ClusterRegistry reg(*docs, clock, random, cfg);
  ASSERT_TRUE(reg.create_cluster(spec("c")).has_value());
  TokenRequest req{"c", "ns", "sa"};
  req.expires_in = std::chrono::hours(2);
  std::string old_token = reg.mint_token(req)->token;
  std::string old_kid = reg.find_cluster("c")->keys[0].kid;

  auto kid = reg.rotate_signing_key("c");
  ASSERT_TRUE(kid.has_value());
  EXPECT_NE(*kid, old_kid);
  auto minted = reg.mint_token(req);
  EXPECT_EQ(minted->kid, *kid);
  json jwks = json::parse(*reg.jwks("c"));
  ASSERT_EQ(jwks["keys"].size(), 2u);
  EXPECT_TRUE(sts::jwt::verify(old_token, *reg.jwks("c"), {clock.now()}).has_value());
  EXPECT_TRUE(sts::jwt::verify(minted->token, *reg.jwks("c"), {clock.now()}).has_value());

  // Two hours later every token of the old key has expired: it leaves the JWKS (and the next rotation drops it).
  clock.advance(std::chrono::hours(2) + std::chrono::seconds(1));
  jwks = json::parse(*reg.jwks("c"));
  ASSERT_EQ(jwks["keys"].size(), 1u);
  EXPECT_EQ(jwks["keys"][0]["kid"], *kid);
  ASSERT_TRUE(reg.rotate_signing_key("c").has_value());
  EXPECT_EQ(reg.find_cluster("c")->keys.size(), 2u);
  EXPECT_EQ(reg.rotate_signing_key("nope").error().code(), "ResourceNotFoundException");
}

TEST_F(RegistryTest, JwksAndDiscoveryDocuments) {
  ClusterRegistry reg(*docs, clock, random, config());
  ASSERT_TRUE(reg.create_cluster(spec("c")).has_value());
  json jwks = json::parse(*reg.jwks("c"));
  ASSERT_EQ(jwks["keys"].size(), 1u);
  const json& k = jwks["keys"][0];
  EXPECT_EQ(k["kty"], "RSA");
  EXPECT_EQ(k["alg"], "RS256");
  EXPECT_EQ(k["use"], "sig");
  EXPECT_EQ(k["e"], "AQAB");
  EXPECT_EQ(core::base64url_decode(k["n"].get<std::string>())->size(), 256u);
  EXPECT_FALSE(k.contains("d"));  // never the private part

  json disc = json::parse(*reg.openid_configuration("c"));
  EXPECT_EQ(disc["issuer"], "http://127.0.0.1:9000/_oidc/c");
  EXPECT_EQ(disc["jwks_uri"], "http://127.0.0.1:9000/_oidc/c/keys");
  EXPECT_EQ(disc["id_token_signing_alg_values_supported"], json::array({"RS256"}));
  EXPECT_EQ(disc["response_types_supported"], json::array({"id_token"}));
  EXPECT_EQ(disc["subject_types_supported"], json::array({"public"}));
  EXPECT_FALSE(reg.jwks("nope").has_value());

  reg.set_public_endpoint("https://pb.example:8443");
  disc = json::parse(*reg.openid_configuration("c"));
  EXPECT_EQ(disc["issuer"], "https://pb.example:8443/_oidc/c");
}

TEST_F(RegistryTest, ExternalClusters) {
  ClusterRegistry reg(*docs, clock, random, config());
  sts::testing::RsaSigner k8s("k8s-key");
  auto c = reg.add_external_cluster("prod", "https://oidc.example/id/ABC/", k8s.jwks());
  ASSERT_TRUE(c.has_value()) << c.error().message();
  EXPECT_EQ(c->kind, ClusterKind::kExternal);
  EXPECT_EQ(reg.issuer_of(*c), "https://oidc.example/id/ABC");
  EXPECT_EQ(reg.issuer_keys("prod")->jwks_json, k8s.jwks());
  EXPECT_FALSE(reg.jwks("prod").has_value());  // podbucket serves no discovery for it
  EXPECT_FALSE(reg.openid_configuration("prod").has_value());
  TokenRequest req{"prod", "ns", "sa"};
  EXPECT_EQ(reg.mint_token(req).error().code(), "InvalidRequestException");
  EXPECT_EQ(reg.rotate_signing_key("prod").error().code(), "InvalidRequestException");

  EXPECT_EQ(reg.add_external_cluster("prod", "https://x", k8s.jwks()).error().code(), "ResourceInUseException");
  EXPECT_EQ(reg.add_external_cluster("p2", "ftp://x", k8s.jwks()).error().code(), "InvalidParameterException");
  EXPECT_EQ(reg.add_external_cluster("p2", "https://x?a=b", k8s.jwks()).error().code(), "InvalidParameterException");
  EXPECT_EQ(reg.add_external_cluster("p2", "https://x", R"({"keys":[]})").error().code(),
            "InvalidParameterException");
  EXPECT_EQ(reg.add_external_cluster("p2", "https://x", "nope").error().code(), "InvalidParameterException");

  sts::testing::RsaSigner next("k8s-key-2");
  EXPECT_TRUE(reg.set_external_jwks("prod", next.jwks()).has_value());
  EXPECT_EQ(reg.issuer_keys("prod")->jwks_json, next.jwks());
  ASSERT_TRUE(reg.create_cluster(spec("local")).has_value());
  EXPECT_EQ(reg.set_external_jwks("local", next.jwks()).error().code(), "InvalidParameterException");
}

TEST_F(RegistryTest, IdentityProvidersSeamForIrsa) {
  ClusterRegistry reg(*docs, clock, random, config());
  ASSERT_TRUE(reg.create_cluster(spec("c")).has_value());
  sts::testing::RsaSigner k8s("k8s-key");
  ASSERT_TRUE(reg.add_external_cluster("prod", "https://oidc.example/id/ABC", k8s.jwks()).has_value());
  const sts::IdentityProviders& providers = reg;
  auto local = providers.find("http://127.0.0.1:9000/_oidc/c");
  ASSERT_TRUE(local.has_value());
  EXPECT_EQ(local->jwks_json, *reg.jwks("c"));
  EXPECT_EQ(local->client_ids, std::vector<std::string>{"sts.amazonaws.com"});
  auto external = providers.find("https://oidc.example/id/ABC");
  ASSERT_TRUE(external.has_value());
  EXPECT_EQ(external->jwks_json, k8s.jwks());
  EXPECT_FALSE(providers.find("http://127.0.0.1:9000/_oidc/other").has_value());
}

}  // namespace
}  // namespace podbucket::eks
