#include "s3/multipart/common.h"

#include "core/encoding.h"
#include "s3/errors.h"
#include "s3/headers.h"

namespace podbucket::s3::multipart {

core::AwsError no_such_upload(std::string_view upload_id) {
  return core::AwsError(kNoSuchUpload,
                        "The specified upload does not exist. The upload ID may be invalid, or the upload may have "
                        "been aborted or completed.")
      .with_field("UploadId", std::string(upload_id));
}

core::Result<store::BucketRecord> require_bucket(Context& ctx, std::string_view bucket) {
  auto b = ctx.meta.find_bucket(bucket);
  if (!b) return no_such_bucket(bucket);
  return std::move(*b);
}

core::Result<UploadRef> require_upload(Context& ctx, const Operation& op, const wire::QueryParams& query) {
  auto bucket = require_bucket(ctx, op.bucket);
  if (!bucket) return bucket.error();
  std::string upload_id(query.get("uploadId").value_or(""));
  if (upload_id.empty()) return no_such_upload(upload_id);
  auto upload = ctx.meta.find_upload(op.bucket, op.key, upload_id);
  if (!upload) return no_such_upload(upload_id);
  return UploadRef{std::move(*bucket), std::move(*upload)};
}

core::Result<int> parse_part_number(const wire::QueryParams& query) {
  auto text = query.get("partNumber");
  long long n = 0;
  if (!text || !parse_int(*text, 1, kMaxPartNumber, n)) {
    return core::AwsError(kInvalidArgument, "Part number must be an integer between 1 and 10000, inclusive")
        .with_field("ArgumentName", "partNumber")
        .with_field("ArgumentValue", std::string(text.value_or("")));
  }
  return int(n);
}

std::optional<crypto::ChecksumAlgorithm> upload_algorithm(const store::UploadRecord& upload) {
  if (upload.checksum_algorithm.empty()) return std::nullopt;
  return crypto::parse_checksum_algorithm(upload.checksum_algorithm);
}

std::string checksum_element(crypto::ChecksumAlgorithm algorithm) {
  return "Checksum" + std::string(crypto::checksum_name(algorithm));
}

std::string quote_etag(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') return std::string(etag);
  return "\"" + std::string(etag) + "\"";
}

std::string_view unquote_etag(std::string_view etag) {
  etag = core::trim(etag);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') return etag.substr(1, etag.size() - 2);
  return etag;
}

std::string list_text(std::string_view text, bool url) {
  return url ? core::uri_encode(text, /*encode_slash=*/false) : std::string(text);
}

void write_owner(wire::XmlWriter& xml, std::string_view name, std::string_view id) {
  xml.open(name).element("ID", id).element("DisplayName", id).close();
}

}  // namespace podbucket::s3::multipart
