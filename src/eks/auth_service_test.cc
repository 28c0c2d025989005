// EksAuthService: AssumeRoleForPodIdentity end to end over the real IAM Directory, Authorizer, STS session store
// and RoleAssumer: the response shape, session tags and name, lifetime, role chaining, and every error path of
// spec 2.4 with its status.
#include "eks/auth_service.h"

#include <gtest/gtest.h>

#include "eks/test_util.h"
#include "sts/testing/rsa_signer.h"

namespace podbucket::eks {
namespace {

using nlohmann::json;
using testing::allow;
using testing::kAccount;
using testing::kPodsTrust;
using testing::kPodsTrustNoTag;
using testing::kStart;
using testing::Reply;
using testing::Stack;

constexpr const char* kCluster = "gitlab-cluster-blog";
const std::string kRoleArn = std::string("arn:aws:iam::") + kAccount + ":role/gitlab-eks-global";

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    s.cluster(kCluster);
    s.role("gitlab-eks-global", kPodsTrust, allow(R"("s3:*")", "arn:aws:s3:::gitlab-*"));
    association = s.associate(kCluster, "gitlab", "gitlab-global", kRoleArn);
  }
  Reply assume(const std::string& token, const core::Principal& who = Stack::root()) {
    return s.auth_call(kCluster, {{"token", token}}, who);
  }
  Stack s;
  std::string association;
};

TEST_F(AuthTest, IssuesCredentialsInTheSpecShape) {
  Reply r = assume(s.token(kCluster, "gitlab", "gitlab-global"));
  ASSERT_EQ(r.status, 200) << r.code << ": " << r.message;
  const json& b = r.body;
  EXPECT_EQ(b["subject"], json({{"namespace", "gitlab"}, {"serviceAccount", "gitlab-global"}}));
  EXPECT_EQ(b["audience"], "pods.eks.amazonaws.com");
  EXPECT_EQ(b["podIdentityAssociation"]["associationId"], association);
  EXPECT_EQ(b["podIdentityAssociation"]["associationArn"],
            "arn:aws:eks:us-east-1:123456789012:podidentityassociation/gitlab-cluster-blog/" + association);
  const std::string arn = b["assumedRoleUser"]["arn"];
  EXPECT_TRUE(arn.starts_with("arn:aws:sts::123456789012:assumed-role/gitlab-eks-global/eks-gitlab-cluster-blog-web-"))
      << arn;
  const std::string session = arn.substr(arn.rfind('/') + 1);
  EXPECT_LE(session.size(), 64u);
  const std::string role_id = s.directory.find_role("gitlab-eks-global")->id;
  EXPECT_EQ(b["assumedRoleUser"]["assumeRoleId"], role_id + ":" + session);
  const json& c = b["credentials"];
  EXPECT_TRUE(c["accessKeyId"].get<std::string>().starts_with("ASIA"));
  EXPECT_EQ(c["secretAccessKey"].get<std::string>().size(), 40u);
  EXPECT_FALSE(c["sessionToken"].get<std::string>().empty());
  EXPECT_TRUE(c["expiration"].is_number_integer());  // epoch seconds
  EXPECT_EQ(c["expiration"], kStart + 6 * 3600);     // the default lifetime

  // The session acts as the role with the six session tags.
  auto found = s.sessions.find(c["accessKeyId"].get<std::string>());
  ASSERT_TRUE(found.has_value());
  const core::Principal& p = found->principal;
  EXPECT_EQ(p.type, core::PrincipalType::kAssumedRole);
  EXPECT_EQ(p.role_arn, kRoleArn);
  EXPECT_EQ(p.tags.at("eks-cluster-arn"), "arn:aws:eks:us-east-1:123456789012:cluster/gitlab-cluster-blog");
  EXPECT_EQ(p.tags.at("eks-cluster-name"), kCluster);
  EXPECT_EQ(p.tags.at("kubernetes-namespace"), "gitlab");
  EXPECT_EQ(p.tags.at("kubernetes-service-account"), "gitlab-global");
  EXPECT_EQ(p.tags.at("kubernetes-pod-name"), "web-5d8f7c9b4-x2x7q");
  EXPECT_EQ(p.tags.at("kubernetes-pod-uid"), "8c4e3f0a-1b2c-4d5e-8f90-a1b2c3d4e5f6");
  EXPECT_EQ(p.transitive_tag_keys.size(), 6u);

  // ... and those credentials are allowed what the role allows, and tagged for ABAC.
  iam::RequestFacts facts;
  auto ctx = iam::global_context(p, facts);
  ASSERT_NE(ctx.find("aws:PrincipalTag/kubernetes-namespace"), nullptr);
  EXPECT_EQ((*ctx.find("aws:PrincipalTag/kubernetes-namespace"))[0], "gitlab");
  iam::AuthzRequest yes{p, "s3:PutObject", "arn:aws:s3:::gitlab-artifacts/x", ctx};
  EXPECT_TRUE(s.authorizer.authorize(yes).allowed());
  iam::AuthzRequest no{p, "s3:PutObject", "arn:aws:s3:::other/x", ctx};
  EXPECT_FALSE(s.authorizer.authorize(no).allowed());
}

