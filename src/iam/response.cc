#include "iam/response.h"

#include "core/encoding.h"
#include "core/time_format.h"

namespace podbucket::iam {

Reply::Reply(std::string_view action) {
  xml_.open(std::string(action) + "Response", kIamNamespace);
  xml_.open(std::string(action) + "Result");
}

std::string Reply::finish(std::string_view request_id) {
  xml_.close();
  xml_.open("ResponseMetadata").element("RequestId", request_id).close();
  xml_.close();
  return xml_.str();
}

std::string Reply::empty(std::string_view action, std::string_view request_id) {
  wire::XmlWriter xml;
  xml.open(std::string(action) + "Response", kIamNamespace);
  xml.open("ResponseMetadata").element("RequestId", request_id).close();
  xml.close();
  return xml.str();
}

std::string iam_date(core::TimePoint t) { return core::format_iso8601(t); }

std::string encoded_document(std::string_view json) { return core::uri_encode(json, true); }

void write_tags(wire::XmlWriter& xml, const std::vector<Tag>& tags, bool always) {
  if (tags.empty() && !always) return;
  if (tags.empty()) {
    xml.empty("Tags");
    return;
  }
  xml.open("Tags");
  for (const auto& t : tags) xml.open("member").element("Key", t.key).element("Value", t.value).close();
  xml.close();
}

void write_user(wire::XmlWriter& xml, const User& u, bool with_tags, std::string_view element) {
  xml.open(element);
  xml.element("Path", u.path).element("UserName", u.name).element("UserId", u.id).element("Arn", u.arn);
  xml.element("CreateDate", iam_date(u.created));
  if (with_tags) write_tags(xml, u.tags);
  xml.close();
}

void write_role(wire::XmlWriter& xml, const Role& r, RoleView view, std::string_view element) {
  xml.open(element);
  xml.element("Path", r.path).element("RoleName", r.name).element("RoleId", r.id).element("Arn", r.arn);
  xml.element("CreateDate", iam_date(r.created));
  xml.element("AssumeRolePolicyDocument", encoded_document(r.trust.json));
  if (!r.description.empty()) xml.element("Description", r.description);
  xml.element("MaxSessionDuration", std::to_string(r.max_session_duration));
  if (view != RoleView::kList) write_tags(xml, r.tags);
  if (view == RoleView::kGet) xml.empty("RoleLastUsed");
  xml.close();
}

void write_policy(wire::XmlWriter& xml, const ManagedPolicy& p, bool get_policy, std::string_view element) {
  xml.open(element);
  xml.element("PolicyName", p.name).element("PolicyId", p.id).element("Arn", p.arn).element("Path", p.path);
  xml.element("DefaultVersionId", p.default_version);
  xml.element("AttachmentCount", std::to_string(p.attachment_count));
  xml.element("PermissionsBoundaryUsageCount", "0");
  xml.element("IsAttachable", "true");
  if (get_policy && !p.description.empty()) xml.element("Description", p.description);
  xml.element("CreateDate", iam_date(p.created));
  xml.element("UpdateDate", iam_date(p.updated));
  if (get_policy) write_tags(xml, p.tags);
  xml.close();
}

void write_page_end(wire::XmlWriter& xml, const Page& page) {
  xml.element("IsTruncated", page.truncated ? "true" : "false");
  if (page.truncated) xml.element("Marker", page.next_marker);
}

}  // namespace podbucket::iam
