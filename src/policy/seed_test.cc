// The seed's four policies against the spec's scenario access matrix (aws-semantics spec 7): a role session of
// example-gitlab-eks-eks-global, no bucket policies, every bucket of the seed.
#include <gtest/gtest.h>

#include "policy/errors.h"
#include "policy/seed_fixture.h"
#include "policy/test_support.h"

namespace podbucket::policy {
namespace {

using testing::one;

// Which bucket column of the matrix a bucket belongs to.
enum Column { kRegistry, kOther, kBackups };

struct Bucket {
  std::string_view name;
  Column column;
};

constexpr Bucket kBuckets[] = {{"registry", kRegistry}, {"lfs", kOther},     {"artifacts", kOther},
                               {"uploads", kOther},     {"packages", kOther}, {"tmp", kOther},
                               {"backups", kBackups}};

// One row of the matrix: the IAM action, whether it is checked on the object or the bucket ARN, and the expected
// outcome per column: the letter of the policy that allows, or '-' for an implicit deny.
struct Row {
  std::string_view action;
  bool object;
  char registry, other, backups;
};

constexpr Row kRows[] = {
    // Put/Get/Head/DeleteObject, multipart Create/UploadPart/Complete, CopyObject's two checks, DeleteObjects.
    {"s3:PutObject", true, 'C', 'A', 'B'},
    {"s3:GetObject", true, 'C', 'A', 'B'},
    {"s3:DeleteObject", true, 'C', 'A', 'B'},
    // With versionId.
    {"s3:GetObjectVersion", true, '-', '-', '-'},
    {"s3:DeleteObjectVersion", true, '-', '-', '-'},
    // ListObjects(V2), HeadBucket.
    {"s3:ListBucket", true, '-', '-', '-'},  // never on an object ARN
    {"s3:ListBucket", false, 'C', 'A', '-'},
    {"s3:ListBucketVersions", false, '-', '-', '-'},
    {"s3:ListBucketMultipartUploads", false, 'C', '-', '-'},
    {"s3:ListMultipartUploadParts", true, 'C', '-', '-'},
    {"s3:AbortMultipartUpload", true, 'C', '-', '-'},
    {"s3:GetBucketLocation", false, 'C', '-', '-'},
    {"s3:GetObject", false, '-', '-', '-'},  // object actions never apply to the bucket ARN
    {"s3:GetBucketVersioning", false, '-', '-', '-'},
    {"s3:PutBucketVersioning", false, '-', '-', '-'},
    {"s3:GetEncryptionConfiguration", false, '-', '-', '-'},
    {"s3:PutEncryptionConfiguration", false, '-', '-', '-'},
    {"s3:GetBucketPublicAccessBlock", false, '-', '-', '-'},
    {"s3:PutBucketPublicAccessBlock", false, '-', '-', '-'},
    {"s3:GetBucketPolicy", false, '-', '-', '-'},
    {"s3:PutBucketPolicy", false, '-', '-', '-'},
    {"s3:DeleteBucketPolicy", false, '-', '-', '-'},
    {"s3:PutObjectAcl", true, '-', '-', '-'},
    {"s3:GetObjectTagging", true, '-', '-', '-'},
    {"s3:DeleteBucket", false, '-', '-', '-'},
};

std::string policy_name(char letter) {
  switch (letter) {
    case 'A': return "arn:aws:iam::111122223333:policy/example-gitlab-eks-s3-policy";
    case 'B': return "arn:aws:iam::111122223333:policy/example-gitlab-eks-s3-backups-policy";
    case 'C': return "arn:aws:iam::111122223333:policy/example-gitlab-eks-s3-registry-policy";
    default: return "arn:aws:iam::111122223333:policy/example-gitlab-eks-s3-kms-policy";
  }
}

class Seed : public ::testing::Test {
 protected:
  void SetUp() override {
    for (auto [letter, json] : {std::pair{'A', seed::kPolicyA}, std::pair{'B', seed::kPolicyB},
                                std::pair{'C', seed::kPolicyC}, std::pair{'D', seed::kPolicyD}}) {
      auto doc = testing::must_parse(json);
      ASSERT_TRUE(doc);
      policies_.identity.push_back({policy_name(letter), doc});
    }
    policies_.resource_account = std::string(seed::kAccount);
    caller_ = testing::session("example-gitlab-eks-eks-global", "eks-gitlab-gitlab-webservice-7d9f-0e6b");
    context_ = testing::context_of({one("aws:PrincipalArn", std::string(seed::kRoleArn)),
                                    one("aws:PrincipalTag/kubernetes-namespace", "gitlab"),
                                    one("aws:SecureTransport", "true")});
  }