TEST_F(AuthTest, LifetimeIsConfigurable) {
  Config c = s.config;
  c.credential_lifetime = std::chrono::seconds(900);
  ClusterRegistry clusters(*s.docs, s.clock, s.random, c);
  EksAuthService auth(clusters, s.associations, s.assumer, s.authorizer, s.clock, s.random);
  http::StringBodySource body(json{{"token", s.token(kCluster, "gitlab", "gitlab-global")}}.dump());
  http::Request req;
  req.method = "POST";
  req.path = std::string("/clusters/") + kCluster + "/assume-role-for-pod-identity";
  req.body = &body;
  core::Principal root = Stack::root();
  iam::Call call{root, s.facts, "R"};
  auto r = testing::reply_of(auth.handle(call, req));
  ASSERT_EQ(r.status, 200) << r.message;
  EXPECT_EQ(r.body["credentials"]["expiration"], kStart + 900);
}

TEST_F(AuthTest, SessionNameIsCutTo64Characters) {
  EXPECT_EQ(pod_session_name("c", "p", "u"), "eks-c-p-u");
  std::string long_name = pod_session_name(std::string(60, 'c'), "pod", "0f8fad5b-d9cb-469f-a165-70867728950e");
  EXPECT_EQ(long_name.size(), 64u);
  EXPECT_NE(long_name.back(), '-');
}

TEST_F(AuthTest, DisableSessionTags) {
  s.role("no-tag-role", kPodsTrustNoTag);
  s.associate(kCluster, "gitlab", "untagged", std::string("arn:aws:iam::") + kAccount + ":role/no-tag-role",
              {{"disableSessionTags", true}});
  Reply r = assume(s.token(kCluster, "gitlab", "untagged"));
  ASSERT_EQ(r.status, 200) << r.message;
  auto p = s.sessions.find(r.body["credentials"]["accessKeyId"].get<std::string>())->principal;
  EXPECT_TRUE(p.tags.empty());
}

TEST_F(AuthTest, AssociationPolicyLimitsTheSession) {
  s.associate(kCluster, "gitlab", "limited", kRoleArn,
              {{"disableSessionTags", true}, {"policy", allow(R"("s3:GetObject")")}});
  Reply r = assume(s.token(kCluster, "gitlab", "limited"));
  ASSERT_EQ(r.status, 200) << r.message;
  auto p = s.sessions.find(r.body["credentials"]["accessKeyId"].get<std::string>())->principal;
  iam::RequestFacts facts;
  auto ctx = iam::global_context(p, facts);
  iam::AuthzRequest get{p, "s3:GetObject", "arn:aws:s3:::gitlab-a/x", ctx};
  iam::AuthzRequest put{p, "s3:PutObject", "arn:aws:s3:::gitlab-a/x", ctx};
  EXPECT_TRUE(s.authorizer.authorize(get).allowed());
  EXPECT_FALSE(s.authorizer.authorize(put).allowed());
}

