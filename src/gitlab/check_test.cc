// The check report: golden reports for the seed's policies verbatim and fixed, the lines' parts, explicit denies,
// error propagation, and the simulator answer parser.
#include "gitlab/check.h"

#include <gtest/gtest.h>

#include "gitlab/simulator_client.h"
#include "gitlab/test_util.h"

namespace podbucket::gitlab {
namespace {

std::string report_for(bool seed_exact) {
  Layout layout("example-gitlab-eks", testing::kAccount, testing::kKeyArn, seed_exact);
  auto results = run_checks(expand_checks(layout.name_prefix()), testing::local_simulator(layout));
  EXPECT_TRUE(results);
  return results ? format_report(*results) : std::string();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

TEST(CheckReport, SeedExactMatchesGolden) {
  auto text = report_for(true);
  EXPECT_EQ(text, testing::golden("check_seed_exact.txt", text));
}

TEST(CheckReport, FixedMatchesGolden) {
  auto text = report_for(false);
  EXPECT_EQ(text, testing::golden("check_fixed.txt", text));
}

TEST(CheckReport, SeedExactNamesTheGapsAndTheDecidingStatements) {
  auto lines = lines_of(report_for(true));
  // One line per component, then the detail lines of the denied ones, then the result.
  ASSERT_GE(lines.size(), 7u);
  EXPECT_TRUE(lines[0].starts_with("rails           DENIED  24/28 by example-gitlab-eks-s3-policy statements 1, 2; "
                                   "denied: s3:AbortMultipartUpload (implicitDeny)"))
      << lines[0];
  auto line_of = [&](std::string_view prefix) {
    for (const auto& l : lines)
      if (l.starts_with(prefix)) return l;
    return std::string();
  };
  EXPECT_TRUE(line_of("registry ").starts_with(
      "registry        allowed 7/7   by example-gitlab-eks-s3-registry-policy statements 1, 2"));
  std::string backup = line_of("toolbox-backup ");
  EXPECT_NE(backup.find("DENIED"), std::string::npos);
  EXPECT_NE(backup.find("denied: s3:AbortMultipartUpload (implicitDeny), s3:ListBucket (implicitDeny)"),
            std::string::npos);
  std::string prune = line_of("  - s3:ListBucket denied on example-gitlab-eks-backups ");
  EXPECT_NE(prune.find("(ListObjectsV2): implicitDeny, no statement allows it; GitLab prunes old backups"),
            std::string::npos)
      << prune;
  EXPECT_FALSE(line_of("  - s3:AbortMultipartUpload denied on example-gitlab-eks-lfs, example-gitlab-eks-artifacts, "
                       "example-gitlab-eks-uploads, example-gitlab-eks-packages (AbortMultipartUpload)")
                   .empty());
  EXPECT_EQ(lines.back(), "result: 15 of 94 checks denied: GitLab will fail where the lines above say DENIED");
}

TEST(CheckReport, FixedSaysAllowed) {
  auto lines = lines_of(report_for(false));
  ASSERT_EQ(lines.size(), components().size() + 1);
  for (size_t i = 0; i < components().size(); ++i) {
    EXPECT_TRUE(lines[i].starts_with(std::string(components()[i].name))) << lines[i];
    EXPECT_NE(lines[i].find(" allowed "), std::string::npos) << lines[i];
  }
  EXPECT_EQ(lines.back(), "result: the role allows everything GitLab needs (94 checks)");
}

TEST(CheckReport, ExplicitDenyNamesItsStatement) {
  const auto& registry_get = *std::find_if(requirements().begin(), requirements().end(), [](const Requirement& r) {
    return r.component == "registry" && r.action == "s3:GetObject";
  });
  std::vector<CheckResult> results = {
      {Check{&registry_get, "p-registry", "arn:aws:s3:::p-registry/k"},
       Verdict{Decision::kExplicitDeny, "arn:aws:iam::000000000000:policy/deny-all", 3, "NoReads"}}};
  auto text = format_report(results);
  EXPECT_NE(text.find("registry        DENIED  0/1   by nothing; denied: s3:GetObject (explicitDeny)\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find(": explicitDeny by deny-all statement 3 (NoReads); GitLab serves blobs and manifests\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(count_denied(results), 1u);
}

TEST(CheckReport, InlinePoliciesKeepTheirName) {
  EXPECT_EQ(policy_display_name("arn:aws:iam::000000000000:policy/team/gitlab-s3"), "gitlab-s3");
  EXPECT_EQ(policy_display_name("role/gl inline s3"), "role/gl inline s3");
}

TEST(CheckRun, StopsAtTheFirstError) {
  auto checks = expand_checks("p");
  int calls = 0;
  auto r = run_checks(checks, [&](const Check&) -> core::Result<Verdict> {
    if (++calls == 3) return core::AwsError(core::ErrorCode{"NoSuchEntity", 404}, "The role cannot be found.");
    return Verdict{Decision::kAllowed, "", 0, ""};
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), "NoSuchEntity");
  EXPECT_EQ(calls, 3);
}

TEST(CheckDecision, ParsesIamSpellings) {
  for (auto d : {Decision::kAllowed, Decision::kImplicitDeny, Decision::kExplicitDeny})
    EXPECT_EQ(parse_decision(decision_name(d)), d);
  EXPECT_EQ(parse_decision("Allowed"), std::nullopt);
}

TEST(CheckKms, AdvisoryLine) {
  Layout exact("p", testing::kAccount, testing::kKeyArn, true), fixed("p", testing::kAccount, testing::kKeyArn, false);
  auto kms_results = [](const Layout& layout) {
    auto set = testing::policy_set(layout);
    std::vector<KmsResult> out;
    for (const auto& bucket : layout.bucket_names()) {
      policy::Context ctx;
      ctx.set("kms:EncryptionContext:aws:s3:arn", "arn:aws:s3:::" + bucket + "/gitlab-check");
      for (const char* action : {"kms:GenerateDataKey", "kms:Decrypt"})
        out.push_back({bucket, action, testing::decide(set, layout, action, testing::kKeyArn, ctx)});
    }
    return out;
  };
  auto seed = format_kms_note(kms_results(exact), testing::kKeyArn);
  EXPECT_TRUE(seed.starts_with("kms             note    0/14  by nothing; the role's policies do not allow")) << seed;
  EXPECT_NE(seed.find("on 7 bucket(s); advisory only"), std::string::npos);
  auto ok = format_kms_note(kms_results(fixed), testing::kKeyArn);
  EXPECT_TRUE(ok.starts_with("kms             note    14/14 by p-s3-kms-policy statement 1; the role's policies allow"))
      << ok;
  EXPECT_EQ(format_kms_note({}, testing::kKeyArn), "");
}

TEST(SimulatorClient, ParsesTheSimulationAnswer) {
  auto v = parse_simulation(
      R"(<SimulatePrincipalPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">)"
      R"(<SimulatePrincipalPolicyResult><EvaluationResults><member><EvalActionName>s3:GetObject</EvalActionName>)"
      R"(<EvalResourceName>arn:aws:s3:::b/k</EvalResourceName><EvalDecision>allowed</EvalDecision>)"
      R"(<MatchedStatements><member><SourcePolicyId>arn:aws:iam::000000000000:policy/p</SourcePolicyId>)"
      R"(<SourcePolicyType>IAM Policy</SourcePolicyType></member></MatchedStatements></member></EvaluationResults>)"
      R"(<IsTruncated>false</IsTruncated></SimulatePrincipalPolicyResult></SimulatePrincipalPolicyResponse>)");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->decision, Decision::kAllowed);
  EXPECT_EQ(v->policy, "arn:aws:iam::000000000000:policy/p");
  auto denied = parse_simulation(
      "<SimulatePrincipalPolicyResponse><SimulatePrincipalPolicyResult><EvaluationResults><member>"
      "<EvalDecision>implicitDeny</EvalDecision><MatchedStatements/></member></EvaluationResults>"
      "</SimulatePrincipalPolicyResult></SimulatePrincipalPolicyResponse>");
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->decision, Decision::kImplicitDeny);
  EXPECT_EQ(denied->policy, "");
  EXPECT_FALSE(parse_simulation("<ErrorResponse/>"));
  EXPECT_FALSE(parse_simulation("not xml"));
}

TEST(SimulatorClient, FormBodyEncodesEveryParameter) {
  EXPECT_EQ(iam_form_body("SimulatePrincipalPolicy", {{"PolicySourceArn", "arn:aws:iam::1:role/r"},
                                                      {"ResourceArns.member.1", "arn:aws:s3:::b/@final/a b"}}),
            "Action=SimulatePrincipalPolicy&Version=2010-05-08&PolicySourceArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fr"
            "&ResourceArns.member.1=arn%3Aaws%3As3%3A%3A%3Ab%2F%40final%2Fa%20b");
}

}  // namespace
}  // namespace podbucket::gitlab
