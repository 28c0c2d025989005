// Condition operators, one table: each row is a Condition element, a request context, and whether the
// statement applies. Covers every operator family, IfExists, ForAnyValue/ForAllValues and AWS's missing-key rules
// (aws-semantics spec 1.5 and its multivalued-key table).
#include <gtest/gtest.h>

#include "policy/test_support.h"

namespace podbucket::policy {
namespace {

using testing::many;
using testing::one;

struct ConditionCase {
  std::string_view condition;  // the Condition element
  std::vector<testing::Kv> context;
  bool applies;
};

const std::vector<ConditionCase>& cases() {
  static const std::vector<ConditionCase> kCases = {
      // String operators.
      {R"({"StringEquals":{"s3:prefix":"home/"}})", {one("s3:prefix", "home/")}, true},
      {R"({"StringEquals":{"s3:prefix":"home/"}})", {one("s3:prefix", "Home/")}, false},
      {R"({"StringEquals":{"s3:prefix":"home/"}})", {}, false},
      {R"({"StringEquals":{"s3:prefix":["a","b"]}})", {one("s3:prefix", "b")}, true},
      {R"({"StringEquals":{"s3:prefix":"*"}})", {one("s3:prefix", "abc")}, false},  // no wildcards in Equals
      {R"({"StringEquals":{"s3:prefix":"*"}})", {one("s3:prefix", "*")}, true},
      {R"({"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}})",
       {one("s3:x-amz-server-side-encryption", "aws:kms")}, false},
      {R"({"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}})",
       {one("s3:x-amz-server-side-encryption", "AES256")}, true},
      // Missing key + negated operator = true: Deny ... StringNotEquals denies a PUT that omits the header.
      {R"({"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}})", {}, true},
      {R"({"StringNotEquals":{"s3:prefix":["a","b"]}})", {one("s3:prefix", "c")}, true},
      {R"({"StringNotEquals":{"s3:prefix":["a","b"]}})", {one("s3:prefix", "a")}, false},  // NOR of the values
      {R"({"StringEqualsIgnoreCase":{"aws:username":"ALICE"}})", {one("aws:username", "alice")}, true},
      {R"({"StringEqualsIgnoreCase":{"aws:username":"ALICE"}})", {one("aws:username", "alicia")}, false},
      {R"({"StringNotEqualsIgnoreCase":{"aws:username":"alice"}})", {one("aws:username", "Alice")}, false},
      {R"({"StringNotEqualsIgnoreCase":{"aws:username":"alice"}})", {one("aws:username", "bob")}, true},
      {R"({"StringNotEqualsIgnoreCase":{"aws:username":"alice"}})", {}, true},
      {R"({"StringLike":{"s3:prefix":"home/*"}})", {one("s3:prefix", "home/a/b:c")}, true},
      {R"({"StringLike":{"s3:prefix":"home/*"}})", {one("s3:prefix", "other/")}, false},
      {R"({"StringLike":{"s3:prefix":"home/*"}})", {}, false},
      {R"({"StringLike":{"s3:prefix":"a?c"}})", {one("s3:prefix", "abc")}, true},
      {R"({"StringLike":{"s3:prefix":"Home/*"}})", {one("s3:prefix", "home/x")}, false},  // case-sensitive
      {R"({"StringNotLike":{"s3:prefix":"home/*"}})", {one("s3:prefix", "x")}, true},
      {R"({"StringNotLike":{"s3:prefix":"home/*"}})", {one("s3:prefix", "home/x")}, false},
      {R"({"StringNotLike":{"s3:prefix":"home/*"}})", {}, true},
      {R"({"StringEqualsIfExists":{"s3:x-amz-acl":"private"}})", {}, true},
      {R"({"StringEqualsIfExists":{"s3:x-amz-acl":"private"}})", {one("s3:x-amz-acl", "public-read")}, false},
      {R"({"StringEqualsIfExists":{"s3:x-amz-acl":"private"}})", {one("s3:x-amz-acl", "private")}, true},
      {R"({"StringNotEqualsIfExists":{"s3:x-amz-acl":"private"}})", {}, true},
      {R"({"StringNotEqualsIfExists":{"s3:x-amz-acl":"private"}})", {one("s3:x-amz-acl", "private")}, false},
      {R"({"StringLikeIfExists":{"s3:prefix":"home/*"}})", {one("s3:prefix", "x")}, false},
      // Key names are case-insensitive, the tag-key part of aws:PrincipalTag/ too.
      {R"({"StringEquals":{"AWS:PrincipalTag/Team":"blue"}})", {one("aws:principaltag/team", "blue")}, true},
      {R"({"StringEquals":{"aws:principaltag/team":"blue"}})", {one("aws:PrincipalTag/TEAM", "blue")}, true},

      // Numeric.
      {R"({"NumericLessThan":{"s3:max-keys":"10"}})", {one("s3:max-keys", "5")}, true},
      {R"({"NumericLessThan":{"s3:max-keys":"10"}})", {one("s3:max-keys", "10")}, false},
      {R"({"NumericLessThan":{"s3:max-keys":"10"}})", {}, false},
      {R"({"NumericLessThanEquals":{"s3:max-keys":"10"}})", {one("s3:max-keys", "10")}, true},
      {R"({"NumericGreaterThan":{"s3:max-keys":"10"}})", {one("s3:max-keys", "11")}, true},
      {R"({"NumericGreaterThan":{"s3:max-keys":"10"}})", {one("s3:max-keys", "10")}, false},
      {R"({"NumericGreaterThanEquals":{"s3:max-keys":"10"}})", {one("s3:max-keys", "10")}, true},
      {R"({"NumericEquals":{"s3:max-keys":"10"}})", {one("s3:max-keys", "10.0")}, true},
      {R"({"NumericEquals":{"s3:max-keys":10}})", {one("s3:max-keys", "10")}, true},  // unquoted number
      {R"({"NumericEquals":{"s3:max-keys":"10"}})", {one("s3:max-keys", "ten")}, false},
      {R"({"NumericNotEquals":{"s3:max-keys":"10"}})", {one("s3:max-keys", "11")}, true},
      {R"({"NumericNotEquals":{"s3:max-keys":"10"}})", {one("s3:max-keys", "10")}, false},
      {R"({"NumericNotEquals":{"s3:max-keys":"10"}})", {}, true},
      {R"({"NumericLessThanIfExists":{"s3:max-keys":"10"}})", {}, true},

      // Date.
      {R"({"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}})",
       {one("aws:CurrentTime", "2026-11-29T12:00:00Z")}, true},
      {R"({"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}})",
       {one("aws:CurrentTime", "2025-12-31T23:59:59Z")}, false},
      {R"({"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}})", {}, false},
      {R"({"DateLessThan":{"aws:CurrentTime":"1767225600"}})", {one("aws:CurrentTime", "2025-06-01T00:00:00Z")},
       true},  // epoch seconds in the policy
      {R"({"DateEquals":{"aws:CurrentTime":"2026-11-29T09:00:00+09:00"}})",
       {one("aws:CurrentTime", "2026-11-29T00:00:00Z")}, true},
      {R"({"DateNotEquals":{"aws:CurrentTime":"2026-11-29T00:00:00Z"}})", {}, true},
      {R"({"DateNotEquals":{"aws:CurrentTime":"2026-11-29T00:00:00Z"}})",
       {one("aws:CurrentTime", "2026-11-29T00:00:00Z")}, false},
      {R"({"DateLessThanEquals":{"aws:CurrentTime":"2026-11-29"}})", {one("aws:CurrentTime", "2026-11-29T00:00:00Z")},
       true},
      {R"({"DateGreaterThanEquals":{"aws:TokenIssueTime":"2026-11-29T00:00:00Z"}})",
       {one("aws:TokenIssueTime", "2026-11-28T23:59:59Z")}, false},
      {R"({"DateLessThan":{"aws:EpochTime":"2026-01-01T00:00:00Z"}})", {one("aws:EpochTime", "1767225599")}, true},
      {R"({"DateLessThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}})", {one("aws:CurrentTime", "soon")}, false},

      // Bool.
      {R"({"Bool":{"aws:SecureTransport":"false"}})", {one("aws:SecureTransport", "false")}, true},
      {R"({"Bool":{"aws:SecureTransport":"false"}})", {one("aws:SecureTransport", "true")}, false},
      {R"({"Bool":{"aws:SecureTransport":"false"}})", {}, false},
      {R"({"Bool":{"aws:SecureTransport":false}})", {one("aws:SecureTransport", "false")}, true},
      {R"({"Bool":{"aws:SecureTransport":"TRUE"}})", {one("aws:SecureTransport", "true")}, true},
      // The classic "deny without MFA" guard: absent for long-term keys, so IfExists makes it apply.
      {R"({"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}})", {}, true},
      {R"({"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}})", {one("aws:MultiFactorAuthPresent", "true")},
       false},

      // Binary: the policy value is base64.
      {R"({"BinaryEquals":{"k:bin":"QmluYXJ5VmFsdWU="}})", {one("k:bin", "BinaryValue")}, true},
      {R"({"BinaryEquals":{"k:bin":"QmluYXJ5VmFsdWU="}})", {one("k:bin", "QmluYXJ5VmFsdWU=")}, true},
      {R"({"BinaryEquals":{"k:bin":"QmluYXJ5VmFsdWU="}})", {one("k:bin", "Other")}, false},
      {R"({"BinaryEquals":{"k:bin":"QmluYXJ5VmFsdWU="}})", {}, false},

      // IP addresses.
      {R"({"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}})", {one("aws:SourceIp", "203.0.113.5")}, true},
      {R"({"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}})", {one("aws:SourceIp", "198.51.100.1")}, false},
      {R"({"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}})", {}, false},
      {R"({"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]}})", {one("aws:SourceIp", "2001:db8::7")},
       true},
      {R"({"IpAddress":{"aws:SourceIp":"203.0.113.9"}})", {one("aws:SourceIp", "203.0.113.9")}, true},
      {R"({"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}})", {one("aws:SourceIp", "198.51.100.1")}, true},
      {R"({"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}})", {one("aws:SourceIp", "203.0.113.5")}, false},
      // Missing (VPC endpoint traffic): NotIpAddress is true, so a Deny with it blocks such traffic.
      {R"({"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}})", {}, true},
      {R"({"IpAddress":{"aws:sourceip":"203.0.113.0/24"}})", {one("AWS:SourceIP", "203.0.113.5")}, true},

      // ARN operators: per component, case-sensitive, wildcards stay inside a component.
      {R"({"ArnLike":{"aws:SourceArn":"arn:aws:s3:::gl-*"}})", {one("aws:SourceArn", "arn:aws:s3:::gl-lfs")}, true},
      {R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/ci-*"}})",
       {one("aws:PrincipalArn", "arn:aws:iam::111122223333:role/ci-runner")}, true},
      {R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::1111*"}})",
       {one("aws:PrincipalArn", "arn:aws:iam::111122223333:role/x")}, false},  // '*' cannot cross a ':'
      {R"({"StringLike":{"aws:PrincipalArn":"arn:aws:iam::1111*"}})",
       {one("aws:PrincipalArn", "arn:aws:iam::111122223333:role/x")}, true},  // ...but StringLike's can
      {R"({"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/x"}})",
       {one("aws:PrincipalArn", "arn:aws:iam::111122223333:role/X")}, false},
      {R"({"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/x"}})",
       {one("aws:PrincipalArn", "arn:aws:iam::111122223333:role/x")}, true},
      {R"({"ArnLike":{"aws:SourceArn":"arn:aws:s3:::b"}})", {one("aws:SourceArn", "not-an-arn")}, false},
      {R"({"ArnLike":{"aws:SourceArn":"*"}})", {one("aws:SourceArn", "arn:aws:s3:::b")}, true},
      {R"({"ArnNotEquals":{"aws:SourceArn":"arn:aws:s3:::b"}})", {one("aws:SourceArn", "arn:aws:s3:::c")}, true},
      {R"({"ArnNotEquals":{"aws:SourceArn":"arn:aws:s3:::b"}})", {}, true},
      {R"({"ArnNotLike":{"aws:SourceArn":"arn:aws:s3:::b*"}})", {one("aws:SourceArn", "arn:aws:s3:::bucket")}, false},
      {R"({"ArnNotLike":{"aws:SourceArn":"arn:aws:s3:::b*"}})", {one("aws:SourceArn", "arn:aws:s3:::other")}, true},

      // Null tests presence only.
      {R"({"Null":{"aws:TokenIssueTime":"true"}})", {}, true},
      {R"({"Null":{"aws:TokenIssueTime":"true"}})", {one("aws:TokenIssueTime", "2026-11-29T00:00:00Z")}, false},
      {R"({"Null":{"aws:TokenIssueTime":"false"}})", {one("aws:TokenIssueTime", "2026-11-29T00:00:00Z")}, true},
      {R"({"Null":{"aws:TokenIssueTime":"false"}})", {}, false},
      {R"({"Null":{"aws:TagKeys":"true"}})", {many("aws:TagKeys", {})}, true},  // an empty set counts as absent
      {R"({"Null":{"aws:TokenIssueTime":false}})", {one("aws:TokenIssueTime", "x")}, true},

      // Multivalued keys (spec 1.5 table).
      {R"({"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}})", {}, false},
      {R"({"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}})", {many("aws:TagKeys", {})}, false},
      {R"({"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}})", {many("aws:TagKeys", {"a", "b"})}, true},
      {R"({"ForAnyValue:StringEquals":{"aws:TagKeys":["a","c"]}})", {many("aws:TagKeys", {"a"})}, true},
      {R"({"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}})", {many("aws:TagKeys", {"b"})}, false},
      {R"({"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}})", {}, true},
      {R"({"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}})", {many("aws:TagKeys", {})}, true},
      {R"({"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}})", {many("aws:TagKeys", {"a", "b"})}, false},
      {R"({"ForAllValues:StringEquals":{"aws:TagKeys":["a","c"]}})", {many("aws:TagKeys", {"a"})}, true},
      {R"({"ForAllValues:StringNotEquals":{"aws:TagKeys":["a","b"]}})", {many("aws:TagKeys", {"c", "d"})}, true},
      {R"({"ForAllValues:StringNotEquals":{"aws:TagKeys":["a","b"]}})", {many("aws:TagKeys", {"a", "c"})}, false},
      {R"({"ForAnyValue:StringNotEquals":{"aws:TagKeys":["a"]}})", {many("aws:TagKeys", {"a", "b"})}, true},
      {R"({"ForAnyValue:StringNotEquals":{"aws:TagKeys":["a"]}})", {many("aws:TagKeys", {"a"})}, false},
      {R"({"ForAnyValue:StringNotEquals":{"aws:TagKeys":["a"]}})", {}, false},
      {R"({"ForAnyValue:StringLike":{"aws:CalledVia":["*.amazonaws.com"]}})",
       {many("aws:CalledVia", {"athena.amazonaws.com"})}, true},
      {R"({"ForAllValues:StringLike":{"kms:EncryptionContextKeys":["aws:s3:*"]}})",
       {many("kms:EncryptionContextKeys", {"aws:s3:arn", "other"})}, false},
      {R"({"ForAnyValue:StringEqualsIfExists":{"aws:TagKeys":["a"]}})", {}, true},
      {R"({"ForAllValues:StringEqualsIfExists":{"aws:TagKeys":["a"]}})", {}, true},
      {R"({"ForAnyValue:StringEquals":{"s3:prefix":["a"]}})", {one("s3:prefix", "a")}, true},  // a set of one
      {R"({"StringEquals":{"aws:TagKeys":["a"]}})", {many("aws:TagKeys", {"b", "a"})}, true},
      {R"({"ForAllValues:NumericLessThan":{"k:nums":"10"}})", {many("k:nums", {"1", "9"})}, true},
      {R"({"ForAllValues:NumericLessThan":{"k:nums":"10"}})", {many("k:nums", {"1", "19"})}, false},

      // Keys within an operator, and operators within a block, are AND-ed.
      {R"({"StringEquals":{"k:a":"1","k:b":"2"}})", {one("k:a", "1"), one("k:b", "2")}, true},
      {R"({"StringEquals":{"k:a":"1","k:b":"2"}})", {one("k:a", "1")}, false},
      {R"({"StringEquals":{"k:a":"1"},"Bool":{"aws:SecureTransport":"true"}})",
       {one("k:a", "1"), one("aws:SecureTransport", "true")}, true},
      {R"({"StringEquals":{"k:a":"1"},"Bool":{"aws:SecureTransport":"true"}})",
       {one("k:a", "1"), one("aws:SecureTransport", "false")}, false},
      {R"({"StringEquals":{"k:a":[]}})", {one("k:a", "1")}, false},
      {R"({})", {}, true},
  };
  return kCases;
}

TEST(Conditions, Table) {
  for (const ConditionCase& c : cases()) {
    std::string json = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",)"
                       R"("Resource":"*","Condition":)" +
                       std::string(c.condition) + "}]}";
    auto doc = testing::must_parse(json);
    ASSERT_TRUE(doc) << c.condition;
    Caller caller = testing::user("alice");
    Context ctx = testing::context_of(c.context);
    Request request{"s3:GetObject", "arn:aws:s3:::b/k", caller, ctx};
    Decision d = evaluate_document(*doc, "p", request);
    std::string context_text;
    for (const auto& kv : c.context) {
      context_text += kv.key + (kv.multi ? "=[" : "=");
      for (const auto& v : kv.values) context_text += v + ",";
      context_text += kv.multi ? "] " : " ";
    }
    EXPECT_EQ(d.allowed(), c.applies) << c.condition << " with {" << context_text << "}";
  }
}

TEST(Conditions, DenyWithNegatedOperatorFiresOnMissingKey) {
  // Spec 8.1: Deny + StringNotEquals s3:x-amz-server-side-encryption denies a PutObject without the header.
  auto doc = testing::must_parse(R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Action":"s3:PutObject","Resource":"*"},
    {"Sid":"RequireKms","Effect":"Deny","Action":"s3:PutObject","Resource":"*",
     "Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}}]})");
  ASSERT_TRUE(doc);
  Caller caller = testing::user("alice");
  Context none;
  Context kms = testing::context_of({one("s3:x-amz-server-side-encryption", "aws:kms")});
  Decision without = evaluate_document(*doc, "p", {"s3:PutObject", "arn:aws:s3:::b/k", caller, none});
  EXPECT_EQ(without.effect, Effect::kExplicitDeny);
  EXPECT_EQ(without.sid, "RequireKms");
  EXPECT_EQ(evaluate_document(*doc, "p", {"s3:PutObject", "arn:aws:s3:::b/k", caller, kms}).effect, Effect::kAllow);
}

}  // namespace
}  // namespace podbucket::policy
