#include "s3/encryption/bucket_default.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace podbucket::s3::encryption {

bool BucketDefault::blocks_customer_keys() const {
  return std::find(blocked.begin(), blocked.end(), "SSE-C") != blocked.end();
}

std::string to_json(const BucketDefault& c) {
  nlohmann::ordered_json j;
  j["SSEAlgorithm"] = c.algorithm;
  if (!c.kms_key_id.empty()) j["KMSMasterKeyID"] = c.kms_key_id;
  j["BucketKeyEnabled"] = c.bucket_key;
  if (!c.blocked.empty()) j["BlockedEncryptionTypes"] = c.blocked;
  return j.dump();
}

BucketDefault bucket_default_from_json(std::string_view json) {
  BucketDefault out;
  auto j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return out;
  try {
    out.algorithm = j.value("SSEAlgorithm", std::string("AES256"));
    out.kms_key_id = j.value("KMSMasterKeyID", std::string());
    out.bucket_key = j.value("BucketKeyEnabled", false);
    if (j.contains("BlockedEncryptionTypes")) out.blocked = j["BlockedEncryptionTypes"].get<std::vector<std::string>>();
    out.configured = true;
  } catch (const nlohmann::json::exception&) {
    return BucketDefault{};
  }
  return out;
}

BucketDefault load_bucket_default(store::Metadata& meta, std::string_view bucket) {
  auto doc = meta.get_bucket_config(bucket, kBucketConfigKind);
  if (!doc) return BucketDefault{};
  return bucket_default_from_json(*doc);
}

}  // namespace podbucket::s3::encryption
