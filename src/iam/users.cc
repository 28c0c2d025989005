// IAM users and their access keys: CreateUser, GetUser, ListUsers, DeleteUser, Tag/Untag/ListUserTags,
// Create/List/Update/DeleteAccessKey. https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html
#include "core/encoding.h"
#include "core/time_format.h"
#include "iam/errors.h"
#include "iam/handlers.h"
#include "iam/response.h"

namespace podbucket::iam {

namespace {

constexpr size_t kUserNameMax = 64;

core::AwsError no_such_user(std::string_view name) {
  return core::AwsError(kNoSuchEntity, "The user with name " + std::string(name) + " cannot be found.");
}

/// The user named by UserName, or NoSuchEntity.
core::Result<User> named_user(const IamRequest& r) {
  auto name = r.params.name("UserName", kUserNameMax);
  if (!name) return name.error();
  auto user = r.dir.find_user(*name);
  if (!user) return no_such_user(*name);
  return *user;
}

}  // namespace

core::Result<std::string> user_or_self(const IamRequest& r) {
  if (r.params.get("UserName")) return r.params.name("UserName", kUserNameMax);
  if (r.caller.type == core::PrincipalType::kUser && !r.caller.user_name.empty()) return r.caller.user_name;
  return core::AwsError(kValidationError, "Must specify userName when calling with non-User credentials");
}

HandlerResult create_user(const IamRequest& r) {
  auto name = r.params.name("UserName", kUserNameMax);
  if (!name) return name.error();
  auto path = r.params.path();
  if (!path) return path.error();
  auto tags = r.params.tags();
  if (!tags) return tags.error();
  auto user = r.dir.create_user(*name, *path, std::move(*tags));
  if (!user) return user.error();
  Reply reply("CreateUser");
  write_user(reply.xml(), *user, true);
  return reply.finish(r.request_id);
}

HandlerResult get_user(const IamRequest& r) {
  User user;
  if (r.params.get("UserName")) {
    auto u = named_user(r);
    if (!u) return u.error();
    user = std::move(*u);
  } else if (r.caller.root) {
    // The root user: AWS answers with the account's identity and no name or path.
    Reply reply("GetUser");
    reply.xml().open("User").element("UserId", r.caller.account_id).element("Arn", r.caller.arn);
    reply.xml().element("CreateDate", iam_date(core::from_unix_seconds(0))).close();
    return reply.finish(r.request_id);
  } else {
    auto self = user_or_self(r);
    if (!self) return self.error();
    auto u = r.dir.find_user(*self);
    if (!u) return no_such_user(*self);
    user = std::move(*u);
  }
  Reply reply("GetUser");
  write_user(reply.xml(), user, true);
  return reply.finish(r.request_id);
}

HandlerResult list_users(const IamRequest& r) {
  auto prefix = r.params.path("PathPrefix");
  if (!prefix) return prefix.error();
  auto users = r.dir.list_users(*prefix);
  std::vector<std::string> keys;
  for (const auto& u : users) keys.push_back(core::to_lower(u.name));
  auto page = page_of(r.params, keys);
  if (!page) return page.error();
  Reply reply("ListUsers");
  auto& xml = reply.xml();
  if (page->begin == page->end) {
    xml.empty("Users");
  } else {
    xml.open("Users");
    for (size_t i = page->begin; i < page->end; ++i) write_user(xml, users[i], false, "member");
    xml.close();
  }
  write_page_end(xml, *page);
  return reply.finish(r.request_id);
}

HandlerResult delete_user(const IamRequest& r) {
  auto name = r.params.name("UserName", kUserNameMax);
  if (!name) return name.error();
  if (auto ok = r.dir.delete_user(*name); !ok) return ok.error();
  return Reply::empty("DeleteUser", r.request_id);
}

HandlerResult tag_user(const IamRequest& r) {
  auto name = r.params.name("UserName", kUserNameMax);
  if (!name) return name.error();
  auto tags = r.params.tags();
  if (!tags) return tags.error();
  if (auto ok = r.dir.tag_user(*name, *tags); !ok) return ok.error();
  return Reply::empty("TagUser", r.request_id);
}

HandlerResult untag_user(const IamRequest& r) {
  auto name = r.params.name("UserName", kUserNameMax);
  if (!name) return name.error();
  if (auto ok = r.dir.untag_user(*name, r.params.members("TagKeys")); !ok) return ok.error();
  return Reply::empty("UntagUser", r.request_id);
}

HandlerResult list_user_tags(const IamRequest& r) {
  auto user = named_user(r);
  if (!user) return user.error();
  Reply reply("ListUserTags");
  write_tags(reply.xml(), user->tags, true);
  reply.xml().element("IsTruncated", "false");
  return reply.finish(r.request_id);
}

// ---- Access keys -----------------------------------------------------------------------------------------------

HandlerResult create_access_key(const IamRequest& r) {
  auto name = user_or_self(r);
  if (!name) return name.error();
  auto key = r.dir.create_access_key(*name);
  if (!key) return key.error();
  Reply reply("CreateAccessKey");
  auto& xml = reply.xml();
  xml.open("AccessKey");
  xml.element("UserName", key->user_name).element("AccessKeyId", key->id).element("Status", "Active");
  xml.element("SecretAccessKey", key->secret).element("CreateDate", iam_date(key->created));
  xml.close();
  return reply.finish(r.request_id);
}

HandlerResult list_access_keys(const IamRequest& r) {
  auto name = user_or_self(r);
  if (!name) return name.error();
  auto keys = r.dir.list_access_keys(*name);
  if (!keys) return keys.error();
  Reply reply("ListAccessKeys");
  auto& xml = reply.xml();
  if (keys->empty()) {
    xml.empty("AccessKeyMetadata");
  } else {
    xml.open("AccessKeyMetadata");
    for (const auto& k : *keys) {
      xml.open("member").element("UserName", k.user_name).element("AccessKeyId", k.id);
      xml.element("Status", k.active ? "Active" : "Inactive").element("CreateDate", iam_date(k.created)).close();
    }
    xml.close();
  }
  xml.element("IsTruncated", "false");
  return reply.finish(r.request_id);
}

HandlerResult update_access_key(const IamRequest& r) {
  auto name = user_or_self(r);
  if (!name) return name.error();
  auto id = r.params.required("AccessKeyId");
  if (!id) return id.error();
  auto status = r.params.required("Status");
  if (!status) return status.error();
  if (*status != "Active" && *status != "Inactive")
    return validation_error(*status, "Status", "Member must satisfy enum value set: [Active, Inactive]");
  if (auto ok = r.dir.set_access_key_active(*name, *id, *status == "Active"); !ok) return ok.error();
  return Reply::empty("UpdateAccessKey", r.request_id);
}

HandlerResult delete_access_key(const IamRequest& r) {
  auto name = user_or_self(r);
  if (!name) return name.error();
  auto id = r.params.required("AccessKeyId");
  if (!id) return id.error();
  if (auto ok = r.dir.delete_access_key(*name, *id); !ok) return ok.error();
  return Reply::empty("DeleteAccessKey", r.request_id);
}

}  // namespace podbucket::iam
