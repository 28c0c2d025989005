#include "s3/encryption/response.h"

#include <nlohmann/json.hpp>

#include "core/encoding.h"

namespace podbucket::s3::encryption {

void add_response_headers(http::Headers& out, const Envelope& stored, const std::optional<CustomerKey>& customer,
                          Echo echo) {
  switch (stored.mode) {
    case Mode::kNone:
      return;
    case Mode::kCustomer:
      if (echo == Echo::kComplete || !customer) return;
      out.set("x-amz-server-side-encryption-customer-algorithm", "AES256");
      out.set("x-amz-server-side-encryption-customer-key-MD5", customer->key_md5);
      return;
    case Mode::kS3:
      out.set("x-amz-server-side-encryption", "AES256");
      return;
    case Mode::kKms:
      out.set("x-amz-server-side-encryption", "aws:kms");
      out.set("x-amz-server-side-encryption-aws-kms-key-id", stored.kms_key_arn);
      if (stored.bucket_key) out.set("x-amz-server-side-encryption-bucket-key-enabled", "true");
      if (echo == Echo::kWrite && stored.echo_context) {
        nlohmann::ordered_json j = nlohmann::ordered_json::object();
        for (const auto& [k, v] : stored.context) j[k] = v;
        out.set("x-amz-server-side-encryption-context", core::base64_encode(j.dump()));
      }
      return;
  }
}

}  // namespace podbucket::s3::encryption