  PolicySet policies_;
  Caller caller_;
  Context context_;
};

TEST_F(Seed, ScenarioMatrix) {
  int checked = 0;
  for (const Row& row : kRows) {
    for (const Bucket& bucket : kBuckets) {
      std::string arn = "arn:aws:s3:::" + std::string(seed::kPrefix) + "-" + std::string(bucket.name);
      if (row.object) arn += "/group/project/blob.bin";
      char want = bucket.column == kRegistry ? row.registry : bucket.column == kOther ? row.other : row.backups;
      Decision d = evaluate(policies_, {row.action, arn, caller_, context_});
      ++checked;
      if (want == '-') {
        EXPECT_EQ(d.effect, Effect::kImplicitDeny) << row.action << " on " << arn << ": " << d.explain();
        EXPECT_EQ(d.reason(row.action), "because no identity-based policy allows the " + std::string(row.action) +
                                             " action");
      } else {
        EXPECT_EQ(d.effect, Effect::kAllow) << row.action << " on " << arn << ": " << d.explain();
        EXPECT_EQ(d.decided_by, PolicyType::kIdentity);
        EXPECT_EQ(d.policy, policy_name(want)) << row.action << " on " << arn;
      }
    }
  }
  EXPECT_EQ(checked, static_cast<int>(std::size(kRows) * std::size(kBuckets)));
}

TEST_F(Seed, OtherBucketsAndAccountWideActions) {
  struct Case {
    std::string_view action, resource;
  };
  for (const Case& c : {Case{"s3:GetObject", "arn:aws:s3:::example-gitlab-eks-other/k"},
                        Case{"s3:PutObject", "arn:aws:s3:::example-gitlab-eks-registry-old/k"},
                        Case{"s3:ListBucket", "arn:aws:s3:::example-gitlab-eks"},
                        Case{"s3:ListAllMyBuckets", "*"}, Case{"s3:CreateBucket", "arn:aws:s3:::gitlab-new"},
                        Case{"iam:ListRoles", "*"}, Case{"sts:AssumeRole", seed::kRoleArn}}) {
    EXPECT_FALSE(evaluate(policies_, {c.action, c.resource, caller_, context_}).allowed()) << c.action;
  }
  // Object keys are case-sensitive; bucket names in ARNs too.
  EXPECT_FALSE(
      evaluate(policies_, {"s3:GetObject", "arn:aws:s3:::Example-gitlab-eks-lfs/k", caller_, context_}).allowed());
  // Actions are not.
  EXPECT_TRUE(
      evaluate(policies_, {"S3:GETOBJECT", "arn:aws:s3:::example-gitlab-eks-lfs/k", caller_, context_}).allowed());
}

// SSE-KMS through S3 works because of the aws/s3 key policy, not policy D (spec 3, 8.2).
TEST_F(Seed, KmsThroughS3IsGrantedByTheKeyPolicy) {
  constexpr core::ErrorCode kMalformed{"MalformedPolicyDocumentException", 400};
  auto key_policy = parse_resource_policy(seed::kAwsS3KeyPolicy, kMalformed);
  ASSERT_TRUE(key_policy);
  PolicySet kms = policies_;
  kms.resource = NamedPolicy{"key policy", *key_policy};
  kms.mode = ResourceMode::kRequired;
  for (const Bucket& bucket : kBuckets) {
    std::string object = "arn:aws:s3:::" + std::string(seed::kPrefix) + "-" + std::string(bucket.name) + "/k";
    Context ctx = testing::context_of({one("kms:CallerAccount", std::string(seed::kAccount)),
                                       one("kms:ViaService", "s3.ap-northeast-1.amazonaws.com"),
                                       one("kms:EncryptionContext:aws:s3:arn", object),
                                       testing::many("kms:EncryptionContextKeys", {"aws:s3:arn"})});
    for (std::string_view action : {"kms:GenerateDataKey", "kms:Decrypt"}) {
      Decision d = evaluate(kms, {action, seed::kKeyArn, caller_, ctx});
      EXPECT_EQ(d.effect, Effect::kAllow) << action << " " << object << ": " << d.explain();
      EXPECT_EQ(d.decided_by, PolicyType::kResource);
      EXPECT_EQ(d.statement, 0);
      // Policy D alone never matches: the encryption context names the object, not the bucket.
      EXPECT_FALSE(evaluate_document(*policies_.identity[3].document, "D", {action, seed::kKeyArn, caller_, ctx})
                       .allowed());
    }
  }
  // With a Bucket Key the context names the bucket, and D would match (still irrelevant to this key policy).
  Context bucket_key = testing::context_of(
      {one("kms:EncryptionContext:aws:s3:arn", "arn:aws:s3:::example-gitlab-eks-lfs")});
  EXPECT_TRUE(evaluate_document(*policies_.identity[3].document, "D",
                                {"kms:Decrypt", seed::kKeyArn, caller_, bucket_key})
                  .allowed());
  // A direct Decrypt (not through S3) is denied: the key policy needs kms:ViaService and does not delegate
  // Decrypt to IAM, so D cannot grant it.
  Context direct = testing::context_of({one("kms:CallerAccount", std::string(seed::kAccount)),
                                        one("kms:EncryptionContext:aws:s3:arn", "arn:aws:s3:::example-gitlab-eks-lfs")});
  Decision d = evaluate(kms, {"kms:Decrypt", seed::kKeyArn, caller_, direct});
  EXPECT_EQ(d.effect, Effect::kImplicitDeny);
  EXPECT_EQ(d.decided_by, PolicyType::kResource);
  EXPECT_EQ(d.reason("kms:Decrypt"), "because no resource-based policy allows the kms:Decrypt action");
}

TEST_F(Seed, OnlyPodIdentityMayAssumeTheRole) {
  auto trust = testing::must_parse(seed::kTrustPolicy, Kind::kTrust);
  ASSERT_TRUE(trust);
  PolicySet set;
  set.resource = NamedPolicy{"trust policy", trust};
  set.mode = ResourceMode::kRequired;
  set.resource_account = std::string(seed::kAccount);
  Context ctx;
  Caller pods = testing::service("pods.eks.amazonaws.com");
  EXPECT_TRUE(evaluate(set, {"sts:AssumeRole", seed::kRoleArn, pods, ctx}).allowed());
  EXPECT_TRUE(evaluate(set, {"sts:TagSession", seed::kRoleArn, pods, ctx}).allowed());
  EXPECT_FALSE(evaluate(set, {"sts:AssumeRoleWithWebIdentity", seed::kRoleArn, pods, ctx}).allowed());
  EXPECT_FALSE(evaluate(set, {"sts:AssumeRole", seed::kRoleArn, testing::service("ec2.amazonaws.com"), ctx}).allowed());
  // A user of the account, even with an identity policy allowing sts:AssumeRole, is not in the trust policy.
  set.identity.push_back({"admin", testing::must_parse(
                                       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})")});
  Decision d = evaluate(set, {"sts:AssumeRole", seed::kRoleArn, testing::user("admin"), ctx});
  EXPECT_EQ(d.effect, Effect::kImplicitDeny);
  EXPECT_EQ(d.decided_by, PolicyType::kResource);
}

}  // namespace
}  // namespace podbucket::policy
