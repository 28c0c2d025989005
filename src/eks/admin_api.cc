// podbucket's own admin routes (root only), for the CLI against a running server:
//   POST /_podbucket/clusters/NAME/token               {"namespace","serviceAccount","podName"?,"podUid"?,
//                                                       "nodeName"?,"audience"?,"expiresIn"?}
//        → {"token","expiration" (epoch seconds),"kid","podName","podUid"}
//   POST /_podbucket/clusters/NAME/rotate-signing-key  → {"kid"}
//   POST /_podbucket/clusters/NAME/jwks                {"jwks": object or string} → {}
//   POST /_podbucket/external-clusters                 {"name","issuer","jwks": object or string} → {"cluster"}
#include "core/time_format.h"
#include "eks/api.h"
#include "eks/errors.h"
#include "eks/wire.h"

namespace podbucket::eks::detail {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

/// The "jwks" member as text: a JSON object is serialized, a string taken as is.
core::Result<std::string> jwks_member(const json& body) {
  auto it = body.find("jwks");
  if (it == body.end() || it->is_null()) return core::AwsError(kInvalidParameterException, "jwks is required.");
  if (it->is_object()) return it->dump();
  if (it->is_string()) return it->get<std::string>();
  return core::AwsError(kInvalidParameterException, "jwks must be a JWKS object or its JSON text.");
}

}  // namespace

core::Result<http::Response> mint_token(const ApiContext& ctx, const Operation& op, const json& body) {
  TokenRequest request;
  request.cluster = op.cluster;
  auto ns = required_string(body, "namespace", kInvalidParameterException);
  if (!ns) return ns.error();
  auto sa = required_string(body, "serviceAccount", kInvalidParameterException);
  if (!sa) return sa.error();
  request.namespace_name = *ns;
  request.service_account = *sa;
  for (auto [field, target] : {std::pair{"podName", &request.pod_name}, std::pair{"podUid", &request.pod_uid},
                               std::pair{"nodeName", &request.node_name}, std::pair{"audience", &request.audience}}) {
    auto value = optional_string(body, field, kInvalidParameterException);
    if (!value) return value.error();
    if (*value) *target = **value;
  }
  if (auto it = body.find("expiresIn"); it != body.end() && !it->is_null()) {
    if (!it->is_number_integer())
      return core::AwsError(kInvalidParameterException, "expiresIn must be an integer number of seconds.");
    request.expires_in = std::chrono::seconds(it->get<int64_t>());
  }
  auto minted = ctx.clusters.mint_token(request);
  if (!minted) return minted.error();
  ordered_json out;
  out["token"] = minted->token;
  out["expiration"] = core::to_unix_seconds(minted->expiration);
  out["kid"] = minted->kid;
  out["podName"] = minted->pod_name;
  out["podUid"] = minted->pod_uid;
  return json_response(out);
}

core::Result<http::Response> rotate_signing_key(const ApiContext& ctx, const Operation& op) {
  auto kid = ctx.clusters.rotate_signing_key(op.cluster);
  if (!kid) return kid.error();
  return json_response({{"kid", *kid}});
}

core::Result<http::Response> set_external_jwks(const ApiContext& ctx, const Operation& op, const json& body) {
  auto jwks = jwks_member(body);
  if (!jwks) return jwks.error();
  if (auto ok = ctx.clusters.set_external_jwks(op.cluster, *jwks); !ok) return ok.error();
  return json_response(ordered_json::object());
}

core::Result<http::Response> add_external_cluster(const ApiContext& ctx, const json& body) {
  auto name = required_string(body, "name", kInvalidParameterException);
  if (!name) return name.error();
  auto issuer = required_string(body, "issuer", kInvalidParameterException);
  if (!issuer) return issuer.error();
  auto jwks = jwks_member(body);
  if (!jwks) return jwks.error();
  auto cluster = ctx.clusters.add_external_cluster(*name, *issuer, *jwks);
  if (!cluster) return cluster.error();
  return json_response({{"cluster", cluster_json(*cluster, ctx.clusters.issuer_of(*cluster), "ACTIVE")}});
}

}  // namespace podbucket::eks::detail
