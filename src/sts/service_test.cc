// StsService: the request envelope (Action, Version, body limits), GetCallerIdentity and GetSessionToken.
#include "sts/service.h"

#include <gtest/gtest.h>

#include "core/time_format.h"
#include "sts/testing/fixture.h"

namespace podbucket::sts {
namespace {

using testing::kAccount;
using testing::kStart;
using testing::Reply;
using testing::StsFixture;
using testing::trust;

class StsServiceTest : public StsFixture {};

TEST_F(StsServiceTest, GetCallerIdentityOfRoot) {
  Reply r = call(root(), {{"Action", "GetCallerIdentity"}});
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_STREQ(r.doc.document_element().name(), "GetCallerIdentityResponse");
  EXPECT_EQ(r.text("GetCallerIdentityResult/Arn"), "arn:aws:iam::123456789012:root");
  EXPECT_EQ(r.text("GetCallerIdentityResult/UserId"), kAccount);
  EXPECT_EQ(r.text("GetCallerIdentityResult/Account"), kAccount);
}

TEST_F(StsServiceTest, GetCallerIdentityOfAUserIsNeverDenied) {
  core::Principal alice = make_user("alice");
  put_policy(iam::EntityKind::kUser, "alice",
             R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]})");
  Reply r = call(alice, {{"Action", "GetCallerIdentity"}});
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.text("GetCallerIdentityResult/Arn"), "arn:aws:iam::123456789012:user/alice");
  EXPECT_EQ(r.text("GetCallerIdentityResult/UserId"), alice.user_id);
  EXPECT_EQ(r.text("GetCallerIdentityResult/UserId").substr(0, 4), "AIDA");
  EXPECT_EQ(r.text("GetCallerIdentityResult/Account"), kAccount);
}

