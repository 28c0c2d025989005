#pragma once
// Private to iam/: one function per IAM action, grouped by family (users.cc, roles.cc, policies.cc,
// attachments.cc, simulate.cc). Each takes the parsed request and returns the complete XML response body, or an
// IAM error. Authorization has already happened (service.cc) when a handler runs.
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/principal.h"
#include "core/result.h"
#include "iam/authorizer.h"
#include "iam/directory.h"
#include "iam/params.h"

namespace podbucket::iam {

/// Everything a handler may use.
struct IamRequest {
  Directory& dir;
  const core::Clock& clock;
  const core::Principal& caller;
  const RequestFacts& facts;
  const Params& params;
  std::string_view action;
  std::string_view request_id;
};

using HandlerResult = core::Result<std::string>;

/// Validates a policy document parameter for `kind` as IAM does: characters (TAB, LF, CR, U+0020..U+00FF;
/// ValidationError otherwise), syntax (MalformedPolicyDocument from policy::parse), then size without whitespace
/// (LimitExceeded "Cannot exceed quota for <quota_name>: <max_chars>").
core::Result<StoredDocument> check_document(const Params& params, std::string_view param, policy::Kind kind,
                                            size_t max_chars, std::string_view quota_name);

/// The user an access-key call is about: UserName, or the calling IAM user. ValidationError "Must specify
/// userName when calling with non-User credentials" otherwise.
core::Result<std::string> user_or_self(const IamRequest& r);

// users.cc
HandlerResult create_user(const IamRequest& r);
HandlerResult get_user(const IamRequest& r);
HandlerResult list_users(const IamRequest& r);
HandlerResult delete_user(const IamRequest& r);
HandlerResult tag_user(const IamRequest& r);
HandlerResult untag_user(const IamRequest& r);
HandlerResult list_user_tags(const IamRequest& r);
HandlerResult create_access_key(const IamRequest& r);
HandlerResult list_access_keys(const IamRequest& r);
HandlerResult update_access_key(const IamRequest& r);
HandlerResult delete_access_key(const IamRequest& r);

// roles.cc
HandlerResult create_role(const IamRequest& r);
HandlerResult get_role(const IamRequest& r);
HandlerResult list_roles(const IamRequest& r);
HandlerResult update_role(const IamRequest& r);
HandlerResult update_role_description(const IamRequest& r);
HandlerResult update_assume_role_policy(const IamRequest& r);
HandlerResult delete_role(const IamRequest& r);
HandlerResult tag_role(const IamRequest& r);
HandlerResult untag_role(const IamRequest& r);
HandlerResult list_role_tags(const IamRequest& r);
HandlerResult list_instance_profiles_for_role(const IamRequest& r);

// policies.cc
HandlerResult create_policy(const IamRequest& r);
HandlerResult get_policy(const IamRequest& r);
HandlerResult list_policies(const IamRequest& r);
HandlerResult delete_policy(const IamRequest& r);
HandlerResult create_policy_version(const IamRequest& r);
HandlerResult get_policy_version(const IamRequest& r);
HandlerResult list_policy_versions(const IamRequest& r);
HandlerResult delete_policy_version(const IamRequest& r);
HandlerResult set_default_policy_version(const IamRequest& r);
HandlerResult tag_policy(const IamRequest& r);
HandlerResult untag_policy(const IamRequest& r);
HandlerResult list_policy_tags(const IamRequest& r);

// attachments.cc: managed-policy attachments and inline policies of users and roles.
HandlerResult attach_policy(const IamRequest& r);           // AttachUserPolicy, AttachRolePolicy
HandlerResult detach_policy(const IamRequest& r);           // DetachUserPolicy, DetachRolePolicy
HandlerResult list_attached_policies(const IamRequest& r);  // ListAttachedUserPolicies, ListAttachedRolePolicies
HandlerResult list_entities_for_policy(const IamRequest& r);
HandlerResult put_inline_policy(const IamRequest& r);     // PutUserPolicy, PutRolePolicy
HandlerResult get_inline_policy(const IamRequest& r);     // GetUserPolicy, GetRolePolicy
HandlerResult list_inline_policies(const IamRequest& r);  // ListUserPolicies, ListRolePolicies
HandlerResult delete_inline_policy(const IamRequest& r);  // DeleteUserPolicy, DeleteRolePolicy

// simulate.cc
HandlerResult simulate_principal_policy(const IamRequest& r);
HandlerResult simulate_custom_policy(const IamRequest& r);

}  // namespace podbucket::iam
