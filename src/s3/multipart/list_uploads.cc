// ListMultipartUploads (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListMultipartUploads.html).
#include <variant>

#include "core/time_format.h"
#include "s3/errors.h"
#include "s3/headers.h"
#include "s3/multipart/common.h"
#include "s3/multipart/multipart.h"

namespace podbucket::s3::multipart {
namespace {

constexpr size_t kPage = 1000;
/// Sorts after every key that starts with the prefix before it: 0xFF never occurs in UTF-8 keys.
constexpr char kPastPrefix = '\xff';

/// The common prefix `key` rolls up into, or empty when it does not.
std::string common_prefix(std::string_view key, std::string_view prefix, std::string_view delimiter) {
  if (delimiter.empty() || !key.starts_with(prefix)) return {};
  size_t pos = key.find(delimiter, prefix.size());
  if (pos == std::string_view::npos) return {};
  return std::string(key.substr(0, pos + delimiter.size()));
}

using Entry = std::variant<store::UploadRecord, std::string>;  // an upload or a common prefix

}  // namespace

core::Result<http::Response> list_multipart_uploads(Context& ctx, const Operation& op, http::Request& req) {
  auto query = wire::QueryParams::parse(req.raw_query);
  long long max_uploads = 1000;
  if (auto text = query.get("max-uploads")) {
    if (!parse_int(*text, 0, 2147483647, max_uploads)) {
      return core::AwsError(kInvalidArgument, "Provided max-uploads not an integer or within integer range")
          .with_field("ArgumentName", "max-uploads")
          .with_field("ArgumentValue", std::string(*text));
    }
  }
  bool url = false;
  if (auto enc = query.get("encoding-type")) {
    if (*enc != "url") return core::AwsError(kInvalidArgument, "Invalid Encoding Method specified in Request");
    url = true;
  }
  std::string prefix(query.get("prefix").value_or(""));
  std::string delimiter(query.get("delimiter").value_or(""));
  std::string key_marker(query.get("key-marker").value_or(""));
  // AWS ignores upload-id-marker without key-marker.
  std::string upload_id_marker = key_marker.empty() ? "" : std::string(query.get("upload-id-marker").value_or(""));
  auto bucket = require_bucket(ctx, op.bucket);
  if (!bucket) return bucket.error();

  size_t limit = size_t(std::min<long long>(max_uploads, 1000));
  store::UploadListQuery q{prefix, key_marker, upload_id_marker, kPage};
  // A marker inside a common prefix means that prefix was already returned.
  if (auto cp = common_prefix(key_marker, prefix, delimiter); !cp.empty()) {
    q.key_marker = cp + kPastPrefix;
    q.upload_id_marker.clear();
  }
  std::vector<Entry> entries;
  bool truncated = false;
  bool done = limit == 0;
  while (!done) {
    auto page = ctx.meta.list_uploads(op.bucket, q);
    bool restarted = false;
    for (auto& upload : page) {
      if (entries.size() == limit) {
        truncated = true;
        done = true;
        break;
      }
      if (auto cp = common_prefix(upload.key, prefix, delimiter); !cp.empty()) {
        q.key_marker = cp + kPastPrefix;
        q.upload_id_marker.clear();
        entries.emplace_back(std::move(cp));
        restarted = true;
        break;
      }
      q.key_marker = upload.key;
      q.upload_id_marker = upload.upload_id;
      entries.emplace_back(std::move(upload));
    }
    if (!restarted && page.size() < kPage) done = true;
  }

  wire::XmlWriter xml;
  xml.open("ListMultipartUploadsResult", wire::kS3Namespace)
      .element("Bucket", op.bucket)
      .element("KeyMarker", list_text(key_marker, url))
      .element("UploadIdMarker", upload_id_marker);
  std::string next_key, next_upload_id;
  if (!entries.empty()) {
    if (const auto* u = std::get_if<store::UploadRecord>(&entries.back())) {
      next_key = u->key;
      next_upload_id = u->upload_id;
    } else {
      next_key = std::get<std::string>(entries.back());
    }
  }
  xml.element("NextKeyMarker", list_text(next_key, url)).element("NextUploadIdMarker", next_upload_id);
  if (!delimiter.empty()) xml.element("Delimiter", list_text(delimiter, url));
  xml.element("Prefix", list_text(prefix, url))
      .element("MaxUploads", std::to_string(limit))
      .element("IsTruncated", truncated ? "true" : "false");
  if (url) xml.element("EncodingType", "url");
  for (const auto& e : entries) {
    const auto* u = std::get_if<store::UploadRecord>(&e);
    if (!u) continue;
    xml.open("Upload").element("Key", list_text(u->key, url)).element("UploadId", u->upload_id);
    write_owner(xml, "Initiator", u->owner_id);
    write_owner(xml, "Owner", u->owner_id);
    xml.element("StorageClass", u->storage_class)
        .element("Initiated", core::format_iso8601_ms(core::from_unix_millis(u->initiated_ms)));
    if (!u->checksum_algorithm.empty()) {
      xml.element("ChecksumAlgorithm", u->checksum_algorithm).element("ChecksumType", u->checksum_type);
    }
    xml.close();
  }
  for (const auto& e : entries) {
    if (const auto* cp = std::get_if<std::string>(&e)) {
      xml.open("CommonPrefixes").element("Prefix", list_text(*cp, url)).close();
    }
  }
  xml.close();
  return xml_response(xml.str());
}

}  // namespace podbucket::s3::multipart
