// The Authorizer seam: global context keys, Caller, AccessDenied wording, and DirectoryAuthorizer's rules
// (root, anonymous, users, role sessions with session policies, cache invalidation).
#include "iam/authorizer.h"

#include <gtest/gtest.h>

#include "core/time_format.h"
#include "iam/directory_authorizer.h"
#include "iam/test_util.h"
#include "observe/request_trace.h"

namespace podbucket::iam {
namespace {

using testing::allow_json;
using testing::stored;

constexpr const char* kAccount = "123456789012";

std::string value(const policy::Context& ctx, std::string_view key) {
  auto v = ctx.find(key);
  return v && !v->empty() ? (*v)[0] : "<absent>";
}

core::Principal role_session(const Role& role, std::string session = "s1") {
  core::Principal p;
  p.anonymous = false;
  p.type = core::PrincipalType::kAssumedRole;
  p.account_id = kAccount;
  p.role_arn = role.arn;
  p.role_name = role.name;
  p.session_name = session;
  p.arn = "arn:aws:sts::123456789012:assumed-role/" + role.name + "/" + session;
  p.user_id = role.id + ":" + session;
  p.session_token = "token";
  p.token_issue_time_s = 1'700'000'000;
  return p;
}

TEST(GlobalContextTest, UserKeys) {
  core::Principal p;
  p.anonymous = false;
  p.type = core::PrincipalType::kUser;
  p.arn = "arn:aws:iam::123456789012:user/team/alice";
  p.account_id = kAccount;
  p.user_id = "AIDAEXAMPLE";
  p.user_name = "alice";
  p.tags["Team"] = "blue";
  RequestFacts facts;
  facts.source_ip = "10.1.2.3";
  facts.secure_transport = true;
  facts.region = "ap-northeast-1";
  facts.now = core::from_unix_seconds(1'700'000'000);
  auto ctx = global_context(p, facts);
  EXPECT_EQ(value(ctx, "aws:PrincipalArn"), p.arn);
  EXPECT_EQ(value(ctx, "aws:PrincipalAccount"), kAccount);
  EXPECT_EQ(value(ctx, "aws:PrincipalType"), "User");
  EXPECT_EQ(value(ctx, "aws:userid"), "AIDAEXAMPLE");
  EXPECT_EQ(value(ctx, "aws:username"), "alice");
  EXPECT_EQ(value(ctx, "aws:PrincipalTag/team"), "blue");  // tag keys are case-insensitive
  EXPECT_EQ(value(ctx, "aws:SourceIp"), "10.1.2.3");
  EXPECT_EQ(value(ctx, "aws:SecureTransport"), "true");
  EXPECT_EQ(value(ctx, "aws:RequestedRegion"), "ap-northeast-1");
  EXPECT_EQ(value(ctx, "aws:CurrentTime"), "2023-11-14T22:13:20Z");
  EXPECT_EQ(value(ctx, "aws:EpochTime"), "1700000000");
  EXPECT_EQ(value(ctx, "aws:TokenIssueTime"), "<absent>");
}

TEST(GlobalContextTest, RoleSessionKeys) {
  Role role;
  role.name = "app";
  role.arn = "arn:aws:iam::123456789012:role/svc/app";
  role.id = "AROAEXAMPLE";
  auto p = role_session(role);
  p.tags["kubernetes-namespace"] = "gitlab";
  auto ctx = global_context(p, RequestFacts{});
  EXPECT_EQ(value(ctx, "aws:PrincipalArn"), "arn:aws:iam::123456789012:role/svc/app");  // the role, with its path
  EXPECT_EQ(value(ctx, "aws:PrincipalType"), "AssumedRole");
  EXPECT_EQ(value(ctx, "aws:userid"), "AROAEXAMPLE:s1");
  EXPECT_EQ(value(ctx, "aws:username"), "<absent>");  // only IAM users have it
  EXPECT_EQ(value(ctx, "aws:PrincipalTag/kubernetes-namespace"), "gitlab");
  EXPECT_EQ(value(ctx, "aws:TokenIssueTime"), "2023-11-14T22:13:20Z");
  EXPECT_EQ(value(ctx, "aws:MultiFactorAuthPresent"), "false");
  EXPECT_EQ(value(ctx, "aws:SecureTransport"), "false");
}

TEST(GlobalContextTest, AnonymousHasNoPrincipalKeys) {
  core::Principal anon;
  auto ctx = global_context(anon, RequestFacts{});
  EXPECT_EQ(value(ctx, "aws:PrincipalArn"), "<absent>");
  EXPECT_EQ(value(ctx, "aws:userid"), "<absent>");
  EXPECT_TRUE(caller_of(anon).anonymous);
}

TEST(CallerOfTest, RoleSessionsCarryTheRoleArn) {
  Role role;
  role.name = "app";
  role.arn = "arn:aws:iam::123456789012:role/app";
  role.id = "AROAX";
  auto c = caller_of(role_session(role));
  EXPECT_FALSE(c.anonymous);
  EXPECT_EQ(c.arn, "arn:aws:sts::123456789012:assumed-role/app/s1");
  EXPECT_EQ(c.role_arn, role.arn);
  EXPECT_EQ(c.account_id, kAccount);
}

TEST(AccessDeniedTest, CurrentAwsWording) {
  core::Principal p;
  p.anonymous = false;
  p.arn = "arn:aws:sts::123456789012:assumed-role/app/s1";
  policy::Decision implicit;
  auto s3 = access_denied(core::kAccessDenied, p, "s3:ListBucket", "arn:aws:s3:::b", implicit, true);
  EXPECT_EQ(s3.http_status(), 403);
  EXPECT_EQ(s3.message(),
            "User: arn:aws:sts::123456789012:assumed-role/app/s1 is not authorized to perform: s3:ListBucket on "
            "resource: \"arn:aws:s3:::b\" because no identity-based policy allows the s3:ListBucket action");
  policy::Decision deny;
  deny.effect = policy::Effect::kExplicitDeny;
  deny.decided_by = policy::PolicyType::kResource;
  auto iam = access_denied(core::kAccessDenied, p, "iam:GetRole", "arn:aws:iam::123456789012:role/x", deny, false);
  EXPECT_EQ(iam.message(),
            "User: arn:aws:sts::123456789012:assumed-role/app/s1 is not authorized to perform: iam:GetRole on "
            "resource: arn:aws:iam::123456789012:role/x with an explicit deny in a resource-based policy");
  core::ErrorCode kms{"AccessDeniedException", 400};
  auto k = access_denied(kms, core::Principal{}, "kms:Decrypt", "*", implicit, false);
  EXPECT_EQ(k.code(), "AccessDeniedException");
  EXPECT_EQ(k.message(), "Access Denied");
}

class DirectoryAuthorizerTest : public ::testing::Test {
 protected:
  DirectoryAuthorizerTest()
      : docs_(store::make_memory_documents()),
        clock_(core::from_unix_seconds(1'700'000'000)),
        dir_(*docs_, clock_, random_, kAccount),
        authz_(dir_) {
    RoleSpec spec;
    spec.name = "app";
    spec.trust = stored(testing::kPodsTrust, policy::Kind::kTrust);
    role_ = *dir_.create_role(spec);
    EXPECT_TRUE(dir_.put_inline(EntityKind::kRole, "app", "s3", stored(allow_json("s3:*", "arn:aws:s3:::data/*"))));
  }

  policy::Effect decide(const core::Principal& p, const std::string& action, const std::string& resource,
                        const policy::NamedPolicy* resource_policy = nullptr) {
    auto ctx = global_context(p, RequestFacts{});
    AuthzRequest req{p, action, resource, ctx, resource_policy};
    return authz_.authorize(req).effect;
  }

  std::unique_ptr<store::Documents> docs_;
  core::FakeClock clock_;
  testing::SeededRandom random_;
  Directory dir_;
  DirectoryAuthorizer authz_;
  Role role_;
};

TEST_F(DirectoryAuthorizerTest, RoleSessionsGetTheRolesPolicies) {
  auto s = role_session(role_);
  EXPECT_EQ(decide(s, "s3:GetObject", "arn:aws:s3:::data/k"), policy::Effect::kAllow);
  EXPECT_EQ(decide(s, "s3:GetObject", "arn:aws:s3:::other/k"), policy::Effect::kImplicitDeny);
}

TEST_F(DirectoryAuthorizerTest, SessionPoliciesLimitTheRole) {
  auto s = role_session(role_);
  s.session_policy = allow_json("s3:GetObject", "*");
  EXPECT_EQ(decide(s, "s3:GetObject", "arn:aws:s3:::data/k"), policy::Effect::kAllow);
  EXPECT_EQ(decide(s, "s3:PutObject", "arn:aws:s3:::data/k"), policy::Effect::kImplicitDeny);
  // A managed session policy that no longer exists allows nothing (the session stays limited).
  auto t = role_session(role_, "s2");
  t.session_policy_arns = {"arn:aws:iam::123456789012:policy/gone"};
  EXPECT_EQ(decide(t, "s3:GetObject", "arn:aws:s3:::data/k"), policy::Effect::kImplicitDeny);
  // An existing one limits like an inline one.
  PolicySpec ps;
  ps.name = "get-only";
  ps.document = stored(allow_json("s3:GetObject", "*"));
  auto mp = dir_.create_policy(ps);
  auto u = role_session(role_, "s3");
  u.session_policy_arns = {mp->arn};
  EXPECT_EQ(decide(u, "s3:GetObject", "arn:aws:s3:::data/k"), policy::Effect::kAllow);
  EXPECT_EQ(decide(u, "s3:DeleteObject", "arn:aws:s3:::data/k"), policy::Effect::kImplicitDeny);
}

TEST_F(DirectoryAuthorizerTest, SessionsOfADeletedAndRecreatedRoleGetNothing) {
  auto s = role_session(role_);
  ASSERT_TRUE(dir_.delete_inline(EntityKind::kRole, "app", "s3"));
  ASSERT_TRUE(dir_.delete_role("app"));
  EXPECT_EQ(decide(s, "s3:GetObject", "arn:aws:s3:::data/k"), policy::Effect::kImplicitDeny);
  RoleSpec spec;
  spec.name = "app";
  spec.trust = stored(testing::kPodsTrust, policy::Kind::kTrust);
  auto again = dir_.create_role(spec);
  ASSERT_TRUE(dir_.put_inline(EntityKind::kRole, "app", "s3", stored(allow_json("s3:*", "*"))));
  EXPECT_EQ(decide(s, "s3:GetObject", "arn:aws:s3:::data/k"), policy::Effect::kImplicitDeny);
  EXPECT_EQ(decide(role_session(*again), "s3:GetObject", "arn:aws:s3:::data/k"), policy::Effect::kAllow);
}

TEST_F(DirectoryAuthorizerTest, CacheFollowsEveryChange) {
  auto s = role_session(role_);
  EXPECT_EQ(decide(s, "s3:GetObject", "arn:aws:s3:::other/k"), policy::Effect::kImplicitDeny);
  PolicySpec ps;
  ps.name = "other";
  ps.document = stored(allow_json("s3:GetObject", "arn:aws:s3:::other/*"));
  auto mp = dir_.create_policy(ps);
  ASSERT_TRUE(dir_.attach(EntityKind::kRole, "app", mp->arn));
  EXPECT_EQ(decide(s, "s3:GetObject", "arn:aws:s3:::other/k"), policy::Effect::kAllow);
  // A new default version changes the decision too.
  ASSERT_TRUE(dir_.create_policy_version(mp->arn, stored(allow_json("s3:PutObject", "*")), true));
  EXPECT_EQ(decide(s, "s3:GetObject", "arn:aws:s3:::other/k"), policy::Effect::kImplicitDeny);
  EXPECT_EQ(decide(s, "s3:PutObject", "arn:aws:s3:::other/k"), policy::Effect::kAllow);
  auto a = authz_.policies_for(s);
  EXPECT_EQ(authz_.policies_for(s), a);  // unchanged directory: the same cached set
}

TEST_F(DirectoryAuthorizerTest, RootAndAnonymous) {
  core::Principal root;
  root.anonymous = false;
  root.root = true;
  root.type = core::PrincipalType::kRoot;
  root.account_id = kAccount;
  root.arn = "arn:aws:iam::123456789012:root";
  EXPECT_EQ(decide(root, "s3:DeleteBucket", "arn:aws:s3:::x"), policy::Effect::kAllow);
  core::Principal anon;
  EXPECT_EQ(decide(anon, "s3:GetObject", "arn:aws:s3:::x/k"), policy::Effect::kImplicitDeny);
  auto pub = policy::parse(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::x/*"}]})",
      policy::Kind::kResource);
  ASSERT_TRUE(pub);
  policy::NamedPolicy bucket{"bucket policy", *pub};
  EXPECT_EQ(decide(anon, "s3:GetObject", "arn:aws:s3:::x/k", &bucket), policy::Effect::kAllow);
  auto deny = policy::parse(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::x/*"}]})",
      policy::Kind::kResource);
  policy::NamedPolicy denying{"bucket policy", *deny};
  EXPECT_EQ(decide(root, "s3:GetObject", "arn:aws:s3:::x/k", &denying), policy::Effect::kExplicitDeny);
}

TEST_F(DirectoryAuthorizerTest, UsersGetInlineAndAttachedPolicies) {
  ASSERT_TRUE(dir_.create_user("bob", "/", {}));
  core::Principal bob;
  bob.anonymous = false;
  bob.type = core::PrincipalType::kUser;
  bob.user_name = "bob";
  bob.account_id = kAccount;
  bob.arn = "arn:aws:iam::123456789012:user/bob";
  EXPECT_EQ(decide(bob, "s3:GetObject", "arn:aws:s3:::data/k"), policy::Effect::kImplicitDeny);
  PolicySpec ps;
  ps.name = "read";
  ps.document = stored(allow_json("s3:GetObject", "arn:aws:s3:::data/*"));
  auto mp = dir_.create_policy(ps);
  ASSERT_TRUE(dir_.attach(EntityKind::kUser, "bob", mp->arn));
  EXPECT_EQ(decide(bob, "s3:GetObject", "arn:aws:s3:::data/k"), policy::Effect::kAllow);
  ASSERT_TRUE(dir_.put_inline(EntityKind::kUser, "bob", "no",
                              stored(R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]})")));
  EXPECT_EQ(decide(bob, "s3:GetObject", "arn:aws:s3:::data/k"), policy::Effect::kExplicitDeny);
}

TEST_F(DirectoryAuthorizerTest, EveryDecisionGoesToTheRequestsAuditRecord) {
  observe::RequestSummary summary;
  observe::TraceScope scope(summary);
  auto s = role_session(role_);
  EXPECT_EQ(decide(s, "s3:GetObject", "arn:aws:s3:::data/k"), policy::Effect::kAllow);
  EXPECT_EQ(decide(s, "s3:GetObject", "arn:aws:s3:::other/k"), policy::Effect::kImplicitDeny);
  core::Principal root;
  root.anonymous = false;
  root.root = true;
  root.type = core::PrincipalType::kRoot;
  root.account_id = kAccount;
  EXPECT_EQ(decide(root, "s3:DeleteBucket", "arn:aws:s3:::x"), policy::Effect::kAllow);
  ASSERT_EQ(summary.decisions.size(), 3u);
  const auto& allow = summary.decisions[0];
  EXPECT_EQ(allow.action, "s3:GetObject");
  EXPECT_EQ(allow.resource, "arn:aws:s3:::data/k");
  EXPECT_EQ(allow.decision, "Allow");
  EXPECT_NE(allow.policy.find("s3"), std::string::npos) << allow.policy;  // the role's inline policy "s3"
  EXPECT_EQ(allow.statement, "#0");
  EXPECT_EQ(summary.decisions[1].decision, "ImplicitDeny");
  EXPECT_EQ(summary.decisions[1].policy, "");
  EXPECT_EQ(summary.decisions[2].decision, "Allow");
  EXPECT_EQ(summary.decisions[2].policy, "(root user)");
}

}  // namespace
}  // namespace podbucket::iam
