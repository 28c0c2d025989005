#pragma once
// The seed's policies (../shared/fixtures/gitlab-seed/main.tf) as Terraform's jsonencode renders them, for
// name_prefix "example-gitlab-eks", region ap-northeast-1 and account 111122223333. Used by seed_test.cc and
// bench/policy_bench.cc.
#include <string_view>

namespace podbucket::policy::seed {

inline constexpr std::string_view kAccount = "111122223333";
inline constexpr std::string_view kPrefix = "example-gitlab-eks";
inline constexpr std::string_view kRoleArn = "arn:aws:iam::111122223333:role/example-gitlab-eks-eks-global";
inline constexpr std::string_view kKeyArn =
    "arn:aws:kms:ap-northeast-1:111122223333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

/// (A) gitlab_s3_policy: objects and ListBucket for every bucket except registry and backups.
inline constexpr std::string_view kPolicyA =
    R"({"Statement":[{"Action":["s3:PutObject","s3:GetObject","s3:DeleteObject"],"Effect":"Allow","Resource":)"
    R"(["arn:aws:s3:::example-gitlab-eks-artifacts/*","arn:aws:s3:::example-gitlab-eks-lfs/*",)"
    R"("arn:aws:s3:::example-gitlab-eks-packages/*","arn:aws:s3:::example-gitlab-eks-tmp/*",)"
    R"("arn:aws:s3:::example-gitlab-eks-uploads/*"]},{"Action":["s3:ListBucket"],"Effect":"Allow","Resource":)"
    R"(["arn:aws:s3:::example-gitlab-eks-artifacts","arn:aws:s3:::example-gitlab-eks-lfs",)"
    R"("arn:aws:s3:::example-gitlab-eks-packages","arn:aws:s3:::example-gitlab-eks-tmp",)"
    R"("arn:aws:s3:::example-gitlab-eks-uploads"]}],"Version":"2012-10-17"})";

/// (B) gitlab_s3_backups_policy: objects of the backups bucket only (no ListBucket).
inline constexpr std::string_view kPolicyB =
    R"({"Statement":[{"Action":["s3:PutObject","s3:GetObject","s3:DeleteObject"],"Effect":"Allow",)"
    R"("Resource":["arn:aws:s3:::example-gitlab-eks-backups/*"]}],"Version":"2012-10-17"})";

/// (C) gitlab_s3_registry_policy: Docker registry's documented permissions on the registry bucket.
inline constexpr std::string_view kPolicyC =
    R"({"Statement":[{"Action":["s3:ListBucket","s3:GetBucketLocation","s3:ListBucketMultipartUploads"],)"
    R"("Effect":"Allow","Resource":"arn:aws:s3:::example-gitlab-eks-registry"},{"Action":["s3:PutObject",)"
    R"("s3:GetObject","s3:DeleteObject","s3:ListMultipartUploadParts","s3:AbortMultipartUpload"],)"
    R"("Effect":"Allow","Resource":"arn:aws:s3:::example-gitlab-eks-registry/*"}],"Version":"2012-10-17"})";

/// (D) gitlab_s3_kms_policy: Decrypt/GenerateDataKey on the aws/s3 key for encryption contexts naming a bucket.
inline constexpr std::string_view kPolicyD =
    R"({"Statement":[{"Action":["kms:Decrypt","kms:GenerateDataKey"],"Condition":{"StringLike":)"
    R"({"kms:EncryptionContext:aws:s3:arn":["arn:aws:s3:::example-gitlab-eks-artifacts",)"
    R"("arn:aws:s3:::example-gitlab-eks-backups","arn:aws:s3:::example-gitlab-eks-lfs",)"
    R"("arn:aws:s3:::example-gitlab-eks-packages","arn:aws:s3:::example-gitlab-eks-registry",)"
    R"("arn:aws:s3:::example-gitlab-eks-tmp","arn:aws:s3:::example-gitlab-eks-uploads"]}},"Effect":"Allow",)"
    R"("Resource":"arn:aws:kms:ap-northeast-1:111122223333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"}],)"
    R"("Version":"2012-10-17"})";

/// The role's trust policy: EKS Pod Identity.
inline constexpr std::string_view kTrustPolicy =
    R"({"Statement":[{"Action":["sts:AssumeRole","sts:TagSession"],"Effect":"Allow",)"
    R"("Principal":{"Service":"pods.eks.amazonaws.com"}}],"Version":"2012-10-17"})";

/// The AWS-managed aws/s3 key's policy (aws-semantics spec 3).
inline constexpr std::string_view kAwsS3KeyPolicy =
    R"({"Version":"2012-10-17","Id":"auto-s3-2","Statement":[{"Sid":"Allow access through S3 for all principals )"
    R"(in the account that are authorized to use S3","Effect":"Allow","Principal":{"AWS":"*"},"Action":)"
    R"(["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:DescribeKey"],"Resource":"*",)"
    R"("Condition":{"StringEquals":{"kms:CallerAccount":"111122223333","kms:ViaService":)"
    R"("s3.ap-northeast-1.amazonaws.com"}}},{"Sid":"Allow direct access to key metadata to the account",)"
    R"("Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["kms:Describe*",)"
    R"("kms:Get*","kms:List*"],"Resource":"*"}]})";

}  // namespace podbucket::policy::seed
