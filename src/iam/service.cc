// IamService: form in, authorization, the action table, XML out. Each action's logic lives in its family's file.
#include "iam/service.h"

#include <spdlog/spdlog.h>

#include <array>

#include "iam/errors.h"
#include "iam/handlers.h"
#include "observe/request_parameters.h"

namespace podbucket::iam {

namespace {

/// What an action's authorization resource is.
enum class Target {
  kAll,           // "*": account-wide listings
  kUser,          // the user named by UserName
  kUserOrSelf,    // UserName, else the calling user
  kRole,          // the role named by RoleName
  kPolicy,        // PolicyArn
  kNewPolicy,     // the ARN CreatePolicy will give: Path + PolicyName
  kPolicySource,  // SimulatePrincipalPolicy's PolicySourceArn
};

struct Operation {
  std::string_view name;
  HandlerResult (*handler)(const IamRequest&);
  Target target;
};

constexpr std::array kOperations = {
    Operation{"CreateUser", create_user, Target::kUser},
    Operation{"GetUser", get_user, Target::kUserOrSelf},
    Operation{"ListUsers", list_users, Target::kAll},
    Operation{"DeleteUser", delete_user, Target::kUser},
    Operation{"TagUser", tag_user, Target::kUser},
    Operation{"UntagUser", untag_user, Target::kUser},
    Operation{"ListUserTags", list_user_tags, Target::kUser},
    Operation{"CreateAccessKey", create_access_key, Target::kUserOrSelf},
    Operation{"ListAccessKeys", list_access_keys, Target::kUserOrSelf},
    Operation{"UpdateAccessKey", update_access_key, Target::kUserOrSelf},
    Operation{"DeleteAccessKey", delete_access_key, Target::kUserOrSelf},
    Operation{"CreateRole", create_role, Target::kRole},
    Operation{"GetRole", get_role, Target::kRole},
    Operation{"ListRoles", list_roles, Target::kAll},
    Operation{"UpdateRole", update_role, Target::kRole},
    Operation{"UpdateRoleDescription", update_role_description, Target::kRole},
    Operation{"UpdateAssumeRolePolicy", update_assume_role_policy, Target::kRole},
    Operation{"DeleteRole", delete_role, Target::kRole},
    Operation{"TagRole", tag_role, Target::kRole},
    Operation{"UntagRole", untag_role, Target::kRole},
    Operation{"ListRoleTags", list_role_tags, Target::kRole},
    Operation{"ListInstanceProfilesForRole", list_instance_profiles_for_role, Target::kRole},
    Operation{"CreatePolicy", create_policy, Target::kNewPolicy},
    Operation{"GetPolicy", get_policy, Target::kPolicy},
    Operation{"ListPolicies", list_policies, Target::kAll},
    Operation{"DeletePolicy", delete_policy, Target::kPolicy},
    Operation{"CreatePolicyVersion", create_policy_version, Target::kPolicy},
    Operation{"GetPolicyVersion", get_policy_version, Target::kPolicy},
    Operation{"ListPolicyVersions", list_policy_versions, Target::kPolicy},
    Operation{"DeletePolicyVersion", delete_policy_version, Target::kPolicy},
    Operation{"SetDefaultPolicyVersion", set_default_policy_version, Target::kPolicy},
    Operation{"TagPolicy", tag_policy, Target::kPolicy},
    Operation{"UntagPolicy", untag_policy, Target::kPolicy},
    Operation{"ListPolicyTags", list_policy_tags, Target::kPolicy},
    Operation{"AttachUserPolicy", attach_policy, Target::kUser},
    Operation{"AttachRolePolicy", attach_policy, Target::kRole},
    Operation{"DetachUserPolicy", detach_policy, Target::kUser},
    Operation{"DetachRolePolicy", detach_policy, Target::kRole},
    Operation{"ListAttachedUserPolicies", list_attached_policies, Target::kUser},
    Operation{"ListAttachedRolePolicies", list_attached_policies, Target::kRole},
    Operation{"ListEntitiesForPolicy", list_entities_for_policy, Target::kPolicy},
    Operation{"PutUserPolicy", put_inline_policy, Target::kUser},
    Operation{"PutRolePolicy", put_inline_policy, Target::kRole},
    Operation{"GetUserPolicy", get_inline_policy, Target::kUser},
    Operation{"GetRolePolicy", get_inline_policy, Target::kRole},
    Operation{"ListUserPolicies", list_inline_policies, Target::kUser},
    Operation{"ListRolePolicies", list_inline_policies, Target::kRole},
    Operation{"DeleteUserPolicy", delete_inline_policy, Target::kUser},
    Operation{"DeleteRolePolicy", delete_inline_policy, Target::kRole},
    Operation{"SimulatePrincipalPolicy", simulate_principal_policy, Target::kPolicySource},
    Operation{"SimulateCustomPolicy", simulate_custom_policy, Target::kAll},
};

const Operation* find_operation(std::string_view name) {
  for (const auto& op : kOperations)
    if (op.name == name) return &op;
  return nullptr;
}

/// The path a not-yet-existing entity would get (its Path parameter when valid, else "/").
std::string requested_path(const Params& params) {
  auto p = params.path();
  return p ? *p : std::string("/");
}

void add_tags(policy::Context& ctx, std::string_view prefix, const std::vector<Tag>& tags) {
  for (const auto& t : tags) ctx.set(std::string(prefix) + t.key, t.value);
}

/// The authorization resource of `op`, and the resource's tags (aws:ResourceTag/*) when it exists.
std::string resource_of(const Operation& op, const Params& params, const Directory& dir,
                        const core::Principal& caller, policy::Context& ctx) {
  switch (op.target) {
    case Target::kAll:
      return "*";
    case Target::kUser:
    case Target::kUserOrSelf: {
      std::string name(params.get("UserName").value_or(""));
      if (name.empty() && op.target == Target::kUserOrSelf && caller.type == core::PrincipalType::kUser)
        name = caller.user_name;
      if (name.empty()) return "*";
      if (auto u = dir.find_user(name)) {
        add_tags(ctx, "aws:ResourceTag/", u->tags);
        return u->arn;
      }
      return dir.user_arn(requested_path(params), name);
    }
    case Target::kRole: {
      std::string name(params.get("RoleName").value_or(""));
      if (name.empty()) return "*";
      if (auto r = dir.find_role(name)) {
        add_tags(ctx, "aws:ResourceTag/", r->tags);
        return r->arn;
      }
      return dir.role_arn(requested_path(params), name);
    }
    case Target::kPolicy: {
      std::string arn(params.get("PolicyArn").value_or(""));
      if (arn.empty()) return "*";
      if (auto p = dir.find_policy(arn)) add_tags(ctx, "aws:ResourceTag/", p->tags);
      return arn;
    }
    case Target::kNewPolicy: {
      std::string name(params.get("PolicyName").value_or(""));
      return name.empty() ? "*" : dir.policy_arn(requested_path(params), name);
    }
    case Target::kPolicySource: {
      std::string arn(params.get("PolicySourceArn").value_or(""));
      return arn.empty() ? "*" : arn;
    }
  }
  return "*";
}

/// The request-specific condition keys IAM supplies: aws:RequestTag/*, aws:TagKeys and iam:PolicyARN.
void add_request_keys(const Params& params, policy::Context& ctx) {
  std::vector<std::string> keys;
  if (auto tags = params.tags(); tags) {
    add_tags(ctx, "aws:RequestTag/", *tags);
    for (const auto& t : *tags) keys.push_back(t.key);
  }
  for (auto& k : params.members("TagKeys")) keys.push_back(std::move(k));
  if (!keys.empty()) ctx.set_multi("aws:TagKeys", std::move(keys));
  if (auto arn = params.get("PolicyArn")) ctx.set("iam:PolicyARN", std::string(*arn));
}

/// Reads the form body (bounded) and the query string into one parameter set.
core::Result<Params> read_params(http::Request& req) {
  std::string raw = req.raw_query;
  if (req.body) {
    auto body = http::read_all(*req.body, IamService::kMaxBodyBytes);
    if (!body)
      return core::AwsError(kValidationError, "The request body exceeds the maximum size of " +
                                                  std::to_string(IamService::kMaxBodyBytes) + " bytes.");
    if (!body->empty()) {
      if (!raw.empty()) raw += '&';
      raw += *body;
    }
  }
  auto params = wire::QueryParams::parse(raw, true);
  observe::record_form_parameters(params.entries());  // the audit trail's requestParameters (secrets redacted)
  return Params(std::move(params));
}

}  // namespace

IamService::IamService(Directory& directory, Authorizer& authorizer, const core::Clock& clock, core::Random& random,
                       std::string account_id)
    : directory_(directory),
      authorizer_(authorizer),
      clock_(clock),
      random_(random),
      account_id_(std::move(account_id)) {}

bool IamService::knows_action(std::string_view action) { return find_operation(action) != nullptr; }

core::Result<http::Response> IamService::handle(const Call& call, http::Request& req) {
  auto params = read_params(req);
  if (!params) return params.error();
  auto action = params->get("Action");
  if (!action || action->empty())
    return core::AwsError(kInvalidAction, "Could not find operation for version 2010-05-08");
  const Operation* op = find_operation(*action);
  if (!op)
    return core::AwsError(kInvalidAction,
                          "Could not find operation " + std::string(*action) + " for version 2010-05-08");
  observe::record_operation(op->name);
  if (call.caller.anonymous)
    return core::AwsError(kMissingAuthenticationToken, "Request is missing Authentication Token");

  if (!call.caller.root) {
    policy::Context ctx = global_context(call.caller, call.facts);
    std::string resource = resource_of(*op, *params, directory_, call.caller, ctx);
    add_request_keys(*params, ctx);
    std::string iam_action = "iam:" + std::string(op->name);
    AuthzRequest question{call.caller, iam_action, resource, ctx, nullptr, policy::ResourceMode::kEither, {}};
    auto decision = authorizer_.authorize(question);
    if (!decision.allowed()) {
      spdlog::info("request {}: {} denied {} on {}: {}", call.request_id, call.caller.arn, iam_action, resource,
                   decision.explain());
      return access_denied(kAccessDenied, call.caller, iam_action, resource, decision, false);
    }
    spdlog::debug("request {}: {} allowed {} on {}: {}", call.request_id, call.caller.arn, iam_action, resource,
                  decision.explain());
  }

  IamRequest r{directory_, clock_, call.caller, call.facts, *params, op->name, call.request_id};
  auto body = op->handler(r);
  if (!body) return body.error();
  http::Response res;
  res.status = 200;
  res.headers.set("Content-Type", "text/xml");
  res.headers.set("x-amzn-RequestId", std::string(call.request_id));
  res.body = std::move(*body);
  return res;
}

}  // namespace podbucket::iam
