#pragma once
// Private to eks/: the per-family handlers EksService dispatches to, and what they share.
#include <initializer_list>
#include <string>
#include <utility>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/random.h"
#include "core/result.h"
#include "eks/addons.h"
#include "eks/associations.h"
#include "eks/clusters.h"
#include "eks/router.h"
#include "http/message.h"
#include "iam/authorizer.h"
#include "iam/directory.h"

namespace podbucket::eks::detail {

/// Everything a handler may touch for one request.
struct ApiContext {
  ClusterRegistry& clusters;
  AssociationStore& associations;
  AddonStore& addons;
  iam::Directory& directory;
  iam::Authorizer& authorizer;
  core::Random& random;
  const iam::Call& call;
  std::string region;   // the request's signing region (ARNs of new resources)
  std::string account;  // the server's account

  /// Allows root; asks the Authorizer for anyone else, with the global condition keys plus `keys` (e.g.
  /// iam:PassedToService). AccessDeniedException (403) when denied.
  core::Result<void> authorize(
      std::string_view action, std::string_view resource,
      std::initializer_list<std::pair<std::string_view, std::string_view>> keys = {}) const;
  /// The cluster or ResourceNotFoundException "No cluster found for name: NAME.".
  core::Result<Cluster> cluster(std::string_view name) const;
};

// cluster_api.cc
core::Result<http::Response> create_cluster(const ApiContext& ctx, const nlohmann::json& body);
core::Result<http::Response> describe_cluster(const ApiContext& ctx, const Operation& op);
core::Result<http::Response> list_clusters(const ApiContext& ctx, const http::Request& req);
core::Result<http::Response> delete_cluster(const ApiContext& ctx, const Operation& op);

// admin_api.cc (root only; the caller has checked)
core::Result<http::Response> mint_token(const ApiContext& ctx, const Operation& op, const nlohmann::json& body);
core::Result<http::Response> rotate_signing_key(const ApiContext& ctx, const Operation& op);
core::Result<http::Response> set_external_jwks(const ApiContext& ctx, const Operation& op,
                                               const nlohmann::json& body);
core::Result<http::Response> add_external_cluster(const ApiContext& ctx, const nlohmann::json& body);

// association_api.cc
core::Result<http::Response> create_association(const ApiContext& ctx, const Operation& op,
                                                const nlohmann::json& body);
core::Result<http::Response> describe_association(const ApiContext& ctx, const Operation& op);
core::Result<http::Response> list_associations(const ApiContext& ctx, const Operation& op, const http::Request& req);
core::Result<http::Response> update_association(const ApiContext& ctx, const Operation& op,
                                                const nlohmann::json& body);
core::Result<http::Response> delete_association(const ApiContext& ctx, const Operation& op);

/// Checks a role ARN given for an association: an IAM role ARN of this account that exists
/// (InvalidParameterException otherwise), and iam:PassRole on it.
core::Result<void> check_role(const ApiContext& ctx, std::string_view field, std::string_view role_arn,
                              bool must_exist);

// addon_api.cc
core::Result<http::Response> create_addon(const ApiContext& ctx, const Operation& op, const nlohmann::json& body);
core::Result<http::Response> describe_addon(const ApiContext& ctx, const Operation& op);
core::Result<http::Response> list_addons(const ApiContext& ctx, const Operation& op, const http::Request& req);
core::Result<http::Response> delete_addon(const ApiContext& ctx, const Operation& op);

}  // namespace podbucket::eks::detail
