// CreateAddon, DescribeAddon, ListAddons, DeleteAddon: recorded, never run. The add-on is ACTIVE at once, which
// is what `aws eks wait addon-active` waits for.
// https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAddon.html
#include <algorithm>

#include "eks/api.h"
#include "eks/errors.h"
#include "eks/ids.h"
#include "eks/wire.h"
#include "wire/query.h"

namespace podbucket::eks::detail {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

/// Add-on names: 1..100 of [a-z0-9-] or '_' / '.', as the catalogue's names are (eks-pod-identity-agent,
/// vpc-cni, aws-ebs-csi-driver, ...).
bool valid_addon_name(std::string_view name) {
  if (name.empty() || name.size() > 100) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  });
}

core::AwsError invalid(std::string message) { return core::AwsError(kInvalidParameterException, std::move(message)); }

core::AwsError addon_not_found(std::string_view cluster, std::string_view name) {
  return core::AwsError(kResourceNotFoundException,
                        "No addon: " + std::string(name) + " found in cluster: " + std::string(cluster))
      .with_field("clusterName", std::string(cluster))
      .with_field("addonName", std::string(name));
}

struct AddonAssociation {
  std::string service_account;
  std::string role_arn;
};

core::Result<std::vector<AddonAssociation>> read_addon_associations(const json& body) {
  std::vector<AddonAssociation> out;
  auto it = body.find("podIdentityAssociations");
  if (it == body.end() || it->is_null()) return out;
  if (!it->is_array()) return invalid("podIdentityAssociations must be a list.");
  for (const auto& item : *it) {
    if (!item.is_object()) return invalid("podIdentityAssociations entries must be objects.");
    auto sa = required_string(item, "serviceAccount", kInvalidParameterException);
    if (!sa) return sa.error();
    auto role = required_string(item, "roleArn", kInvalidParameterException);
    if (!role) return role.error();
    if (!valid_k8s_name(*sa)) return invalid("serviceAccount " + *sa + " is not a valid service account name.");
    out.push_back({*sa, *role});
  }
  return out;
}

}  // namespace

