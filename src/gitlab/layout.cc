#include "gitlab/layout.h"

#include <nlohmann/json.hpp>

namespace podbucket::gitlab {
namespace {

using json = nlohmann::ordered_json;

std::string arn(std::string_view bucket) { return "arn:aws:s3:::" + std::string(bucket); }

}  // namespace

Layout::Layout(std::string name_prefix, std::string account_id, std::string kms_key_arn, bool seed_exact)
    : prefix_(std::move(name_prefix)),
      account_id_(std::move(account_id)),
      kms_key_arn_(std::move(kms_key_arn)),
      seed_exact_(seed_exact) {}

std::vector<std::string> Layout::bucket_names() const {
  std::vector<std::string> out;
  for (const auto& s : bucket_suffixes()) out.push_back(bucket(s));
  return out;
}

std::string Layout::trust_policy() {
  json doc = {{"Version", "2012-10-17"},
              {"Statement",
               {{{"Action", {"sts:AssumeRole", "sts:TagSession"}},
                 {"Effect", "Allow"},
                 {"Principal", {{"Service", "pods.eks.amazonaws.com"}}}}}}};
  return doc.dump();
}

std::vector<Policy> Layout::policies() const {
  json general_objects = json::array(), general_buckets = json::array(), all_buckets = json::array(),
       all_objects = json::array();
  for (const auto& s : bucket_suffixes()) {
    all_buckets.push_back(arn(bucket(s)));
    all_objects.push_back(arn(bucket(s)) + "/*");
    if (s == "registry" || s == "backups") continue;
    general_objects.push_back(arn(bucket(s)) + "/*");
    general_buckets.push_back(arn(bucket(s)));
  }
  const std::string backups = arn(bucket("backups")), registry = arn(bucket("registry"));

  json object_actions = {"s3:PutObject", "s3:GetObject", "s3:DeleteObject"};
  if (!seed_exact_) object_actions.push_back("s3:AbortMultipartUpload");
  json s3_policy = {{"Version", "2012-10-17"},
                    {"Statement",
                     {{{"Action", object_actions}, {"Effect", "Allow"}, {"Resource", general_objects}},
                      {{"Action", {"s3:ListBucket"}}, {"Effect", "Allow"}, {"Resource", general_buckets}}}}};

  json backups_statements = {{{"Action", object_actions}, {"Effect", "Allow"}, {"Resource", {backups + "/*"}}}};
  if (!seed_exact_) {
    backups_statements.push_back({{"Action", {"s3:ListBucket"}}, {"Effect", "Allow"}, {"Resource", {backups}}});
  }
  json backups_policy = {{"Version", "2012-10-17"}, {"Statement", backups_statements}};

  json registry_policy = {
      {"Version", "2012-10-17"},
      {"Statement",
       {{{"Action", {"s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"}},
         {"Effect", "Allow"},
         {"Resource", registry}},
        {{"Action", {"s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:ListMultipartUploadParts",
                     "s3:AbortMultipartUpload"}},
         {"Effect", "Allow"},
         {"Resource", registry + "/*"}}}}};

  // The seed's condition lists bucket ARNs only; S3 passes the OBJECT ARN as the encryption context, so the fixed
  // form also lists "<bucket ARN>/*".
  json context_arns = all_buckets;
  if (!seed_exact_)
    for (const auto& a : all_objects) context_arns.push_back(a);
  json kms_policy = {{"Version", "2012-10-17"},
                     {"Statement",
                      {{{"Action", {"kms:Decrypt", "kms:GenerateDataKey"}},
                        {"Effect", "Allow"},
                        {"Condition", {{"StringLike", {{"kms:EncryptionContext:aws:s3:arn", context_arns}}}}},
                        {"Resource", kms_key_arn_}}}}};

  return {{prefix_ + "-s3-policy", s3_policy.dump()},
          {prefix_ + "-s3-backups-policy", backups_policy.dump()},
          {prefix_ + "-s3-registry-policy", registry_policy.dump()},
          {prefix_ + "-s3-kms-policy", kms_policy.dump()}};
}

std::vector<PolicyFix> Layout::fixes() const {
  if (seed_exact_) return {};
  return {
      {prefix_ + "-s3-policy", "s3:AbortMultipartUpload on lfs, artifacts, uploads, packages and tmp objects",
       "Workhorse and fog abort a failed multipart upload or multipart copy; without it the abort is denied and the "
       "parts leak"},
      {prefix_ + "-s3-backups-policy", "s3:ListBucket on the backups bucket",
       "backup-utility lists the bucket to prune old backups (--maximum-backups), and restore needs 404 rather "
       "than 403 for a missing backup"},
      {prefix_ + "-s3-backups-policy", "s3:AbortMultipartUpload on backups objects",
       "awscli aborts a failed multipart upload of a backup tarball"},
      {prefix_ + "-s3-kms-policy", "the bucket ARNs with /* in the kms:EncryptionContext:aws:s3:arn condition",
       "S3 passes the object ARN as the encryption context, so the seed's bucket-ARN list never matches (the aws/s3 "
       "key policy is what actually allows SSE-KMS through S3; this makes the policy say what it means)"},
  };
}

std::string Layout::lifecycle_configuration(int noncurrent_days, int abort_days) {
  return "<LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Rule>"
         "<ID>gitlab-keep-bounded</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status>"
         "<Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>"
         "<NoncurrentVersionExpiration><NoncurrentDays>" +
         std::to_string(noncurrent_days) +
         "</NoncurrentDays></NoncurrentVersionExpiration>"
         "<AbortIncompleteMultipartUpload><DaysAfterInitiation>" +
         std::to_string(abort_days) +
         "</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule></LifecycleConfiguration>";
}

}  // namespace podbucket::gitlab
