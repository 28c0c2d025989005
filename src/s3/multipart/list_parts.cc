// ListParts (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListParts.html).
#include "core/time_format.h"
#include "s3/errors.h"
#include "s3/headers.h"
#include "s3/multipart/common.h"
#include "s3/multipart/multipart.h"

namespace podbucket::s3::multipart {

core::Result<http::Response> list_parts(Context& ctx, const Operation& op, http::Request& req) {
  auto query = wire::QueryParams::parse(req.raw_query);
  long long max_parts = 1000;
  if (auto text = query.get("max-parts")) {
    if (!parse_int(*text, 0, 2147483647, max_parts)) {
      return core::AwsError(kInvalidArgument, "Provided max-parts not an integer or within integer range")
          .with_field("ArgumentName", "max-parts")
          .with_field("ArgumentValue", std::string(*text));
    }
  }
  long long marker = 0;
  if (auto text = query.get("part-number-marker")) {
    if (!parse_int(*text, 0, 2147483647, marker)) {
      return core::AwsError(kInvalidArgument, "Provided part-number-marker not an integer or within integer range")
          .with_field("ArgumentName", "part-number-marker")
          .with_field("ArgumentValue", std::string(*text));
    }
  }
  bool url = false;
  if (auto enc = query.get("encoding-type")) {
    if (*enc != "url") return core::AwsError(kInvalidArgument, "Invalid Encoding Method specified in Request");
    url = true;
  }
  auto ref = require_upload(ctx, op, query);
  if (!ref) return ref.error();
  const store::UploadRecord& upload = ref->upload;

  // AWS returns at most 1000 parts per page whatever max-parts says.
  size_t limit = size_t(std::min<long long>(max_parts, 1000));
  std::vector<store::PartRecord> parts;
  if (limit > 0) parts = ctx.meta.list_parts(upload.upload_id, int(std::min<long long>(marker, kMaxPartNumber)), limit + 1);
  bool truncated = parts.size() > limit;
  if (truncated) parts.resize(limit);
  auto algorithm = upload_algorithm(upload);

  wire::XmlWriter xml;
  xml.open("ListPartsResult", wire::kS3Namespace)
      .element("Bucket", op.bucket)
      .element("Key", list_text(op.key, url))
      .element("UploadId", upload.upload_id)
      .element("PartNumberMarker", std::to_string(marker))
      .element("NextPartNumberMarker", std::to_string(parts.empty() ? 0 : parts.back().part_number))
      .element("MaxParts", std::to_string(limit))
      .element("IsTruncated", truncated ? "true" : "false");
  if (url) xml.element("EncodingType", "url");
  for (const auto& p : parts) {
    xml.open("Part")
        .element("PartNumber", std::to_string(p.part_number))
        .element("LastModified", core::format_iso8601_ms(core::from_unix_millis(p.last_modified_ms)))
        .element("ETag", p.etag)
        .element("Size", std::to_string(p.size));
    if (algorithm && !p.checksum_value.empty()) xml.element(checksum_element(*algorithm), p.checksum_value);
    xml.close();
  }
  write_owner(xml, "Initiator", upload.owner_id);
  write_owner(xml, "Owner", upload.owner_id);
  xml.element("StorageClass", upload.storage_class);
  if (!upload.checksum_algorithm.empty()) {
    xml.element("ChecksumAlgorithm", upload.checksum_algorithm).element("ChecksumType", upload.checksum_type);
  }
  xml.close();
  return xml_response(xml.str());
}

}  // namespace podbucket::s3::multipart
