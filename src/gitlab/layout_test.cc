// The seed's layout: policies that IAM accepts, the seed's gaps present verbatim and closed when fixed.
#include "gitlab/layout.h"

#include <gtest/gtest.h>

#include "policy/policy.h"

namespace podbucket::gitlab {
namespace {

constexpr const char* kKey = "arn:aws:kms:ap-northeast-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab";

policy::Effect decide(const Layout& layout, std::string_view action, std::string_view resource,
                      const policy::Context& context = {}) {
  policy::PolicySet set;
  for (const auto& p : layout.policies()) {
    auto doc = policy::parse(p.document, policy::Kind::kIdentity);
    EXPECT_TRUE(doc) << p.name << ": " << (doc ? "" : doc.error().message());
    if (doc) set.identity.push_back({p.name, *doc});
  }
  policy::Caller caller;
  caller.arn = "arn:aws:sts::000000000000:assumed-role/example-gitlab-eks-eks-global/s";
  caller.role_arn = layout.role_arn();
  caller.account_id = "000000000000";
  return policy::evaluate(set, policy::Request{action, resource, caller, context}).effect;
}

TEST(Layout, NamesFollowTheSeed) {
  Layout layout("example-gitlab-eks", "000000000000", kKey, false);
  EXPECT_EQ(layout.bucket_names().size(), 7u);
  EXPECT_EQ(layout.bucket_names().front(), "example-gitlab-eks-registry");
  EXPECT_EQ(layout.role_arn(), "arn:aws:iam::000000000000:role/example-gitlab-eks-eks-global");
  auto trust = policy::parse(Layout::trust_policy(), policy::Kind::kTrust);
  EXPECT_TRUE(trust);
  std::vector<std::string> names;
  for (const auto& p : layout.policies()) names.push_back(p.name);
  EXPECT_EQ(names, (std::vector<std::string>{"example-gitlab-eks-s3-policy", "example-gitlab-eks-s3-backups-policy",
                                             "example-gitlab-eks-s3-registry-policy",
                                             "example-gitlab-eks-s3-kms-policy"}));
}

TEST(Layout, SeedExactKeepsTheGaps) {
  Layout exact("p", "000000000000", kKey, true);
  EXPECT_TRUE(exact.fixes().empty());
  EXPECT_EQ(decide(exact, "s3:ListBucket", "arn:aws:s3:::p-backups"), policy::Effect::kImplicitDeny);
  EXPECT_EQ(decide(exact, "s3:AbortMultipartUpload", "arn:aws:s3:::p-lfs/tmp/x"), policy::Effect::kImplicitDeny);
  policy::Context object_context;
  object_context.set("kms:EncryptionContext:aws:s3:arn", "arn:aws:s3:::p-lfs/objects/x");
  EXPECT_EQ(decide(exact, "kms:Decrypt", kKey, object_context), policy::Effect::kImplicitDeny);
}

TEST(Layout, FixesCloseTheGapsAndNothingElse) {
  Layout fixed("p", "000000000000", kKey, false);
  EXPECT_EQ(fixed.fixes().size(), 4u);
  EXPECT_EQ(decide(fixed, "s3:ListBucket", "arn:aws:s3:::p-backups"), policy::Effect::kAllow);
  EXPECT_EQ(decide(fixed, "s3:AbortMultipartUpload", "arn:aws:s3:::p-lfs/tmp/x"), policy::Effect::kAllow);
  EXPECT_EQ(decide(fixed, "s3:AbortMultipartUpload", "arn:aws:s3:::p-backups/b.tar"), policy::Effect::kAllow);
  policy::Context object_context;
  object_context.set("kms:EncryptionContext:aws:s3:arn", "arn:aws:s3:::p-lfs/objects/x");
  EXPECT_EQ(decide(fixed, "kms:Decrypt", kKey, object_context), policy::Effect::kAllow);
  // Still denied, as in the seed: versions, other buckets' listing of uploads, bucket configuration.
  EXPECT_EQ(decide(fixed, "s3:GetObjectVersion", "arn:aws:s3:::p-lfs/x"), policy::Effect::kImplicitDeny);
  EXPECT_EQ(decide(fixed, "s3:ListBucketMultipartUploads", "arn:aws:s3:::p-lfs"), policy::Effect::kImplicitDeny);
  EXPECT_EQ(decide(fixed, "s3:PutBucketPolicy", "arn:aws:s3:::p-lfs"), policy::Effect::kImplicitDeny);
  EXPECT_EQ(decide(fixed, "s3:GetObject", "arn:aws:s3:::other/x"), policy::Effect::kImplicitDeny);
}

TEST(Layout, LifecycleConfigurationNamesItsRule) {
  auto xml = Layout::lifecycle_configuration(30, 7);
  EXPECT_NE(xml.find("<NoncurrentDays>30</NoncurrentDays>"), std::string::npos);
  EXPECT_NE(xml.find("<DaysAfterInitiation>7</DaysAfterInitiation>"), std::string::npos);
}

}  // namespace
}  // namespace podbucket::gitlab
