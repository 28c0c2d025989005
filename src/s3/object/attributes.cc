#include "s3/object/attributes.h"

#include "core/encoding.h"
#include "core/time_format.h"
#include "s3/bucket/bucket.h"
#include "s3/encryption/data_keys.h"
#include "s3/encryption/envelope.h"
#include "s3/encryption/request.h"
#include "s3/errors.h"
#include "s3/headers.h"
#include "wire/query.h"
#include "wire/xml_writer.h"

namespace podbucket::s3::object {
namespace {

constexpr int kDefaultMaxParts = 1000;

std::string_view unquote(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') return etag.substr(1, etag.size() - 2);
  return etag;
}

core::Result<int> int_header(const http::Headers& headers, std::string_view name, int fallback, long long min) {
  auto v = headers.get(name);
  if (!v) return fallback;
  long long n = 0;
  if (!parse_int(core::trim(*v), min, 2147483647, n)) {
    return core::AwsError(kInvalidArgument, "Provided " + std::string(name) + " not an integer or within integer range")
        .with_field("ArgumentName", std::string(name))
        .with_field("ArgumentValue", std::string(*v));
  }
  return static_cast<int>(n);
}

}  // namespace

core::Result<AttributeSelection> parse_attribute_selection(const http::Headers& headers) {
  AttributeSelection s;
  bool any = false;
  for (auto value : headers.get_all("x-amz-object-attributes")) {
    while (!value.empty()) {
      auto comma = value.find(',');
      auto name = core::trim(value.substr(0, comma));
      if (!name.empty()) {
        any = true;
        if (name == "ETag") s.etag = true;
        else if (name == "Checksum") s.checksum = true;
        else if (name == "ObjectParts") s.object_parts = true;
        else if (name == "StorageClass") s.storage_class = true;
        else if (name == "ObjectSize") s.object_size = true;
        else return core::AwsError(kInvalidArgument, "Invalid attribute name specified.");
      }
      if (comma == std::string_view::npos) break;
      value.remove_prefix(comma + 1);
    }
  }
  if (!any) {
    return core::AwsError(kInvalidRequest,
                          "The x-amz-object-attributes header specifying the attributes to be retrieved is either "
                          "missing or empty");
  }
  return s;
}

std::string render_object_attributes(const store::ObjectRecord& obj, const AttributeSelection& s,
                                     int part_number_marker, int max_parts) {
  const std::string checksum_element = "Checksum" + obj.checksum_algorithm;
  wire::XmlWriter w;
  w.open("GetObjectAttributesOutput", wire::kS3Namespace);
  if (s.etag) w.element("ETag", unquote(obj.etag));
  if (s.checksum && !obj.checksum_algorithm.empty() && !obj.checksum_value.empty()) {
    w.open("Checksum").element(checksum_element, obj.checksum_value);
    if (!obj.checksum_type.empty()) w.element("ChecksumType", obj.checksum_type);
    w.close();
  }
  if (s.object_parts && !obj.parts.empty()) {
    w.open("ObjectParts").element("PartsCount", std::to_string(obj.parts.size()));
    bool part_checksums = !obj.checksum_algorithm.empty() &&
                          std::all_of(obj.parts.begin(), obj.parts.end(),
                                      [](const store::PartSummary& p) { return !p.checksum.empty(); });
    if (part_checksums) {
      std::vector<const store::PartSummary*> page;
      bool truncated = false;
      for (const auto& p : obj.parts) {
        if (p.part_number <= part_number_marker) continue;
        if (static_cast<int>(page.size()) == max_parts) {
          truncated = true;
          break;
        }
        page.push_back(&p);
      }
      w.element("PartNumberMarker", std::to_string(part_number_marker));
      if (!page.empty()) w.element("NextPartNumberMarker", std::to_string(page.back()->part_number));
      w.element("MaxParts", std::to_string(max_parts));
      w.element("IsTruncated", truncated ? "true" : "false");
      for (const auto* p : page) {
        w.open("Part").element(checksum_element, p->checksum);
        w.element("PartNumber", std::to_string(p->part_number)).element("Size", std::to_string(p->size)).close();
      }
    }
    w.close();
  }
  if (s.storage_class) w.element("StorageClass", obj.storage_class.empty() ? "STANDARD" : obj.storage_class);
  if (s.object_size) w.element("ObjectSize", std::to_string(obj.size));
  w.close();
  return w.str();
}

core::Result<http::Response> get_object_attributes(Context& ctx, const Operation& op, http::Request& req) {
  auto bucket = bucket::require_bucket(ctx, op.bucket);
  if (!bucket) return bucket.error();
  const bool show_versions = shows_version_ids(bucket->versioning);
  auto q = wire::QueryParams::parse(req.raw_query);
  std::string version_id(q.get("versionId").value_or(""));
  if (q.has("versionId") && !is_valid_version_id(version_id)) return invalid_version_id(version_id);
  auto selection = parse_attribute_selection(req.headers);
  if (!selection) return selection.error();
  auto max_parts = int_header(req.headers, "x-amz-max-parts", kDefaultMaxParts, 0);
  if (!max_parts) return max_parts.error();
  auto marker = int_header(req.headers, "x-amz-part-number-marker", 0, 0);
  if (!marker) return marker.error();
  auto customer = encryption::parse_customer_key(req.headers, encryption::KeyOf::kRequest, encryption::KeyUse::kRead);
  if (!customer) return customer.error();

  auto obj = ctx.meta.find_object(op.bucket, op.key, version_id);
  if (!obj) {
    if (!version_id.empty()) return no_such_version(op.bucket, op.key, version_id);
    return no_such_key(op.bucket, op.key);
  }
  const std::string last_modified = core::format_http_date(core::from_unix_millis(obj->last_modified_ms));
  if (obj->delete_marker) {
    if (!version_id.empty()) {
      return core::AwsError(kMethodNotAllowed, "The specified method is not allowed against this resource.")
          .with_field("Method", "GET")
          .with_field("ResourceType", "DeleteMarker")
          .with_header("x-amz-delete-marker", "true")
          .with_header("x-amz-version-id", obj->version_id)
          .with_header("Allow", "DELETE")
          .with_header("Last-Modified", last_modified);
    }
    auto err = no_such_key(op.bucket, op.key);
    err.with_header("x-amz-delete-marker", "true");
    if (show_versions) err.with_header("x-amz-version-id", obj->version_id);
    return err;
  }
  auto sealed = encryption::from_json(obj->encryption);
  if (!sealed) return sealed.error();
  if (auto ok = encryption::check_read(*sealed, *customer); !ok) return ok.error();

  auto r = xml_response(render_object_attributes(*obj, *selection, *marker, *max_parts));
  r.headers.set("Last-Modified", last_modified);
  if (show_versions) r.headers.set("x-amz-version-id", obj->version_id);
  return r;
}

}  // namespace podbucket::s3::object
