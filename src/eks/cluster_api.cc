// CreateCluster, DescribeCluster, ListClusters, DeleteCluster.
// https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html
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

/// CreateCluster members the cluster record keeps in fields of its own; every other member is echoed back.
constexpr std::string_view kOwnMembers[] = {"name", "roleArn", "version", "clientRequestToken", "tags"};

}  // namespace

core::Result<http::Response> create_cluster(const ApiContext& ctx, const json& body) {
  auto name = required_string(body, "name", kInvalidParameterException);
  if (!name) return name.error();
  if (!valid_cluster_name(*name))
    return core::AwsError(kInvalidParameterException,
                          "1 validation error detected: Value '" + *name +
                              "' at 'name' failed to satisfy constraint: Member must satisfy regular expression "
                              "pattern: ^[0-9A-Za-z][A-Za-z0-9\\-_]*");
  auto role = required_string(body, "roleArn", kInvalidParameterException);
  if (!role) return role.error();
  if (!is_role_arn(*role))
    return core::AwsError(kInvalidParameterException, "roleArn " + *role + " is not a valid IAM role ARN.");
  auto version = optional_string(body, "version", kInvalidParameterException);
  if (!version) return version.error();
  auto token = optional_string(body, "clientRequestToken", kInvalidParameterException);
  if (!token) return token.error();
  auto tags = read_tags(body, "tags");
  if (!tags) return tags.error();

  ClusterSpec spec;
  spec.name = *name;
  spec.role_arn = *role;
  spec.version = version->value_or("");
  spec.client_request_token = token->value_or("");
  spec.region = ctx.region;
  spec.tags = std::move(*tags);
  spec.request = json::object();
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (std::find(std::begin(kOwnMembers), std::end(kOwnMembers), it.key()) == std::end(kOwnMembers))
      spec.request[it.key()] = it.value();
  }
  auto cluster = ctx.clusters.create_cluster(std::move(spec));
  if (!cluster) return cluster.error();
  return json_response({{"cluster", cluster_json(*cluster, ctx.clusters.issuer_of(*cluster), "ACTIVE")}});
}

core::Result<http::Response> describe_cluster(const ApiContext& ctx, const Operation& op) {
  auto cluster = ctx.cluster(op.cluster);
  if (!cluster) return cluster.error();
  return json_response({{"cluster", cluster_json(*cluster, ctx.clusters.issuer_of(*cluster), "ACTIVE")}});
}

core::Result<http::Response> list_clusters(const ApiContext& ctx, const http::Request& req) {
  auto query = wire::QueryParams::parse(req.raw_query);
  auto max = read_max_results(query.get("maxResults"), 100);
  if (!max) return max.error();
  std::string after(query.get("nextToken").value_or(""));
  if (!after.empty() && !valid_cluster_name(after))
    return core::AwsError(kInvalidParameterException, "The nextToken is not valid.");
  ordered_json names = json::array();
  std::string next;
  for (const auto& name : ctx.clusters.cluster_names()) {
    if (!after.empty() && name <= after) continue;
    if (names.size() == *max) {
      next = names.back().get<std::string>();
      break;
    }
    names.push_back(name);
  }
  ordered_json out = {{"clusters", std::move(names)}};
  if (!next.empty()) out["nextToken"] = next;
  return json_response(out);
}

core::Result<http::Response> delete_cluster(const ApiContext& ctx, const Operation& op) {
  auto cluster = ctx.cluster(op.cluster);
  if (!cluster) return cluster.error();
  // EKS deletes a cluster's associations and add-ons with it.
  ctx.associations.remove_cluster(op.cluster);
  ctx.addons.remove_cluster(op.cluster);
  std::string issuer = ctx.clusters.issuer_of(*cluster);
  auto gone = ctx.clusters.delete_cluster(op.cluster);
  if (!gone) return gone.error();
  return json_response({{"cluster", cluster_json(*gone, issuer, "DELETING")}});
}

}  // namespace podbucket::eks::detail
