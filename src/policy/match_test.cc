// Wildcard matching: glob with backtracking, case rules, ARN components, typed values.
#include "policy/match.h"

#include <gtest/gtest.h>

#include "policy/values.h"

namespace podbucket::policy::detail {
namespace {

std::string pat(std::string_view raw, bool fold = false) {
  return compile_text(raw, TextMode::kGlob, false, fold).fixed;
}

struct GlobCase {
  std::string_view pattern;
  std::string_view text;
  bool fold;
  bool want;
};

// Spec 1.3: full glob semantics with backtracking; '*' crosses ':' and '/'; '?' is exactly one character.
constexpr GlobCase kGlobCases[] = {
    {"*", "", false, true},
    {"*", "anything/at:all", false, true},
    {"a*c", "abcc", false, true},  // backtracking (a Ceph quirk says otherwise; AWS matches)
    {"a*c", "abcd", false, false},
    {"a*b*c", "aXbYbZc", false, true},
    {"a?c", "abc", false, true},
    {"a?c", "ac", false, false},
    {"a?c", "abbc", false, false},
    {"??", "ab", false, true},
    {"??", "abc", false, false},
    {"arn:aws:s3:::b/*", "arn:aws:s3:::b/k/x", false, true},
    {"arn:aws:s3:::b/*", "arn:aws:s3:::b", false, false},  // bucket/* never matches the bucket
    {"arn:aws:s3:::b*", "arn:aws:s3:::b", false, true},
    {"arn:aws:s3:::b*", "arn:aws:s3:::b/k", false, true},
    {"arn:aws:s3:::*", "arn:aws:s3:::any/key", false, true},
    {"arn:aws:s3:::gl-*", "arn:aws:s3:::gl-lfs/a/b", false, true},
    {"arn:aws:s3:::B/*", "arn:aws:s3:::b/k", false, false},  // resources are case-sensitive
    {"arn:aws:s3:::b/Key", "arn:aws:s3:::b/key", false, false},
    {"s3:get*", "s3:GetObject", true, true},  // actions are case-insensitive
    {"s3:*object*", "s3:PutObjectAcl", true, true},
    {"s3:list?ucket", "s3:ListBucket", true, true},
    {"s3:list?ucket", "s3:ListBucketVersions", true, false},
    {"*:*", "s3:x", false, true},
    {"**", "abc", false, true},
    {"*a", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbba", false, true},
    {"*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false, false},
};

TEST(Glob, Table) {
  for (const GlobCase& c : kGlobCases) {
    EXPECT_EQ(glob_match(pat(c.pattern, c.fold), c.text, c.fold), c.want) << c.pattern << " ~ " << c.text;
  }
}

TEST(Glob, LiteralWildcardsFromVariablesStayLiteral) {
  // ${*} is a literal '*', not a wildcard.
  Text t = compile_text("a${*}b", TextMode::kGlob, true, false);
  ASSERT_FALSE(t.has_variables());
  EXPECT_TRUE(glob_match(t.fixed, "a*b", false));
  EXPECT_FALSE(glob_match(t.fixed, "axxb", false));
  Text q = compile_text("a${?}b${$}", TextMode::kGlob, true, false);
  EXPECT_TRUE(glob_match(q.fixed, "a?b$", false));
  EXPECT_FALSE(glob_match(q.fixed, "axb$", false));
}

TEST(Glob, ReservedBytesMatchNothing) {
  Text t = compile_text(std::string("a\x01") + "b", TextMode::kGlob, false, false);
  EXPECT_TRUE(t.never);
}

TEST(SplitArn, SixComponents) {
  std::array<std::string_view, 6> p;
  ASSERT_TRUE(split_arn("arn:aws:iam::123456789012:role/a:b", p));
  EXPECT_EQ(p[2], "iam");
  EXPECT_EQ(p[3], "");
  EXPECT_EQ(p[4], "123456789012");
  EXPECT_EQ(p[5], "role/a:b");
  EXPECT_FALSE(split_arn("arn:aws:iam::123", p));
}

TEST(Values, Numbers) {
  EXPECT_EQ(parse_number("10"), 10.0);
  EXPECT_EQ(parse_number("-1.5"), -1.5);
  EXPECT_EQ(parse_number("+3"), 3.0);
  EXPECT_FALSE(parse_number("ten"));
  EXPECT_FALSE(parse_number(""));
  EXPECT_FALSE(parse_number("1x"));
}

TEST(Values, Dates) {
  EXPECT_EQ(parse_date_ms("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_date_ms("2026-11-29T00:00:00Z"), int64_t{1795910400} * 1000);
  EXPECT_EQ(parse_date_ms("2026-11-29"), int64_t{1795910400} * 1000);
  EXPECT_EQ(parse_date_ms("1795910400"), int64_t{1795910400} * 1000);
  EXPECT_EQ(parse_date_ms("2026-11-29T09:00:00+09:00"), int64_t{1795910400} * 1000);
  EXPECT_EQ(parse_date_ms("2026-11-29T00:00:00.250Z"), int64_t{1795910400} * 1000 + 250);
  EXPECT_FALSE(parse_date_ms("2026-13-01T00:00:00Z"));
  EXPECT_FALSE(parse_date_ms("2026-11-29T24:00:00Z"));
  EXPECT_FALSE(parse_date_ms("yesterday"));
  EXPECT_TRUE(valid_policy_date("2019-07-16T12:00:00Z"));
  EXPECT_FALSE(valid_policy_date("2019-07-16T12:60:00Z"));
}

TEST(Values, Cidr) {
  auto v4 = parse_cidr("192.0.2.0/24");
  ASSERT_TRUE(v4);
  EXPECT_TRUE(ip_in_block("192.0.2.77", *v4));
  EXPECT_FALSE(ip_in_block("192.0.3.1", *v4));
  EXPECT_FALSE(ip_in_block("2001:db8::1", *v4));
  EXPECT_TRUE(ip_in_block("::ffff:192.0.2.5", *v4));  // IPv4-mapped counts as IPv4
  auto host = parse_cidr("203.0.113.9");
  ASSERT_TRUE(host);
  EXPECT_EQ(host->prefix, 32);
  EXPECT_TRUE(ip_in_block("203.0.113.9", *host));
  EXPECT_FALSE(ip_in_block("203.0.113.10", *host));
  auto v6 = parse_cidr("2001:db8::/32");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(ip_in_block("2001:db8:1234::1", *v6));
  EXPECT_FALSE(ip_in_block("2001:db9::1", *v6));
  auto odd = parse_cidr("10.0.0.0/9");
  ASSERT_TRUE(odd);
  EXPECT_TRUE(ip_in_block("10.127.255.255", *odd));
  EXPECT_FALSE(ip_in_block("10.128.0.0", *odd));
  EXPECT_FALSE(parse_cidr("10.0.0.0/33"));
  EXPECT_FALSE(parse_cidr("300.0.0.1"));
  EXPECT_FALSE(parse_cidr("not-an-ip"));
  EXPECT_FALSE(ip_in_block("garbage", *v4));
}

}  // namespace
}  // namespace podbucket::policy::detail
