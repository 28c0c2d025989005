#include "sts/sessions.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "core/encoding.h"
#include "core/time_format.h"
#include "crypto/hash.h"
#include "http/message.h"
#include "sigv4/sign.h"
#include "sigv4/verify.h"
#include "store/documents.h"
#include "sts/testing/fixture.h"

namespace podbucket::sts {
namespace {

using testing::kStart;
using testing::SeededRandom;

iam::Role test_role() {
  iam::Role r;
  r.name = "deploy";
  r.path = "/ci/";
  r.id = "AROAEXAMPLEEXAMPLE01";
  r.arn = "arn:aws:iam::123456789012:role/ci/deploy";
  r.tags = {{"Team", "core"}, {"cost-center", "42"}};
  return r;
}

bool all_in(std::string_view s, std::string_view alphabet) {
  return s.find_first_not_of(alphabet) == std::string_view::npos;
}

TEST(RoleSessionPrincipal, ArnDropsThePathAndTagsOverlayCaseInsensitively) {
  RoleSessionSpec spec;
  spec.role = test_role();
  spec.session_name = "build-17";
  spec.session_tags = {{"team", "platform"}, {"Project", "x"}};
  spec.transitive_tag_keys = {"Project"};
  spec.session_policy = R"({"Version":"2012-10-17","Statement":[]})";
  spec.session_policy_arns = {"arn:aws:iam::123456789012:policy/p"};
  spec.chained = true;
  core::Principal p = role_session_principal(spec);
  EXPECT_FALSE(p.anonymous);
  EXPECT_FALSE(p.root);
  EXPECT_EQ(p.type, core::PrincipalType::kAssumedRole);
  EXPECT_EQ(p.arn, "arn:aws:sts::123456789012:assumed-role/deploy/build-17");
  EXPECT_EQ(p.role_arn, "arn:aws:iam::123456789012:role/ci/deploy");
  EXPECT_EQ(p.role_name, "deploy");
  EXPECT_EQ(p.session_name, "build-17");
  EXPECT_EQ(p.user_id, "AROAEXAMPLEEXAMPLE01:build-17");
  EXPECT_EQ(p.account_id, "123456789012");
  // "team" replaces the role's "Team"; the session's spelling wins.
  std::map<std::string, std::string> want = {{"team", "platform"}, {"Project", "x"}, {"cost-center", "42"}};
  EXPECT_EQ(p.tags, want);
  EXPECT_EQ(p.transitive_tag_keys, std::vector<std::string>{"Project"});
  EXPECT_EQ(p.session_policy, spec.session_policy);
  EXPECT_EQ(p.session_policy_arns, spec.session_policy_arns);
  EXPECT_TRUE(p.chained);
}

TEST(ArnAccount, ExtractsTheAccountField) {
  EXPECT_EQ(arn_account("arn:aws:iam::123456789012:role/x"), "123456789012");
  EXPECT_EQ(arn_account("arn:aws:sts::210987654321:assumed-role/r/s"), "210987654321");
  EXPECT_EQ(arn_account("arn:aws:iam::"), "");
  EXPECT_EQ(arn_account("nonsense"), "");
}

class SessionStoreTest : public ::testing::Test {
 protected:
  SessionStoreTest() : clock_(core::from_unix_seconds(kStart)), documents_(store::make_memory_documents()) {}

  core::Principal principal() {
    RoleSessionSpec spec;
    spec.role = test_role();
    spec.session_name = "s";
    return role_session_principal(spec);
  }

