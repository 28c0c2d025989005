#pragma once
// A bucket's default encryption (Put/GetBucketEncryption), kept as a small JSON document under the bucket
// configuration kind "encryption". A bucket without one behaves as SSE-S3 with BucketKeyEnabled false, as every
// S3 bucket does since 5 January 2023 (S3 user guide "Default encryption FAQ"); DeleteBucketEncryption returns
// it to that.
#include <string>
#include <string_view>
#include <vector>

#include "store/metadata.h"

namespace podbucket::s3::encryption {

inline constexpr std::string_view kBucketConfigKind = "encryption";

struct BucketDefault {
  std::string algorithm = "AES256";  // SSEAlgorithm: "AES256" or "aws:kms"
  std::string kms_key_id;            // KMSMasterKeyID exactly as configured (GetBucketEncryption echoes it)
  bool bucket_key = false;           // BucketKeyEnabled
  std::vector<std::string> blocked;  // BlockedEncryptionTypes/EncryptionType as configured ("NONE", "SSE-C")
  bool configured = false;           // an explicit PutBucketEncryption is in force

  bool blocks_customer_keys() const;
};

std::string to_json(const BucketDefault& config);
/// Parses to_json's output; a damaged document reads as the default.
BucketDefault bucket_default_from_json(std::string_view json);
/// The bucket's default encryption (the SSE-S3 default when none is configured). Throws store::Unavailable.
BucketDefault load_bucket_default(store::Metadata& meta, std::string_view bucket);

}  // namespace podbucket::s3::encryption
