// Block Public Access: what counts as a public bucket policy, and the configuration document.
#include "s3/bucket/policy.h"

#include <gtest/gtest.h>

namespace podbucket::s3::bucket {
namespace {

std::string statement_policy(const std::string& statement) {
  return R"({"Version":"2012-10-17","Statement":[)" + statement + "]}";
}

struct PublicCase {
  const char* name;
  std::string statement;
  bool is_public;
};

TEST(IsPublicPolicy, FollowsTheMeaningOfPublic) {
  const PublicCase cases[] = {
      // The exact document a bug once let through (the statements were read from a destroyed temporary).
      {"wildcard string principal",
       R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pub/*"})", true},
      {"wildcard AWS principal",
       R"({"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::pub/*"})",
       true},
      {"wildcard inside a list",
       R"({"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","*"]},"Action":"s3:*",)"
       R"("Resource":"arn:aws:s3:::pub/*"})",
       true},
      {"named account", R"({"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"})",
       false},
      {"deny with wildcard", R"({"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"})", false},
      {"pinned by aws:SourceAccount",
       R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*",)"
       R"("Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}})",
       false},
      {"pinned by a wildcard value is still public",
       R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*",)"
       R"("Condition":{"StringLike":{"aws:SourceAccount":"1111*"}}})",
       true},
      {"narrow source ip",
       R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*",)"
       R"("Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}})",
       false},
      {"wide source ip",
       R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*",)"
       R"("Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/1"}}})",
       true},
      {"negated condition does not pin",
       R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*",)"
       R"("Condition":{"StringNotEquals":{"aws:SourceAccount":"111122223333"}}})",
       true},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(is_public_policy(statement_policy(c.statement)), c.is_public) << c.name;
  }
  EXPECT_TRUE(is_public_policy(R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*",)"
                               R"("Action":"s3:GetObject","Resource":"*"}})"))
      << "a single statement object, not a list";
}

TEST(PublicAccessBlockDocument, RoundTripsAndDefaultsToFalse) {
  auto pab = parse_public_access_block(
      R"(<PublicAccessBlockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">)"
      R"(<BlockPublicAcls>true</BlockPublicAcls><RestrictPublicBuckets>TRUE</RestrictPublicBuckets>)"
      R"(</PublicAccessBlockConfiguration>)");
  ASSERT_TRUE(pab);
  EXPECT_TRUE(pab->block_public_acls);
  EXPECT_FALSE(pab->ignore_public_acls);
  EXPECT_FALSE(pab->block_public_policy);
  EXPECT_TRUE(pab->restrict_public_buckets);
  auto again = parse_public_access_block(render_public_access_block(*pab));
  ASSERT_TRUE(again);
  EXPECT_EQ(render_public_access_block(*again), render_public_access_block(*pab));
}

TEST(PublicAccessBlockDocument, RejectsBadDocuments) {
  EXPECT_FALSE(parse_public_access_block("<Other/>"));
  EXPECT_FALSE(parse_public_access_block("not xml"));
  EXPECT_FALSE(parse_public_access_block(
      "<PublicAccessBlockConfiguration><BlockPublicAcls>yes</BlockPublicAcls></PublicAccessBlockConfiguration>"));
}

}  // namespace
}  // namespace podbucket::s3::bucket
