// EksService: the EKS REST-JSON API, JSON in → JSON out, as `aws eks` and the seed's assoc.sh drive it.
#include "eks/service.h"

#include <gtest/gtest.h>

#include "eks/router.h"
#include "eks/test_util.h"
#include "sts/jwt.h"

namespace podbucket::eks {
namespace {

using nlohmann::json;
using testing::allow;
using testing::kAccount;
using testing::kPodsTrust;
using testing::kStart;
using testing::Reply;
using testing::Stack;

const std::string kRoleArn = std::string("arn:aws:iam::") + kAccount + ":role/gitlab-eks-global";

TEST(RouterTest, Table) {
  struct Case {
    const char* method;
    const char* path;
    OpKind kind;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"POST", "/clusters", OpKind::kCreateCluster},
           {"GET", "/clusters", OpKind::kListClusters},
           {"GET", "/clusters/c1", OpKind::kDescribeCluster},
           {"DELETE", "/clusters/c1/", OpKind::kDeleteCluster},
           {"POST", "/clusters/c1/addons", OpKind::kCreateAddon},
           {"GET", "/clusters/c1/addons", OpKind::kListAddons},
           {"GET", "/clusters/c1/addons/eks-pod-identity-agent", OpKind::kDescribeAddon},
           {"DELETE", "/clusters/c1/addons/eks-pod-identity-agent", OpKind::kDeleteAddon},
           {"POST", "/clusters/c1/pod-identity-associations", OpKind::kCreateAssociation},
           {"GET", "/clusters/c1/pod-identity-associations", OpKind::kListAssociations},
           {"GET", "/clusters/c1/pod-identity-associations/a-1", OpKind::kDescribeAssociation},
           {"POST", "/clusters/c1/pod-identity-associations/a-1", OpKind::kUpdateAssociation},
           {"DELETE", "/clusters/c1/pod-identity-associations/a-1", OpKind::kDeleteAssociation},
           {"POST", "/_podbucket/clusters/c1/token", OpKind::kMintToken},
           {"POST", "/_podbucket/clusters/c1/rotate-signing-key", OpKind::kRotateSigningKey},
           {"POST", "/_podbucket/clusters/c1/jwks", OpKind::kSetExternalJwks},
           {"POST", "/_podbucket/external-clusters", OpKind::kAddExternalCluster}}) {
    auto op = route(c.method, c.path);
    ASSERT_TRUE(op.has_value()) << c.method << " " << c.path;
    EXPECT_EQ(op->kind, c.kind) << c.path;
  }
  auto op = route("GET", "/clusters/my%2Dcluster/pod-identity-associations/a-x");
  EXPECT_EQ(op->cluster, "my-cluster");
  EXPECT_EQ(op->association_id, "a-x");
  for (auto [m, p] : {std::pair{"PUT", "/clusters"}, std::pair{"GET", "/"}, std::pair{"GET", "/clusters//x"},
                      std::pair{"GET", "/clusters/c1/nodegroups"}, std::pair{"GET", "/_podbucket/clusters/c1/token"}}) {
    auto r = route(m, p);
    ASSERT_FALSE(r.has_value()) << m << " " << p;
    EXPECT_EQ(r.error().code(), "NotFoundException");
    EXPECT_EQ(r.error().http_status(), 404);
  }
  EXPECT_EQ(iam_action(OpKind::kCreateAssociation), "eks:CreatePodIdentityAssociation");
  EXPECT_TRUE(is_admin(OpKind::kMintToken));
}

// ---- clusters -------------------------------------------------------------------------------------------------

