#pragma once
// The key policies AWS KMS gives keys it creates without one.
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
#include <string>
#include <string_view>

namespace podbucket::kms {

/// CreateKey without Policy: one statement "Enable IAM User Permissions" allowing kms:* to the account root,
/// which delegates to the account's IAM policies (and lets the root user manage the key).
std::string default_key_policy(std::string_view account_id);

/// The AWS managed key alias/aws/s3: (1) any principal of the account may Encrypt, Decrypt, ReEncrypt*,
/// GenerateDataKey* and DescribeKey through S3 in this region (kms:CallerAccount + kms:ViaService); (2) the
/// account root may Describe*, Get*, List* directly. No statement delegates the rest to IAM, so identity policies
/// alone never grant use of this key, and nobody can change, disable or delete it.
std::string aws_s3_key_policy(std::string_view account_id, std::string_view region);

/// "s3.REGION.amazonaws.com": the kms:ViaService value S3 presents.
std::string s3_via_service(std::string_view region);

}  // namespace podbucket::kms
