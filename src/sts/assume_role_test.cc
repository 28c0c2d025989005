// AssumeRole through StsService: form in, XML out; trust-policy decisions, tags, durations, chaining, session
// policies.
#include <gtest/gtest.h>

#include "core/time_format.h"
#include "sts/testing/fixture.h"

namespace podbucket::sts {
namespace {

using testing::allow;
using testing::kAccount;
using testing::kStart;
using testing::Reply;
using testing::StsFixture;
using testing::trust;

const std::string kAccountRoot = std::string(R"({"AWS":"arn:aws:iam::)") + kAccount + R"(:root"})";

std::string user_principal(const std::string& name) {
  return std::string(R"({"AWS":"arn:aws:iam::)") + kAccount + ":user/" + name + R"("})";
}

class AssumeRoleTest : public StsFixture {};

TEST_F(AssumeRoleTest, TrustNamingTheUserGrantsWithoutIdentityPolicy) {
  auto role = make_role("deploy", trust(user_principal("alice")), "/ci/");
  auto alice = make_user("alice");
  Reply r = assume(alice, role.arn, "build-17");
  ASSERT_TRUE(r.ok()) << r.code << ": " << r.message;
  EXPECT_STREQ(r.doc.document_element().name(), "AssumeRoleResponse");
  EXPECT_EQ(r.text("AssumeRoleResult/AssumedRoleUser/Arn"),
            std::string("arn:aws:sts::") + kAccount + ":assumed-role/deploy/build-17");
  EXPECT_EQ(r.text("AssumeRoleResult/AssumedRoleUser/AssumedRoleId"), role.id + ":build-17");
  std::string akid = r.text("AssumeRoleResult/Credentials/AccessKeyId");
  EXPECT_EQ(akid.substr(0, 4), "ASIA");
  EXPECT_EQ(akid.size(), 20u);
  EXPECT_EQ(r.text("AssumeRoleResult/Credentials/SecretAccessKey").size(), 40u);
  EXPECT_GT(r.text("AssumeRoleResult/Credentials/SessionToken").size(), 100u);
  EXPECT_EQ(r.text("AssumeRoleResult/Credentials/Expiration"),
            core::format_iso8601(core::from_unix_seconds(kStart + 3600)));
  EXPECT_EQ(r.text("AssumeRoleResult/PackedPolicySize"), "<absent>");
  EXPECT_EQ(r.text("AssumeRoleResult/SourceIdentity"), "<absent>");

  // The credentials sign as the session.
  core::Principal p = session_principal(akid);
  EXPECT_EQ(p.type, core::PrincipalType::kAssumedRole);
  EXPECT_EQ(p.role_arn, role.arn);
  EXPECT_EQ(p.role_name, "deploy");
  EXPECT_EQ(p.session_name, "build-17");
  EXPECT_EQ(p.user_id, role.id + ":build-17");
  EXPECT_EQ(p.token_issue_time_s, kStart);
  EXPECT_FALSE(p.chained);
}

TEST_F(AssumeRoleTest, TrustNamingOnlyTheAccountNeedsAnIdentityAllow) {
  auto role = make_role("app", trust(kAccountRoot));
  auto bob = make_user("bob");
  Reply denied = assume(bob, role.arn);
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(denied.code, "AccessDenied");
  EXPECT_EQ(denied.message, "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: sts:AssumeRole "
                            "on resource: arn:aws:iam::123456789012:role/app");
  put_policy(iam::EntityKind::kUser, "bob", allow("sts:AssumeRole", role.arn));
  EXPECT_TRUE(assume(bob, role.arn).ok());
}

TEST_F(AssumeRoleTest, IdentityAllowAloneNeverAssumesARole) {
  auto role = make_role("locked", trust(user_principal("someone-else")));
  auto carol = make_user("carol");
  put_policy(iam::EntityKind::kUser, "carol", allow("sts:AssumeRole", "*"));
  Reply r = assume(carol, role.arn);
  EXPECT_EQ(r.code, "AccessDenied");
  auto svc = make_role("svc", trust(R"({"Service":"pods.eks.amazonaws.com"})"));
  EXPECT_EQ(assume(carol, svc.arn).code, "AccessDenied");
}

TEST_F(AssumeRoleTest, ExplicitDenyInTrustOrIdentityWins) {
  std::string doc = std::string(R"({"Version":"2012-10-17","Statement":[)") +
                    R"({"Effect":"Allow","Principal":)" + kAccountRoot + R"(,"Action":"sts:AssumeRole"},)" +
                    R"({"Effect":"Deny","Principal":)" + user_principal("mallory") + R"(,"Action":"sts:AssumeRole"}]})";
  auto role = make_role("guarded", doc);
  auto mallory = make_user("mallory");
  put_policy(iam::EntityKind::kUser, "mallory", allow("sts:AssumeRole", "*"));
  EXPECT_EQ(assume(mallory, role.arn).code, "AccessDenied");
  auto dave = make_user("dave");
  put_policy(iam::EntityKind::kUser, "dave", allow("sts:AssumeRole", "*"));
  EXPECT_TRUE(assume(dave, role.arn).ok());
  put_policy(iam::EntityKind::kUser, "dave",
             R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sts:*","Resource":"*"}]})");
  EXPECT_EQ(assume(dave, role.arn).code, "AccessDenied");
}

TEST_F(AssumeRoleTest, UnknownRoleLooksLikeADenial) {
  auto alice = make_user("alice");
  Reply r = assume(alice, std::string("arn:aws:iam::") + kAccount + ":role/nope");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.code, "AccessDenied");
  EXPECT_EQ(r.message, "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:AssumeRole on "
                       "resource: arn:aws:iam::123456789012:role/nope");
}

TEST_F(AssumeRoleTest, RootCannotAssumeRoles) {
  // As AWS: "Roles may not be assumed by root accounts.", even when the trust policy names the account.
  auto role = make_role("admin", trust(kAccountRoot));
  Reply r = assume(root(), role.arn);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.code, "AccessDenied");
  EXPECT_EQ(r.message, "Roles may not be assumed by root accounts.");
}

TEST_F(AssumeRoleTest, AnonymousCallersNeedCredentials) {
  auto role = make_role("r", trust(R"("*")"));
  Reply r = assume(core::Principal{}, role.arn);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.code, "MissingAuthenticationToken");
}

TEST_F(AssumeRoleTest, TagsRequireTagSessionAndOverlayRoleTags) {
  auto role = make_role("tagged", trust(user_principal("alice")), "/", 3600, {{"Team", "core"}, {"env", "prod"}});
  auto alice = make_user("alice");
  std::vector<std::pair<std::string, std::string>> tags = {
      {"Tags.member.1.Key", "team"}, {"Tags.member.1.Value", "platform"},
      {"Tags.member.2.Key", "project"}, {"Tags.member.2.Value", "gitlab"}};
  Reply denied = assume(alice, role.arn, "s1", tags);
  EXPECT_EQ(denied.code, "AccessDenied");
  EXPECT_EQ(denied.message, "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:TagSession "
                            "on resource: arn:aws:iam::123456789012:role/tagged");

  auto both = make_role("both", trust(user_principal("alice"), R"(["sts:AssumeRole","sts:TagSession"])"), "/", 3600,
                        {{"Team", "core"}, {"env", "prod"}});
  Reply r = assume(alice, both.arn, "s1", tags);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_NE(r.text("AssumeRoleResult/PackedPolicySize"), "<absent>");
  core::Principal p = session_principal(r.text("AssumeRoleResult/Credentials/AccessKeyId"));
  std::map<std::string, std::string> want = {{"team", "platform"}, {"project", "gitlab"}, {"env", "prod"}};
  EXPECT_EQ(p.tags, want);
  EXPECT_TRUE(p.transitive_tag_keys.empty());
}

TEST_F(AssumeRoleTest, TrustConditionsSeeRequestTagsAndTagKeys) {
  std::string cond = R"({"StringEquals":{"aws:RequestTag/team":"platform"},)"
                     R"("ForAllValues:StringEquals":{"aws:TagKeys":["team","project"]}})";
  auto role = make_role("abac", trust(user_principal("alice"), R"(["sts:AssumeRole","sts:TagSession"])", cond));
  auto alice = make_user("alice");
  auto tags = [](std::string team, std::string extra_key) {
    std::vector<std::pair<std::string, std::string>> t = {{"Tags.member.1.Key", "team"}, {"Tags.member.1.Value", team}};
    if (!extra_key.empty()) {
      t.emplace_back("Tags.member.2.Key", extra_key);
      t.emplace_back("Tags.member.2.Value", "v");
    }
    return t;
  };
  EXPECT_TRUE(assume(alice, role.arn, "s1", tags("platform", "project")).ok());
  EXPECT_EQ(assume(alice, role.arn, "s1", tags("security", "")).code, "AccessDenied");
  EXPECT_EQ(assume(alice, role.arn, "s1", tags("platform", "owner")).code, "AccessDenied");
  EXPECT_EQ(assume(alice, role.arn, "s1").code, "AccessDenied");  // no tag: StringEquals on a missing key fails
}

TEST_F(AssumeRoleTest, ExternalIdAndSessionNameConditions) {
  std::string cond = R"({"StringEquals":{"sts:ExternalId":"s3cr3t-42"},"StringLike":{"sts:RoleSessionName":"ci-*"}})";
  auto role = make_role("partner", trust(user_principal("alice"), R"("sts:AssumeRole")", cond));
  auto alice = make_user("alice");
  EXPECT_TRUE(assume(alice, role.arn, "ci-1", {{"ExternalId", "s3cr3t-42"}}).ok());
  EXPECT_EQ(assume(alice, role.arn, "ci-1", {{"ExternalId", "wrong-id"}}).code, "AccessDenied");
  EXPECT_EQ(assume(alice, role.arn, "ci-1").code, "AccessDenied");
  EXPECT_EQ(assume(alice, role.arn, "dev-1", {{"ExternalId", "s3cr3t-42"}}).code, "AccessDenied");
}

TEST_F(AssumeRoleTest, SourceIdentityNeedsSetSourceIdentity) {
  auto role = make_role("src", trust(user_principal("alice")));
  auto alice = make_user("alice");
  EXPECT_EQ(assume(alice, role.arn, "s1", {{"SourceIdentity", "alice@example.com"}}).code, "AccessDenied");
  auto ok = make_role("src2", trust(user_principal("alice"), R"(["sts:AssumeRole","sts:SetSourceIdentity"])"));
  Reply r = assume(alice, ok.arn, "s1", {{"SourceIdentity", "alice@example.com"}});
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.text("AssumeRoleResult/SourceIdentity"), "alice@example.com");
  Reply bad = assume(alice, ok.arn, "s1", {{"SourceIdentity", "aws:me"}});
  EXPECT_EQ(bad.code, "ValidationError");
}