TEST(ClusterApiTest, SeedCreateDescribeListDelete) {
  Stack s;
  // assoc.sh step 1 on a fresh server: DescribeCluster → 404 ResourceNotFoundException.
  Reply r = s.eks_call("GET", "/clusters/gitlab-cluster-blog");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.code, "ResourceNotFoundException");
  EXPECT_EQ(r.message, "No cluster found for name: gitlab-cluster-blog.");

  // Step 2: CreateCluster as awscli sends it.
  s.facts.region = "ap-northeast-1";
  json body = {{"name", "gitlab-cluster-blog"},
               {"roleArn", std::string("arn:aws:iam::") + kAccount + ":role/eks-cluster-role"},
               {"resourcesVpcConfig", {{"subnetIds", {"subnet-00000000000000001", "subnet-00000000000000002"}}}},
               {"clientRequestToken", "8a7b-tok"},
               {"tags", {{"team", "gitlab"}}}};
  r = s.eks_call("POST", "/clusters", body);
  ASSERT_EQ(r.status, 200) << r.code << ": " << r.message;
  const json& c = r.body["cluster"];
  EXPECT_EQ(c["name"], "gitlab-cluster-blog");
  EXPECT_EQ(c["arn"], "arn:aws:eks:ap-northeast-1:123456789012:cluster/gitlab-cluster-blog");
  EXPECT_EQ(c["status"], "ACTIVE");
  EXPECT_EQ(c["createdAt"], kStart);
  EXPECT_EQ(c["identity"]["oidc"]["issuer"], "http://127.0.0.1:9000/_oidc/gitlab-cluster-blog");
  EXPECT_EQ(c["resourcesVpcConfig"]["subnetIds"], body["resourcesVpcConfig"]["subnetIds"]);
  EXPECT_EQ(c["resourcesVpcConfig"]["endpointPublicAccess"], true);
  EXPECT_EQ(c["tags"], json({{"team", "gitlab"}}));
  EXPECT_EQ(c["clientRequestToken"], "8a7b-tok");
  EXPECT_EQ(c["version"], "1.31");

  // The same request again (an SDK retry) answers the same cluster; another token is a conflict.
  r = s.eks_call("POST", "/clusters", body);
  EXPECT_EQ(r.status, 200);
  body["clientRequestToken"] = "other";
  r = s.eks_call("POST", "/clusters", body);
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.code, "ResourceInUseException");

  r = s.eks_call("GET", "/clusters/gitlab-cluster-blog");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["cluster"]["identity"]["oidc"]["issuer"], "http://127.0.0.1:9000/_oidc/gitlab-cluster-blog");

  s.cluster("another");
  r = s.eks_call("GET", "/clusters");
  EXPECT_EQ(r.body, json({{"clusters", {"another", "gitlab-cluster-blog"}}}));
  r = s.eks_call("GET", "/clusters", nullptr, "maxResults=1");
  EXPECT_EQ(r.body, json({{"clusters", {"another"}}, {"nextToken", "another"}}));
  r = s.eks_call("GET", "/clusters", nullptr, "maxResults=1&nextToken=another");
  EXPECT_EQ(r.body, json({{"clusters", {"gitlab-cluster-blog"}}}));
  EXPECT_EQ(s.eks_call("GET", "/clusters", nullptr, "maxResults=0").code, "InvalidParameterException");

  r = s.eks_call("DELETE", "/clusters/gitlab-cluster-blog");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["cluster"]["status"], "DELETING");
  EXPECT_EQ(s.eks_call("GET", "/clusters/gitlab-cluster-blog").status, 404);
  EXPECT_EQ(s.eks_call("DELETE", "/clusters/gitlab-cluster-blog").status, 404);  // a repeat: still clean
}

TEST(ClusterApiTest, Validation) {
  Stack s;
  EXPECT_EQ(s.eks_call("POST", "/clusters", {{"roleArn", kRoleArn}}).code, "InvalidParameterException");
  EXPECT_EQ(s.eks_call("POST", "/clusters", {{"name", "c"}}).code, "InvalidParameterException");
  EXPECT_EQ(s.eks_call("POST", "/clusters", {{"name", "c"}, {"roleArn", "arn:aws:iam::1:user/x"}}).code,
            "InvalidParameterException");
  EXPECT_EQ(s.eks_call("POST", "/clusters", {{"name", "-c"}, {"roleArn", kRoleArn}}).code,
            "InvalidParameterException");
  EXPECT_EQ(s.eks_call("POST", "/clusters", {{"name", 5}, {"roleArn", kRoleArn}}).code, "InvalidParameterException");
  EXPECT_EQ(s.eks_call("POST", "/clusters", {{"name", "c"}, {"roleArn", kRoleArn}, {"tags", {{"aws:x", "1"}}}}).code,
            "InvalidParameterException");
  EXPECT_EQ(s.eks_call("POST", "/clusters", json::array()).code, "InvalidRequestException");
  Reply r = s.eks_call("GET", "/clusters/c/nodegroups");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.code, "NotFoundException");
}

