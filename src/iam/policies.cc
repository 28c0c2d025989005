// Customer-managed policies: Create/Get/List/DeletePolicy, Create/Get/List/Delete/SetDefaultPolicyVersion,
// Tag/Untag/ListPolicyTags. https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html
#include <algorithm>

#include "core/encoding.h"
#include "iam/errors.h"
#include "iam/handlers.h"
#include "iam/response.h"

namespace podbucket::iam {

namespace {

constexpr size_t kPolicyNameMax = 128;
constexpr size_t kPolicySizeMax = 6144;

core::Result<std::string> policy_arn_param(const IamRequest& r) {
  auto arn = r.params.required("PolicyArn");
  if (!arn) return arn.error();
  if (arn->size() < 20 || arn->size() > 2048)
    return validation_error(*arn, "PolicyArn",
                            "Member must have length less than or equal to 2048 and greater than or equal to 20");
  return arn;
}

core::Result<ManagedPolicy> named_policy(const IamRequest& r) {
  auto arn = policy_arn_param(r);
  if (!arn) return arn.error();
  auto p = r.dir.find_policy(*arn);
  if (!p) return core::AwsError(kNoSuchEntity, "Policy " + *arn + " was not found.");
  return *p;
}

core::Result<std::string> version_id_param(const IamRequest& r) {
  auto v = r.params.required("VersionId");
  if (!v) return v.error();
  bool ok = v->size() >= 2 && (*v)[0] == 'v' &&
            std::all_of(v->begin() + 1, v->end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!ok) return validation_error(*v, "VersionId", "Member must satisfy regular expression pattern: v[1-9][0-9]*");
  return v;
}

void write_version(wire::XmlWriter& xml, const ManagedPolicy& p, const PolicyVersion& v, bool with_document,
                   std::string_view element) {
  xml.open(element);
  if (with_document) xml.element("Document", encoded_document(v.document.json));
  xml.element("VersionId", v.id).element("IsDefaultVersion", v.id == p.default_version ? "true" : "false");
  xml.element("CreateDate", iam_date(v.created));
  xml.close();
}

}  // namespace

HandlerResult create_policy(const IamRequest& r) {
  PolicySpec spec;
  auto name = r.params.name("PolicyName", kPolicyNameMax);
  if (!name) return name.error();
  auto path = r.params.path();
  if (!path) return path.error();
  auto desc = r.params.get("Description");
  if (desc && desc->size() > 1000)
    return validation_error(*desc, "Description", "Member must have length less than or equal to 1000");
  auto tags = r.params.tags();
  if (!tags) return tags.error();
  auto doc = check_document(r.params, "PolicyDocument", policy::Kind::kIdentity, kPolicySizeMax, "PolicySize");
  if (!doc) return doc.error();
  spec.name = std::move(*name);
  spec.path = std::move(*path);
  spec.description = std::string(desc.value_or(""));
  spec.document = std::move(*doc);
  spec.tags = std::move(*tags);
  auto p = r.dir.create_policy(std::move(spec));
  if (!p) return p.error();
  Reply reply("CreatePolicy");
  write_policy(reply.xml(), *p, true);
  return reply.finish(r.request_id);
}

HandlerResult get_policy(const IamRequest& r) {
  auto p = named_policy(r);
  if (!p) return p.error();
  Reply reply("GetPolicy");
  write_policy(reply.xml(), *p, true);
  return reply.finish(r.request_id);
}

HandlerResult list_policies(const IamRequest& r) {
  auto prefix = r.params.path("PathPrefix");
  if (!prefix) return prefix.error();
  auto only_attached = r.params.boolean("OnlyAttached");
  if (!only_attached) return only_attached.error();
  std::string scope(r.params.get("Scope").value_or("All"));
  if (scope != "All" && scope != "AWS" && scope != "Local")
    return validation_error(scope, "Scope", "Member must satisfy enum value set: [All, AWS, Local]");
  std::vector<ManagedPolicy> policies;
  // podbucket has no AWS-managed policies: Scope=AWS lists nothing.
  if (scope != "AWS") policies = r.dir.list_policies(*prefix, only_attached->value_or(false));
  std::vector<std::string> keys;
  for (const auto& p : policies) keys.push_back(core::to_lower(p.name));
  auto page = page_of(r.params, keys);
  if (!page) return page.error();
  Reply reply("ListPolicies");
  auto& xml = reply.xml();
  if (page->begin == page->end) {
    xml.empty("Policies");
  } else {
    xml.open("Policies");
    for (size_t i = page->begin; i < page->end; ++i) write_policy(xml, policies[i], false, "member");
    xml.close();
  }
  write_page_end(xml, *page);
  return reply.finish(r.request_id);
}

HandlerResult delete_policy(const IamRequest& r) {
  auto arn = policy_arn_param(r);
  if (!arn) return arn.error();
  if (auto ok = r.dir.delete_policy(*arn); !ok) return ok.error();
  return Reply::empty("DeletePolicy", r.request_id);
}

HandlerResult create_policy_version(const IamRequest& r) {
  auto arn = policy_arn_param(r);
  if (!arn) return arn.error();
  auto set_default = r.params.boolean("SetAsDefault");
  if (!set_default) return set_default.error();
  auto doc = check_document(r.params, "PolicyDocument", policy::Kind::kIdentity, kPolicySizeMax, "PolicySize");
  if (!doc) return doc.error();
  auto v = r.dir.create_policy_version(*arn, std::move(*doc), set_default->value_or(false));
  if (!v) return v.error();
  Reply reply("CreatePolicyVersion");
  auto& xml = reply.xml();
  xml.open("PolicyVersion").element("VersionId", v->id);
  xml.element("IsDefaultVersion", set_default->value_or(false) ? "true" : "false");
  xml.element("CreateDate", iam_date(v->created)).close();
  return reply.finish(r.request_id);
}

HandlerResult get_policy_version(const IamRequest& r) {
  auto p = named_policy(r);
  if (!p) return p.error();
  auto vid = version_id_param(r);
  if (!vid) return vid.error();
  for (const auto& v : p->versions) {
    if (v.id != *vid) continue;
    Reply reply("GetPolicyVersion");
    write_version(reply.xml(), *p, v, true, "PolicyVersion");
    return reply.finish(r.request_id);
  }
  return core::AwsError(kNoSuchEntity,
                        "Policy " + p->arn + " version " + *vid + " does not exist or is not attachable.");
}

HandlerResult list_policy_versions(const IamRequest& r) {
  auto p = named_policy(r);
  if (!p) return p.error();
  Reply reply("ListPolicyVersions");
  auto& xml = reply.xml();
  xml.open("Versions");
  // Newest first, as IAM lists them.
  for (auto it = p->versions.rbegin(); it != p->versions.rend(); ++it) write_version(xml, *p, *it, false, "member");
  xml.close();
  xml.element("IsTruncated", "false");
  return reply.finish(r.request_id);
}

HandlerResult delete_policy_version(const IamRequest& r) {
  auto arn = policy_arn_param(r);
  if (!arn) return arn.error();
  auto vid = version_id_param(r);
  if (!vid) return vid.error();
  if (auto ok = r.dir.delete_policy_version(*arn, *vid); !ok) return ok.error();
  return Reply::empty("DeletePolicyVersion", r.request_id);
}

HandlerResult set_default_policy_version(const IamRequest& r) {
  auto arn = policy_arn_param(r);
  if (!arn) return arn.error();
  auto vid = version_id_param(r);
  if (!vid) return vid.error();
  if (auto ok = r.dir.set_default_policy_version(*arn, *vid); !ok) return ok.error();
  return Reply::empty("SetDefaultPolicyVersion", r.request_id);
}

HandlerResult tag_policy(const IamRequest& r) {
  auto arn = policy_arn_param(r);
  if (!arn) return arn.error();
  auto tags = r.params.tags();
  if (!tags) return tags.error();
  if (auto ok = r.dir.tag_policy(*arn, *tags); !ok) return ok.error();
  return Reply::empty("TagPolicy", r.request_id);
}

HandlerResult untag_policy(const IamRequest& r) {
  auto arn = policy_arn_param(r);
  if (!arn) return arn.error();
  if (auto ok = r.dir.untag_policy(*arn, r.params.members("TagKeys")); !ok) return ok.error();
  return Reply::empty("UntagPolicy", r.request_id);
}

HandlerResult list_policy_tags(const IamRequest& r) {
  auto p = named_policy(r);
  if (!p) return p.error();
  Reply reply("ListPolicyTags");
  write_tags(reply.xml(), p->tags, true);
  reply.xml().element("IsTruncated", "false");
  return reply.finish(r.request_id);
}

}  // namespace podbucket::iam