TEST_F(StsServiceTest, GetCallerIdentityOfARoleSession) {
  auto role = make_role("reader", trust(R"({"AWS":"arn:aws:iam::123456789012:user/alice"})"), "/team/");
  Reply a = assume(make_user("alice"), role.arn, "sess-1");
  ASSERT_TRUE(a.ok()) << a.message;
  core::Principal session = session_principal(a.text("AssumeRoleResult/Credentials/AccessKeyId"));
  Reply r = call(session, {{"Action", "GetCallerIdentity"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.text("GetCallerIdentityResult/Arn"), "arn:aws:sts::123456789012:assumed-role/reader/sess-1");
  EXPECT_EQ(r.text("GetCallerIdentityResult/UserId"), role.id + ":sess-1");
  EXPECT_EQ(r.text("GetCallerIdentityResult/Account"), kAccount);
}

TEST_F(StsServiceTest, AnonymousGetCallerIdentityIsRefused) {
  Reply r = call(core::Principal{}, {{"Action", "GetCallerIdentity"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.code, "MissingAuthenticationToken");
}

TEST_F(StsServiceTest, EnvelopeErrors) {
  Reply missing = call(root(), {{"Version", "2011-06-15"}}, /*add_version=*/false);
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.code, "MissingAction");
  Reply unknown = call(root(), {{"Action", "AssumeTheWorld"}});
  EXPECT_EQ(unknown.code, "InvalidAction");
  EXPECT_EQ(unknown.message, "Could not find operation AssumeTheWorld for version 2011-06-15");
  Reply version = call(root(), {{"Action", "GetCallerIdentity"}, {"Version", "2010-05-08"}}, false);
  EXPECT_EQ(version.code, "InvalidAction");
  EXPECT_EQ(version.message, "Could not find operation GetCallerIdentity for version 2010-05-08");
  Reply saml = call(root(), {{"Action", "AssumeRoleWithSAML"}});
  EXPECT_EQ(saml.status, 501);
  EXPECT_EQ(saml.code, "NotImplemented");
  Reply big = send(root(), "Action=GetCallerIdentity&Pad=" + std::string(kMaxFormBody, 'x'));
  EXPECT_EQ(big.code, "ValidationError");
  // Without Version (tolerated) and with the parameters in any order.
  EXPECT_TRUE(send(root(), "Version=2011-06-15&Action=GetCallerIdentity").ok());
  EXPECT_TRUE(send(root(), "Action=GetCallerIdentity").ok());
}

TEST_F(StsServiceTest, GetQueryStringRequestsWork) {
  http::Request req;
  req.method = "GET";
  req.path = "/";
  req.raw_query = "Action=GetCallerIdentity&Version=2011-06-15";
  http::StringBodySource empty("");
  req.body = &empty;
  iam::RequestFacts facts;
  core::Principal caller = root();
  auto r = service_->handle(iam::Call{caller, facts, "req-9"}, req);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("<Account>123456789012</Account>"), std::string::npos);
}

TEST_F(StsServiceTest, GetSessionTokenForAUser) {
  core::Principal alice = make_user("alice", {{"team", "core"}});
  Reply r = call(alice, {{"Action", "GetSessionToken"}});
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_STREQ(r.doc.document_element().name(), "GetSessionTokenResponse");
  EXPECT_EQ(r.text("GetSessionTokenResult/Credentials/Expiration"),
            core::format_iso8601(core::from_unix_seconds(kStart + 43200)));
  std::string akid = r.text("GetSessionTokenResult/Credentials/AccessKeyId");
  core::Principal p = session_principal(akid);
  EXPECT_EQ(p.type, core::PrincipalType::kUser);
  EXPECT_EQ(p.arn, alice.arn);
  EXPECT_EQ(p.user_name, "alice");
  EXPECT_EQ(p.user_id, alice.user_id);
  EXPECT_EQ(p.tags, alice.tags);
  EXPECT_EQ(p.access_key_id, akid);
  EXPECT_FALSE(p.session_token.empty());
  // Its credentials act as alice: GetCallerIdentity says so, and it cannot mint another session token.
  Reply who = call(p, {{"Action", "GetCallerIdentity"}});
  EXPECT_EQ(who.text("GetCallerIdentityResult/Arn"), alice.arn);
  Reply again = call(p, {{"Action", "GetSessionToken"}});
  EXPECT_EQ(again.code, "AccessDenied");
}

TEST_F(StsServiceTest, GetSessionTokenDurations) {
  core::Principal alice = make_user("alice");
  EXPECT_EQ(call(alice, {{"Action", "GetSessionToken"}, {"DurationSeconds", "899"}}).code, "ValidationError");
  EXPECT_EQ(call(alice, {{"Action", "GetSessionToken"}, {"DurationSeconds", "129601"}}).code, "ValidationError");
  Reply max = call(alice, {{"Action", "GetSessionToken"}, {"DurationSeconds", "129600"}});
  ASSERT_TRUE(max.ok());
  EXPECT_EQ(max.text("GetSessionTokenResult/Credentials/Expiration"),
            core::format_iso8601(core::from_unix_seconds(kStart + 129600)));
  // The root user's session tokens last one hour at most.
  Reply r = call(root(), {{"Action", "GetSessionToken"}, {"DurationSeconds", "7200"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.text("GetSessionTokenResult/Credentials/Expiration"),
            core::format_iso8601(core::from_unix_seconds(kStart + 3600)));
  core::Principal p = session_principal(r.text("GetSessionTokenResult/Credentials/AccessKeyId"));
  EXPECT_TRUE(p.root);
  EXPECT_EQ(p.arn, "arn:aws:iam::123456789012:root");
}

TEST_F(StsServiceTest, GetSessionTokenRefusesRoleSessions) {
  auto role = make_role("r", trust(R"({"AWS":"arn:aws:iam::123456789012:user/alice"})"));
  Reply a = assume(make_user("alice"), role.arn);
  ASSERT_TRUE(a.ok());
  core::Principal session = session_principal(a.text("AssumeRoleResult/Credentials/AccessKeyId"));
  Reply r = call(session, {{"Action", "GetSessionToken"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.code, "AccessDenied");
}

TEST_F(StsServiceTest, SessionsIssuedBeforeARestartStillSign) {
  auto role = make_role("r", trust(R"({"AWS":"arn:aws:iam::123456789012:user/alice"})"));
  Reply a = assume(make_user("alice"), role.arn);
  ASSERT_TRUE(a.ok());
  std::string akid = a.text("AssumeRoleResult/Credentials/AccessKeyId");
  service_ = std::make_unique<StsService>(directory_, authorizer_, *documents_, clock_, random_, kAccount);
  auto info = service_->key_lookup()(akid);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->secret_access_key, a.text("AssumeRoleResult/Credentials/SecretAccessKey"));
  EXPECT_EQ(info->session_token, a.text("AssumeRoleResult/Credentials/SessionToken"));
  EXPECT_EQ(info->principal.arn, "arn:aws:sts::123456789012:assumed-role/r/s1");
}

}  // namespace
}  // namespace podbucket::sts
