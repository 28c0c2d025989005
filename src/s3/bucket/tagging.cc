#include "s3/bucket/tagging.h"

#include "s3/bucket/bucket.h"
#include "s3/bucket/config_xml.h"
#include "s3/errors.h"
#include "s3/headers.h"
#include "wire/xml_writer.h"

namespace podbucket::s3::bucket {
namespace {

constexpr size_t kMaxKeyChars = 128;
constexpr size_t kMaxValueChars = 256;
constexpr core::ErrorCode kNoSuchTagSet{"NoSuchTagSet", 404};

size_t utf8_chars(std::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

// Tag text may hold Unicode letters, digits, white space and _ . : / = + - @. Non-ASCII characters are taken as
// letters (podbucket carries no Unicode tables); ASCII is checked exactly.
bool allowed_tag_text(std::string_view text) {
  for (unsigned char c : text) {
    if (c >= 0x80 || std::isalnum(c)) continue;
    if (std::string_view(" _.:/=+-@").find(static_cast<char>(c)) == std::string_view::npos) return false;
  }
  return true;
}

core::AwsError invalid_tag(std::string message) { return core::AwsError(kInvalidTag, std::move(message)); }

}  // namespace

core::Result<std::map<std::string, std::string>> parse_bucket_tagging(std::string_view xml) {
  auto doc = parse_config(xml, "Tagging");
  if (!doc) return doc.error();
  auto tag_set = child((*doc)->document_element(), "TagSet");
  if (!tag_set) return malformed_xml();
  std::map<std::string, std::string> tags;
  for (auto tag : tag_set.children()) {
    if (tag.type() != pugi::node_element) continue;
    if (local_name(tag) != "Tag") return malformed_xml();
    auto key = child(tag, "Key");
    auto value = child(tag, "Value");
    if (!key || !value) return malformed_xml();
    std::string k = key.text().as_string();
    std::string v = value.text().as_string();
    if (k.empty() || utf8_chars(k) > kMaxKeyChars || !allowed_tag_text(k)) {
      return invalid_tag("The TagKey you have provided is invalid");
    }
    if (utf8_chars(v) > kMaxValueChars || !allowed_tag_text(v)) {
      return invalid_tag("The TagValue you have provided is invalid");
    }
    if (k.rfind("aws:", 0) == 0) return invalid_tag("System tags cannot be added/updated by requester");
    if (!tags.emplace(std::move(k), std::move(v)).second) {
      return invalid_tag("Cannot provide multiple Tags with the same key");
    }
    if (tags.size() > kMaxBucketTags) return invalid_tag("Bucket tag count cannot be greater than 50");
  }
  return tags;
}

std::string render_bucket_tagging(const std::map<std::string, std::string>& tags) {
  wire::XmlWriter w;
  w.open("Tagging", wire::kS3Namespace).open("TagSet");
  for (const auto& [k, v] : tags) w.open("Tag").element("Key", k).element("Value", v).close();
  w.close().close();
  return w.str();
}

core::Result<http::Response> get_bucket_tagging(Context& ctx, const Operation& op, http::Request&) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  auto doc = ctx.meta.get_bucket_config(op.bucket, kTaggingConfig);
  if (!doc) {
    return core::AwsError(kNoSuchTagSet, "The TagSet does not exist", resource_path(op.bucket))
        .with_field("BucketName", op.bucket);
  }
  return xml_response(*doc);
}

core::Result<http::Response> put_bucket_tagging(Context& ctx, const Operation& op, http::Request& req) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  auto body = read_config_body(req);
  if (!body) return body.error();
  auto tags = parse_bucket_tagging(*body);
  if (!tags) return tags.error();
  if (tags->empty()) {
    ctx.meta.delete_bucket_config(op.bucket, kTaggingConfig);
  } else if (!ctx.meta.put_bucket_config(op.bucket, kTaggingConfig, render_bucket_tagging(*tags))) {
    return no_such_bucket(op.bucket);
  }
  return no_content();
}

core::Result<http::Response> delete_bucket_tagging(Context& ctx, const Operation& op, http::Request&) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  ctx.meta.delete_bucket_config(op.bucket, kTaggingConfig);
  return no_content();
}

}  // namespace podbucket::s3::bucket