TEST_F(AuthTest, RoleChainingThroughTargetRoleArn) {
  const std::string target = s.role(
      "target", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":")" + kRoleArn +
                    R"("},"Action":["sts:AssumeRole","sts:TagSession"]}]})");
  // The condition needs the association's generated externalId: create first, then set the trust policy.
  std::string id = s.associate(kCluster, "gitlab", "chained", kRoleArn, {{"targetRoleArn", target}});
  std::string external = s.associations.find(kCluster, id)->external_id;
  std::string trust = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":")" + kRoleArn +
                      R"("},"Action":["sts:AssumeRole","sts:TagSession"],"Condition":{"StringEquals":{)"
                      R"("sts:ExternalId":")" + external + R"("}}}]})";
  ASSERT_TRUE(s.directory.set_trust_policy("target", testing::stored(trust, policy::Kind::kTrust)).has_value());
  // The association role must be allowed to assume the target (identity side).
  ASSERT_TRUE(s.directory
                  .put_inline(iam::EntityKind::kRole, "gitlab-eks-global", "chain",
                              testing::stored(allow(R"("sts:AssumeRole")", target)))
                  .has_value());

  Reply r = assume(s.token(kCluster, "gitlab", "chained"));
  ASSERT_EQ(r.status, 200) << r.code << ": " << r.message;
  EXPECT_TRUE(r.body["assumedRoleUser"]["arn"].get<std::string>().starts_with(
      "arn:aws:sts::123456789012:assumed-role/target/eks-gitlab-cluster-blog-"));
  EXPECT_EQ(r.body["credentials"]["expiration"], kStart + 3600);  // role chaining: 1 h
  auto p = s.sessions.find(r.body["credentials"]["accessKeyId"].get<std::string>())->principal;
  EXPECT_EQ(p.role_arn, target);
  EXPECT_EQ(p.tags.at("kubernetes-service-account"), "chained");  // transitive tags survive

  // A wrong externalId in the target's trust: AccessDeniedException 400.
  std::string wrong = trust;
  wrong.replace(wrong.find(external), external.size(), "nope");
  ASSERT_TRUE(s.directory.set_trust_policy("target", testing::stored(wrong, policy::Kind::kTrust)).has_value());
  r = assume(s.token(kCluster, "gitlab", "chained"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.code, "AccessDeniedException");
}

// ---- error paths (spec 2.4) -------------------------------------------------------------------------------------

TEST_F(AuthTest, NoToken) {
  Reply r = s.auth_call(kCluster, json::object());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.code, "InvalidParameterException");
  r = assume("");
  EXPECT_EQ(r.code, "InvalidParameterException");
}

TEST_F(AuthTest, MalformedToken) {
  for (const char* bad : {"not-a-jwt", "a.b", "a..c", "Bearer x.y.z", "a.b.c"}) {
    Reply r = assume(bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(r.code, "InvalidTokenException") << bad;
  }
  Reply r = assume("Bearer " + s.token(kCluster, "gitlab", "gitlab-global"));
  EXPECT_EQ(r.code, "InvalidTokenException");
  r = s.auth_call(kCluster, {{"token", 42}});
  EXPECT_EQ(r.code, "InvalidParameterException");
}

TEST_F(AuthTest, WrongAudience) {
  Reply r = assume(s.token(kCluster, "gitlab", "gitlab-global", "sts.amazonaws.com"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.code, "InvalidTokenException");
}

TEST_F(AuthTest, ExpiredToken) {
  std::string token = s.token(kCluster, "gitlab", "gitlab-global", "pods.eks.amazonaws.com", 600);
  s.clock.advance(std::chrono::seconds(611));
  Reply r = assume(token);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.code, "ExpiredTokenException");
  EXPECT_TRUE(r.message.starts_with("The token included in the request is expired: current date/time")) << r.message;
}

TEST_F(AuthTest, ForeignIssuer) {
  sts::testing::RsaSigner other("kid");
  json claims = {{"iss", "https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLE"},
                 {"sub", "system:serviceaccount:gitlab:gitlab-global"},
                 {"aud", {"pods.eks.amazonaws.com"}},
                 {"exp", kStart + 600},
                 {"iat", kStart},
                 {"kubernetes.io", {{"namespace", "gitlab"}, {"pod", {{"name", "p"}, {"uid", "u"}}}}}};
  Reply r = assume(other.token(claims));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.code, "InvalidTokenException");
  // Another cluster's token is foreign too.
  s.cluster("other");
  r = assume(s.token("other", "gitlab", "gitlab-global"));
  EXPECT_EQ(r.code, "InvalidTokenException");
}

TEST_F(AuthTest, UnassociatedServiceAccount) {
  Reply r = assume(s.token(kCluster, "gitlab", "gitlab-runner"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.code, "ResourceNotFoundException");
  r = assume(s.token(kCluster, "default", "gitlab-global"));
  EXPECT_EQ(r.status, 404);
}

TEST_F(AuthTest, UnknownCluster) {
  Reply r = s.auth_call("nope", {{"token", s.token(kCluster, "gitlab", "gitlab-global")}});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.code, "ResourceNotFoundException");
  r = s.auth_call("bad.name", {{"token", s.token(kCluster, "gitlab", "gitlab-global")}});
  EXPECT_EQ(r.code, "InvalidParameterException");
}

