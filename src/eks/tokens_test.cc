// Minted tokens (header, claims) and their verification as EKS Auth does it, including every
// way a token can be refused.
#include "eks/tokens.h"

#include <gtest/gtest.h>

#include "core/encoding.h"
#include "crypto/rsa.h"
#include "eks/ids.h"
#include "eks/test_util.h"
#include "sts/jwt.h"
#include "sts/testing/rsa_signer.h"

namespace podbucket::eks {
namespace {

using nlohmann::json;
using testing::kEndpoint;
using testing::kStart;
using testing::Stack;

TEST(TokenClaimsTest, KubeletProjectedShape) {
  TokenSubject s{"gitlab", "gitlab-webservice", "sa-uid", "web-1", "pod-uid", "node-a", "node-uid"};
  json c = token_claims("https://issuer", "pods.eks.amazonaws.com", s, core::from_unix_seconds(kStart),
                        std::chrono::seconds(600), "jti-1");
  EXPECT_EQ(c["iss"], "https://issuer");
  EXPECT_EQ(c["sub"], "system:serviceaccount:gitlab:gitlab-webservice");
  EXPECT_EQ(c["aud"], json::array({"pods.eks.amazonaws.com"}));
  EXPECT_EQ(c["iat"], kStart);
  EXPECT_EQ(c["nbf"], kStart);
  EXPECT_EQ(c["exp"], kStart + 600);
  EXPECT_EQ(c["jti"], "jti-1");
  const json& k = c["kubernetes.io"];
  EXPECT_EQ(k["namespace"], "gitlab");
  EXPECT_EQ(k["serviceaccount"], json({{"name", "gitlab-webservice"}, {"uid", "sa-uid"}}));
  EXPECT_EQ(k["pod"], json({{"name", "web-1"}, {"uid", "pod-uid"}}));
  EXPECT_EQ(k["node"], json({{"name", "node-a"}, {"uid", "node-uid"}}));
}

TEST(MintTest, HeaderHasKidAndClaimsNameTheCluster) {
  Stack s;
  s.cluster("c1");
  std::string token = s.token("c1", "gitlab", "gitlab-global");
  auto decoded = sts::jwt::decode(token);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->alg, "RS256");
  auto cluster = s.clusters.find_cluster("c1");
  ASSERT_TRUE(cluster.has_value());
  EXPECT_EQ(decoded->kid, cluster->keys.back().kid);
  EXPECT_EQ(decoded->issuer, std::string(kEndpoint) + "/_oidc/c1");
  EXPECT_EQ(decoded->subject, "system:serviceaccount:gitlab:gitlab-global");
  EXPECT_EQ(*decoded->expires_at, kStart + 3600);
  // A stable service-account uid, a random jti per token.
  auto again = sts::jwt::decode(s.token("c1", "gitlab", "gitlab-global"));
  EXPECT_EQ(decoded->claims["kubernetes.io"]["serviceaccount"]["uid"],
            again->claims["kubernetes.io"]["serviceaccount"]["uid"]);
  EXPECT_NE(decoded->claims["jti"], again->claims["jti"]);
  // The JWKS verifies it.
  auto keys = s.clusters.issuer_keys("c1");
  ASSERT_TRUE(keys.has_value());
  EXPECT_TRUE(sts::jwt::verify(token, keys->jwks_json, {core::from_unix_seconds(kStart)}).has_value());
}

TEST(MintTest, GeneratesPodIdentityWhenNotGiven) {
  Stack s;
  s.cluster("c1");
  TokenRequest req;
  req.cluster = "c1";
  req.namespace_name = "default";
  req.service_account = "app";
  auto minted = s.clusters.mint_token(req);
  ASSERT_TRUE(minted.has_value());
  EXPECT_TRUE(minted->pod_name.starts_with("app-"));
  EXPECT_EQ(minted->pod_name.size(), 9u);
  EXPECT_EQ(minted->pod_uid.size(), 36u);
  EXPECT_EQ(minted->expiration, core::from_unix_seconds(kStart + 86400));
  auto decoded = sts::jwt::decode(minted->token);
  EXPECT_EQ(decoded->claims["kubernetes.io"]["pod"]["name"], minted->pod_name);
  EXPECT_EQ(decoded->claims["kubernetes.io"]["node"]["name"], "podbucket");
}

TEST(MintTest, RefusesBadInput) {
  Stack s;
  s.cluster("c1");
  TokenRequest req;
  req.cluster = "c1";
  req.namespace_name = "Bad_NS";
  req.service_account = "app";
  EXPECT_EQ(s.clusters.mint_token(req).error().code(), "InvalidParameterException");
  req.namespace_name = "default";
  req.service_account = "-app";
  EXPECT_EQ(s.clusters.mint_token(req).error().code(), "InvalidParameterException");
  req.service_account = "app";
  req.expires_in = std::chrono::seconds(0);
  EXPECT_EQ(s.clusters.mint_token(req).error().code(), "InvalidParameterException");
  req.expires_in = std::chrono::hours(49);
  EXPECT_EQ(s.clusters.mint_token(req).error().code(), "InvalidParameterException");
  req.expires_in = std::chrono::hours(1);
  req.audience = "";
  EXPECT_EQ(s.clusters.mint_token(req).error().code(), "InvalidParameterException");
  req.audience = "sts.amazonaws.com";
  req.cluster = "nope";
  EXPECT_EQ(s.clusters.mint_token(req).error().code(), "ResourceNotFoundException");
}

// ---- verify_pod_token -----------------------------------------------------------------------------------------

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override { s.cluster("c1"); }
  PodTokenChecks checks() {
    auto keys = s.clusters.issuer_keys("c1");
    PodTokenChecks c;
    c.issuer = keys->issuer;
    c.jwks_json = keys->jwks_json;
    c.now = s.clock.now();
    c.leeway = std::chrono::seconds(10);
    return c;
  }
  Stack s;
};

