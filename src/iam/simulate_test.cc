// SimulatePrincipalPolicy / SimulateCustomPolicy agree with what the Authorizer enforces.
#include "iam/service_test_util.h"

namespace podbucket::iam {
namespace {

using testing::IamServiceTest;
using testing::kPodsTrust;

constexpr const char* kRegistry =
    R"({"Version":"2012-10-17","Statement":[)"
    R"({"Action":["s3:ListBucket","s3:GetBucketLocation","s3:ListBucketMultipartUploads"],"Effect":"Allow","Resource":"arn:aws:s3:::gl-registry"},)"
    R"({"Action":["s3:PutObject","s3:GetObject","s3:DeleteObject","s3:ListMultipartUploadParts","s3:AbortMultipartUpload"],"Effect":"Allow","Resource":"arn:aws:s3:::gl-registry/*"}]})";
constexpr const char* kBackups =
    R"({"Version":"2012-10-17","Statement":[{"Action":["s3:PutObject","s3:GetObject","s3:DeleteObject"],"Effect":"Allow","Resource":["arn:aws:s3:::gl-backups/*"]}]})";

class SimulateTest : public IamServiceTest {
 protected:
  void SetUp() override {
    ASSERT_EQ(call("CreateRole", {{"RoleName", "gl-eks-global"}, {"AssumeRolePolicyDocument", kPodsTrust}}).status, 200);
    for (auto [name, doc] : {std::pair{"registry", kRegistry}, std::pair{"backups", kBackups}}) {
      auto p = call("CreatePolicy", {{"PolicyName", name}, {"PolicyDocument", doc}});
      ASSERT_EQ(p.status, 200);
      ASSERT_EQ(call("AttachRolePolicy", {{"RoleName", "gl-eks-global"},
                                          {"PolicyArn", p.text("CreatePolicyResult/Policy/Arn")}})
                    .status,
                200);
    }
  }

  /// The simulator's decision for one action and resource.
  std::string simulated(const std::string& action, const std::string& resource) {
    auto r = call("SimulatePrincipalPolicy", {{"PolicySourceArn", "arn:aws:iam::123456789012:role/gl-eks-global"},
                                              {"ActionNames.member.1", action},
                                              {"ResourceArns.member.1", resource}});
    EXPECT_EQ(r.status, 200) << r.code << r.message;
    return r.text("SimulatePrincipalPolicyResult/EvaluationResults/member/EvalDecision");
  }

  /// What the Authorizer decides for a session of the role.
  std::string enforced(const std::string& action, const std::string& resource) {
    auto role = dir_.find_role("gl-eks-global");
    core::Principal p;
    p.anonymous = false;
    p.type = core::PrincipalType::kAssumedRole;
    p.account_id = testing::kAccount;
    p.role_arn = role->arn;
    p.role_name = role->name;
    p.arn = "arn:aws:sts::123456789012:assumed-role/gl-eks-global/s1";
    p.user_id = role->id + ":s1";
    auto ctx = global_context(p, facts_);
    auto d = authorizer_.authorize(AuthzRequest{p, action, resource, ctx});
    switch (d.effect) {
      case policy::Effect::kAllow: return "allowed";
      case policy::Effect::kExplicitDeny: return "explicitDeny";
      case policy::Effect::kImplicitDeny: return "implicitDeny";
    }
    return "?";
  }
};

TEST_F(SimulateTest, PrincipalPolicyAgreesWithEnforcement) {
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"s3:GetObject", "arn:aws:s3:::gl-registry/a", "allowed"},
      {"s3:ListBucket", "arn:aws:s3:::gl-registry", "allowed"},
      {"s3:ListBucket", "arn:aws:s3:::gl-backups", "implicitDeny"},
      {"s3:GetObject", "arn:aws:s3:::gl-backups/x", "allowed"},
      {"s3:GetObjectVersion", "arn:aws:s3:::gl-backups/x", "implicitDeny"},
      {"s3:AbortMultipartUpload", "arn:aws:s3:::gl-backups/x", "implicitDeny"},
      {"s3:GetBucketLocation", "arn:aws:s3:::gl-registry", "allowed"},
  };
  for (const auto& [action, resource, want] : cases) {
    EXPECT_EQ(simulated(action, resource), want) << action << " " << resource;
    EXPECT_EQ(enforced(action, resource), want) << action << " " << resource;
  }
}

TEST_F(SimulateTest, ResultNamesTheMatchedPolicyAndCoversEveryPair) {
  auto r = call("SimulatePrincipalPolicy", {{"PolicySourceArn", "arn:aws:iam::123456789012:role/gl-eks-global"},
                                            {"ActionNames.member.1", "s3:GetObject"},
                                            {"ActionNames.member.2", "s3:PutObject"},
                                            {"ResourceArns.member.1", "arn:aws:s3:::gl-registry/k"},
                                            {"ResourceArns.member.2", "arn:aws:s3:::gl-other/k"}});
  ASSERT_EQ(r.status, 200);
  auto results = r.node("SimulatePrincipalPolicyResult/EvaluationResults");
  std::vector<std::string> decisions;
  for (auto m : results.children("member")) decisions.push_back(m.child("EvalDecision").text().get());
  EXPECT_EQ(decisions, (std::vector<std::string>{"allowed", "implicitDeny", "allowed", "implicitDeny"}));
  auto first = results.child("member");
  EXPECT_STREQ(first.child("EvalActionName").text().get(), "s3:GetObject");
  EXPECT_STREQ(first.child("EvalResourceName").text().get(), "arn:aws:s3:::gl-registry/k");
  EXPECT_STREQ(first.first_element_by_path("MatchedStatements/member/SourcePolicyId").text().get(),
               "arn:aws:iam::123456789012:policy/registry");
}

TEST_F(SimulateTest, InputPoliciesAddDenies) {
  std::string deny =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}]})";
  auto r = call("SimulatePrincipalPolicy", {{"PolicySourceArn", "arn:aws:iam::123456789012:role/gl-eks-global"},
                                            {"ActionNames.member.1", "s3:GetObject"},
                                            {"ResourceArns.member.1", "arn:aws:s3:::gl-registry/k"},
                                            {"PolicyInputList.member.1", deny}});
  EXPECT_EQ(r.text("SimulatePrincipalPolicyResult/EvaluationResults/member/EvalDecision"), "explicitDeny");
}

TEST_F(SimulateTest, ContextEntriesFeedConditions) {
  std::string doc =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*",)"
      R"("Condition":{"StringLike":{"s3:prefix":["home/*"]}}}]})";
  auto ask = [&](const std::string& prefix) {
    return call("SimulateCustomPolicy", {{"PolicyInputList.member.1", doc},
                                         {"ActionNames.member.1", "s3:ListBucket"},
                                         {"ResourceArns.member.1", "arn:aws:s3:::b"},
                                         {"ContextEntries.member.1.ContextKeyName", "s3:prefix"},
                                         {"ContextEntries.member.1.ContextKeyValues.member.1", prefix},
                                         {"ContextEntries.member.1.ContextKeyType", "string"}})
        .text("SimulateCustomPolicyResult/EvaluationResults/member/EvalDecision");
  };
  EXPECT_EQ(ask("home/x"), "allowed");
  EXPECT_EQ(ask("etc/x"), "implicitDeny");
}

TEST_F(SimulateTest, Errors) {
  EXPECT_EQ(call("SimulatePrincipalPolicy", {{"PolicySourceArn", "arn:aws:iam::123456789012:role/none"},
                                             {"ActionNames.member.1", "s3:GetObject"}})
                .code,
            "NoSuchEntity");
  EXPECT_EQ(call("SimulatePrincipalPolicy", {{"PolicySourceArn", "arn:aws:iam::123456789012:role/gl-eks-global"}}).code,
            "ValidationError");
  EXPECT_EQ(call("SimulateCustomPolicy", {{"PolicyInputList.member.1", "{bad"}, {"ActionNames.member.1", "s3:GetObject"}})
                .code,
            "InvalidInput");
}

}  // namespace
}  // namespace podbucket::iam
