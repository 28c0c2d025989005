// ListObjectVersions: versions and delete markers, key ascending and newest first within a key.
#include "core/time_format.h"
#include "s3/bucket/bucket.h"
#include "s3/errors.h"
#include "s3/headers.h"
#include "s3/list/fold.h"
#include "s3/list/list.h"
#include "wire/xml_writer.h"

namespace podbucket::s3::list {

core::Result<http::Response> list_object_versions(Context& ctx, const Operation& op, http::Request& req) {
  auto q = wire::QueryParams::parse(req.raw_query);
  auto params = read_list_params(q);
  if (!params) return params.error();
  std::string key_marker(q.get("key-marker").value_or(""));
  std::string version_marker(q.get("version-id-marker").value_or(""));
  if (!version_marker.empty() && key_marker.empty()) {
    return core::AwsError(kInvalidArgument, "A version-id marker cannot be specified without a key marker.")
        .with_field("ArgumentName", "version-id-marker")
        .with_field("ArgumentValue", version_marker);
  }
  auto bucket = bucket::require_bucket(ctx, op.bucket);
  if (!bucket) return bucket.error();

  FoldParams fp{params->prefix, params->delimiter, params->max_keys, Cursor{key_marker, version_marker}};
  auto fetch = [&](const Cursor& c, size_t limit) {
    store::VersionListQuery vq;
    vq.prefix = params->prefix;
    vq.key_marker = c.key;
    vq.version_id_marker = c.version;
    vq.limit = limit;
    return ctx.meta.list_versions(op.bucket, vq);
  };
  auto page = fold_listing<store::ObjectRecord>(
      fp, fetch, [](const store::ObjectRecord& r) -> std::string_view { return r.key; },
      [](const store::ObjectRecord& r) -> std::string_view { return r.version_id; });
  const bool enc = params->url_encode;
  const std::string& owner = bucket->owner_id;

  wire::XmlWriter w;
  w.open("ListVersionsResult", wire::kS3Namespace)
      .element("Name", op.bucket)
      .element("Prefix", encode_name(params->prefix, enc))
      .element("KeyMarker", encode_name(key_marker, enc))
      .element("VersionIdMarker", version_marker);
  if (page.truncated) {
    w.element("NextKeyMarker", encode_name(page.last_key, enc));
    if (!page.last_was_prefix) w.element("NextVersionIdMarker", page.last_version);
  }
  w.element("MaxKeys", std::to_string(params->max_keys));
  if (!params->delimiter.empty()) w.element("Delimiter", encode_name(params->delimiter, enc));
  w.element("IsTruncated", page.truncated ? "true" : "false");
  if (enc) w.element("EncodingType", "url");
  for (const auto& o : page.rows) {
    const std::string modified = core::format_iso8601_ms(core::from_unix_millis(o.last_modified_ms));
    if (o.delete_marker) {
      w.open("DeleteMarker")
          .element("Key", encode_name(o.key, enc))
          .element("VersionId", o.version_id)
          .element("IsLatest", o.is_latest ? "true" : "false")
          .element("LastModified", modified);
      w.open("Owner").element("ID", owner).element("DisplayName", owner).close();
      w.close();
      continue;
    }
    w.open("Version")
        .element("Key", encode_name(o.key, enc))
        .element("VersionId", o.version_id)
        .element("IsLatest", o.is_latest ? "true" : "false")
        .element("LastModified", modified)
        .element("ETag", o.etag);
    if (!o.checksum_algorithm.empty()) {
      w.element("ChecksumAlgorithm", o.checksum_algorithm);
      if (!o.checksum_type.empty()) w.element("ChecksumType", o.checksum_type);
    }
    w.element("Size", std::to_string(o.size));
    w.open("Owner").element("ID", owner).element("DisplayName", owner).close();
    w.element("StorageClass", o.storage_class.empty() ? "STANDARD" : o.storage_class);
    w.close();
  }
  for (const auto& p : page.common_prefixes) {
    w.open("CommonPrefixes").element("Prefix", encode_name(p, enc)).close();
  }
  w.close();
  return xml_response(w.str());
}

}  // namespace podbucket::s3::list
