#include "kms/default_policies.h"

#include <nlohmann/json.hpp>

namespace podbucket::kms {

using OrderedJson = nlohmann::ordered_json;

std::string default_key_policy(std::string_view account_id) {
  OrderedJson statement = {{"Sid", "Enable IAM User Permissions"},
                           {"Effect", "Allow"},
                           {"Principal", {{"AWS", "arn:aws:iam::" + std::string(account_id) + ":root"}}},
                           {"Action", "kms:*"},
                           {"Resource", "*"}};
  OrderedJson policy = {{"Version", "2012-10-17"}, {"Id", "key-default-1"}, {"Statement", OrderedJson::array({statement})}};
  return policy.dump(2);
}

std::string aws_s3_key_policy(std::string_view account_id, std::string_view region) {
  std::string account(account_id);
  OrderedJson via_s3 = {
      {"Sid", "Allow access through S3 for all principals in the account that are authorized to use S3"},
      {"Effect", "Allow"},
      {"Principal", {{"AWS", "*"}}},
      {"Action", {"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"}},
      {"Resource", "*"},
      {"Condition",
       {{"StringEquals", {{"kms:CallerAccount", account}, {"kms:ViaService", s3_via_service(region)}}}}}};
  OrderedJson metadata = {{"Sid", "Allow direct access to key metadata to the account"},
                          {"Effect", "Allow"},
                          {"Principal", {{"AWS", "arn:aws:iam::" + account + ":root"}}},
                          {"Action", {"kms:Describe*", "kms:Get*", "kms:List*"}},
                          {"Resource", "*"}};
  OrderedJson policy = {{"Version", "2012-10-17"}, {"Id", "auto-s3-2"}, {"Statement", OrderedJson::array({via_s3, metadata})}};
  return policy.dump(2);
}

std::string s3_via_service(std::string_view region) { return "s3." + std::string(region) + ".amazonaws.com"; }

}  // namespace podbucket::kms
