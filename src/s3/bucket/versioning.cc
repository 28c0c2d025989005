#include "s3/bucket/versioning.h"

#include <pugixml.hpp>

#include "s3/bucket/bucket.h"
#include "s3/errors.h"
#include "s3/headers.h"
#include "wire/xml_writer.h"

namespace podbucket::s3::bucket {
namespace {

constexpr size_t kMaxBodyBytes = 64 * 1024;

core::AwsError malformed() {
  return core::AwsError(kMalformedXML,
                        "The XML you provided was not well-formed or did not validate against our published schema");
}

}  // namespace

core::Result<std::optional<store::Versioning>> parse_versioning_configuration(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return malformed();
  auto root = doc.document_element();
  if (std::string_view(root.name()) != "VersioningConfiguration") return malformed();
  if (auto mfa = root.child("MfaDelete"); mfa && std::string_view(mfa.child_value()) == "Enabled") {
    return core::AwsError(kNotImplemented, "MFA Delete is not supported by this server.");
  }
  auto status = root.child("Status");
  if (!status) return std::optional<store::Versioning>();
  std::string_view value = status.child_value();
  if (value == "Enabled") return std::optional(store::Versioning::kEnabled);
  if (value == "Suspended") return std::optional(store::Versioning::kSuspended);
  return malformed();
}

std::string render_versioning_configuration(store::Versioning state) {
  wire::XmlWriter w;
  w.open("VersioningConfiguration", wire::kS3Namespace);
  if (state == store::Versioning::kEnabled) w.element("Status", "Enabled");
  if (state == store::Versioning::kSuspended) w.element("Status", "Suspended");
  w.close();
  return w.str();
}

core::Result<http::Response> get_bucket_versioning(Context& ctx, const Operation& op, http::Request&) {
  auto b = require_bucket(ctx, op.bucket);
  if (!b) return b.error();
  return xml_response(render_versioning_configuration(b->versioning));
}

core::Result<http::Response> put_bucket_versioning(Context& ctx, const Operation& op, http::Request& req) {
  auto b = require_bucket(ctx, op.bucket);
  if (!b) return b.error();
  auto body = http::read_all(*req.body, kMaxBodyBytes);
  if (!body) return malformed();
  auto state = parse_versioning_configuration(*body);
  if (!state) return state.error();
  if (*state) {
    b->versioning = **state;
    if (!ctx.meta.update_bucket(*b)) return no_such_bucket(op.bucket);
  }
  return http::Response{};
}

}  // namespace podbucket::s3::bucket
