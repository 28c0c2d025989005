// Create/Describe/List/Update/DeletePodIdentityAssociation.
// https://docs.aws.amazon.com/eks/latest/APIReference/API_CreatePodIdentityAssociation.html
// https://docs.aws.amazon.com/eks/latest/userguide/pod-id-association.html
#include "eks/api.h"
#include "eks/errors.h"
#include "eks/ids.h"
#include "eks/tokens.h"
#include "eks/wire.h"
#include "policy/policy.h"
#include "sts/sessions.h"
#include "wire/query.h"

namespace podbucket::eks::detail {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

/// STS's limit on an inline session policy, in characters.
constexpr size_t kMaxPolicySize = 2048;

core::AwsError invalid(std::string message) { return core::AwsError(kInvalidParameterException, std::move(message)); }

core::Result<void> check_subject(const std::string& namespace_name, const std::string& service_account) {
  if (!valid_namespace(namespace_name))
    return invalid("namespace " + namespace_name + " is not a valid Kubernetes namespace name.");
  if (!valid_k8s_name(service_account))
    return invalid("serviceAccount " + service_account + " is not a valid Kubernetes service account name.");
  return {};
}

/// The session policy: an identity policy of at most 2048 characters, which needs disableSessionTags.
core::Result<void> check_policy(const std::string& text, bool disable_session_tags) {
  if (text.empty()) return {};
  if (!disable_session_tags)
    return invalid("disableSessionTags must be true when a policy is set: session tags and a session policy "
                   "together exceed the packed size limit.");
  if (text.size() > kMaxPolicySize) return invalid("policy must be at most 2048 characters long.");
  auto parsed = policy::parse(text, policy::Kind::kIdentity);
  if (!parsed) return invalid("policy is not a valid IAM policy: " + parsed.error().message());
  return {};
}

core::AwsError owned_by_addon(const Association& a) {
  return core::AwsError(kInvalidRequestException, "Pod identity association " + a.id + " is owned by add-on " +
                                                      a.owner_arn + "; change it through the add-on.")
      .with_field("clusterName", a.cluster);
}

}  // namespace

core::Result<void> check_role(const ApiContext& ctx, std::string_view field, std::string_view role_arn,
                              bool must_exist) {
  if (!is_role_arn(role_arn))
    return invalid(std::string(field) + " " + std::string(role_arn) + " is not a valid IAM role ARN.");
  if (must_exist) {
    if (sts::arn_account(role_arn) != ctx.account)
      return invalid(std::string(field) + " " + std::string(role_arn) + " must be a role in account " + ctx.account +
                     ", the cluster's account.");
    if (!ctx.directory.find_role_by_arn(role_arn))
      return invalid(std::string(field) + " " + std::string(role_arn) + " does not exist.");
  }
  return ctx.authorize("iam:PassRole", role_arn, {{"iam:PassedToService", "pods.eks.amazonaws.com"}});
}

core::Result<http::Response> create_association(const ApiContext& ctx, const Operation& op, const json& body) {
  auto cluster = ctx.cluster(op.cluster);
  if (!cluster) return cluster.error();
  auto ns = required_string(body, "namespace", kInvalidParameterException);
  if (!ns) return ns.error();
  auto sa = required_string(body, "serviceAccount", kInvalidParameterException);
  if (!sa) return sa.error();
  if (auto ok = check_subject(*ns, *sa); !ok) return ok.error();
  auto role = required_string(body, "roleArn", kInvalidParameterException);
  if (!role) return role.error();
  auto target = optional_string(body, "targetRoleArn", kInvalidParameterException);
  if (!target) return target.error();
  auto policy_text = optional_string(body, "policy", kInvalidParameterException);
  if (!policy_text) return policy_text.error();
  auto disable = optional_bool(body, "disableSessionTags", kInvalidParameterException);
  if (!disable) return disable.error();
  auto token = optional_string(body, "clientRequestToken", kInvalidParameterException);
  if (!token) return token.error();
  auto tags = read_tags(body, "tags");
  if (!tags) return tags.error();
  if (auto ok = check_policy(policy_text->value_or(""), disable->value_or(false)); !ok) return ok.error();
  if (auto ok = check_role(ctx, "roleArn", *role, /*must_exist=*/true); !ok) return ok.error();
  if (target->has_value() && !(*target)->empty())
    if (auto ok = check_role(ctx, "targetRoleArn", **target, /*must_exist=*/false); !ok) return ok.error();

  AssociationSpec spec;
  spec.cluster = cluster->name;
  spec.cluster_region = cluster->region;
  spec.account_id = cluster->account_id;
  spec.namespace_name = *ns;
  spec.service_account = *sa;
  spec.role_arn = *role;
  spec.target_role_arn = target->value_or("");
  spec.policy = policy_text->value_or("");
  spec.disable_session_tags = disable->value_or(false);
  spec.client_request_token = token->value_or("");
  spec.tags = std::move(*tags);
  auto created = ctx.associations.create(std::move(spec));
  if (!created) return created.error();
  return json_response({{"association", association_json(*created)}});
}

