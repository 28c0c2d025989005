#include "sts/params.h"

#include <gtest/gtest.h>

namespace podbucket::sts {
namespace {

Form form(std::string_view raw) { return Form(wire::QueryParams::parse(raw, /*form=*/true)); }

TEST(Form, ScalarsAndMemberListsInIndexOrder) {
  Form f = form("Action=AssumeRole&RoleSessionName=a%2Bb+c&PolicyArns.member.2.arn=arn2&PolicyArns.member.1.arn=arn1"
                "&TransitiveTagKeys.member.10=k10&TransitiveTagKeys.member.2=k2&TransitiveTagKeys.member.x=bad"
                "&Tags.member.3.Value=v3&Tags.member.1.Key=k1&Tags.member.1.Value=v1&Tags.member.3.Key=k3"
                "&Tags.member.2.Key=k2");
  EXPECT_EQ(f.get("Action"), "AssumeRole");
  EXPECT_EQ(f.get("RoleSessionName"), "a+b c");
  EXPECT_EQ(f.get("Missing"), std::nullopt);
  EXPECT_EQ(f.list("PolicyArns", ".arn"), (std::vector<std::string>{"arn1", "arn2"}));
  EXPECT_EQ(f.list("TransitiveTagKeys"), (std::vector<std::string>{"k2", "k10"}));
  EXPECT_EQ(f.list_size("TransitiveTagKeys"), 10u);
  auto tags = f.tags("Tags");
  ASSERT_EQ(tags.size(), 3u);
  EXPECT_EQ(tags[0], (iam::Tag{"k1", "v1"}));
  EXPECT_EQ(tags[1], (iam::Tag{"k2", ""}));  // a missing Value is empty
  EXPECT_EQ(tags[2], (iam::Tag{"k3", "v3"}));
  EXPECT_EQ(f.list_size("Tags"), 3u);
  EXPECT_EQ(f.list_size("Nothing"), 0u);
  // ".member.0" and prefixes of other names are not members.
  Form g = form("Tags.member.0.Key=zero&TagsX.member.1.Key=x");
  EXPECT_TRUE(g.tags("Tags").empty());
}

TEST(Params, CharLengthCountsCodePoints) {
  EXPECT_EQ(char_length(""), 0u);
  EXPECT_EQ(char_length("abc"), 3u);
  EXPECT_EQ(char_length("\xC3\xA9t\xC3\xA9"), 3u);         // "été"
  EXPECT_EQ(char_length("\xF0\x9F\x98\x80"), 1u);          // one emoji
}

TEST(Params, PolicyTextCharacters) {
  EXPECT_TRUE(check_policy_text(std::nullopt));
  EXPECT_TRUE(check_policy_text(std::string("{\t\"a\":\r\n\"caf\xC3\xA9\"}")));  // U+00E9 is allowed
  EXPECT_FALSE(check_policy_text(std::string("{\"a\":\"\xE2\x82\xAC\"}")));     // U+20AC is not
  EXPECT_FALSE(check_policy_text(std::string("{\x01}")));
  EXPECT_FALSE(check_policy_text(std::string("")));
  EXPECT_TRUE(check_policy_text(std::string(2048, ' ')));
  EXPECT_FALSE(check_policy_text(std::string(2049, ' ')));
}

TEST(Params, DurationParsing) {
  EXPECT_EQ(parse_duration(std::nullopt, 900, 43200, 3600)->count(), 3600);
  EXPECT_EQ(parse_duration(std::string("900"), 900, 43200, 3600)->count(), 900);
  EXPECT_FALSE(parse_duration(std::string("12.5"), 900, 43200, 3600));
  EXPECT_FALSE(parse_duration(std::string("-1"), 900, 43200, 3600));
  EXPECT_FALSE(parse_duration(std::string(""), 900, 43200, 3600));
  EXPECT_FALSE(parse_duration(std::string("99999999999999999999"), 900, 43200, 3600));
}

TEST(Params, TagCharacters) {
  EXPECT_TRUE(check_tags({{"caf\xC3\xA9", "ok"}}, 1));  // letters beyond ASCII
  EXPECT_FALSE(check_tags({{"a\xFF", "v"}}, 1));        // not UTF-8
  EXPECT_FALSE(check_tags({{"", "v"}}, 1));
  EXPECT_FALSE(check_tags({{"k", "v!"}}, 1));
  EXPECT_TRUE(check_tags({}, 0));
  EXPECT_FALSE(check_tags({}, 51));  // Tags.member.51 counts even when sparse
}

TEST(Params, PackedPercentGrowsWithPoliciesAndTags) {
  EXPECT_EQ(packed_policy_percent("", {}, {}), 0);
  int small = packed_policy_percent(R"({"Version":"2012-10-17","Statement":[]})", {}, {});
  int with_tags = packed_policy_percent(R"({"Version":"2012-10-17","Statement":[]})", {},
                                        {{"k1", std::string(200, 'v')}, {"k2", std::string(200, 'v')}});
  EXPECT_GT(small, 0);
  EXPECT_GT(with_tags, small + 15);
  std::vector<iam::Tag> six = {{"eks-cluster-arn", "arn:aws:eks:us-east-1:123456789012:cluster/main"},
                               {"eks-cluster-name", "main"}, {"kubernetes-namespace", "gitlab"},
                               {"kubernetes-service-account", "webservice"}, {"kubernetes-pod-name", "web-1"},
                               {"kubernetes-pod-uid", "2f9c0b7e-1111-2222-3333-444455556666"}};
  EXPECT_LT(packed_policy_percent("", {}, six), 50);  // Pod Identity's tags fit comfortably
  // A full-size policy fits; whitespace outside strings is not counted.
  std::string big = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":")" +
                    std::string(1900, 'a') + R"("}]})";
  EXPECT_LE(packed_policy_percent(big, {}, {}), 100);
}

}  // namespace
}  // namespace podbucket::sts
