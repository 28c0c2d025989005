// Robustness: mutated documents never crash the parser, and whatever parses evaluates without crashing.
// Deterministic (fixed seed), so a failure reproduces.
#include <gtest/gtest.h>

#include <random>

#include "policy/seed_fixture.h"
#include "policy/test_support.h"

namespace podbucket::policy {
namespace {

TEST(Fuzz, MutatedDocumentsParseOrFailCleanly) {
  const std::string_view seeds[] = {
      seed::kPolicyA, seed::kPolicyC, seed::kPolicyD, seed::kTrustPolicy, seed::kAwsS3KeyPolicy,
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"s3:*","NotResource":"arn:aws:s3:::b/${aws:username}/*","Condition":{"ForAllValues:StringLikeIfExists":{"aws:TagKeys":["a*","${aws:PrincipalTag/t, 'x'}"]},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"},"ArnLike":{"aws:SourceArn":"arn:aws:s3:::*"}}}]})"};
  const char alphabet[] = "{}[]\":,*?$ \\/aS0-";
  std::mt19937 rng(20261129);
  Caller caller = testing::session("r", "s");
  Context ctx = testing::context_of({testing::one("aws:username", "alice"), testing::one("aws:SourceIp", "10.1.2.3"),
                                     testing::many("aws:TagKeys", {"ab", "x"})});
  int parsed = 0;
  for (int i = 0; i < 8000; ++i) {
    std::string doc(seeds[rng() % std::size(seeds)]);
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !doc.empty(); ++e) {
      size_t pos = rng() % doc.size();
      switch (rng() % 4) {
        case 0: doc[pos] = alphabet[rng() % (sizeof(alphabet) - 1)]; break;
        case 1: doc.erase(pos, 1 + rng() % 8); break;
        case 2: doc.insert(pos, 1, alphabet[rng() % (sizeof(alphabet) - 1)]); break;
        case 3: doc.resize(pos); break;
      }
    }
    for (Kind kind : {Kind::kIdentity, Kind::kResource, Kind::kTrust}) {
      auto result = parse(doc, kind);
      if (!result) {
        EXPECT_EQ(result.error().code(), "MalformedPolicyDocument");
        EXPECT_FALSE(result.error().message().empty());
        continue;
      }
      ++parsed;
      PolicySet set;
      set.identity.push_back({"p", *result});
      set.resource = NamedPolicy{"r", *result};
      for (std::string_view action : {"s3:GetObject", "kms:Decrypt", "sts:AssumeRole"}) {
        (void)evaluate(set, {action, "arn:aws:s3:::b/alice/k", caller, ctx});
      }
    }
    (void)count_policy_chars(doc);
  }
  EXPECT_GT(parsed, 50);  // the mutations leave enough valid documents to exercise evaluation
}

TEST(Fuzz, PathologicalWildcardsStayFast) {
  std::string pattern = "arn:aws:s3:::" + std::string(200, '*') + "a*a*a*a*a*a*a*a*b";
  std::string json = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":")" +
                     pattern + R"("}]})";
  auto doc = testing::must_parse(json);
  ASSERT_TRUE(doc);
  Caller caller = testing::user("alice");
  Context ctx;
  std::string resource = "arn:aws:s3:::" + std::string(4000, 'a');
  EXPECT_FALSE(evaluate_document(*doc, "p", {"s3:GetObject", resource, caller, ctx}).allowed());
}

}  // namespace
}  // namespace podbucket::policy
