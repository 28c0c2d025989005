// CreateMultipartUpload (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html).
#include "core/encoding.h"
#include "core/time_format.h"
#include "s3/encryption/data_keys.h"
#include "s3/encryption/response.h"
#include "s3/errors.h"
#include "s3/headers.h"
#include "s3/multipart/common.h"
#include "s3/multipart/multipart.h"
#include "s3/object/object_headers.h"

namespace podbucket::s3::multipart {
namespace {

// 64 letters and digits (~380 bits). Never '-' or '_': an id starting with '-' is read as an option by awscli
// (`--upload-id -kz...` fails with "expected one argument"), which broke a CLI user about once in 32 uploads.
constexpr size_t kUploadIdLength = 64;
constexpr std::string_view kUploadIdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// The checksum algorithm and type the upload will use. Errors: InvalidRequest.
core::Result<std::pair<std::string, std::string>> checksum_settings(const http::Headers& headers) {
  auto alg_header = headers.get("x-amz-checksum-algorithm");
  auto type_header = headers.get("x-amz-checksum-type");
  if (!alg_header) {
    if (type_header) {
      return core::AwsError(kInvalidRequest,
                            "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm "
                            "header.");
    }
    return std::pair<std::string, std::string>{};
  }
  auto alg = crypto::parse_checksum_algorithm(core::trim(*alg_header));
  if (!alg) {
    return core::AwsError(kInvalidRequest,
                          "Checksum algorithm provided is unsupported. Please try again with any of the valid types: "
                          "[CRC32, CRC32C, CRC64NVME, SHA1, SHA256]");
  }
  std::string name(crypto::checksum_name(*alg));
  // CRC64NVME only exists as a full-object checksum; the others default to COMPOSITE.
  std::string type = *alg == crypto::ChecksumAlgorithm::kCRC64NVME ? "FULL_OBJECT" : "COMPOSITE";
  if (type_header) {
    std::string wanted = core::to_lower(core::trim(*type_header));
    if (wanted == "full_object") {
      if (!crypto::is_crc(*alg)) {
        return core::AwsError(kInvalidRequest, "The FULL_OBJECT checksum type cannot be used with the " +
                                                   core::to_lower(name) + " checksum algorithm.");
      }
      type = "FULL_OBJECT";
    } else if (wanted == "composite") {
      if (*alg == crypto::ChecksumAlgorithm::kCRC64NVME) {
        return core::AwsError(kInvalidRequest,
                              "The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.");
      }
      type = "COMPOSITE";
    } else {
      return core::AwsError(kInvalidRequest, "Value for x-amz-checksum-type header is invalid.");
    }
  }
  return std::pair{std::move(name), std::move(type)};
}

}  // namespace

core::Result<http::Response> create_multipart_upload(Context& ctx, const Operation& op, http::Request& req) {
  auto bucket = require_bucket(ctx, op.bucket);
  if (!bucket) return bucket.error();
  auto checksum = checksum_settings(req.headers);
  if (!checksum) return checksum.error();
  auto headers = object::collect_stored_headers(req.headers);
  if (!headers) return headers.error();
  auto storage_class = object::storage_class(req.headers);
  if (!storage_class) return storage_class.error();
  if (auto acl = object::check_object_acl(req.headers); !acl) return acl.error();
  std::map<std::string, std::string> tags;
  if (auto tagging = req.headers.get("x-amz-tagging")) {
    auto parsed = object::parse_tagging(*tagging);
    if (!parsed) return parsed.error();
    tags = std::move(*parsed);
  }
  // The upload's encryption is fixed now; every part gets its own data key under it (upload_part.cc). As S3 does,
  // a data key is asked of KMS here too, so that a disabled key or a denied caller fails before any part.
  auto sse = encryption::parse_write_request(req.headers);
  if (!sse) return sse.error();
  auto plan = encryption::resolve_write(ctx, op.bucket, op.key, *sse, "s3:PutObject");
  if (!plan) return plan.error();
  if (plan->envelope.mode == encryption::Mode::kKms) {
    auto probe = encryption::new_data_key(ctx, *plan);
    if (!probe) return probe.error();
    encryption::wipe(probe->plaintext);
  }

  store::UploadRecord upload;
  upload.bucket = op.bucket;
  upload.key = op.key;
  upload.upload_id = ctx.random.token(kUploadIdLength, kUploadIdAlphabet);
  upload.initiated_ms = core::to_unix_millis(ctx.clock.now());
  upload.storage_class = std::move(*storage_class);
  upload.headers = std::move(*headers);
  upload.checksum_algorithm = checksum->first;
  upload.checksum_type = checksum->second;
  upload.tags = std::move(tags);
  upload.owner_id = owner_id(ctx);
  upload.encryption = encryption::to_json(plan->envelope);
  ctx.meta.create_upload(upload);

  wire::XmlWriter xml;
  xml.open("InitiateMultipartUploadResult", wire::kS3Namespace)
      .element("Bucket", upload.bucket)
      .element("Key", upload.key)
      .element("UploadId", upload.upload_id)
      .close();
  http::Response resp = xml_response(xml.str());
  if (!upload.checksum_algorithm.empty()) {
    resp.headers.set("x-amz-checksum-algorithm", upload.checksum_algorithm);
    resp.headers.set("x-amz-checksum-type", upload.checksum_type);
  }
  encryption::add_response_headers(resp.headers, plan->envelope, plan->customer, encryption::Echo::kWrite);
  return resp;
}

}  // namespace podbucket::s3::multipart