TEST(ClusterApiTest, NonRootNeedsEksPermissions) {
  Stack s;
  s.cluster("c1");
  core::Principal reader = s.user("reader", allow(R"(["eks:DescribeCluster","eks:ListClusters"])"));
  EXPECT_EQ(s.eks_call("GET", "/clusters/c1", nullptr, "", reader).status, 200);
  EXPECT_EQ(s.eks_call("GET", "/clusters", nullptr, "", reader).status, 200);
  Reply r = s.eks_call("DELETE", "/clusters/c1", nullptr, "", reader);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.code, "AccessDeniedException");
  EXPECT_EQ(r.message,
            "User: arn:aws:iam::123456789012:user/reader is not authorized to perform: eks:DeleteCluster on "
            "resource: arn:aws:eks:us-east-1:123456789012:cluster/c1 because no identity-based policy allows the "
            "eks:DeleteCluster action");
  core::Principal scoped =
      s.user("scoped", allow(R"("eks:DescribeCluster")", "arn:aws:eks:us-east-1:123456789012:cluster/other"));
  EXPECT_EQ(s.eks_call("GET", "/clusters/c1", nullptr, "", scoped).status, 403);
}

// ---- associations -----------------------------------------------------------------------------------------------

class AssociationApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    s.cluster("gitlab-cluster-blog");
    s.role("gitlab-eks-global", kPodsTrust);
  }
  std::string path(const std::string& rest = "") {
    return "/clusters/gitlab-cluster-blog/pod-identity-associations" + rest;
  }
  Stack s;
};

TEST_F(AssociationApiTest, SeedCreateListDescribeDelete) {
  json body = {{"namespace", "gitlab"}, {"serviceAccount", "gitlab-global"}, {"roleArn", kRoleArn},
               {"clientRequestToken", "tok-1"}};
  Reply r = s.eks_call("POST", path(), body);
  ASSERT_EQ(r.status, 200) << r.code << ": " << r.message;
  const json a = r.body["association"];
  const std::string id = a["associationId"];
  EXPECT_EQ(id.size(), 19u);
  EXPECT_EQ(a["associationArn"],
            "arn:aws:eks:us-east-1:123456789012:podidentityassociation/gitlab-cluster-blog/" + id);
  EXPECT_EQ(a["clusterName"], "gitlab-cluster-blog");
  EXPECT_EQ(a["namespace"], "gitlab");
  EXPECT_EQ(a["serviceAccount"], "gitlab-global");
  EXPECT_EQ(a["roleArn"], kRoleArn);
  EXPECT_EQ(a["tags"], json::object());
  EXPECT_EQ(a["disableSessionTags"], false);
  EXPECT_EQ(a["createdAt"], kStart);
  EXPECT_EQ(a["modifiedAt"], kStart);
  EXPECT_FALSE(a.contains("targetRoleArn"));

  // Idempotent retry with the same token; a second create without it is a conflict.
  r = s.eks_call("POST", path(), body);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["association"]["associationId"], id);
  body.erase("clientRequestToken");
  r = s.eks_call("POST", path(), body);
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.code, "ResourceInUseException");
  EXPECT_EQ(r.message, "Association already exists: " + id);
  // The token reused for another service account.
  r = s.eks_call("POST", path(), {{"namespace", "gitlab"}, {"serviceAccount", "other"}, {"roleArn", kRoleArn},
                                  {"clientRequestToken", "tok-1"}});
  EXPECT_EQ(r.code, "InvalidRequestException");

  r = s.eks_call("GET", path(), nullptr, "namespace=gitlab&serviceAccount=gitlab-global");
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.body["associations"].size(), 1u);
  EXPECT_EQ(r.body["associations"][0],
            json({{"clusterName", "gitlab-cluster-blog"}, {"namespace", "gitlab"}, {"serviceAccount", "gitlab-global"},
                  {"associationArn", a["associationArn"]}, {"associationId", id}}));
  EXPECT_FALSE(r.body.contains("nextToken"));
  r = s.eks_call("GET", path(), nullptr, "namespace=other");
  EXPECT_EQ(r.body["associations"].size(), 0u);

  r = s.eks_call("GET", path("/" + id));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["association"]["roleArn"], kRoleArn);

  r = s.eks_call("DELETE", path("/" + id));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["association"]["associationId"], id);
  r = s.eks_call("GET", path("/" + id));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.code, "ResourceNotFoundException");
  EXPECT_EQ(s.eks_call("DELETE", path("/" + id)).status, 404);
}

