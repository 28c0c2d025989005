#include "s3/object/object_headers.h"

#include <algorithm>
#include <array>
#include <set>

#include "core/encoding.h"
#include "core/time_format.h"
#include "s3/errors.h"
#include "wire/query.h"

namespace podbucket::s3::object {
namespace {

constexpr size_t kMaxUserMetadataBytes = 2048;
constexpr size_t kMaxTags = 10;
constexpr std::string_view kMetaPrefix = "x-amz-meta-";

constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kStoredHeaders = {{
    {"content-type", "Content-Type"},
    {"content-encoding", "Content-Encoding"},
    {"content-disposition", "Content-Disposition"},
    {"content-language", "Content-Language"},
    {"cache-control", "Cache-Control"},
    {"expires", "Expires"},
    {"x-amz-website-redirect-location", "x-amz-website-redirect-location"},
}};

constexpr std::array<std::string_view, 11> kStorageClasses = {
    "STANDARD",   "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER",
    "DEEP_ARCHIVE", "OUTPOSTS",         "GLACIER_IR",  "SNOW",       "EXPRESS_ONEZONE"};

// Content-Encoding without the aws-chunked transport token ("aws-chunked,gzip" → "gzip").
std::string strip_aws_chunked(std::string_view value) {
  std::string out;
  while (!value.empty()) {
    auto comma = value.find(',');
    std::string_view item = core::trim(value.substr(0, comma));
    if (!item.empty() && !core::iequals(item, "aws-chunked")) {
      if (!out.empty()) out += ",";
      out += item;
    }
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return out;
}

bool starts_with_ci(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && core::iequals(s.substr(0, p.size()), p);
}

}  // namespace

core::Result<StoredHeaders> collect_stored_headers(const http::Headers& headers) {
  StoredHeaders out;
  for (auto [name, canonical] : kStoredHeaders) {
    auto v = headers.get(name);
    if (!v) continue;
    std::string value(core::trim(*v));
    if (name == "content-encoding") value = strip_aws_chunked(value);
    if (value.empty()) continue;
    out.emplace_back(std::string(name), std::move(value));
  }
  if (std::none_of(out.begin(), out.end(), [](const auto& h) { return h.first == "content-type"; })) {
    out.insert(out.begin(), {"content-type", "binary/octet-stream"});
  }
  size_t meta_bytes = 0;
  for (const auto& [name, value] : headers.entries()) {
    if (!starts_with_ci(name, kMetaPrefix)) continue;
    std::string lower = core::to_lower(name);
    meta_bytes += lower.size() - kMetaPrefix.size() + value.size();
    out.emplace_back(std::move(lower), std::string(core::trim(value)));
  }
  if (meta_bytes > kMaxUserMetadataBytes) {
    return core::AwsError(kMetadataTooLarge, "Your metadata headers exceed the maximum allowed metadata size.")
        .with_field("Size", std::to_string(meta_bytes))
        .with_field("MaxSizeAllowed", std::to_string(kMaxUserMetadataBytes));
  }
  return out;
}

core::Result<std::map<std::string, std::string>> parse_tagging(std::string_view header) {
  std::map<std::string, std::string> tags;
  if (core::trim(header).empty()) return tags;
  auto q = wire::QueryParams::parse(header, /*form=*/true);
  for (const auto& [k, v] : q.entries()) {
    if (k.empty() || k.size() > 128 || v.size() > 256) {
      return core::AwsError(kInvalidTag, "The TagKey you have provided is invalid");
    }
    if (!tags.emplace(k, v).second) {
      return core::AwsError(kInvalidTag, "Cannot provide multiple Tags with the same key");
    }
  }
  if (tags.size() > kMaxTags) {
    return core::AwsError(kInvalidTag, "Object tags cannot be greater than 10");
  }
  return tags;
}

core::Result<std::string> storage_class(const http::Headers& headers) {
  auto v = headers.get("x-amz-storage-class");
  if (!v) return std::string("STANDARD");
  std::string_view sc = core::trim(*v);
  for (auto known : kStorageClasses) {
    if (sc == known) return std::string(sc);
  }
  return core::AwsError(kInvalidStorageClass, "The storage class you specified is not valid")
      .with_field("StorageClassRequested", std::string(sc));
}

core::Result<void> check_object_acl(const http::Headers& headers) {
  bool ok = true;
  if (auto acl = headers.get("x-amz-acl")) {
    std::string_view a = core::trim(*acl);
    ok = a == "private" || a == "bucket-owner-full-control";
  }
  for (std::string_view g : {"x-amz-grant-full-control", "x-amz-grant-read", "x-amz-grant-read-acp",
                             "x-amz-grant-write-acp"}) {
    if (headers.has(g)) ok = false;
  }
  if (ok) return {};
  return core::AwsError(kAccessControlListNotSupported, "The bucket does not allow ACLs");
}

std::string response_header_name(std::string_view stored_name) {
  for (auto [name, canonical] : kStoredHeaders) {
    if (name == stored_name) return std::string(canonical);
  }
  return std::string(stored_name);
}

std::string checksum_header_name(std::string_view algorithm) {
  return "x-amz-checksum-" + core::to_lower(algorithm);
}

void add_object_headers(http::Headers& out, const store::ObjectRecord& o, const ObjectHeaderOptions& options) {
  out.set("ETag", o.etag);
  out.set("Last-Modified", core::format_http_date(core::from_unix_millis(o.last_modified_ms)));
  for (const auto& [name, value] : o.headers) out.set(response_header_name(name), value);
  if (options.show_version_id) out.set("x-amz-version-id", o.version_id);
  if (o.storage_class != "STANDARD" && !o.storage_class.empty()) out.set("x-amz-storage-class", o.storage_class);
  if (!o.tags.empty()) out.set("x-amz-tagging-count", std::to_string(o.tags.size()));
  if (options.checksum_mode && !o.checksum_algorithm.empty() && !o.checksum_value.empty()) {
    out.set(checksum_header_name(o.checksum_algorithm), o.checksum_value);
    if (!o.checksum_type.empty()) out.set("x-amz-checksum-type", o.checksum_type);
  }
}

}  // namespace podbucket::s3::object
