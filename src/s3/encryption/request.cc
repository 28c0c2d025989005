#include "s3/encryption/request.h"

#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "crypto/hash.h"
#include "s3/encryption/errors.h"
#include "s3/errors.h"

namespace podbucket::s3::encryption {
namespace {

constexpr std::string_view kSse = "x-amz-server-side-encryption";
constexpr std::string_view kKmsKeyId = "x-amz-server-side-encryption-aws-kms-key-id";
constexpr std::string_view kContext = "x-amz-server-side-encryption-context";
constexpr std::string_view kBucketKey = "x-amz-server-side-encryption-bucket-key-enabled";
constexpr std::string_view kCustomerPrefix = "x-amz-server-side-encryption-customer-";
constexpr std::string_view kCopyCustomerPrefix = "x-amz-copy-source-server-side-encryption-customer-";

constexpr std::string_view kSseCPrefix = "Requests specifying Server Side Encryption with Customer provided keys must ";

core::Result<std::map<std::string, std::string>> parse_context(std::string_view header) {
  auto bad = [] {
    return invalid_argument(
        "The header 'x-amz-server-side-encryption-context' shall be Base64-encoded UTF-8 string holding JSON which "
        "represents a string-string map",
        kContext);
  };
  auto raw = core::base64_decode(core::trim(header));
  if (!raw || !core::is_valid_utf8(*raw)) return bad();
  auto json = nlohmann::json::parse(*raw, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return bad();
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : json.items()) {
    if (!v.is_string()) return bad();
    out[k] = v.get<std::string>();
  }
  return out;
}

}  // namespace

core::AwsError kms_required(std::string_view sse_value) {
  return invalid_argument(
      "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms",
      kSse, sse_value);
}

std::string_view sse_header_value(Mode mode) {
  switch (mode) {
    case Mode::kS3: return "AES256";
    case Mode::kKms: return "aws:kms";
    case Mode::kNone:
    case Mode::kCustomer: break;
  }
  return {};
}

core::Result<std::optional<CustomerKey>> parse_customer_key(const http::Headers& headers, KeyOf whose, KeyUse use) {
  std::string prefix(whose == KeyOf::kRequest ? kCustomerPrefix : kCopyCustomerPrefix);
  auto algorithm = headers.get(prefix + "algorithm");
  auto key = headers.get(prefix + "key");
  auto md5 = headers.get(prefix + "key-MD5");
  if (!algorithm && !key && !md5) return std::optional<CustomerKey>();

  if (!algorithm) return invalid_argument(std::string(kSseCPrefix) + "provide a valid encryption algorithm.", kSse);
  std::string_view alg = core::trim(*algorithm);
  if (alg != "AES256") {
    return core::AwsError(kInvalidEncryptionAlgorithmError,
                          "The Encryption request you specified is not valid. Supported value: AES256.")
        .with_field("ArgumentName", std::string(kSse))
        .with_field("ArgumentValue", std::string(alg));
  }
  if (!key) return invalid_argument(std::string(kSseCPrefix) + "provide an appropriate secret key.", kSse);
  auto raw = core::base64_decode(core::trim(*key));
  auto wrong_key = [&]() -> core::AwsError {
    if (use == KeyUse::kRead) {
      return core::AwsError(core::kAccessDenied, std::string(kSseCPrefix) + "provide the correct secret key.");
    }
    return invalid_argument("The secret key was invalid for the specified algorithm.", kSse);
  };
  if (!raw) return wrong_key();
  std::string digest = crypto::md5(*raw);
  if (md5) {
    auto sent = core::base64_decode(core::trim(*md5));
    if (!sent || !crypto::constant_time_equals(*sent, digest)) {
      return invalid_argument("The calculated MD5 hash of the key did not match the hash that was provided.", kSse);
    }
  }
  if (raw->size() != 32) return wrong_key();
  return std::optional<CustomerKey>(CustomerKey{std::move(*raw), core::base64_encode(digest)});
}

core::Result<WriteRequest> parse_write_request(const http::Headers& headers) {
  WriteRequest out;
  auto sse = headers.get(kSse);
  const bool any_customer = headers.has(std::string(kCustomerPrefix) + "algorithm") ||
                            headers.has(std::string(kCustomerPrefix) + "key") ||
                            headers.has(std::string(kCustomerPrefix) + "key-MD5");
  if (any_customer && sse) {
    return invalid_argument(
        "Server Side Encryption with Customer provided key is incompatible with the encryption method specified", kSse,
        core::trim(*sse));
  }
  auto customer = parse_customer_key(headers, KeyOf::kRequest, KeyUse::kWrite);
  if (!customer) return customer.error();

  if (sse) {
    std::string_view value = core::trim(*sse);
    if (value == "AES256") {
      out.mode = Mode::kS3;
    } else if (value == "aws:kms") {
      out.mode = Mode::kKms;
    } else if (value == "aws:kms:dsse") {
      return core::AwsError(core::kNotImplemented,
                            "Dual-layer server-side encryption (aws:kms:dsse) is not implemented by this server.")
          .with_field("Header", std::string(kSse));
    } else {
      return invalid_argument("The encryption method specified is not supported", kSse, value);
    }
  }
  if (auto id = headers.get(kKmsKeyId)) {
    if (out.mode != Mode::kKms) return kms_required(sse ? core::trim(*sse) : std::string_view("null"));
    out.kms_key_id = std::string(core::trim(*id));
  }
  // The context and the bucket-key switch may also refine a bucket default of aws:kms (checked by resolve()).
  if (auto ctx = headers.get(kContext)) {
    auto parsed = parse_context(*ctx);
    if (!parsed) return parsed.error();
    out.user_context = std::move(*parsed);
  }
  if (auto bk = headers.get(kBucketKey)) {
    std::string_view v = core::trim(*bk);
    if (core::iequals(v, "true")) {
      out.bucket_key = true;
    } else if (core::iequals(v, "false")) {
      out.bucket_key = false;
    } else {
      return invalid_argument("Invalid value for " + std::string(kBucketKey) + ": expected true or false", kBucketKey,
                              v);
    }
  }
  if (*customer) {
    out.mode = Mode::kCustomer;
    out.customer = std::move(**customer);
  }
  return out;
}

core::Result<void> reject_write_headers(const http::Headers& headers) {
  for (std::string_view name : {kSse, kKmsKeyId, kContext, kBucketKey}) {
    if (auto v = headers.get(name)) {
      return invalid_argument(std::string(name) + " header is not supported for this operation.", name, core::trim(*v));
    }
  }
  return {};
}

bool names_encryption(const http::Headers& headers) {
  for (const auto& [name, value] : headers.entries()) {
    if (core::to_lower(name).starts_with(kSse)) return true;
  }
  return false;
}

}  // namespace podbucket::s3::encryption
