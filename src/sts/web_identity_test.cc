// AssumeRoleWithWebIdentity (IRSA) and the service-principal path EKS Auth uses (AssumeRoleForPodIdentity).
#include <gtest/gtest.h>

#include "core/time_format.h"
#include "sts/testing/fixture.h"
#include "sts/testing/rsa_signer.h"

namespace podbucket::sts {
namespace {

using nlohmann::json;
using testing::kAccount;
using testing::kStart;
using testing::Reply;
using testing::RsaSigner;
using testing::StsFixture;
using testing::trust;

constexpr const char* kIssuer = "https://oidc.example.test/id/CLUSTER1";
constexpr const char* kProviderArn = "arn:aws:iam::123456789012:oidc-provider/oidc.example.test/id/CLUSTER1";
constexpr const char* kSub = "system:serviceaccount:gitlab:webservice";

const RsaSigner& signer() {
  static RsaSigner s("k1");
  return s;
}

class WebIdentityTest : public StsFixture {
 protected:
  WebIdentityTest() { providers_.put({kIssuer, signer().jwks(), {"sts.amazonaws.com"}}); }

  json claims(int64_t exp_in = 3600) const {
    return {{"iss", kIssuer}, {"sub", kSub}, {"aud", {"sts.amazonaws.com"}},
            {"iat", kStart}, {"nbf", kStart}, {"exp", kStart + exp_in}};
  }

  /// The IRSA trust policy: Federated provider, with sub and aud conditions.
  std::string irsa_trust(const std::string& sub = kSub, const std::string& actions = R"("sts:AssumeRoleWithWebIdentity")") {
    std::string cond = std::string(R"({"StringEquals":{"oidc.example.test/id/CLUSTER1:sub":")") + sub +
                       R"(","oidc.example.test/id/CLUSTER1:aud":"sts.amazonaws.com"}})";
    return trust(std::string(R"({"Federated":")") + kProviderArn + R"("})", actions, cond);
  }

  Reply web(const std::string& role_arn, const std::string& token,
            std::vector<std::pair<std::string, std::string>> extra = {}) {
    std::vector<std::pair<std::string, std::string>> p = {{"Action", "AssumeRoleWithWebIdentity"},
                                                          {"RoleArn", role_arn},
                                                          {"RoleSessionName", "pod-1"},
                                                          {"WebIdentityToken", token}};
    for (auto& e : extra) p.push_back(std::move(e));
    return call(core::Principal{}, std::move(p));  // no AWS credentials needed
  }
};

TEST_F(WebIdentityTest, ValidTokenAssumesTheRole) {
  auto role = make_role("irsa", irsa_trust());
  Reply r = web(role.arn, signer().token(claims()));
  ASSERT_TRUE(r.ok()) << r.code << ": " << r.message;
  EXPECT_STREQ(r.doc.document_element().name(), "AssumeRoleWithWebIdentityResponse");
  const std::string base = "AssumeRoleWithWebIdentityResult/";
  EXPECT_EQ(r.text(base + "SubjectFromWebIdentityToken"), kSub);
  EXPECT_EQ(r.text(base + "Audience"), "sts.amazonaws.com");
  EXPECT_EQ(r.text(base + "Provider"), kProviderArn);
  EXPECT_EQ(r.text(base + "AssumedRoleUser/Arn"), "arn:aws:sts::123456789012:assumed-role/irsa/pod-1");
  EXPECT_EQ(r.text(base + "AssumedRoleUser/AssumedRoleId"), role.id + ":pod-1");
  EXPECT_EQ(r.text(base + "Credentials/Expiration"), core::format_iso8601(core::from_unix_seconds(kStart + 3600)));
  core::Principal p = session_principal(r.text(base + "Credentials/AccessKeyId"));
  EXPECT_EQ(p.type, core::PrincipalType::kAssumedRole);
  EXPECT_EQ(p.role_arn, role.arn);
}