TEST_F(AssumeRoleTest, DurationLimits) {
  auto role = make_role("d", trust(user_principal("alice")), "/", 7200);
  auto alice = make_user("alice");
  Reply low = assume(alice, role.arn, "s1", {{"DurationSeconds", "899"}});
  EXPECT_EQ(low.status, 400);
  EXPECT_EQ(low.code, "ValidationError");
  EXPECT_EQ(low.message, "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: "
                         "Member must have value greater than or equal to 900");
  Reply high = assume(alice, role.arn, "s1", {{"DurationSeconds", "43201"}});
  EXPECT_EQ(high.message, "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy "
                          "constraint: Member must have value less than or equal to 43200");
  Reply over = assume(alice, role.arn, "s1", {{"DurationSeconds", "7201"}});
  EXPECT_EQ(over.code, "ValidationError");
  EXPECT_EQ(over.message, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  EXPECT_EQ(assume(alice, role.arn, "s1", {{"DurationSeconds", "abc"}}).code, "ValidationError");
  Reply min = assume(alice, role.arn, "s1", {{"DurationSeconds", "900"}});
  ASSERT_TRUE(min.ok());
  EXPECT_EQ(min.text("AssumeRoleResult/Credentials/Expiration"), "2027-01-15T08:15:00Z");
  Reply max = assume(alice, role.arn, "s1", {{"DurationSeconds", "7200"}});
  ASSERT_TRUE(max.ok());
  EXPECT_EQ(max.text("AssumeRoleResult/Credentials/Expiration"), "2027-01-15T10:00:00Z");
}

TEST_F(AssumeRoleTest, ParameterValidation) {
  auto role = make_role("v", trust(user_principal("alice")));
  auto alice = make_user("alice");
  Reply no_arn = call(alice, {{"Action", "AssumeRole"}, {"RoleSessionName", "s1"}});
  EXPECT_EQ(no_arn.code, "ValidationError");
  EXPECT_EQ(no_arn.message, "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: "
                            "Member must not be null");
  Reply no_name = call(alice, {{"Action", "AssumeRole"}, {"RoleArn", role.arn}});
  EXPECT_EQ(no_name.message, "1 validation error detected: Value null at 'roleSessionName' failed to satisfy "
                             "constraint: Member must not be null");
  Reply short_name = assume(alice, role.arn, "a");
  EXPECT_EQ(short_name.message, "1 validation error detected: Value 'a' at 'roleSessionName' failed to satisfy "
                                "constraint: Member must have length greater than or equal to 2");
  EXPECT_EQ(assume(alice, role.arn, std::string(65, 'x')).code, "ValidationError");
  EXPECT_TRUE(assume(alice, role.arn, std::string(64, 'x')).ok());
  Reply bad_char = assume(alice, role.arn, "bad name");
  EXPECT_EQ(bad_char.message, "1 validation error detected: Value 'bad name' at 'roleSessionName' failed to satisfy "
                              "constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*");
  EXPECT_TRUE(assume(alice, role.arn, "a_b+c=d,e.f@g-h").ok());
  EXPECT_EQ(assume(alice, "arn:aws:iam::1", "s1").code, "ValidationError");  // shorter than 20
  EXPECT_EQ(assume(alice, role.arn, "s1", {{"ExternalId", "x"}}).code, "ValidationError");
  EXPECT_EQ(assume(alice, role.arn, "s1", {{"ExternalId", "has space"}}).code, "ValidationError");
}

TEST_F(AssumeRoleTest, TagValidation) {
  auto role = make_role("t", trust(user_principal("alice"), R"(["sts:AssumeRole","sts:TagSession"])"));
  auto alice = make_user("alice");
  auto tag = [](std::string k, std::string v) {
    return std::vector<std::pair<std::string, std::string>>{{"Tags.member.1.Key", k}, {"Tags.member.1.Value", v}};
  };
  EXPECT_EQ(assume(alice, role.arn, "s1", tag(std::string(129, 'k'), "v")).code, "ValidationError");
  EXPECT_EQ(assume(alice, role.arn, "s1", tag("k", std::string(257, 'v'))).code, "ValidationError");
  EXPECT_TRUE(assume(alice, role.arn, "s1", tag(std::string(128, 'k'), std::string(256, 'v'))).ok());
  EXPECT_EQ(assume(alice, role.arn, "s1", tag("bad*key", "v")).code, "ValidationError");
  EXPECT_EQ(assume(alice, role.arn, "s1", tag("aws:reserved", "v")).code, "ValidationError");
  EXPECT_TRUE(assume(alice, role.arn, "s1", tag("ok key_1.2:3/4=5+6-7@8", "")).ok());
  Reply dup = assume(alice, role.arn, "s1",
                     {{"Tags.member.1.Key", "Env"}, {"Tags.member.1.Value", "a"},
                      {"Tags.member.2.Key", "env"}, {"Tags.member.2.Value", "b"}});
  EXPECT_EQ(dup.message, "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
  std::vector<std::pair<std::string, std::string>> many;
  for (int i = 1; i <= 51; ++i) {
    many.emplace_back("Tags.member." + std::to_string(i) + ".Key", "k" + std::to_string(i));
    many.emplace_back("Tags.member." + std::to_string(i) + ".Value", "v");
  }
  Reply too_many = assume(alice, role.arn, "s1", many);
  EXPECT_EQ(too_many.code, "ValidationError");
  EXPECT_NE(too_many.message.find("less than or equal to 50"), std::string::npos);
  // Transitive keys must name passed tags.
  Reply orphan = assume(alice, role.arn, "s1", {{"TransitiveTagKeys.member.1", "nope"}});
  EXPECT_EQ(orphan.code, "ValidationError");
}

TEST_F(AssumeRoleTest, PackedPolicyTooLarge) {
  auto role = make_role("p", trust(user_principal("alice"), R"(["sts:AssumeRole","sts:TagSession"])"));
  auto alice = make_user("alice");
  std::vector<std::pair<std::string, std::string>> big;
  for (int i = 1; i <= 50; ++i) {
    big.emplace_back("Tags.member." + std::to_string(i) + ".Key", std::string(120, 'a' + char(i % 26)) + std::to_string(i));
    big.emplace_back("Tags.member." + std::to_string(i) + ".Value", std::string(256, 'v'));
  }
  Reply r = assume(alice, role.arn, "s1", big);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.code, "PackedPolicyTooLarge");
  EXPECT_NE(r.message.find("% of allotted space"), std::string::npos);
}

TEST_F(AssumeRoleTest, SessionPolicies) {
  auto role = make_role("sp", trust(user_principal("alice")));
  auto alice = make_user("alice");
  Reply malformed = assume(alice, role.arn, "s1", {{"Policy", "{not json"}});
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.code, "MalformedPolicyDocument");
  EXPECT_EQ(malformed.message, "Syntax errors in policy.");
  std::string with_principal =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]})";
  Reply principal = assume(alice, role.arn, "s1", {{"Policy", with_principal}});
  EXPECT_EQ(principal.code, "MalformedPolicyDocument");
  EXPECT_EQ(principal.message, "Policy document should not specify a principal.");
  Reply too_long = assume(alice, role.arn, "s1", {{"Policy", std::string(2049, ' ')}});
  EXPECT_EQ(too_long.code, "ValidationError");
  EXPECT_EQ(assume(alice, role.arn, "s1", {{"PolicyArns.member.1.arn", "arn:aws:iam::123456789012:policy/none"}}).code,
            "ValidationError");
  std::vector<std::pair<std::string, std::string>> arns;
  for (int i = 1; i <= 11; ++i)
    arns.emplace_back("PolicyArns.member." + std::to_string(i) + ".arn", "arn:aws:iam::123456789012:policy/p" + std::to_string(i));
  EXPECT_EQ(assume(alice, role.arn, "s1", arns).code, "ValidationError");

  // A valid session policy narrows what the role's own policies grant.
  put_policy(iam::EntityKind::kRole, "sp", allow("s3:*", "*"));
  std::string narrow = allow("s3:GetObject", "arn:aws:s3:::b/*");
  Reply r = assume(alice, role.arn, "s1", {{"Policy", narrow}});
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_NE(r.text("AssumeRoleResult/PackedPolicySize"), "<absent>");
  core::Principal session = session_principal(r.text("AssumeRoleResult/Credentials/AccessKeyId"));
  EXPECT_EQ(session.session_policy, narrow);
  iam::RequestFacts facts;
  facts.now = clock_.now();
  policy::Context ctx = iam::global_context(session, facts);
  EXPECT_TRUE(authorizer_.authorize({session, "s3:GetObject", "arn:aws:s3:::b/k", ctx}).allowed());
  EXPECT_FALSE(authorizer_.authorize({session, "s3:PutObject", "arn:aws:s3:::b/k", ctx}).allowed());

  // Managed session policies are referenced by ARN.
  auto parsed = policy::parse(allow("s3:ListBucket", "*"), policy::Kind::kIdentity);
  ASSERT_TRUE(parsed);
  auto managed = directory_.create_policy({"list-only", "/", "", {allow("s3:ListBucket", "*"), *parsed}, {}});
  ASSERT_TRUE(managed);
  Reply m = assume(alice, role.arn, "s1", {{"PolicyArns.member.1.arn", managed->arn}});
  ASSERT_TRUE(m.ok()) << m.message;
  core::Principal ms = session_principal(m.text("AssumeRoleResult/Credentials/AccessKeyId"));
  EXPECT_EQ(ms.session_policy_arns, std::vector<std::string>{managed->arn});
  policy::Context mctx = iam::global_context(ms, facts);
  EXPECT_TRUE(authorizer_.authorize({ms, "s3:ListBucket", "arn:aws:s3:::b", mctx}).allowed());
  EXPECT_FALSE(authorizer_.authorize({ms, "s3:GetObject", "arn:aws:s3:::b/k", mctx}).allowed());
}