TEST_F(VerifyTest, AcceptsAMintedToken) {
  auto pod = verify_pod_token(s.token("c1", "gitlab", "gitlab-global"), checks());
  ASSERT_TRUE(pod.has_value()) << pod.error().message();
  EXPECT_EQ(pod->namespace_name, "gitlab");
  EXPECT_EQ(pod->service_account, "gitlab-global");
  EXPECT_EQ(pod->pod_name, "web-5d8f7c9b4-x2x7q");
  EXPECT_EQ(pod->pod_uid, "8c4e3f0a-1b2c-4d5e-8f90-a1b2c3d4e5f6");
  EXPECT_EQ(pod->expires_at, kStart + 3600);
}

TEST_F(VerifyTest, WrongAudience) {
  auto r = verify_pod_token(s.token("c1", "gitlab", "gitlab-global", "sts.amazonaws.com"), checks());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), "InvalidTokenException");
  EXPECT_EQ(r.error().http_status(), 400);
}

TEST_F(VerifyTest, ExpiredBeyondTheLeeway) {
  std::string token = s.token("c1", "gitlab", "gitlab-global", "pods.eks.amazonaws.com", 60);
  s.clock.advance(std::chrono::seconds(70));  // exp + 10 s leeway: still accepted
  EXPECT_TRUE(verify_pod_token(token, checks()).has_value());
  s.clock.advance(std::chrono::seconds(1));
  auto r = verify_pod_token(token, checks());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), "ExpiredTokenException");
  EXPECT_EQ(r.error().http_status(), 400);
  EXPECT_EQ(r.error().message(),
            "The token included in the request is expired: current date/time 2027-01-15T08:01:11Z must be before "
            "the expiration date/time 2027-01-15T08:01:00Z");
}

TEST_F(VerifyTest, NotYetValid) {
  std::string token = s.token("c1", "gitlab", "gitlab-global");
  s.clock.advance(std::chrono::seconds(-11));
  auto r = verify_pod_token(token, checks());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), "InvalidTokenException");
}

TEST_F(VerifyTest, ForeignIssuerAndForeignKey) {
  sts::testing::RsaSigner other("other-kid");
  json claims = {{"iss", "https://oidc.example/other"},
                 {"sub", "system:serviceaccount:gitlab:gitlab-global"},
                 {"aud", json::array({"pods.eks.amazonaws.com"})},
                 {"exp", kStart + 600},
                 {"iat", kStart},
                 {"kubernetes.io", {{"pod", {{"name", "p"}, {"uid", "u"}}}}}};
  auto r = verify_pod_token(other.token(claims), checks());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), "InvalidTokenException");
  EXPECT_EQ(r.error().message(), "The token was not issued by the cluster's service account issuer.");
  // Right issuer, wrong key.
  claims["iss"] = checks().issuer;
  r = verify_pod_token(other.token(claims), checks());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), "InvalidTokenException");
  EXPECT_NE(r.error().message().find("signature"), std::string::npos);
}

