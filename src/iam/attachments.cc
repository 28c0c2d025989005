// Managed-policy attachments and inline policies of users and roles: Attach/Detach/ListAttached{User,Role}Policies,
// ListEntitiesForPolicy, Put/Get/List/Delete{User,Role}Policy. The User and Role forms share one handler; the
// action name says which. https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachRolePolicy.html
#include <cstdio>

#include "core/encoding.h"
#include "iam/errors.h"
#include "iam/handlers.h"
#include "iam/response.h"

namespace podbucket::iam {

namespace {

constexpr size_t kPolicyNameMax = 128;

struct Target {
  EntityKind kind;
  std::string_view param;  // "UserName" / "RoleName"
  std::string name;
};

/// The entity the action is about: "...User..." actions take UserName, "...Role..." ones RoleName.
core::Result<Target> target_of(const IamRequest& r) {
  bool user = r.action.find("User") != std::string_view::npos;
  Target t{user ? EntityKind::kUser : EntityKind::kRole, user ? "UserName" : "RoleName", {}};
  auto name = r.params.name(t.param, 64);
  if (!name) return name.error();
  t.name = std::move(*name);
  return t;
}

core::AwsError no_such(const Target& t) {
  return core::AwsError(kNoSuchEntity, std::string(t.kind == EntityKind::kUser ? "The user" : "The role") +
                                           " with name " + t.name + " cannot be found.");
}

/// The entity's attached ARNs and inline policies (a snapshot), or NoSuchEntity.
struct EntityPolicies {
  std::string name;
  std::vector<std::string> attached;
  std::vector<InlinePolicy> inline_policies;
};

core::Result<EntityPolicies> policies_of(const IamRequest& r, const Target& t) {
  if (t.kind == EntityKind::kUser) {
    auto u = r.dir.find_user(t.name);
    if (!u) return no_such(t);
    return EntityPolicies{u->name, std::move(u->attached), std::move(u->inline_policies)};
  }
  auto role = r.dir.find_role(t.name);
  if (!role) return no_such(t);
  return EntityPolicies{role->name, std::move(role->attached), std::move(role->inline_policies)};
}

/// Paging keys for a list kept in insertion order: the zero-padded positions.
std::vector<std::string> positions(size_t n) {
  std::vector<std::string> keys;
  char buf[24];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof buf, "%08zu", i);
    keys.emplace_back(buf);
  }
  return keys;
}

}  // namespace

HandlerResult attach_policy(const IamRequest& r) {
  auto t = target_of(r);
  if (!t) return t.error();
  auto arn = r.params.required("PolicyArn");
  if (!arn) return arn.error();
  if (auto ok = r.dir.attach(t->kind, t->name, *arn); !ok) return ok.error();
  return Reply::empty(r.action, r.request_id);
}

HandlerResult detach_policy(const IamRequest& r) {
  auto t = target_of(r);
  if (!t) return t.error();
  auto arn = r.params.required("PolicyArn");
  if (!arn) return arn.error();
  if (auto ok = r.dir.detach(t->kind, t->name, *arn); !ok) return ok.error();
  return Reply::empty(r.action, r.request_id);
}

HandlerResult list_attached_policies(const IamRequest& r) {
  auto t = target_of(r);
  if (!t) return t.error();
  auto prefix = r.params.path("PathPrefix");
  if (!prefix) return prefix.error();
  auto entity = policies_of(r, *t);
  if (!entity) return entity.error();
  std::vector<ManagedPolicy> attached;
  for (const auto& arn : entity->attached)
    if (auto p = r.dir.find_policy(arn); p && p->path.starts_with(*prefix)) attached.push_back(std::move(*p));
  auto page = page_of(r.params, positions(attached.size()));
  if (!page) return page.error();
  Reply reply(r.action);
  auto& xml = reply.xml();
  if (page->begin == page->end) {
    xml.empty("AttachedPolicies");
  } else {
    xml.open("AttachedPolicies");
    for (size_t i = page->begin; i < page->end; ++i)
      xml.open("member").element("PolicyName", attached[i].name).element("PolicyArn", attached[i].arn).close();
    xml.close();
  }
  write_page_end(xml, *page);
  return reply.finish(r.request_id);
}