  core::FakeClock clock_;
  SeededRandom random_;
  std::unique_ptr<store::Documents> documents_;
};

TEST_F(SessionStoreTest, IssuedCredentialsHaveAwsShapes) {
  SessionStore store(*documents_, clock_, random_);
  Session s = store.issue(principal(), std::chrono::seconds(900));
  const Credentials& c = s.credentials;
  ASSERT_EQ(c.access_key_id.size(), 20u);
  EXPECT_EQ(c.access_key_id.substr(0, 4), "ASIA");
  EXPECT_TRUE(all_in(c.access_key_id.substr(4), "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"));
  ASSERT_EQ(c.secret_access_key.size(), 40u);
  EXPECT_TRUE(all_in(c.secret_access_key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"));
  EXPECT_GE(c.session_token.size(), 150u);
  EXPECT_TRUE(core::base64_decode(c.session_token).has_value());
  EXPECT_EQ(core::to_unix_seconds(c.expiration), kStart + 900);
  EXPECT_EQ(s.principal.access_key_id, c.access_key_id);
  EXPECT_EQ(s.principal.session_token, c.session_token);
  EXPECT_EQ(s.principal.token_issue_time_s, kStart);
  // Two sessions never share keys.
  Session t = store.issue(principal(), std::chrono::seconds(900));
  EXPECT_NE(t.credentials.access_key_id, c.access_key_id);
  EXPECT_NE(t.credentials.secret_access_key, c.secret_access_key);
  EXPECT_NE(t.credentials.session_token, c.session_token);
}

TEST_F(SessionStoreTest, KeyLookupFillsPrincipalSecretTokenAndExpiry) {
  SessionStore store(*documents_, clock_, random_);
  core::Principal p = principal();
  p.tags = {{"kubernetes-namespace", "gitlab"}};
  p.transitive_tag_keys = {"kubernetes-namespace"};
  p.session_policy = R"({"Version":"2012-10-17","Statement":[]})";
  p.session_policy_arns = {"arn:aws:iam::123456789012:policy/a"};
  p.chained = true;
  Session s = store.issue(p, std::chrono::seconds(3600), "alice");
  auto lookup = store.key_lookup();
  auto info = lookup(s.credentials.access_key_id);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->secret_access_key, s.credentials.secret_access_key);
  EXPECT_EQ(info->session_token, s.credentials.session_token);
  ASSERT_TRUE(info->expires);
  EXPECT_EQ(core::to_unix_seconds(*info->expires), kStart + 3600);
  EXPECT_EQ(info->principal.arn, "arn:aws:sts::123456789012:assumed-role/deploy/s");
  EXPECT_EQ(info->principal.tags, p.tags);
  EXPECT_EQ(info->principal.transitive_tag_keys, p.transitive_tag_keys);
  EXPECT_EQ(info->principal.session_policy, p.session_policy);
  EXPECT_EQ(info->principal.session_policy_arns, p.session_policy_arns);
  EXPECT_TRUE(info->principal.chained);
  EXPECT_FALSE(lookup("ASIAAAAAAAAAAAAAAAAA"));
  EXPECT_FALSE(lookup("AKIAAAAAAAAAAAAAAAAA"));
  EXPECT_FALSE(lookup(s.credentials.access_key_id.substr(0, 19)));
  EXPECT_EQ(store.find(s.credentials.access_key_id)->source_identity, "alice");
}

TEST_F(SessionStoreTest, SessionsSurviveARestart) {
  std::string id;
  core::Principal p = principal();
  p.tags = {{"Team", "core"}};
  {
    SessionStore store(*documents_, clock_, random_);
    id = store.issue(p, std::chrono::seconds(1800)).credentials.access_key_id;
  }
  SessionStore again(*documents_, clock_, random_);
  auto s = again.find(id);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->principal.arn, p.arn);
  EXPECT_EQ(s->principal.user_id, p.user_id);
  EXPECT_EQ(s->principal.role_arn, p.role_arn);
  EXPECT_EQ(s->principal.tags, p.tags);
  EXPECT_EQ(s->principal.type, core::PrincipalType::kAssumedRole);
  EXPECT_EQ(s->principal.access_key_id, id);
  EXPECT_EQ(s->principal.token_issue_time_s, kStart);
  EXPECT_EQ(core::to_unix_seconds(s->credentials.expiration), kStart + 1800);
}

TEST_F(SessionStoreTest, SessionsSurviveARestartOnSqlite) {
  auto dir = std::filesystem::temp_directory_path() / ("sts-sessions-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "control.db").string();
  Session issued;
  {
    auto docs = store::make_sqlite_documents(path);
    SessionStore store(*docs, clock_, random_);
    issued = store.issue(principal(), std::chrono::seconds(900));
  }
  auto docs = store::make_sqlite_documents(path);
  SessionStore store(*docs, clock_, random_);
  auto info = store.key_lookup()(issued.credentials.access_key_id);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->secret_access_key, issued.credentials.secret_access_key);
  EXPECT_EQ(info->session_token, issued.credentials.session_token);
  std::filesystem::remove_all(dir);
}

TEST_F(SessionStoreTest, ExpiredSessionsAreKeptForTheRetentionThenCollected) {
  SessionStore::Options options;
  options.retention = std::chrono::hours(1);
  options.gc_interval = std::chrono::minutes(10);
  SessionStore store(*documents_, clock_, random_, options);
  Session old = store.issue(principal(), std::chrono::seconds(900));
  clock_.advance(std::chrono::seconds(900 + 3600));  // expired exactly `retention` ago: still kept
  EXPECT_EQ(store.collect_garbage(), 0u);
  EXPECT_TRUE(store.find(old.credentials.access_key_id));
  clock_.advance(std::chrono::seconds(1));
  EXPECT_EQ(store.collect_garbage(), 1u);
  EXPECT_FALSE(store.find(old.credentials.access_key_id));
  EXPECT_FALSE(documents_->get(kSessionsCollection, old.credentials.access_key_id));
}

TEST_F(SessionStoreTest, IssueCollectsGarbageAtMostOncePerInterval) {
  SessionStore::Options options;
  options.retention = std::chrono::seconds(0);
  options.gc_interval = std::chrono::hours(1);
  SessionStore store(*documents_, clock_, random_, options);
  Session a = store.issue(principal(), std::chrono::seconds(900));  // first issue collects (nothing yet)
  clock_.advance(std::chrono::seconds(901));
  Session b = store.issue(principal(), std::chrono::seconds(900));  // within the interval: a stays
  EXPECT_TRUE(documents_->get(kSessionsCollection, a.credentials.access_key_id));
  clock_.advance(std::chrono::hours(1));
  store.issue(principal(), std::chrono::seconds(900));  // collects a and b
  EXPECT_FALSE(documents_->get(kSessionsCollection, a.credentials.access_key_id));
  EXPECT_FALSE(documents_->get(kSessionsCollection, b.credentials.access_key_id));
}

TEST_F(SessionStoreTest, SigV4RejectsWrongTokensAndExpiredSessions) {
  SessionStore store(*documents_, clock_, random_);
  Session s = store.issue(principal(), std::chrono::seconds(900));
  auto signed_request = [&](const std::string& token) {
    auto req = std::make_unique<http::Request>();
    req->method = "POST";
    req->path = "/";
    req->target = "/";
    req->headers.set("Host", "127.0.0.1:9000");
    req->headers.set("Content-Type", "application/x-www-form-urlencoded");
    sigv4::Credentials creds{s.credentials.access_key_id, s.credentials.secret_access_key, token};
    sigv4::sign_request(*req, creds, "us-east-1", "sts", clock_.now(),
                        core::hex_encode(crypto::sha256("Action=GetCallerIdentity")));
    return req;
  };
  auto verify = [&](http::Request& req) {
    http::StringBodySource body("Action=GetCallerIdentity");
    req.body = &body;
    return sigv4::verify(req, store.key_lookup(), clock_);
  };

  auto good = signed_request(s.credentials.session_token);
  auto ok = verify(*good);
  ASSERT_TRUE(ok) << ok.error().code() << " " << ok.error().message();
  EXPECT_EQ(ok->principal.arn, "arn:aws:sts::123456789012:assumed-role/deploy/s");

  auto wrong = signed_request(core::base64_encode("not the token"));
  auto bad = verify(*wrong);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), "InvalidClientTokenId");
  EXPECT_EQ(bad.error().http_status(), 403);

  auto missing = signed_request("");
  EXPECT_FALSE(verify(*missing));

  clock_.advance(std::chrono::seconds(901));
  auto late = signed_request(s.credentials.session_token);
  auto expired = verify(*late);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code(), "ExpiredToken");
  EXPECT_EQ(expired.error().http_status(), 400);
  EXPECT_EQ(expired.error().message(), "The security token included in the request is expired");
}

}  // namespace
}  // namespace podbucket::sts