TEST_F(WebIdentityTest, TrustConditionsOnSubjectDecide) {
  auto role = make_role("other-sa", irsa_trust("system:serviceaccount:gitlab:sidekiq"));
  Reply r = web(role.arn, signer().token(claims()));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.code, "AccessDenied");
  EXPECT_EQ(r.message, "Not authorized to perform sts:AssumeRoleWithWebIdentity");
  // A trust policy for another provider does not match either.
  auto elsewhere = make_role("elsewhere", trust(R"({"Federated":"arn:aws:iam::123456789012:oidc-provider/other.test"})",
                                                R"("sts:AssumeRoleWithWebIdentity")"));
  EXPECT_EQ(web(elsewhere.arn, signer().token(claims())).code, "AccessDenied");
  // Nor does AssumeRole permission for the provider.
  auto wrong_action = make_role("wrong-action", irsa_trust(kSub, R"("sts:AssumeRole")"));
  EXPECT_EQ(web(wrong_action.arn, signer().token(claims())).code, "AccessDenied");
  EXPECT_EQ(web(role_arn("missing"), signer().token(claims())).code, "AccessDenied");
}

TEST_F(WebIdentityTest, TokenProblems) {
  auto role = make_role("irsa", irsa_trust());
  Reply expired = web(role.arn, signer().token(claims(-120)));
  EXPECT_EQ(expired.status, 400);
  EXPECT_EQ(expired.code, "ExpiredTokenException");
  EXPECT_NE(expired.message.find("Token expired: current date/time"), std::string::npos);

  RsaSigner rogue("k1");
  Reply forged = web(role.arn, rogue.token(claims()));
  EXPECT_EQ(forged.code, "InvalidIdentityToken");

  json foreign = claims();
  foreign["iss"] = "https://unknown.example.test";
  Reply unknown = web(role.arn, signer().token(foreign));
  EXPECT_EQ(unknown.code, "InvalidIdentityToken");
  EXPECT_EQ(unknown.message, "No OpenIDConnect provider found in your account for https://unknown.example.test");

  json aud = claims();
  aud["aud"] = "pods.eks.amazonaws.com";
  Reply wrong_aud = web(role.arn, signer().token(aud));
  EXPECT_EQ(wrong_aud.code, "InvalidIdentityToken");
  EXPECT_EQ(wrong_aud.message, "Incorrect token audience");

  EXPECT_EQ(web(role.arn, "not-a-jwt").code, "InvalidIdentityToken");
  EXPECT_EQ(web(role.arn, "abc").code, "ValidationError");  // shorter than 4
  Reply none = call(core::Principal{}, {{"Action", "AssumeRoleWithWebIdentity"}, {"RoleArn", role.arn},
                                        {"RoleSessionName", "pod-1"}});
  EXPECT_EQ(none.message, "1 validation error detected: Value null at 'webIdentityToken' failed to satisfy "
                          "constraint: Member must not be null");
}

TEST_F(WebIdentityTest, ProviderWithoutClientIdsAcceptsAnyAudience) {
  providers_.put({kIssuer, signer().jwks(), {}});
  std::string cond = R"({"StringEquals":{"oidc.example.test/id/CLUSTER1:aud":"custom-aud"}})";
  auto role = make_role("any-aud", trust(std::string(R"({"Federated":")") + kProviderArn + R"("})",
                                         R"("sts:AssumeRoleWithWebIdentity")", cond));
  json c = claims();
  c["aud"] = "custom-aud";
  Reply r = web(role.arn, signer().token(c));
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.text("AssumeRoleWithWebIdentityResult/Audience"), "custom-aud");
}