TEST_F(AssociationApiTest, Paging) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(s.associate("gitlab-cluster-blog", "ns", "sa" + std::to_string(i), kRoleArn));
  std::sort(ids.begin(), ids.end());
  std::vector<std::string> seen;
  std::string token;
  for (int page = 0; page < 10; ++page) {
    Reply r = s.eks_call("GET", path(), nullptr, "maxResults=2" + (token.empty() ? "" : "&nextToken=" + token));
    ASSERT_EQ(r.status, 200);
    for (const auto& a : r.body["associations"]) seen.push_back(a["associationId"]);
    if (!r.body.contains("nextToken")) break;
    token = r.body["nextToken"];
  }
  EXPECT_EQ(seen, ids);
  EXPECT_EQ(s.eks_call("GET", path(), nullptr, "nextToken=garbage").code, "InvalidParameterException");
  EXPECT_EQ(s.eks_call("GET", path(), nullptr, "maxResults=101").code, "InvalidParameterException");
}

TEST_F(AssociationApiTest, OptionalMembers) {
  s.role("target", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":")" + kRoleArn +
                       R"("},"Action":["sts:AssumeRole","sts:TagSession"]}]})");
  json body = {{"namespace", "gitlab"},
               {"serviceAccount", "gitlab-global"},
               {"roleArn", kRoleArn},
               {"targetRoleArn", std::string("arn:aws:iam::") + kAccount + ":role/target"},
               {"tags", {{"env", "prod"}}}};
  Reply r = s.eks_call("POST", path(), body);
  ASSERT_EQ(r.status, 200) << r.message;
  const json& a = r.body["association"];
  EXPECT_EQ(a["targetRoleArn"], body["targetRoleArn"]);
  EXPECT_EQ(a["externalId"].get<std::string>().size(), 36u);
  EXPECT_EQ(a["tags"], json({{"env", "prod"}}));

  // A policy needs disableSessionTags.
  json p = {{"namespace", "gitlab"}, {"serviceAccount", "p"}, {"roleArn", kRoleArn},
            {"policy", allow(R"("s3:GetObject")")}};
  r = s.eks_call("POST", path(), p);
  EXPECT_EQ(r.code, "InvalidParameterException");
  p["disableSessionTags"] = true;
  r = s.eks_call("POST", path(), p);
  ASSERT_EQ(r.status, 200) << r.message;
  EXPECT_EQ(r.body["association"]["policy"], p["policy"]);
  EXPECT_EQ(r.body["association"]["disableSessionTags"], true);
  p["serviceAccount"] = "q";
  p["policy"] = "{not json";
  EXPECT_EQ(s.eks_call("POST", path(), p).code, "InvalidParameterException");
}

