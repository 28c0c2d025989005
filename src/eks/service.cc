#include "eks/service.h"

#include "eks/api.h"
#include "eks/errors.h"
#include "eks/ids.h"
#include "eks/router.h"
#include "eks/wire.h"
#include "observe/request_parameters.h"
#include "observe/request_trace.h"

namespace podbucket::eks {

namespace detail {

core::Result<void> ApiContext::authorize(
    std::string_view action, std::string_view resource,
    std::initializer_list<std::pair<std::string_view, std::string_view>> keys) const {
  if (call.caller.root) return {};
  policy::Context context = iam::global_context(call.caller, call.facts);
  for (const auto& [key, value] : keys) context.set(key, std::string(value));
  iam::AuthzRequest request{call.caller, action, resource, context, nullptr, policy::ResourceMode::kEither, {}};
  policy::Decision decision = authorizer.authorize(request);
  if (decision.allowed()) return {};
  return iam::access_denied(kAccessDeniedException, call.caller, action, resource, decision,
                            /*quote_resource=*/false);
}

core::Result<Cluster> ApiContext::cluster(std::string_view name) const {
  auto c = clusters.find_cluster(name);
  if (!c)
    return core::AwsError(kResourceNotFoundException, "No cluster found for name: " + std::string(name) + ".")
        .with_field("clusterName", std::string(name));
  return *c;
}

}  // namespace detail

namespace {

/// The ARN an operation is authorized against: the resource when it exists, else the ARN it would have.
std::string resource_of(const detail::ApiContext& ctx, const Operation& op, const nlohmann::json& body) {
  if (op.kind == OpKind::kListClusters) return "*";
  std::string name = op.cluster;
  if (op.kind == OpKind::kCreateCluster && body.contains("name") && body["name"].is_string())
    name = body["name"].get<std::string>();
  auto existing = ctx.clusters.find_cluster(name);
  const std::string region = existing ? existing->region : ctx.region;
  switch (op.kind) {
    case OpKind::kDescribeAddon:
    case OpKind::kDeleteAddon:
      if (auto addon = ctx.addons.find(name, op.addon)) return addon->arn;
      return "arn:aws:eks:" + region + ":" + ctx.account + ":addon/" + name + "/" + op.addon + "/*";
    case OpKind::kDescribeAssociation:
    case OpKind::kUpdateAssociation:
    case OpKind::kDeleteAssociation:
      return association_arn(region, ctx.account, name, op.association_id);
    default:
      return existing ? existing->arn : cluster_arn(region, ctx.account, name);
  }
}

}  // namespace

EksService::EksService(ClusterRegistry& clusters, AssociationStore& associations, AddonStore& addons,
                       iam::Directory& directory, iam::Authorizer& authorizer, core::Random& random)
    : clusters_(clusters),
      associations_(associations),
      addons_(addons),
      directory_(directory),
      authorizer_(authorizer),
      random_(random) {}

core::Result<http::Response> EksService::handle(const iam::Call& call, http::Request& req) {
  auto op = route(req.method, req.path);
  if (!op) return op.error();
  // The audit trail's eventName and requestParameters: path parameters, then the body (secrets redacted).
  observe::record_operation(op_name(op->kind));
  if (!op->cluster.empty()) observe::record_parameter("clusterName", op->cluster);
  if (!op->addon.empty()) observe::record_parameter("addonName", op->addon);
  if (!op->association_id.empty()) observe::record_parameter("associationId", op->association_id);
  nlohmann::json body = nlohmann::json::object();
  if (req.method == "POST" || req.method == "PUT") {
    auto parsed = read_json_body(req, kInvalidRequestException);
    if (!parsed) return parsed.error();
    body = std::move(*parsed);
    observe::record_json_parameters(body);
  }
  const Config config = clusters_.config();
  detail::ApiContext ctx{clusters_, associations_, addons_, directory_, authorizer_, random_, call,
                         call.facts.region.empty() ? config.region : call.facts.region, config.account_id};

  if (is_admin(op->kind)) {
    if (!call.caller.root)
      return core::AwsError(kAccessDeniedException, "Only the account's root user may call " +
                                                        std::string(op_name(op->kind)) + ".");
  } else if (auto ok = ctx.authorize(iam_action(op->kind), resource_of(ctx, *op, body)); !ok) {
    return ok.error();
  }

  switch (op->kind) {
    case OpKind::kCreateCluster: return detail::create_cluster(ctx, body);
    case OpKind::kListClusters: return detail::list_clusters(ctx, req);
    case OpKind::kDescribeCluster: return detail::describe_cluster(ctx, *op);
    case OpKind::kDeleteCluster: return detail::delete_cluster(ctx, *op);
    case OpKind::kCreateAddon: return detail::create_addon(ctx, *op, body);
    case OpKind::kListAddons: return detail::list_addons(ctx, *op, req);
    case OpKind::kDescribeAddon: return detail::describe_addon(ctx, *op);
    case OpKind::kDeleteAddon: return detail::delete_addon(ctx, *op);
    case OpKind::kCreateAssociation: return detail::create_association(ctx, *op, body);
    case OpKind::kListAssociations: return detail::list_associations(ctx, *op, req);
    case OpKind::kDescribeAssociation: return detail::describe_association(ctx, *op);
    case OpKind::kUpdateAssociation: return detail::update_association(ctx, *op, body);
    case OpKind::kDeleteAssociation: return detail::delete_association(ctx, *op);
    case OpKind::kMintToken: return detail::mint_token(ctx, *op, body);
    case OpKind::kRotateSigningKey: return detail::rotate_signing_key(ctx, *op);
    case OpKind::kSetExternalJwks: return detail::set_external_jwks(ctx, *op, body);
    case OpKind::kAddExternalCluster: return detail::add_external_cluster(ctx, body);
  }
  return core::AwsError(kNotFoundException, "No EKS operation serves this request.");
}

}  // namespace podbucket::eks