TEST_F(VerifyTest, TamperedAndMalformed) {
  std::string token = s.token("c1", "gitlab", "gitlab-global");
  auto dot = token.find('.');
  json claims = json::parse(*core::base64url_decode(token.substr(dot + 1, token.rfind('.') - dot - 1)));
  claims["sub"] = "system:serviceaccount:kube-system:admin";
  std::string forged = token.substr(0, dot + 1) + core::base64url_encode(claims.dump()) + token.substr(token.rfind('.'));
  EXPECT_EQ(verify_pod_token(forged, checks()).error().code(), "InvalidTokenException");
  EXPECT_EQ(verify_pod_token("a.b.c", checks()).error().code(), "InvalidTokenException");
  EXPECT_EQ(verify_pod_token("", checks()).error().code(), "InvalidTokenException");
}

/// Signs `claims` with the cluster's own key (as a kube-apiserver would), to test claim checks past the signature.
std::string sign_as_cluster(Stack& s, const json& claims) {
  auto c = s.clusters.find_cluster("c1");
  auto key = crypto::RsaKey::from_pkcs8_der(c->keys.back().private_key);
  json header = {{"alg", "RS256"}, {"kid", c->keys.back().kid}};
  std::string input = core::base64url_encode(header.dump()) + "." + core::base64url_encode(claims.dump());
  return input + "." + core::base64url_encode(key->sign_rs256(input));
}

TEST_F(VerifyTest, SubjectMustBeAServiceAccountBoundToAPod) {
  json base = {{"iss", checks().issuer},
               {"aud", json::array({"pods.eks.amazonaws.com"})},
               {"exp", kStart + 600},
               {"iat", kStart},
               {"kubernetes.io", {{"namespace", "gitlab"}, {"pod", {{"name", "p"}, {"uid", "u"}}}}}};
  json c = base;
  c["sub"] = "system:serviceaccount:gitlab:app";
  EXPECT_TRUE(verify_pod_token(sign_as_cluster(s, c), checks()).has_value());
  for (const char* bad : {"alice", "system:serviceaccount:gitlab", "system:node:gitlab:app",
                          "system:serviceaccount:Gitlab:app"}) {
    c["sub"] = bad;
    auto r = verify_pod_token(sign_as_cluster(s, c), checks());
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code(), "InvalidTokenException") << bad;
  }
  c["sub"] = "system:serviceaccount:other:app";  // disagrees with kubernetes.io.namespace
  EXPECT_EQ(verify_pod_token(sign_as_cluster(s, c), checks()).error().code(), "InvalidTokenException");
  c = base;
  c["sub"] = "system:serviceaccount:gitlab:app";
  c["kubernetes.io"].erase("pod");
  EXPECT_EQ(verify_pod_token(sign_as_cluster(s, c), checks()).error().message(), "The token is not bound to a pod.");
  c = base;
  c["sub"] = "system:serviceaccount:gitlab:app";
  c.erase("exp");
  EXPECT_EQ(verify_pod_token(sign_as_cluster(s, c), checks()).error().code(), "InvalidTokenException");
}

TEST(IdsTest, Formats) {
  testing::SeededRandom random;
  std::string id = new_association_id(random);
  EXPECT_EQ(id.size(), 19u);
  EXPECT_TRUE(id.starts_with("a-"));
  for (char c : id.substr(2)) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) << id;
  std::string uuid = new_uuid(random);
  EXPECT_EQ(uuid.size(), 36u);
  EXPECT_EQ(uuid[14], '4');
  EXPECT_EQ(stable_uuid("x"), stable_uuid("x"));
  EXPECT_NE(stable_uuid("x"), stable_uuid("y"));
  EXPECT_TRUE(valid_cluster_name("gitlab-cluster-blog"));
  EXPECT_TRUE(valid_cluster_name("A_1"));
  EXPECT_FALSE(valid_cluster_name("-a"));
  EXPECT_FALSE(valid_cluster_name("a.b"));
  EXPECT_FALSE(valid_cluster_name(std::string(101, 'a')));
  EXPECT_TRUE(is_role_arn("arn:aws:iam::123456789012:role/x"));
  EXPECT_TRUE(is_role_arn("arn:aws:iam::123456789012:role/path/x"));
  EXPECT_FALSE(is_role_arn("arn:aws:iam::123456789012:user/x"));
  EXPECT_FALSE(is_role_arn("arn:aws:iam::12345678901:role/x"));
  EXPECT_FALSE(is_role_arn("arn:aws:iam::123456789012:role/"));
  EXPECT_EQ(association_arn("us-west-2", "111122223333", "my-cluster", "a-abcdefghijklmnop1"),
            "arn:aws:eks:us-west-2:111122223333:podidentityassociation/my-cluster/a-abcdefghijklmnop1");
}

}  // namespace
}  // namespace podbucket::eks