TEST_F(AssociationApiTest, Validation) {
  auto create = [&](json body) { return s.eks_call("POST", path(), body); };
  json ok = {{"namespace", "gitlab"}, {"serviceAccount", "gitlab-global"}, {"roleArn", kRoleArn}};
  for (const char* field : {"namespace", "serviceAccount", "roleArn"}) {
    json b = ok;
    b.erase(field);
    EXPECT_EQ(create(b).code, "InvalidParameterException") << field;
  }
  json b = ok;
  b["namespace"] = "Not_A_Namespace";
  EXPECT_EQ(create(b).code, "InvalidParameterException");
  b = ok;
  b["roleArn"] = std::string("arn:aws:iam::") + kAccount + ":role/missing";
  Reply r = create(b);
  EXPECT_EQ(r.code, "InvalidParameterException");
  EXPECT_NE(r.message.find("does not exist"), std::string::npos);
  b["roleArn"] = "arn:aws:iam::999999999999:role/gitlab-eks-global";
  EXPECT_EQ(create(b).code, "InvalidParameterException");
  b = ok;
  b["disableSessionTags"] = "yes";
  EXPECT_EQ(create(b).code, "InvalidParameterException");
  b = ok;
  json many = json::object();
  for (int i = 0; i < 51; ++i) many["k" + std::to_string(i)] = "v";
  b["tags"] = many;
  EXPECT_EQ(create(b).code, "InvalidParameterException");
  b["tags"] = {{std::string(129, 'k'), "v"}};
  EXPECT_EQ(create(b).code, "InvalidParameterException");
  b["tags"] = {{"k", std::string(257, 'v')}};
  EXPECT_EQ(create(b).code, "InvalidParameterException");

  r = s.eks_call("POST", "/clusters/nope/pod-identity-associations", ok);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.code, "ResourceNotFoundException");
}

TEST_F(AssociationApiTest, Update) {
  std::string id = s.associate("gitlab-cluster-blog", "gitlab", "gitlab-global", kRoleArn);
  s.clock.advance(std::chrono::seconds(5));
  std::string other = s.role("other-role", kPodsTrust);
  Reply r = s.eks_call("POST", path("/" + id), {{"roleArn", other}});
  ASSERT_EQ(r.status, 200) << r.message;
  EXPECT_EQ(r.body["association"]["roleArn"], other);
  EXPECT_EQ(r.body["association"]["modifiedAt"], kStart + 5);
  EXPECT_EQ(r.body["association"]["createdAt"], kStart);

  EXPECT_EQ(s.eks_call("POST", path("/" + id), json::object()).code, "InvalidParameterException");
  EXPECT_EQ(s.eks_call("POST", path("/" + id), {{"policy", allow(R"("s3:*")")}}).code, "InvalidParameterException");
  r = s.eks_call("POST", path("/" + id), {{"policy", allow(R"("s3:*")")}, {"disableSessionTags", true}});
  ASSERT_EQ(r.status, 200) << r.message;
  r = s.eks_call("POST", path("/" + id), {{"targetRoleArn", other}});
  ASSERT_EQ(r.status, 200);
  std::string external = r.body["association"]["externalId"];
  r = s.eks_call("POST", path("/" + id), {{"targetRoleArn", ""}});
  ASSERT_EQ(r.status, 200);
  EXPECT_FALSE(r.body["association"].contains("targetRoleArn"));
  EXPECT_FALSE(r.body["association"].contains("externalId"));
  EXPECT_EQ(s.eks_call("POST", path("/a-00000000000000000"), {{"roleArn", other}}).status, 404);
}

TEST_F(AssociationApiTest, CallerNeedsPassRole) {
  core::Principal no_pass = s.user("nopass", allow(R"("eks:*")"));
  json body = {{"namespace", "gitlab"}, {"serviceAccount", "gitlab-global"}, {"roleArn", kRoleArn}};
  Reply r = s.eks_call("POST", path(), body, "", no_pass);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.code, "AccessDeniedException");
  EXPECT_NE(r.message.find("iam:PassRole"), std::string::npos);
  core::Principal with_pass = s.user("withpass", allow(R"(["eks:*","iam:PassRole"])"));
  EXPECT_EQ(s.eks_call("POST", path(), body, "", with_pass).status, 200);
}

