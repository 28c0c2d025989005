#include "s3/bucket/ownership.h"

#include "s3/bucket/bucket.h"
#include "s3/bucket/config_xml.h"
#include "s3/errors.h"
#include "s3/headers.h"
#include "wire/xml_writer.h"

namespace podbucket::s3::bucket {
namespace {

constexpr core::ErrorCode kOwnershipControlsNotFoundError{"OwnershipControlsNotFoundError", 404};

}  // namespace

std::string_view object_ownership_name(ObjectOwnership o) {
  switch (o) {
    case ObjectOwnership::kBucketOwnerEnforced: return "BucketOwnerEnforced";
    case ObjectOwnership::kBucketOwnerPreferred: return "BucketOwnerPreferred";
    case ObjectOwnership::kObjectWriter: return "ObjectWriter";
  }
  return "BucketOwnerEnforced";
}

core::Result<ObjectOwnership> parse_ownership_controls(std::string_view xml) {
  auto doc = parse_config(xml, "OwnershipControls");
  if (!doc) return doc.error();
  auto rules = children((*doc)->document_element(), "Rule");
  if (rules.size() != 1 || count_children(rules[0], "ObjectOwnership") != 1) return malformed_xml();
  std::string value = child_text(rules[0], "ObjectOwnership");
  for (auto o : {ObjectOwnership::kBucketOwnerEnforced, ObjectOwnership::kBucketOwnerPreferred,
                 ObjectOwnership::kObjectWriter}) {
    if (value == object_ownership_name(o)) return o;
  }
  return malformed_xml();
}

std::string render_ownership_controls(ObjectOwnership o) {
  wire::XmlWriter w;
  w.open("OwnershipControls", wire::kS3Namespace).open("Rule");
  w.element("ObjectOwnership", object_ownership_name(o));
  w.close().close();
  return w.str();
}

std::optional<ObjectOwnership> load_object_ownership(store::Metadata& meta, std::string_view bucket) {
  auto doc = meta.get_bucket_config(bucket, kOwnershipConfig);
  if (!doc) return ObjectOwnership::kBucketOwnerEnforced;
  if (doc->empty()) return std::nullopt;
  auto o = parse_ownership_controls(*doc);
  if (!o) return ObjectOwnership::kBucketOwnerEnforced;
  return *o;
}

bool acls_disabled(store::Metadata& meta, std::string_view bucket) {
  return load_object_ownership(meta, bucket) == ObjectOwnership::kBucketOwnerEnforced;
}

core::Result<http::Response> get_bucket_ownership_controls(Context& ctx, const Operation& op, http::Request&) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  auto o = load_object_ownership(ctx.meta, op.bucket);
  if (!o) {
    return core::AwsError(kOwnershipControlsNotFoundError, "The bucket ownership controls were not found",
                          resource_path(op.bucket))
        .with_field("BucketName", op.bucket);
  }
  return xml_response(render_ownership_controls(*o));
}

core::Result<http::Response> put_bucket_ownership_controls(Context& ctx, const Operation& op, http::Request& req) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  auto body = read_config_body(req);
  if (!body) return body.error();
  auto o = parse_ownership_controls(*body);
  if (!o) return o.error();
  if (!ctx.meta.put_bucket_config(op.bucket, kOwnershipConfig, render_ownership_controls(*o))) {
    return no_such_bucket(op.bucket);
  }
  return http::Response{};
}

core::Result<http::Response> delete_bucket_ownership_controls(Context& ctx, const Operation& op, http::Request&) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  // "" records "no controls", which differs from a bucket that never had its default changed.
  if (!ctx.meta.put_bucket_config(op.bucket, kOwnershipConfig, "")) return no_such_bucket(op.bucket);
  return no_content();
}

}  // namespace podbucket::s3::bucket