TEST_F(WebIdentityTest, DurationAndSessionPolicy) {
  auto role = make_role("irsa", irsa_trust(), "/", 7200);
  EXPECT_EQ(web(role.arn, signer().token(claims()), {{"DurationSeconds", "7201"}}).message,
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  Reply r = web(role.arn, signer().token(claims()), {{"DurationSeconds", "7200"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.text("AssumeRoleWithWebIdentityResult/Credentials/Expiration"),
            core::format_iso8601(core::from_unix_seconds(kStart + 7200)));
  EXPECT_EQ(web(role.arn, signer().token(claims()), {{"Policy", "[]"}}).code, "MalformedPolicyDocument");
}

TEST_F(WebIdentityTest, TokenSessionTagsNeedTagSession) {
  json c = claims();
  c["https://aws.amazon.com/tags"] = {{"principal_tags", {{"team", {"platform"}}}},
                                      {"transitive_tag_keys", {"team"}}};
  auto role = make_role("irsa", irsa_trust());
  EXPECT_EQ(web(role.arn, signer().token(c)).code, "AccessDenied");
  auto tagging = make_role("irsa-tags", irsa_trust(kSub, R"(["sts:AssumeRoleWithWebIdentity","sts:TagSession"])"));
  Reply r = web(tagging.arn, signer().token(c));
  ASSERT_TRUE(r.ok()) << r.message;
  core::Principal p = session_principal(r.text("AssumeRoleWithWebIdentityResult/Credentials/AccessKeyId"));
  EXPECT_EQ(p.tags.at("team"), "platform");
  EXPECT_EQ(p.transitive_tag_keys, std::vector<std::string>{"team"});
}

// ---- The service-principal path of EKS Auth --------------------------------------------------------------------

class ServiceAssumeTest : public StsFixture {
 protected:
  ServiceAssumeInput input(const std::string& role_arn) {
    ServiceAssumeInput in;
    in.service = "pods.eks.amazonaws.com";
    in.role_arn = role_arn;
    in.session_name = "eks-main-web-1-0a1b2c3d";
    in.duration = std::chrono::hours(6);
    in.tags = {{"eks-cluster-arn", "arn:aws:eks:us-east-1:123456789012:cluster/main"},
               {"eks-cluster-name", "main"},
               {"kubernetes-namespace", "gitlab"},
               {"kubernetes-service-account", "webservice"},
               {"kubernetes-pod-name", "web-1"},
               {"kubernetes-pod-uid", "2f9c0b7e-1111-2222-3333-444455556666"}};
    for (const auto& t : in.tags) in.transitive_tag_keys.push_back(t.key);
    return in;
  }
  iam::RequestFacts facts() {
    iam::RequestFacts f;
    f.now = clock_.now();
    return f;
  }
};

TEST_F(ServiceAssumeTest, PodsTrustWithTagSessionIssuesATaggedSession) {
  auto role = make_role("gitlab", trust(R"({"Service":"pods.eks.amazonaws.com"})",
                                        R"(["sts:AssumeRole","sts:TagSession"])"), "/", 3600, {{"owner", "ops"}});
  auto r = service_->assumer().assume_role_for_service(input(role.arn), facts());
  ASSERT_TRUE(r) << r.error().message();
  const core::Principal& p = r->session.principal;
  EXPECT_EQ(p.arn, "arn:aws:sts::123456789012:assumed-role/gitlab/eks-main-web-1-0a1b2c3d");
  EXPECT_EQ(p.user_id, role.id + ":eks-main-web-1-0a1b2c3d");
  EXPECT_EQ(p.tags.at("kubernetes-namespace"), "gitlab");
  EXPECT_EQ(p.tags.at("eks-cluster-name"), "main");
  EXPECT_EQ(p.tags.at("owner"), "ops");
  EXPECT_EQ(p.transitive_tag_keys.size(), 6u);
  // Six hours, although the role's MaxSessionDuration is one.
  EXPECT_EQ(core::to_unix_seconds(r->session.credentials.expiration), kStart + 6 * 3600);
  ASSERT_TRUE(r->packed_policy_size);
  // The key lookup serves the session, tags included (they become aws:PrincipalTag/*).
  auto info = service_->key_lookup()(r->session.credentials.access_key_id);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->principal.tags, p.tags);
}

TEST_F(ServiceAssumeTest, TrustWithoutTagSessionRefusesTaggedSessions) {
  auto role = make_role("no-tags", trust(R"({"Service":"pods.eks.amazonaws.com"})"));
  auto r = service_->assumer().assume_role_for_service(input(role.arn), facts());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), "AccessDenied");
  EXPECT_EQ(r.error().message(), "Service: pods.eks.amazonaws.com is not authorized to perform: sts:TagSession on "
                                 "resource: arn:aws:iam::123456789012:role/no-tags");
  // Without tags (disableSessionTags) the same trust policy suffices.
  ServiceAssumeInput plain = input(role.arn);
  plain.tags.clear();
  plain.transitive_tag_keys.clear();
  EXPECT_TRUE(service_->assumer().assume_role_for_service(plain, facts()));
}