TEST_F(AuthTest, TrustPolicyWithoutTagSession) {
  s.role("no-tag-role", kPodsTrustNoTag);
  s.associate(kCluster, "gitlab", "no-tag", std::string("arn:aws:iam::") + kAccount + ":role/no-tag-role");
  Reply r = assume(s.token(kCluster, "gitlab", "no-tag"));
  EXPECT_EQ(r.status, 400);  // not 403
  EXPECT_EQ(r.code, "AccessDeniedException");
  EXPECT_NE(r.message.find("sts:TagSession"), std::string::npos) << r.message;
}

TEST_F(AuthTest, TrustPolicyConditionsSeeTheRequestTags) {
  // ABAC in the trust policy: only the gitlab namespace may assume.
  s.role("ns-role",
         R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},)"
         R"("Action":["sts:AssumeRole","sts:TagSession"],)"
         R"("Condition":{"StringEquals":{"aws:RequestTag/kubernetes-namespace":"gitlab"}}}]})");
  const std::string arn = std::string("arn:aws:iam::") + kAccount + ":role/ns-role";
  s.associate(kCluster, "gitlab", "ns-ok", arn);
  s.associate(kCluster, "other", "ns-bad", arn);
  EXPECT_EQ(assume(s.token(kCluster, "gitlab", "ns-ok")).status, 200);
  Reply r = assume(s.token(kCluster, "other", "ns-bad"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.code, "AccessDeniedException");
}

TEST_F(AuthTest, RoleDeletedAfterTheAssociation) {
  ASSERT_TRUE(s.directory.delete_inline(iam::EntityKind::kRole, "gitlab-eks-global", "p").has_value());
  ASSERT_TRUE(s.directory.delete_role("gitlab-eks-global").has_value());
  Reply r = assume(s.token(kCluster, "gitlab", "gitlab-global"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.code, "AccessDeniedException");
}

TEST_F(AuthTest, CallerNeedsEksAuthPermission) {
  std::string token = s.token(kCluster, "gitlab", "gitlab-global");
  core::Principal node = s.user("node", allow(R"("s3:*")"));
  Reply r = assume(token, node);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.code, "AccessDeniedException");
  EXPECT_EQ(r.message,
            "User: arn:aws:iam::123456789012:user/node is not authorized to perform: "
            "eks-auth:AssumeRoleForPodIdentity on resource: "
            "arn:aws:eks:us-east-1:123456789012:cluster/gitlab-cluster-blog because no identity-based policy allows "
            "the eks-auth:AssumeRoleForPodIdentity action");
  core::Principal agent = s.user("agent", allow(R"("eks-auth:AssumeRoleForPodIdentity")",
                                                "arn:aws:eks:us-east-1:123456789012:cluster/*"));
  EXPECT_EQ(assume(token, agent).status, 200);
}

TEST_F(AuthTest, ExternalClusterTokensVerifyAgainstItsJwks) {
  sts::testing::RsaSigner apiserver("k8s");
  ASSERT_TRUE(s.clusters.add_external_cluster("prod", "https://k8s.example", apiserver.jwks()).has_value());
  s.associate("prod", "gitlab", "gitlab-global", kRoleArn);
  json claims = {{"iss", "https://k8s.example"},
                 {"sub", "system:serviceaccount:gitlab:gitlab-global"},
                 {"aud", {"pods.eks.amazonaws.com"}},
                 {"exp", kStart + 600},
                 {"iat", kStart},
                 {"nbf", kStart},
                 {"kubernetes.io", {{"namespace", "gitlab"}, {"pod", {{"name", "web-1"}, {"uid", "u-1"}}}}}};
  Reply r = s.auth_call("prod", {{"token", apiserver.token(claims)}});
  ASSERT_EQ(r.status, 200) << r.code << ": " << r.message;
  auto p = s.sessions.find(r.body["credentials"]["accessKeyId"].get<std::string>())->principal;
  EXPECT_EQ(p.tags.at("eks-cluster-name"), "prod");
  EXPECT_EQ(p.tags.at("kubernetes-pod-name"), "web-1");
}

TEST_F(AuthTest, UnknownRoute) {
  http::StringBodySource body("{}");
  http::Request req;
  req.method = "GET";
  req.path = "/clusters/c/assume-role-for-pod-identity";
  req.body = &body;
  core::Principal root = Stack::root();
  iam::Call call{root, s.facts, "R"};
  auto r = s.eks_auth.handle(call, req);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().http_status(), 404);
}

}  // namespace
}  // namespace podbucket::eks
