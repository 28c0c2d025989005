// Parsing and validation: every MalformedPolicyDocument message IAM gives, in IAM's check order, per Kind.
#include <gtest/gtest.h>

#include "policy/errors.h"
#include "policy/test_support.h"

namespace podbucket::policy {
namespace {

constexpr std::string_view kSyntax = "Syntax errors in policy.";
constexpr std::string_view kVersion = "Policy document must be version 2012-10-17 or greater.";
constexpr std::string_view kLegacy = "The policy failed legacy parsing";
constexpr std::string_view kOk = "";

struct ParseCase {
  std::string_view name;
  Kind kind;
  std::string_view json;
  std::string_view message;  // "" = accepted
};

// A statement body that is valid for identity policies, to build cases from.
#define V R"("Version":"2012-10-17",)"

const ParseCase kCases[] = {
    // 1. Syntax: JSON, element names and types, Action+NotAction both.
    {"not json", Kind::kIdentity, "{", kSyntax},
    {"empty", Kind::kIdentity, "", kSyntax},
    {"top-level array", Kind::kIdentity, "[]", kSyntax},
    {"unknown top key", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}],"Foo":1})", kSyntax},
    {"version not a known value", Kind::kIdentity,
     R"({"Version":"2012-10-18","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})", kSyntax},
    {"version a number", Kind::kIdentity,
     R"({"Version":2012,"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})", kSyntax},
    {"id not a string", Kind::kIdentity,
     R"({)" V R"("Id":7,"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})", kSyntax},
    {"statement missing", Kind::kIdentity, R"({"Version":"2012-10-17"})", kSyntax},
    {"statement empty list", Kind::kIdentity, R"({"Version":"2012-10-17","Statement":[]})", kSyntax},
    {"statement a string", Kind::kIdentity, R"({"Version":"2012-10-17","Statement":"Allow"})", kSyntax},
    {"statement entry not an object", Kind::kIdentity, R"({"Version":"2012-10-17","Statement":["x"]})", kSyntax},
    {"unknown statement key", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Actions":"s3:*","Resource":"*"}]})", kSyntax},
    {"action and notaction", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Action":"s3:*","NotAction":"iam:*","Resource":"*"}]})", kSyntax},
    {"resource and notresource", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","NotResource":"*"}]})", kSyntax},
    {"principal and notprincipal", Kind::kResource,
     R"({)" V R"("Statement":[{"Effect":"Deny","Principal":"*","NotPrincipal":"*","Action":"s3:*","Resource":"*"}]})",
     kSyntax},
    {"effect missing", Kind::kIdentity, R"({)" V R"("Statement":[{"Action":"s3:*","Resource":"*"}]})", kSyntax},
    {"effect unknown word", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Permit","Action":"s3:*","Resource":"*"}]})", kSyntax},
    {"effect not a string", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":true,"Action":"s3:*","Resource":"*"}]})", kSyntax},
    {"action a number", Kind::kIdentity, R"({)" V R"("Statement":[{"Effect":"Allow","Action":5,"Resource":"*"}]})",
     kSyntax},
    {"action list with a number", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Action":["s3:GetObject",5],"Resource":"*"}]})", kSyntax},
    {"resource an object", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Action":"s3:*","Resource":{"a":"b"}}]})", kSyntax},
    {"sid not a string", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Sid":1,"Effect":"Allow","Action":"s3:*","Resource":"*"}]})", kSyntax},
    {"condition not an object", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":"x"}]})", kSyntax},
    {"condition block not an object", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":"x"}}]})",
     kSyntax},
    {"condition value null", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"s3:prefix":null}}}]})",
     kSyntax},
    {"condition value an object", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"s3:prefix":{"a":1}}}}]})",
     kSyntax},
    {"unknown operator", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"s3:prefix":"a"}}}]})",
     kSyntax},
    {"operator names are case-sensitive", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"stringequals":{"s3:prefix":"a"}}}]})",
     kSyntax},
    {"principal unknown type", Kind::kResource,
     R"({)" V R"("Statement":[{"Effect":"Allow","Principal":{"Users":"x"},"Action":"s3:*","Resource":"*"}]})",
     kSyntax},
    {"principal a string other than *", Kind::kResource,
     R"({)" V R"("Statement":[{"Effect":"Allow","Principal":"alice","Action":"s3:*","Resource":"*"}]})", kSyntax},
    {"principal empty list", Kind::kResource,
     R"({)" V R"("Statement":[{"Effect":"Allow","Principal":{"AWS":[]},"Action":"s3:*","Resource":"*"}]})", kSyntax},
    {"syntax beats version", Kind::kIdentity, R"({"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","X":1}]})",
     kSyntax},

    // 2. Version.
    {"version missing", Kind::kIdentity, R"({"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})",
     kVersion},
    {"version 2008", Kind::kIdentity,
     R"({"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})", kVersion},
    {"version beats legacy", Kind::kIdentity, R"({"Statement":[{"Effect":"allow","Action":"s3:*","Resource":"*"}]})",
     kVersion},
    {"trust policy version missing", Kind::kTrust,
     R"({"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]})",
     kVersion},

    // 3. Legacy parsing: Effect case, Date values, ARN shapes.
    {"effect lower case", Kind::kIdentity, R"({)" V R"("Statement":[{"Effect":"allow","Action":"s3:*","Resource":"*"}]})",
     kLegacy},
    {"effect upper case", Kind::kIdentity, R"({)" V R"("Statement":[{"Effect":"DENY","Action":"s3:*","Resource":"*"}]})",
     kLegacy},
    {"bad month in a date condition", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2019-13-01T00:00:00Z"}}}]})",
     kLegacy},
    {"words in a date condition", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"DateLessThanIfExists":{"aws:CurrentTime":"tomorrow"}}}]})",
     kLegacy},
    {"arn with :: and too few parts", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3::b"}]})", kLegacy},
    {"arn with empty vendor", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws::x:y:z"}]})", kLegacy},
    {"legacy beats duplicate sid", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Sid":"a","Effect":"allow","Action":"s3:*","Resource":"*"},{"Sid":"a","Effect":"Allow","Action":"s3:*","Resource":"*"}]})",
     kLegacy},

    // 4. Sid uniqueness.
    {"duplicate sid", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Sid":"a","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"a","Effect":"Deny","Action":"s3:*","Resource":"*"}]})",
     "Statement IDs (SID) in a single policy must be unique."},
    {"empty sids may repeat", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Sid":"","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"","Effect":"Deny","Action":"s3:*","Resource":"*"}]})",
     kOk},
    {"sid beats missing actions", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Sid":"a","Effect":"Allow","Resource":"*"},{"Sid":"a","Effect":"Deny","Action":"s3:*","Resource":"*"}]})",
     "Statement IDs (SID) in a single policy must be unique."},

    // 5. Actions.
    {"no action", Kind::kIdentity, R"({)" V R"("Statement":[{"Effect":"Allow","Resource":"*"}]})",
     "Policy statement must contain actions."},
    {"empty action list", Kind::kIdentity, R"({)" V R"("Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]})",
     "Policy statement must contain actions."},
    {"empty notaction list", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","NotAction":[],"Resource":"*"}]})",
     "Policy statement must contain actions."},
    {"missing actions beat a bad resource", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Resource":"bucket"}]})", "Policy statement must contain actions."},

    // 6. Kind rules.
    {"identity policy with principal", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]})",
     "Policy document should not specify a principal."},
    {"identity policy with notprincipal", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"}]})",
     "Policy document should not specify a principal."},
    {"no resource", Kind::kIdentity, R"({)" V R"("Statement":[{"Effect":"Allow","Action":"s3:*"}]})",
     "Policy statement must contain resources."},
    {"empty resource list", Kind::kIdentity, R"({)" V R"("Statement":[{"Effect":"Allow","Action":"s3:*","Resource":[]}]})",
     "Policy statement must contain resources."},
    {"trust policy with resource", Kind::kTrust,
     R"({)" V R"("Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}]})",
     "Has prohibited field Resource"},
    {"trust policy with notresource", Kind::kTrust,
     R"({)" V R"("Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole","NotResource":"*"}]})",
     "Has prohibited field Resource"},
    {"trust policy without principal", Kind::kTrust,
     R"({)" V R"("Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]})", "Missing required field Principal"},
    {"resource policy without principal", Kind::kResource,
     R"({)" V R"("Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]})",
     "Missing required field Principal"},
    {"resource policy without resource", Kind::kResource,
     R"({)" V R"("Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}]})",
     "Policy statement must contain resources."},

    // 7. Resource formats (reported after the existence checks; the last one found wins).
    {"resource not an arn", Kind::kIdentity, R"({)" V R"("Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"bucket"}]})",
     "Resource bucket must be in ARN format or \"*\"."},
    {"resource partition", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws-cn:s3:::b"}]})",
     "Partition \"aws-cn\" is not valid for resource \"arn:aws-cn:s3:::b\"."},
    {"resource partition short arn", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:foo"}]})",
     "Partition \"foo\" is not valid for resource \"arn:foo:*:*:*:*\"."},
    {"resource vendor missing", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws"}]})",
     "Resource vendor must be fully qualified and cannot contain regexes."},
    {"s3 arn with region", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:us-east-1::b"}]})",
     "Resource arn:aws:s3:us-east-1::b can not contain region information."},
    {"s3 access point arn may name a region", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:us-east-1:111122223333:accesspoint/ap"}]})",
     kOk},
    {"iam arn with region", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam:us-east-1:111122223333:user/x"}]})",
     "IAM resource arn:aws:iam:us-east-1:111122223333:user/x cannot contain region information."},
    {"iam arn with unknown path", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam::111122223333:thing/x"}]})",
     "IAM resource path must either be \"*\", root, or start with user/, federated-user/, role/, group/, "
     "instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, "
     "access-report/."},
    {"last resource error wins", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Action":"s3:*","Resource":["bucketA","arn:aws:s3:eu-west-1::b"]}]})",
     "Resource arn:aws:s3:eu-west-1::b can not contain region information."},
    {"notresource formats too", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Deny","Action":"s3:*","NotResource":"bucket"}]})",
     "Resource bucket must be in ARN format or \"*\"."},
    {"resource error beats a bad action", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Action":"GetObject","Resource":"bucket"}]})",
     "Resource bucket must be in ARN format or \"*\"."},

    // 8. Action prefixes.
    {"action without vendor", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Action":"GetObject","Resource":"*"}]})",
     "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
    {"action with two colons", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Action":"s3:Get:Object","Resource":"*"}]})",
     "Actions/Condition can contain only one colon."},
    {"action with a bad vendor", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Action":"s_3:GetObject","Resource":"*"}]})",
     "Vendor s_3 is not valid"},
    {"notaction checked too", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Deny","NotAction":["s3:GetObject","Get"],"Resource":"*"}]})",
     "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},

    // 9. Principals of trust and resource policies.
    {"trust policy naming a bare name", Kind::kTrust,
     R"({)" V R"("Statement":[{"Effect":"Allow","Principal":{"AWS":"alice"},"Action":"sts:AssumeRole"}]})",
     "Invalid principal in policy: \"AWS\":\"alice\""},
    {"principal with a partial wildcard", Kind::kResource,
     R"({)" V R"("Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/*"},"Action":"s3:*","Resource":"*"}]})",
     "Invalid principal in policy: \"AWS\":\"arn:aws:iam::111122223333:user/*\""},

    // Accepted documents.
    {"single statement object", Kind::kIdentity,
     R"({)" V R"("Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}})", kOk},
    {"action and resource *", Kind::kIdentity, R"({)" V R"("Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})",
     kOk},
    {"unknown operator with empty block", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{}}}]})", kOk},
    {"unquoted booleans and numbers in conditions", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":false},"NumericGreaterThan":{"s3:max-keys":[100,200]}}}]})",
     kOk},
    {"every operator form", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"ForAllValues:StringLikeIfExists":{"aws:TagKeys":["a*"]},"ForAnyValue:ArnNotLike":{"aws:CalledVia":"x"},"NullIfExists":{"a:b":"true"},"DateGreaterThanEquals":{"aws:CurrentTime":["2026-01-01","1767225600"]},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]},"BinaryEquals":{"k:b":"AAAA"}}}]})",
     kOk},
    {"trust policy for pod identity", Kind::kTrust,
     R"({"Statement":[{"Action":["sts:AssumeRole","sts:TagSession"],"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"}}],"Version":"2012-10-17"})",
     kOk},
    {"trust policy naming an account, a role and a session", Kind::kTrust,
     R"({)" V R"("Statement":[{"Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::111122223333:root","arn:aws:iam::111122223333:role/r","arn:aws:sts::111122223333:assumed-role/r/s"]},"Action":"sts:AssumeRole"}]})",
     kOk},
    {"bucket policy", Kind::kResource,
     R"({)" V R"("Id":"p","Statement":[{"Sid":"pub","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]})",
     kOk},
    {"iam root and wildcard resources", Kind::kIdentity,
     R"({)" V R"("Statement":[{"Effect":"Allow","Action":"iam:*","Resource":["arn:aws:iam::111122223333:root","arn:aws:iam::*:role/*","arn:aws:iam::111122223333:*"]}]})",
     kOk},
};

#undef V

TEST(Parse, MalformedPolicyDocumentMessages) {
  for (const ParseCase& c : kCases) {
    auto doc = parse(c.json, c.kind);
    if (c.message.empty()) {
      EXPECT_TRUE(doc.has_value()) << c.name << ": " << (doc ? "" : doc.error().message());
      continue;
    }
    ASSERT_FALSE(doc.has_value()) << c.name << " was accepted";
    EXPECT_EQ(doc.error().code(), "MalformedPolicyDocument") << c.name;
    EXPECT_EQ(doc.error().http_status(), 400) << c.name;
    EXPECT_EQ(doc.error().message(), c.message) << c.name;
  }
}

TEST(Parse, ResourcePolicyIsLenientAboutVersionAndUsesTheCallersCode) {
  constexpr core::ErrorCode kMalformedPolicy{"MalformedPolicy", 400};
  EXPECT_TRUE(parse_resource_policy(
      R"({"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]})",
      kMalformedPolicy));
  EXPECT_TRUE(parse_resource_policy(
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]})",
      kMalformedPolicy));
  auto missing = parse_resource_policy(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]})",
      kMalformedPolicy);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), "MalformedPolicy");
  EXPECT_EQ(missing.error().message(), "Missing required field Principal");
  auto bad = parse_resource_policy("{nope", kMalformedPolicy);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), "MalformedPolicy");
}

TEST(Parse, CountsCharactersWithoutWhitespaceOutsideStrings) {
  EXPECT_EQ(count_policy_chars(R"({ "a" : "b c" })"), 11u);
  EXPECT_EQ(count_policy_chars("{\n\t\"a\":\r\n\"b\"\n}"), 9u);
  EXPECT_EQ(count_policy_chars(R"({"a":"x\" y"})"), 13u);  // an escaped quote does not end the string
  EXPECT_EQ(count_policy_chars("{\"k\":\"\xC3\xA9\"}"), 9u);  // é counts once
  EXPECT_EQ(count_policy_chars(""), 0u);
}

TEST(Parse, ListsAwsPrincipalsAsWritten) {
  auto doc = testing::must_parse(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::111122223333:role/r"],"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"},{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/u"},"Action":"sts:AssumeRole"}]})",
      Kind::kTrust);
  ASSERT_TRUE(doc);
  EXPECT_EQ(aws_principals(*doc), (std::vector<std::string>{"111122223333", "arn:aws:iam::111122223333:role/r",
                                                            "arn:aws:iam::111122223333:user/u"}));
}

}  // namespace
}  // namespace podbucket::policy

namespace podbucket::policy {
namespace {

TEST(Parse, ListsTheContextKeysADocumentReads) {
  auto doc = testing::must_parse(R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*",
     "Condition":{"StringEquals":{"s3:prefix":"${aws:PrincipalTag/team, 'x'}"},"Bool":{"aws:SecureTransport":"true"}}},
    {"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"AWS:USERNAME":"root"}}}]})");
  ASSERT_TRUE(doc);
  std::vector<std::string> keys = condition_keys(*doc);
  std::sort(keys.begin() + 1, keys.end());  // conditions come out in the parser's key order
  EXPECT_EQ(keys, (std::vector<std::string>{"aws:username", "aws:PrincipalTag/team", "aws:SecureTransport",
                                            "s3:prefix"}));
}

}  // namespace
}  // namespace podbucket::policy