core::Result<http::Response> create_addon(const ApiContext& ctx, const Operation& op, const json& body) {
  auto cluster = ctx.cluster(op.cluster);
  if (!cluster) return cluster.error();
  auto name = required_string(body, "addonName", kInvalidParameterException);
  if (!name) return name.error();
  if (!valid_addon_name(*name)) return invalid("Addon " + *name + " specified is not supported.");
  Addon addon;
  addon.cluster = cluster->name;
  addon.name = *name;
  for (auto [field, target] :
       {std::pair{"addonVersion", &addon.version}, std::pair{"serviceAccountRoleArn", &addon.service_account_role_arn},
        std::pair{"configurationValues", &addon.configuration_values},
        std::pair{"clientRequestToken", &addon.client_request_token}}) {
    auto value = optional_string(body, field, kInvalidParameterException);
    if (!value) return value.error();
    if (*value) *target = **value;
  }
  auto resolve = optional_string(body, "resolveConflicts", kInvalidParameterException);
  if (!resolve) return resolve.error();
  if (*resolve && **resolve != "OVERWRITE" && **resolve != "NONE" && **resolve != "PRESERVE")
    return invalid("resolveConflicts must be one of OVERWRITE, NONE, PRESERVE.");
  if (!addon.configuration_values.empty()) {
    json config = json::parse(addon.configuration_values, nullptr, /*allow_exceptions=*/false);
    if (config.is_discarded() || !config.is_object()) return invalid("configurationValues must be a JSON object.");
  }
  if (!addon.service_account_role_arn.empty() && !is_role_arn(addon.service_account_role_arn))
    return invalid("serviceAccountRoleArn " + addon.service_account_role_arn + " is not a valid IAM role ARN.");
  auto tags = read_tags(body, "tags");
  if (!tags) return tags.error();
  addon.tags = std::move(*tags);
  std::string namespace_name = "kube-system";
  if (auto it = body.find("namespaceConfig"); it != body.end() && !it->is_null()) {
    if (!it->is_object()) return invalid("namespaceConfig must be an object.");
    auto ns = optional_string(*it, "namespace", kInvalidParameterException);
    if (!ns) return ns.error();
    if (*ns) {
      if (!valid_namespace(**ns)) return invalid("namespaceConfig.namespace is not a valid namespace name.");
      namespace_name = **ns;
    }
    addon.namespace_config = *it;
  }
  auto wanted = read_addon_associations(body);
  if (!wanted) return wanted.error();

  if (auto existing = ctx.addons.find(addon.cluster, addon.name)) {
    if (!addon.client_request_token.empty() && existing->client_request_token == addon.client_request_token)
      return json_response({{"addon", addon_json(*existing)}});
    return core::AwsError(kResourceInUseException, "Addon already exists.")
        .with_field("clusterName", addon.cluster)
        .with_field("addonName", addon.name);
  }
  for (const auto& w : *wanted) {
    if (auto ok = check_role(ctx, "roleArn", w.role_arn, /*must_exist=*/true); !ok) return ok.error();
    if (ctx.associations.find_for(addon.cluster, namespace_name, w.service_account))
      return core::AwsError(kResourceInUseException, "A pod identity association already exists for service "
                                                     "account " + w.service_account + " in namespace " +
                                                         namespace_name + ".")
          .with_field("clusterName", addon.cluster);
  }
  addon.arn = addon_arn(cluster->region, cluster->account_id, addon.cluster, addon.name, new_uuid(ctx.random));
  for (const auto& w : *wanted) {
    AssociationSpec spec;
    spec.cluster = addon.cluster;
    spec.cluster_region = cluster->region;
    spec.account_id = cluster->account_id;
    spec.namespace_name = namespace_name;
    spec.service_account = w.service_account;
    spec.role_arn = w.role_arn;
    spec.owner_arn = addon.arn;
    auto created = ctx.associations.create(std::move(spec));
    if (!created) return created.error();
    addon.association_arns.push_back(created->arn);
  }
  auto created = ctx.addons.create(std::move(addon), cluster->region, cluster->account_id);
  if (!created) return created.error();
  return json_response({{"addon", addon_json(*created)}});
}

core::Result<http::Response> describe_addon(const ApiContext& ctx, const Operation& op) {
  auto cluster = ctx.cluster(op.cluster);
  if (!cluster) return cluster.error();
  auto addon = ctx.addons.find(op.cluster, op.addon);
  if (!addon) return addon_not_found(op.cluster, op.addon);
  return json_response({{"addon", addon_json(*addon)}});
}

core::Result<http::Response> list_addons(const ApiContext& ctx, const Operation& op, const http::Request& req) {
  auto cluster = ctx.cluster(op.cluster);
  if (!cluster) return cluster.error();
  auto query = wire::QueryParams::parse(req.raw_query);
  auto max = read_max_results(query.get("maxResults"), 100);
  if (!max) return max.error();
  std::string after(query.get("nextToken").value_or(""));
  ordered_json names = json::array();
  std::string next;
  for (const auto& name : ctx.addons.names(op.cluster)) {
    if (!after.empty() && name <= after) continue;
    if (names.size() == *max) {
      next = names.back().get<std::string>();
      break;
    }
    names.push_back(name);
  }
  ordered_json out = {{"addons", std::move(names)}};
  if (!next.empty()) out["nextToken"] = next;
  return json_response(out);
}

core::Result<http::Response> delete_addon(const ApiContext& ctx, const Operation& op) {
  auto cluster = ctx.cluster(op.cluster);
  if (!cluster) return cluster.error();
  auto addon = ctx.addons.find(op.cluster, op.addon);
  if (!addon) return addon_not_found(op.cluster, op.addon);
  // The associations an add-on created go with it.
  for (const auto& arn : addon->association_arns) {
    auto slash = arn.rfind('/');
    if (slash != std::string::npos) (void)ctx.associations.remove(op.cluster, arn.substr(slash + 1));
  }
  auto gone = ctx.addons.remove(op.cluster, op.addon);
  if (!gone) return gone.error();
  return json_response({{"addon", addon_json(*gone)}});
}

}  // namespace podbucket::eks::detail