TEST_F(AssumeRoleTest, RoleChainingCapsDurationAndCarriesTransitiveTags) {
  auto first = make_role("first", trust(user_principal("alice"), R"(["sts:AssumeRole","sts:TagSession"])"), "/", 43200);
  auto second = make_role("second", trust(kAccountRoot, R"(["sts:AssumeRole","sts:TagSession"])"), "/", 43200);
  // The trust policy names only the account, so the first role's own policy must allow both actions.
  put_policy(iam::EntityKind::kRole, "first", allow("sts:AssumeRole", second.arn));
  put_policy(iam::EntityKind::kRole, "first", allow("sts:TagSession", second.arn));
  auto alice = make_user("alice");
  Reply r1 = assume(alice, first.arn, "one",
                    {{"DurationSeconds", "43200"},
                     {"Tags.member.1.Key", "ns"}, {"Tags.member.1.Value", "gitlab"},
                     {"Tags.member.2.Key", "pod"}, {"Tags.member.2.Value", "web-1"},
                     {"TransitiveTagKeys.member.1", "ns"}});
  ASSERT_TRUE(r1.ok()) << r1.message;
  core::Principal s1 = session_principal(r1.text("AssumeRoleResult/Credentials/AccessKeyId"));
  EXPECT_FALSE(s1.chained);
  EXPECT_EQ(s1.transitive_tag_keys, std::vector<std::string>{"ns"});

  Reply too_long = assume(s1, second.arn, "two", {{"DurationSeconds", "3601"}});
  EXPECT_EQ(too_long.code, "ValidationError");
  EXPECT_EQ(too_long.message, "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by "
                              "role chaining.");
  Reply clash = assume(s1, second.arn, "two", {{"Tags.member.1.Key", "NS"}, {"Tags.member.1.Value", "other"}});
  EXPECT_EQ(clash.code, "ValidationError");

  Reply r2 = assume(s1, second.arn, "two", {{"DurationSeconds", "3600"}});
  ASSERT_TRUE(r2.ok()) << r2.message;
  core::Principal s2 = session_principal(r2.text("AssumeRoleResult/Credentials/AccessKeyId"));
  EXPECT_TRUE(s2.chained);
  EXPECT_EQ(s2.arn, std::string("arn:aws:sts::") + kAccount + ":assumed-role/second/two");
  std::map<std::string, std::string> want = {{"ns", "gitlab"}};  // "pod" was not transitive
  EXPECT_EQ(s2.tags, want);
  EXPECT_EQ(s2.transitive_tag_keys, std::vector<std::string>{"ns"});

  // A chained session cannot reach a third role whose trust policy lacks TagSession: it carries tags.
  auto third = make_role("third", trust(kAccountRoot));
  put_policy(iam::EntityKind::kRole, "second", allow("sts:AssumeRole", "*"));
  Reply r3 = assume(s2, third.arn, "three");
  EXPECT_EQ(r3.code, "AccessDenied");
  EXPECT_NE(r3.message.find("sts:TagSession"), std::string::npos);
}

TEST_F(AssumeRoleTest, RoleSessionsOfAnotherRoleNeedIdentityPermissionWhenTrustNamesTheAccount) {
  auto first = make_role("first", trust(user_principal("alice")));
  auto second = make_role("second", trust(kAccountRoot));
  auto alice = make_user("alice");
  Reply r1 = assume(alice, first.arn, "one");
  ASSERT_TRUE(r1.ok());
  core::Principal s1 = session_principal(r1.text("AssumeRoleResult/Credentials/AccessKeyId"));
  Reply denied = assume(s1, second.arn, "two");
  EXPECT_EQ(denied.message, "User: arn:aws:sts::123456789012:assumed-role/first/one is not authorized to perform: "
                            "sts:AssumeRole on resource: arn:aws:iam::123456789012:role/second");
  // A trust policy naming the first role grants all of its sessions directly.
  auto third = make_role("third", std::string(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":")") +
                                      first.arn + R"("},"Action":"sts:AssumeRole"}]})");
  EXPECT_TRUE(assume(s1, third.arn, "two").ok());
}

}  // namespace
}  // namespace podbucket::sts