TEST_F(AssociationApiTest, DeletingTheClusterDeletesItsAssociations) {
  std::string id = s.associate("gitlab-cluster-blog", "gitlab", "gitlab-global", kRoleArn);
  ASSERT_EQ(s.eks_call("DELETE", "/clusters/gitlab-cluster-blog").status, 200);
  s.cluster("gitlab-cluster-blog");
  EXPECT_EQ(s.eks_call("GET", path("/" + id)).status, 404);
  EXPECT_EQ(s.eks_call("GET", path()).body["associations"].size(), 0u);
}

TEST_F(AssociationApiTest, SurviveARestart) {
  std::string id = s.associate("gitlab-cluster-blog", "gitlab", "gitlab-global", kRoleArn);
  AssociationStore reloaded(*s.docs, s.clock, s.random);
  auto a = reloaded.find("gitlab-cluster-blog", id);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->role_arn, kRoleArn);
  EXPECT_TRUE(reloaded.find_for("gitlab-cluster-blog", "gitlab", "gitlab-global").has_value());
}

// ---- add-ons ------------------------------------------------------------------------------------------------------

TEST(AddonApiTest, SeedCreateDescribeListDelete) {
  Stack s;
  s.cluster("gitlab-cluster-blog");
  const std::string base = "/clusters/gitlab-cluster-blog/addons";
  Reply r = s.eks_call("POST", base, {{"addonName", "eks-pod-identity-agent"}, {"clientRequestToken", "t1"}});
  ASSERT_EQ(r.status, 200) << r.message;
  const json& a = r.body["addon"];
  EXPECT_EQ(a["addonName"], "eks-pod-identity-agent");
  EXPECT_EQ(a["clusterName"], "gitlab-cluster-blog");
  EXPECT_EQ(a["status"], "ACTIVE");  // what `aws eks wait addon-active` waits for
  EXPECT_TRUE(a["addonArn"].get<std::string>().starts_with(
      "arn:aws:eks:us-east-1:123456789012:addon/gitlab-cluster-blog/eks-pod-identity-agent/"));
  EXPECT_FALSE(a["addonVersion"].get<std::string>().empty());
  EXPECT_EQ(a["health"], json({{"issues", json::array()}}));

  EXPECT_EQ(s.eks_call("POST", base, {{"addonName", "eks-pod-identity-agent"}, {"clientRequestToken", "t1"}}).status,
            200);
  r = s.eks_call("POST", base, {{"addonName", "eks-pod-identity-agent"}});
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.code, "ResourceInUseException");

  r = s.eks_call("GET", base + "/eks-pod-identity-agent");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["addon"]["status"], "ACTIVE");
  r = s.eks_call("GET", base);
  EXPECT_EQ(r.body, json({{"addons", {"eks-pod-identity-agent"}}}));
  r = s.eks_call("DELETE", base + "/eks-pod-identity-agent");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["addon"]["status"], "DELETING");
  r = s.eks_call("GET", base + "/eks-pod-identity-agent");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.code, "ResourceNotFoundException");
  EXPECT_EQ(s.eks_call("POST", "/clusters/nope/addons", {{"addonName", "eks-pod-identity-agent"}}).status, 404);
  EXPECT_EQ(s.eks_call("POST", base, json::object()).code, "InvalidParameterException");
  EXPECT_EQ(s.eks_call("POST", base, {{"addonName", "vpc-cni"}, {"resolveConflicts", "MAYBE"}}).code,
            "InvalidParameterException");
  EXPECT_EQ(s.eks_call("POST", base, {{"addonName", "vpc-cni"}, {"configurationValues", "{"}}).code,
            "InvalidParameterException");
}

