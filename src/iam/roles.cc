// IAM roles: CreateRole, GetRole, ListRoles, UpdateRole, UpdateRoleDescription, UpdateAssumeRolePolicy,
// DeleteRole, Tag/Untag/ListRoleTags, ListInstanceProfilesForRole.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
#include "core/encoding.h"
#include "iam/errors.h"
#include "iam/handlers.h"
#include "iam/response.h"

namespace podbucket::iam {

namespace {

constexpr size_t kRoleNameMax = 64;
constexpr size_t kTrustPolicyMax = 2048;  // ACLSizePerRole default quota
constexpr size_t kDescriptionMax = 1000;

core::AwsError no_such_role(std::string_view name) {
  return core::AwsError(kNoSuchEntity, "The role with name " + std::string(name) + " cannot be found.");
}

core::Result<Role> named_role(const IamRequest& r) {
  auto name = r.params.name("RoleName", kRoleNameMax);
  if (!name) return name.error();
  auto role = r.dir.find_role(*name);
  if (!role) return no_such_role(*name);
  return *role;
}

core::Result<std::optional<std::string>> description(const IamRequest& r) {
  auto d = r.params.get("Description");
  if (!d) return std::optional<std::string>();
  if (d->size() > kDescriptionMax)
    return validation_error(*d, "Description", "Member must have length less than or equal to 1000");
  return std::optional<std::string>(std::string(*d));
}

core::Result<StoredDocument> trust_document(const IamRequest& r, std::string_view param) {
  return check_document(r.params, param, policy::Kind::kTrust, kTrustPolicyMax, "ACLSizePerRole");
}

}  // namespace

HandlerResult create_role(const IamRequest& r) {
  RoleSpec spec;
  auto name = r.params.name("RoleName", kRoleNameMax);
  if (!name) return name.error();
  auto path = r.params.path();
  if (!path) return path.error();
  auto desc = description(r);
  if (!desc) return desc.error();
  auto max = r.params.integer("MaxSessionDuration", 3600, 43200);
  if (!max) return max.error();
  auto tags = r.params.tags();
  if (!tags) return tags.error();
  if (r.params.get("PermissionsBoundary"))
    return core::AwsError(kInvalidInput, "Permissions boundaries are not supported by this server.");
  auto trust = trust_document(r, "AssumeRolePolicyDocument");
  if (!trust) return trust.error();
  spec.name = std::move(*name);
  spec.path = std::move(*path);
  spec.description = desc->value_or("");
  spec.max_session_duration = max->value_or(3600);
  spec.trust = std::move(*trust);
  spec.tags = std::move(*tags);
  auto role = r.dir.create_role(std::move(spec));
  if (!role) return role.error();
  Reply reply("CreateRole");
  write_role(reply.xml(), *role, RoleView::kCreate);
  return reply.finish(r.request_id);
}

HandlerResult get_role(const IamRequest& r) {
  auto role = named_role(r);
  if (!role) return role.error();
  Reply reply("GetRole");
  write_role(reply.xml(), *role, RoleView::kGet);
  return reply.finish(r.request_id);
}

HandlerResult list_roles(const IamRequest& r) {
  auto prefix = r.params.path("PathPrefix");
  if (!prefix) return prefix.error();
  auto roles = r.dir.list_roles(*prefix);
  std::vector<std::string> keys;
  for (const auto& role : roles) keys.push_back(core::to_lower(role.name));
  auto page = page_of(r.params, keys);
  if (!page) return page.error();
  Reply reply("ListRoles");
  auto& xml = reply.xml();
  if (page->begin == page->end) {
    xml.empty("Roles");
  } else {
    xml.open("Roles");
    for (size_t i = page->begin; i < page->end; ++i) write_role(xml, roles[i], RoleView::kList, "member");
    xml.close();
  }
  write_page_end(xml, *page);
  return reply.finish(r.request_id);
}

HandlerResult update_role(const IamRequest& r) {
  auto name = r.params.name("RoleName", kRoleNameMax);
  if (!name) return name.error();
  auto desc = description(r);
  if (!desc) return desc.error();
  auto max = r.params.integer("MaxSessionDuration", 3600, 43200);
  if (!max) return max.error();
  if (auto ok = r.dir.update_role(*name, *desc, *max); !ok) return ok.error();
  Reply reply("UpdateRole");
  return reply.finish(r.request_id);
}

HandlerResult update_role_description(const IamRequest& r) {
  auto name = r.params.name("RoleName", kRoleNameMax);
  if (!name) return name.error();
  auto desc = description(r);
  if (!desc) return desc.error();
  if (!*desc) return r.params.required("Description").error();
  if (auto ok = r.dir.update_role(*name, *desc, std::nullopt); !ok) return ok.error();
  auto role = r.dir.find_role(*name);
  if (!role) return no_such_role(*name);
  Reply reply("UpdateRoleDescription");
  write_role(reply.xml(), *role, RoleView::kGet);
  return reply.finish(r.request_id);
}

HandlerResult update_assume_role_policy(const IamRequest& r) {
  auto name = r.params.name("RoleName", kRoleNameMax);
  if (!name) return name.error();
  auto trust = trust_document(r, "PolicyDocument");
  if (!trust) return trust.error();
  if (auto ok = r.dir.set_trust_policy(*name, std::move(*trust)); !ok) return ok.error();
  return Reply::empty("UpdateAssumeRolePolicy", r.request_id);
}

HandlerResult delete_role(const IamRequest& r) {
  auto name = r.params.name("RoleName", kRoleNameMax);
  if (!name) return name.error();
  if (auto ok = r.dir.delete_role(*name); !ok) return ok.error();
  return Reply::empty("DeleteRole", r.request_id);
}

HandlerResult tag_role(const IamRequest& r) {
  auto name = r.params.name("RoleName", kRoleNameMax);
  if (!name) return name.error();
  auto tags = r.params.tags();
  if (!tags) return tags.error();
  if (tags->empty()) return r.params.required("Tags.member.1.Key").error();
  if (auto ok = r.dir.tag_role(*name, *tags); !ok) return ok.error();
  return Reply::empty("TagRole", r.request_id);
}

HandlerResult untag_role(const IamRequest& r) {
  auto name = r.params.name("RoleName", kRoleNameMax);
  if (!name) return name.error();
  if (auto ok = r.dir.untag_role(*name, r.params.members("TagKeys")); !ok) return ok.error();
  return Reply::empty("UntagRole", r.request_id);
}

HandlerResult list_role_tags(const IamRequest& r) {
  auto role = named_role(r);
  if (!role) return role.error();
  Reply reply("ListRoleTags");
  write_tags(reply.xml(), role->tags, true);
  reply.xml().element("IsTruncated", "false");
  return reply.finish(r.request_id);
}

HandlerResult list_instance_profiles_for_role(const IamRequest& r) {
  auto role = named_role(r);
  if (!role) return role.error();
  // podbucket has no EC2 instance profiles; Terraform lists them before DeleteRole.
  Reply reply("ListInstanceProfilesForRole");
  reply.xml().empty("InstanceProfiles").element("IsTruncated", "false");
  return reply.finish(r.request_id);
}

}  // namespace podbucket::iam
