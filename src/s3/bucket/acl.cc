#include "s3/bucket/acl.h"

#include "core/encoding.h"
#include "s3/bucket/bucket.h"
#include "s3/bucket/config_xml.h"
#include "s3/bucket/ownership.h"
#include "s3/errors.h"
#include "s3/headers.h"
#include "wire/query.h"
#include "wire/xml_writer.h"

namespace podbucket::s3::bucket {
namespace {

constexpr core::ErrorCode kMalformedACLError{"MalformedACLError", 400};
constexpr std::string_view kXsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";

core::AwsError malformed_acl() {
  return core::AwsError(kMalformedACLError,
                        "The XML you provided was not well-formed or did not validate against our published schema");
}

std::string bucket_owner(Context& ctx, const store::BucketRecord& b) {
  return b.owner_id.empty() ? owner_id(ctx) : b.owner_id;
}

// What a Put*Acl request asks for. `canned_ok` lists the canned ACLs that mean "owner only" for this resource.
core::Result<void> check_acl_request(Context& ctx, const store::BucketRecord& b, http::Request& req,
                                     std::initializer_list<std::string_view> canned_ok) {
  auto body = read_config_body(req);
  if (!body) return body.error();
  bool has_body = body->find_first_not_of(" \t\r\n") != std::string::npos;
  bool owner_only = true;
  bool specified = false;
  if (auto canned = req.headers.get("x-amz-acl")) {
    if (has_body) return core::AwsError(kUnexpectedContent, "This request does not support content");
    specified = true;
    std::string_view c = core::trim(*canned);
    owner_only = std::find(canned_ok.begin(), canned_ok.end(), c) != canned_ok.end();
  }
  for (std::string_view g : {"x-amz-grant-full-control", "x-amz-grant-read", "x-amz-grant-read-acp",
                             "x-amz-grant-write", "x-amz-grant-write-acp"}) {
    if (req.headers.has(g)) {
      specified = true;
      owner_only = false;
    }
  }
  if (!specified) {
    if (!has_body) return malformed_acl();
    auto only = is_owner_only_acl(*body, bucket_owner(ctx, b));
    if (!only) return only.error();
    owner_only = *only;
  }
  if (owner_only) return {};
  if (acls_disabled(ctx.meta, b.name)) {
    return core::AwsError(kAccessControlListNotSupported, "The bucket does not allow ACLs");
  }
  return core::AwsError(kNotImplemented,
                        "podbucket grants access through policies only; ACLs other than the owner's FULL_CONTROL "
                        "are not supported");
}

// The object version an ACL request addresses. Errors as get_object_acl.
core::Result<store::ObjectRecord> find_object_for_acl(Context& ctx, const Operation& op, http::Request& req,
                                                      std::string_view method) {
  auto q = wire::QueryParams::parse(req.raw_query);
  std::string version_id(q.get("versionId").value_or(""));
  if (q.has("versionId") && !is_valid_version_id(version_id)) return invalid_version_id(version_id);
  auto obj = ctx.meta.find_object(op.bucket, op.key, version_id);
  if (!obj) {
    if (!version_id.empty()) return no_such_version(op.bucket, op.key, version_id);
    return no_such_key(op.bucket, op.key);
  }
  if (obj->delete_marker) {
    if (version_id.empty()) return no_such_key(op.bucket, op.key).with_header("x-amz-delete-marker", "true");
    return core::AwsError(kMethodNotAllowed, "The specified method is not allowed against this resource.")
        .with_field("Method", std::string(method))
        .with_field("ResourceType", "DeleteMarker")
        .with_header("x-amz-delete-marker", "true")
        .with_header("Allow", "DELETE");
  }
  return *std::move(obj);
}

}  // namespace

std::string render_owner_acl(std::string_view owner) {
  // XmlWriter writes no attributes but xmlns, and the Grantee needs xsi:type: this one element is written by hand.
  std::string id = wire::xml_escape(owner);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<AccessControlPolicy xmlns=\"";
  out.append(wire::kS3Namespace).append("\"><Owner><ID>").append(id).append("</ID><DisplayName>").append(id);
  out.append("</DisplayName></Owner><AccessControlList><Grant><Grantee xmlns:xsi=\"").append(kXsiNamespace);
  out.append("\" xsi:type=\"CanonicalUser\"><ID>").append(id).append("</ID><DisplayName>").append(id);
  out.append("</DisplayName></Grantee><Permission>FULL_CONTROL</Permission></Grant></AccessControlList>");
  out.append("</AccessControlPolicy>");
  return out;
}

core::Result<bool> is_owner_only_acl(std::string_view xml, std::string_view owner) {
  auto doc = parse_config(xml, "AccessControlPolicy");
  if (!doc) return malformed_acl();
  auto list = child((*doc)->document_element(), "AccessControlList");
  if (!list) return malformed_acl();
  auto grants = children(list, "Grant");
  for (const auto& g : grants) {
    if (!child(g, "Grantee") || !child(g, "Permission")) return malformed_acl();
  }
  if (grants.size() != 1) return false;
  auto grantee = child(grants[0], "Grantee");
  std::string type = grantee.attribute("xsi:type").as_string();
  return (type.empty() || type == "CanonicalUser") && child_text(grantee, "ID") == owner &&
         child_text(grants[0], "Permission") == "FULL_CONTROL";
}

core::Result<http::Response> get_bucket_acl(Context& ctx, const Operation& op, http::Request&) {
  auto b = require_bucket(ctx, op.bucket);
  if (!b) return b.error();
  return xml_response(render_owner_acl(bucket_owner(ctx, *b)));
}

core::Result<http::Response> put_bucket_acl(Context& ctx, const Operation& op, http::Request& req) {
  auto b = require_bucket(ctx, op.bucket);
  if (!b) return b.error();
  if (auto ok = check_acl_request(ctx, *b, req, {"private"}); !ok) return ok.error();
  return http::Response{};
}

core::Result<http::Response> get_object_acl(Context& ctx, const Operation& op, http::Request& req) {
  auto b = require_bucket(ctx, op.bucket);
  if (!b) return b.error();
  auto obj = find_object_for_acl(ctx, op, req, "GET");
  if (!obj) return obj.error();
  return xml_response(render_owner_acl(bucket_owner(ctx, *b)));
}

core::Result<http::Response> put_object_acl(Context& ctx, const Operation& op, http::Request& req) {
  auto b = require_bucket(ctx, op.bucket);
  if (!b) return b.error();
  auto obj = find_object_for_acl(ctx, op, req, "PUT");
  if (!obj) return obj.error();
  if (auto ok = check_acl_request(ctx, *b, req, {"private", "bucket-owner-full-control"}); !ok) return ok.error();
  http::Response r;
  if (shows_version_ids(b->versioning)) r.headers.set("x-amz-version-id", obj->version_id);
  return r;
}

}  // namespace podbucket::s3::bucket
