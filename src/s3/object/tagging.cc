// GetObjectTagging, PutObjectTagging, DeleteObjectTagging: the tag set of one object version.
#include "s3/object/tagging.h"

#include <pugixml.hpp>

#include "core/encoding.h"
#include "s3/bucket/bucket.h"
#include "s3/errors.h"
#include "s3/headers.h"
#include "s3/object/object.h"
#include "wire/query.h"
#include "wire/xml_writer.h"

namespace podbucket::s3::object {
namespace {

constexpr size_t kMaxBodyBytes = 64 * 1024;

core::AwsError malformed() {
  return core::AwsError(kMalformedXML,
                        "The XML you provided was not well-formed or did not validate against our published schema");
}

// Unicode characters in valid UTF-8 text: every byte that is not a continuation byte starts one.
size_t utf8_chars(std::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

// The element's local name, without any namespace prefix.
std::string_view local_name(const pugi::xml_node& node) {
  std::string_view name = node.name();
  if (auto colon = name.find(':'); colon != std::string_view::npos) name.remove_prefix(colon + 1);
  return name;
}

pugi::xml_node child(const pugi::xml_node& parent, std::string_view name) {
  for (auto c : parent.children()) {
    if (c.type() == pugi::node_element && local_name(c) == name) return c;
  }
  return {};
}

// The version a tagging request addresses, and whether responses name it (the bucket has or had versioning).
struct Target {
  store::ObjectRecord object;
  bool show_version_id = false;
};

// Resolves the addressed version to a stored data version: the current one without versionId.
core::Result<Target> find_taggable(Context& ctx, const Operation& op, const wire::QueryParams& q,
                                                std::string_view method) {
  auto bucket = bucket::require_bucket(ctx, op.bucket);
  if (!bucket) return bucket.error();
  std::string version_id(q.get("versionId").value_or(""));
  if (q.has("versionId") && !is_valid_version_id(version_id)) return invalid_version_id(version_id);
  auto obj = ctx.meta.find_object(op.bucket, op.key, version_id);
  if (!obj) {
    if (!version_id.empty()) return no_such_version(op.bucket, op.key, version_id);
    return no_such_key(op.bucket, op.key);
  }
  // AWS refuses the tagging operations on a delete marker, addressed by id or current (not NoSuchKey).
  if (obj->delete_marker) {
    return core::AwsError(kMethodNotAllowed, "The specified method is not allowed against this resource.")
        .with_field("Method", std::string(method))
        .with_field("ResourceType", "DeleteMarker")
        .with_header("x-amz-delete-marker", "true")
        .with_header("x-amz-version-id", obj->version_id)
        .with_header("Allow", "DELETE");
  }
  return Target{*std::move(obj), shows_version_ids(bucket->versioning)};
}

// Stores `tags` on exactly the resolved version; a version removed in between is reported as missing.
core::Result<void> store_tags(Context& ctx, const Operation& op, const wire::QueryParams& q,
                              const store::ObjectRecord& obj, const std::map<std::string, std::string>& tags) {
  if (ctx.meta.set_object_tags(op.bucket, op.key, obj.version_id, tags)) return {};
  if (q.has("versionId")) return no_such_version(op.bucket, op.key, obj.version_id);
  return no_such_key(op.bucket, op.key);
}

http::Response with_version(http::Response r, const Target& t) {
  if (t.show_version_id) r.headers.set("x-amz-version-id", t.object.version_id);
  return r;
}

}  // namespace

core::Result<std::map<std::string, std::string>> parse_tagging_xml(std::string_view body) {
  if (!core::is_valid_utf8(body)) return malformed();
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return malformed();
  auto root = doc.document_element();
  if (local_name(root) != "Tagging") return malformed();
  auto tag_set = child(root, "TagSet");
  if (!tag_set) return malformed();
  std::map<std::string, std::string> tags;
  for (auto tag : tag_set.children()) {
    if (tag.type() != pugi::node_element) continue;
    if (local_name(tag) != "Tag") return malformed();
    auto key = child(tag, "Key");
    auto value = child(tag, "Value");
    if (!key || !value) return malformed();
    std::string k = key.text().as_string();
    std::string v = value.text().as_string();
    if (k.empty() || utf8_chars(k) > kMaxTagKeyChars) {
      return core::AwsError(kInvalidTag, "The TagKey you have provided is invalid");
    }
    if (utf8_chars(v) > kMaxTagValueChars) {
      return core::AwsError(kInvalidTag, "The TagValue you have provided is invalid");
    }
    if (!tags.emplace(std::move(k), std::move(v)).second) {
      return core::AwsError(kInvalidTag, "Cannot provide multiple Tags with the same key");
    }
    if (tags.size() > kMaxObjectTags) {
      return core::AwsError(kInvalidTag, "Object tags cannot be greater than 10");
    }
  }
  return tags;
}

std::string render_tagging_xml(const std::map<std::string, std::string>& tags) {
  wire::XmlWriter w;
  w.open("Tagging", wire::kS3Namespace).open("TagSet");
  for (const auto& [k, v] : tags) w.open("Tag").element("Key", k).element("Value", v).close();
  w.close().close();
  return w.str();
}

core::Result<http::Response> get_object_tagging(Context& ctx, const Operation& op, http::Request& req) {
  auto q = wire::QueryParams::parse(req.raw_query);
  auto target = find_taggable(ctx, op, q, "GET");
  if (!target) return target.error();
  return with_version(xml_response(render_tagging_xml(target->object.tags)), *target);
}

core::Result<http::Response> put_object_tagging(Context& ctx, const Operation& op, http::Request& req) {
  auto q = wire::QueryParams::parse(req.raw_query);
  auto target = find_taggable(ctx, op, q, "PUT");
  if (!target) return target.error();
  auto body = http::read_all(*req.body, kMaxBodyBytes);
  if (!body) return malformed();
  auto tags = parse_tagging_xml(*body);
  if (!tags) return tags.error();
  if (auto ok = store_tags(ctx, op, q, target->object, *tags); !ok) return ok.error();
  http::Response r;
  r.status = 200;
  return with_version(std::move(r), *target);
}

core::Result<http::Response> delete_object_tagging(Context& ctx, const Operation& op, http::Request& req) {
  auto q = wire::QueryParams::parse(req.raw_query);
  auto target = find_taggable(ctx, op, q, "DELETE");
  if (!target) return target.error();
  if (auto ok = store_tags(ctx, op, q, target->object, {}); !ok) return ok.error();
  http::Response r;
  r.status = 204;
  return with_version(std::move(r), *target);
}

}  // namespace podbucket::s3::object