HandlerResult list_entities_for_policy(const IamRequest& r) {
  auto arn = r.params.required("PolicyArn");
  if (!arn) return arn.error();
  auto prefix = r.params.path("PathPrefix");
  if (!prefix) return prefix.error();
  std::string filter(r.params.get("EntityFilter").value_or(""));
  auto entities = r.dir.entities_for_policy(*arn);
  if (!entities) return entities.error();
  bool users = filter.empty() || filter == "User";
  bool roles = filter.empty() || filter == "Role";
  Reply reply("ListEntitiesForPolicy");
  auto& xml = reply.xml();
  xml.empty("PolicyGroups");
  xml.open("PolicyUsers");
  if (users)
    for (const auto& u : entities->users)
      if (u.path.starts_with(*prefix)) xml.open("member").element("UserName", u.name).element("UserId", u.id).close();
  xml.close();
  xml.open("PolicyRoles");
  if (roles)
    for (const auto& role : entities->roles)
      if (role.path.starts_with(*prefix))
        xml.open("member").element("RoleName", role.name).element("RoleId", role.id).close();
  xml.close();
  xml.element("IsTruncated", "false");
  return reply.finish(r.request_id);
}

HandlerResult put_inline_policy(const IamRequest& r) {
  auto t = target_of(r);
  if (!t) return t.error();
  auto name = r.params.name("PolicyName", kPolicyNameMax);
  if (!name) return name.error();
  size_t quota = t->kind == EntityKind::kUser ? 2048 : 10240;
  auto doc = check_document(r.params, "PolicyDocument", policy::Kind::kIdentity, quota,
                            t->kind == EntityKind::kUser ? "UserPolicySize" : "RolePolicySize");
  if (!doc) return doc.error();
  if (auto ok = r.dir.put_inline(t->kind, t->name, *name, std::move(*doc)); !ok) return ok.error();
  return Reply::empty(r.action, r.request_id);
}

HandlerResult get_inline_policy(const IamRequest& r) {
  auto t = target_of(r);
  if (!t) return t.error();
  auto name = r.params.name("PolicyName", kPolicyNameMax);
  if (!name) return name.error();
  auto entity = policies_of(r, *t);
  if (!entity) return entity.error();
  for (const auto& p : entity->inline_policies) {
    if (p.name != *name) continue;
    Reply reply(r.action);
    reply.xml().element(t->param, entity->name).element("PolicyName", p.name);
    reply.xml().element("PolicyDocument", encoded_document(p.document.json));
    return reply.finish(r.request_id);
  }
  return core::AwsError(kNoSuchEntity, std::string(t->kind == EntityKind::kUser ? "The user" : "The role") +
                                           " policy with name " + *name + " cannot be found.");
}

HandlerResult list_inline_policies(const IamRequest& r) {
  auto t = target_of(r);
  if (!t) return t.error();
  auto entity = policies_of(r, *t);
  if (!entity) return entity.error();
  std::vector<std::string> names;
  for (const auto& p : entity->inline_policies) names.push_back(p.name);
  auto page = page_of(r.params, names);
  if (!page) return page.error();
  Reply reply(r.action);
  auto& xml = reply.xml();
  if (page->begin == page->end) {
    xml.empty("PolicyNames");
  } else {
    xml.open("PolicyNames");
    for (size_t i = page->begin; i < page->end; ++i) xml.element("member", names[i]);
    xml.close();
  }
  write_page_end(xml, *page);
  return reply.finish(r.request_id);
}

HandlerResult delete_inline_policy(const IamRequest& r) {
  auto t = target_of(r);
  if (!t) return t.error();
  auto name = r.params.name("PolicyName", kPolicyNameMax);
  if (!name) return name.error();
  if (auto ok = r.dir.delete_inline(t->kind, t->name, *name); !ok) return ok.error();
  return Reply::empty(r.action, r.request_id);
}

}  // namespace podbucket::iam