TEST(AddonApiTest, AddonOwnedAssociations) {
  Stack s;
  s.cluster("c1");
  s.role("gitlab-eks-global", kPodsTrust);
  Reply r = s.eks_call("POST", "/clusters/c1/addons",
                       {{"addonName", "aws-ebs-csi-driver"},
                        {"podIdentityAssociations", {{{"serviceAccount", "ebs-csi-controller-sa"}, {"roleArn", kRoleArn}}}}});
  ASSERT_EQ(r.status, 200) << r.message;
  ASSERT_EQ(r.body["addon"]["podIdentityAssociations"].size(), 1u);
  std::string addon_arn = r.body["addon"]["addonArn"];
  auto owned = s.associations.find_for("c1", "kube-system", "ebs-csi-controller-sa");
  ASSERT_TRUE(owned.has_value());
  EXPECT_EQ(owned->owner_arn, addon_arn);
  r = s.eks_call("GET", "/clusters/c1/pod-identity-associations/" + owned->id);
  EXPECT_EQ(r.body["association"]["ownerArn"], addon_arn);
  // Changed only through the add-on.
  EXPECT_EQ(s.eks_call("DELETE", "/clusters/c1/pod-identity-associations/" + owned->id).code,
            "InvalidRequestException");
  EXPECT_EQ(s.eks_call("POST", "/clusters/c1/pod-identity-associations/" + owned->id, {{"roleArn", kRoleArn}}).code,
            "InvalidRequestException");
  ASSERT_EQ(s.eks_call("DELETE", "/clusters/c1/addons/aws-ebs-csi-driver").status, 200);
  EXPECT_FALSE(s.associations.find("c1", owned->id).has_value());
}

// ---- admin routes ---------------------------------------------------------------------------------------------

TEST(AdminApiTest, MintTokenIsRootOnly) {
  Stack s;
  s.cluster("c1");
  json body = {{"namespace", "gitlab"}, {"serviceAccount", "gitlab-global"}, {"podName", "web-1"},
               {"podUid", "uid-1"}, {"expiresIn", 900}};
  Reply r = s.eks_call("POST", "/_podbucket/clusters/c1/token", body);
  ASSERT_EQ(r.status, 200) << r.message;
  EXPECT_EQ(r.body["expiration"], kStart + 900);
  EXPECT_EQ(r.body["podName"], "web-1");
  auto decoded = sts::jwt::decode(r.body["token"].get<std::string>());
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->subject, "system:serviceaccount:gitlab:gitlab-global");
  EXPECT_EQ(decoded->audiences, std::vector<std::string>{"pods.eks.amazonaws.com"});

  core::Principal admin = s.user("admin", allow(R"("*")"));
  r = s.eks_call("POST", "/_podbucket/clusters/c1/token", body, "", admin);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.code, "AccessDeniedException");
  body["expiresIn"] = "900";
  EXPECT_EQ(s.eks_call("POST", "/_podbucket/clusters/c1/token", body).code, "InvalidParameterException");
  EXPECT_EQ(s.eks_call("POST", "/_podbucket/clusters/none/token", {{"namespace", "a"}, {"serviceAccount", "b"}}).status,
            404);
}

TEST(AdminApiTest, RotateAndExternalClusters) {
  Stack s;
  s.cluster("c1");
  Reply r = s.eks_call("POST", "/_podbucket/clusters/c1/rotate-signing-key");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["kid"], s.clusters.find_cluster("c1")->keys.back().kid);

  const std::string jwks = *s.clusters.jwks("c1");
  r = s.eks_call("POST", "/_podbucket/external-clusters",
                 {{"name", "prod"}, {"issuer", "https://oidc.example/id/X"}, {"jwks", json::parse(jwks)}});
  ASSERT_EQ(r.status, 200) << r.message;
  EXPECT_EQ(r.body["cluster"]["identity"]["oidc"]["issuer"], "https://oidc.example/id/X");
  r = s.eks_call("GET", "/clusters/prod");
  EXPECT_EQ(r.body["cluster"]["identity"]["oidc"]["issuer"], "https://oidc.example/id/X");
  r = s.eks_call("POST", "/_podbucket/clusters/prod/jwks", {{"jwks", jwks}});
  EXPECT_EQ(r.status, 200) << r.message;
  EXPECT_EQ(s.eks_call("POST", "/_podbucket/external-clusters", {{"name", "x"}, {"issuer", "https://x"}}).code,
            "InvalidParameterException");
}

}  // namespace
}  // namespace podbucket::eks