TEST_F(ServiceAssumeTest, OtherPrincipalsAndUnknownRolesAreRefused) {
  auto role = make_role("users-only", trust(R"({"AWS":"arn:aws:iam::123456789012:root"})",
                                            R"(["sts:AssumeRole","sts:TagSession"])"));
  auto r = service_->assumer().assume_role_for_service(input(role.arn), facts());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "Service: pods.eks.amazonaws.com is not authorized to perform: sts:AssumeRole on "
                                 "resource: arn:aws:iam::123456789012:role/users-only");
  auto missing = service_->assumer().assume_role_for_service(input(role_arn("gone")), facts());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), "AccessDenied");
}

TEST_F(ServiceAssumeTest, TrustConditionsOnRequestTags) {
  std::string cond = R"({"StringEquals":{"aws:RequestTag/kubernetes-namespace":"gitlab"}})";
  auto role = make_role("ns-bound", trust(R"({"Service":"pods.eks.amazonaws.com"})",
                                          R"(["sts:AssumeRole","sts:TagSession"])", cond));
  EXPECT_TRUE(service_->assumer().assume_role_for_service(input(role.arn), facts()));
  ServiceAssumeInput other = input(role.arn);
  other.tags[2].value = "default";
  EXPECT_FALSE(service_->assumer().assume_role_for_service(other, facts()));
}

TEST_F(ServiceAssumeTest, InputValidation) {
  auto role = make_role("gitlab", trust(R"({"Service":"pods.eks.amazonaws.com"})",
                                        R"(["sts:AssumeRole","sts:TagSession"])"));
  ServiceAssumeInput in = input(role.arn);
  in.session_name = std::string(65, 'x');
  EXPECT_EQ(service_->assumer().assume_role_for_service(in, facts()).error().code(), "ValidationError");
  in = input(role.arn);
  in.duration = std::chrono::seconds(899);
  EXPECT_EQ(service_->assumer().assume_role_for_service(in, facts()).error().code(), "ValidationError");
  in.duration = std::chrono::seconds(43201);
  EXPECT_EQ(service_->assumer().assume_role_for_service(in, facts()).error().code(), "ValidationError");
  in = input(role.arn);
  in.session_policy = "{";
  EXPECT_EQ(service_->assumer().assume_role_for_service(in, facts()).error().code(), "MalformedPolicyDocument");
}

}  // namespace
}  // namespace podbucket::sts

namespace podbucket::sts {
namespace {

TEST(ProviderName, DropsEitherScheme) {
  // Local clusters' issuers are http://; IAM names providers without the scheme either way.
  EXPECT_EQ(provider_name("https://oidc.eks.us-east-1.amazonaws.com/id/ABC"), "oidc.eks.us-east-1.amazonaws.com/id/ABC");
  EXPECT_EQ(provider_name("http://127.0.0.1:9000/_oidc/gitlab"), "127.0.0.1:9000/_oidc/gitlab");
  EXPECT_EQ(provider_arn("123456789012", "http://127.0.0.1:9000/_oidc/c"),
            "arn:aws:iam::123456789012:oidc-provider/127.0.0.1:9000/_oidc/c");
}

}  // namespace
}  // namespace podbucket::sts