core::Result<http::Response> describe_association(const ApiContext& ctx, const Operation& op) {
  auto cluster = ctx.cluster(op.cluster);
  if (!cluster) return cluster.error();
  auto a = ctx.associations.find(op.cluster, op.association_id);
  if (!a)
    return core::AwsError(kResourceNotFoundException, "No Pod Identity Association found with id " +
                                                          op.association_id + " in cluster " + op.cluster + ".")
        .with_field("clusterName", op.cluster);
  return json_response({{"association", association_json(*a)}});
}

core::Result<http::Response> list_associations(const ApiContext& ctx, const Operation& op, const http::Request& req) {
  auto cluster = ctx.cluster(op.cluster);
  if (!cluster) return cluster.error();
  auto params = wire::QueryParams::parse(req.raw_query);
  auto max = read_max_results(params.get("maxResults"), 100);
  if (!max) return max.error();
  AssociationQuery query;
  query.max_results = *max;
  query.namespace_name = std::string(params.get("namespace").value_or(""));
  query.service_account = std::string(params.get("serviceAccount").value_or(""));
  query.after_id = std::string(params.get("nextToken").value_or(""));
  if (!query.after_id.empty() && (query.after_id.size() != 19 || !query.after_id.starts_with("a-")))
    return invalid("The nextToken is not valid.");
  auto page = ctx.associations.list(op.cluster, query);
  ordered_json items = json::array();
  for (const auto& a : page.associations) items.push_back(association_summary_json(a));
  ordered_json out = {{"associations", std::move(items)}};
  if (!page.last_id.empty()) out["nextToken"] = page.last_id;
  return json_response(out);
}

core::Result<http::Response> update_association(const ApiContext& ctx, const Operation& op, const json& body) {
  auto cluster = ctx.cluster(op.cluster);
  if (!cluster) return cluster.error();
  auto current = ctx.associations.find(op.cluster, op.association_id);
  if (!current)
    return core::AwsError(kResourceNotFoundException, "No Pod Identity Association found with id " +
                                                          op.association_id + " in cluster " + op.cluster + ".")
        .with_field("clusterName", op.cluster);
  if (!current->owner_arn.empty()) return owned_by_addon(*current);

  AssociationUpdate update;
  auto role = optional_string(body, "roleArn", kInvalidParameterException);
  if (!role) return role.error();
  auto target = optional_string(body, "targetRoleArn", kInvalidParameterException);
  if (!target) return target.error();
  auto policy_text = optional_string(body, "policy", kInvalidParameterException);
  if (!policy_text) return policy_text.error();
  auto disable = optional_bool(body, "disableSessionTags", kInvalidParameterException);
  if (!disable) return disable.error();
  auto token = optional_string(body, "clientRequestToken", kInvalidParameterException);
  if (!token) return token.error();
  update.role_arn = *role;
  update.target_role_arn = *target;
  update.policy = *policy_text;
  update.disable_session_tags = *disable;
  if (!update.role_arn && !update.target_role_arn && !update.policy && !update.disable_session_tags)
    return invalid("Specify at least one of roleArn, targetRoleArn, policy and disableSessionTags to update.");
  if (update.role_arn)
    if (auto ok = check_role(ctx, "roleArn", *update.role_arn, /*must_exist=*/true); !ok) return ok.error();
  if (update.target_role_arn && !update.target_role_arn->empty())
    if (auto ok = check_role(ctx, "targetRoleArn", *update.target_role_arn, /*must_exist=*/false); !ok)
      return ok.error();
  const std::string final_policy = update.policy.value_or(current->policy);
  const bool final_disable = update.disable_session_tags.value_or(current->disable_session_tags);
  if (auto ok = check_policy(final_policy, final_disable); !ok) return ok.error();

  auto updated = ctx.associations.update(op.cluster, op.association_id, update);
  if (!updated) return updated.error();
  return json_response({{"association", association_json(*updated)}});
}

core::Result<http::Response> delete_association(const ApiContext& ctx, const Operation& op) {
  auto cluster = ctx.cluster(op.cluster);
  if (!cluster) return cluster.error();
  if (auto current = ctx.associations.find(op.cluster, op.association_id); current && !current->owner_arn.empty())
    return owned_by_addon(*current);
  auto gone = ctx.associations.remove(op.cluster, op.association_id);
  if (!gone) return gone.error();
  return json_response({{"association", association_json(*gone)}});
}

}  // namespace podbucket::eks::detail
