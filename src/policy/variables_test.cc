// Policy variables in Resource and condition values (aws-semantics spec 1.4).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
#include <gtest/gtest.h>

#include "policy/errors.h"
#include "policy/test_support.h"

namespace podbucket::policy {
namespace {

using testing::one;

struct VariableCase {
  std::string_view name;
  std::string_view statement;  // one statement (Effect Allow unless it says otherwise)
  std::vector<testing::Kv> context;
  std::string_view resource;
  Effect want;
};

const std::vector<VariableCase>& cases() {
  static const std::vector<VariableCase> kCases = {
      {"username in resource",
       R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/home/${aws:username}/*"})",
       {one("aws:username", "alice")}, "arn:aws:s3:::b/home/alice/notes.txt", Effect::kAllow},
      {"another user's folder",
       R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/home/${aws:username}/*"})",
       {one("aws:username", "alice")}, "arn:aws:s3:::b/home/bob/notes.txt", Effect::kImplicitDeny},
      // Role sessions have no aws:username: the entry matches nothing, not even the empty name.
      {"no username for role sessions",
       R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/home/${aws:username}/*"})", {},
       "arn:aws:s3:::b/home//x", Effect::kImplicitDeny},
      {"unresolvable variable disables a deny",
       R"({"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"})", {},
       "arn:aws:s3:::b//x", Effect::kImplicitDeny},
      {"variable names are case-insensitive",
       R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${AWS:UserName}/*"})",
       {one("aws:username", "alice")}, "arn:aws:s3:::b/alice/x", Effect::kAllow},
      {"principal tag", R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:PrincipalTag/team}/*"})",
       {one("aws:PrincipalTag/Team", "blue")}, "arn:aws:s3:::b/blue/x", Effect::kAllow},
      {"principal tag value stays case-sensitive",
       R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:PrincipalTag/team}/*"})",
       {one("aws:PrincipalTag/team", "Blue")}, "arn:aws:s3:::b/blue/x", Effect::kImplicitDeny},
      {"default value", R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:PrincipalTag/team, 'none'}/*"})",
       {}, "arn:aws:s3:::b/none/x", Effect::kAllow},
      {"default value unused when present",
       R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:PrincipalTag/team,'none'}/*"})",
       {one("aws:PrincipalTag/team", "red")}, "arn:aws:s3:::b/none/x", Effect::kImplicitDeny},
      {"userid of a role session", R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:userid}/*"})",
       {one("aws:userid", "AROAEXAMPLEID:eks-session")}, "arn:aws:s3:::b/AROAEXAMPLEID:eks-session/k",
       Effect::kAllow},
      {"literal star", R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${*}"})", {},
       "arn:aws:s3:::b/*", Effect::kAllow},
      {"literal star is not a wildcard", R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${*}"})", {},
       "arn:aws:s3:::b/anything", Effect::kImplicitDeny},
      {"literal question mark", R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/a${?}"})", {},
       "arn:aws:s3:::b/ax", Effect::kImplicitDeny},
      {"literal dollar", R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${$}x"})", {},
       "arn:aws:s3:::b/$x", Effect::kAllow},
      {"a variable's value is literal text",
       R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/x"})",
       {one("aws:username", "a*")}, "arn:aws:s3:::b/abc/x", Effect::kImplicitDeny},
      {"multivalued keys cannot be variables",
       R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:TagKeys}/x"})",
       {testing::many("aws:TagKeys", {"a"})}, "arn:aws:s3:::b/a/x", Effect::kImplicitDeny},
      {"condition value variable",
       R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringEquals":{"s3:prefix":"home/${aws:username}/"}}})",
       {one("aws:username", "alice"), one("s3:prefix", "home/alice/")}, "arn:aws:s3:::b", Effect::kAllow},
      {"condition value variable with a wildcard",
       R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringLike":{"s3:prefix":["","home/${aws:username}/*"]}}})",
       {one("aws:username", "alice"), one("s3:prefix", "home/alice/photos/")}, "arn:aws:s3:::b", Effect::kAllow},
      {"condition value variable unresolved",
       R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}})",
       {one("s3:prefix", "home//x")}, "arn:aws:s3:::b", Effect::kImplicitDeny},
      {"negated operator with an unresolved value holds",
       R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringNotEquals":{"s3:prefix":"${aws:username}"}}})",
       {one("s3:prefix", "x")}, "arn:aws:s3:::b", Effect::kAllow},
      {"principal tag compared to a resource tag",
       R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"s3:ExistingObjectTag/team":"${aws:PrincipalTag/team}"}}})",
       {one("aws:PrincipalTag/team", "blue"), one("s3:ExistingObjectTag/team", "blue")}, "arn:aws:s3:::b/k",
       Effect::kAllow},
      {"arn condition with a variable",
       R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:s3:::${aws:username}"}}})",
       {one("aws:username", "alice"), one("aws:SourceArn", "arn:aws:s3:::alice")}, "arn:aws:s3:::b/k",
       Effect::kAllow},
      {"unterminated ${ is literal", R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${x"})", {},
       "arn:aws:s3:::b/${x", Effect::kAllow},
  };
  return kCases;
}

TEST(Variables, Table) {
  for (const VariableCase& c : cases()) {
    std::string json = R"({"Version":"2012-10-17","Statement":[)" + std::string(c.statement) + "]}";
    auto doc = testing::must_parse(json);
    ASSERT_TRUE(doc) << c.name;
    Caller caller = testing::user("alice");
    Context ctx = testing::context_of(c.context);
    std::string action = c.resource.find('/') == std::string_view::npos ? "s3:ListBucket" : "s3:GetObject";
    Decision d = evaluate_document(*doc, "p", {action, c.resource, caller, ctx});
    EXPECT_EQ(d.effect, c.want) << c.name << ": got " << testing::effect_name(d.effect);
  }
}

TEST(Variables, OnlyIn20121017Documents) {
  // Version 2008-10-17 (or none): ${...} is literal text (bucket and key policies may still use it).
  constexpr core::ErrorCode kMalformedPolicy{"MalformedPolicy", 400};
  Caller caller = testing::user("alice");
  Context ctx = testing::context_of({one("aws:username", "alice")});
  for (std::string_view version : {R"("Version":"2008-10-17",)", ""}) {
    std::string json = "{" + std::string(version) +
                       R"("Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}]})";
    auto doc = parse_resource_policy(json, kMalformedPolicy);
    ASSERT_TRUE(doc) << json;
    EXPECT_FALSE(evaluate_document(**doc, "p", {"s3:GetObject", "arn:aws:s3:::b/alice/x", caller, ctx}).allowed());
    EXPECT_TRUE(
        evaluate_document(**doc, "p", {"s3:GetObject", "arn:aws:s3:::b/${aws:username}/x", caller, ctx}).allowed());
  }
}

}  // namespace
}  // namespace podbucket::policy
