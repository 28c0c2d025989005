#pragma once
// The EKS REST-JSON routes podbucket serves, parsed once from method + path into an Operation (botocore
// eks/2017-11-01 requestUri table), plus podbucket's own admin routes under /_podbucket/ (signed like EKS calls,
// root only): minting tokens, rotating signing keys, registering external clusters.
#include <string>
#include <string_view>

#include "core/result.h"

namespace podbucket::eks {

enum class OpKind {
  kCreateCluster,        // POST   /clusters
  kListClusters,         // GET    /clusters
  kDescribeCluster,      // GET    /clusters/{name}
  kDeleteCluster,        // DELETE /clusters/{name}
  kCreateAddon,          // POST   /clusters/{name}/addons
  kListAddons,           // GET    /clusters/{name}/addons
  kDescribeAddon,        // GET    /clusters/{name}/addons/{addonName}
  kDeleteAddon,          // DELETE /clusters/{name}/addons/{addonName}
  kCreateAssociation,    // POST   /clusters/{name}/pod-identity-associations
  kListAssociations,     // GET    /clusters/{name}/pod-identity-associations
  kDescribeAssociation,  // GET    /clusters/{name}/pod-identity-associations/{associationId}
  kUpdateAssociation,    // POST   /clusters/{name}/pod-identity-associations/{associationId}
  kDeleteAssociation,    // DELETE /clusters/{name}/pod-identity-associations/{associationId}
  kMintToken,            // POST   /_podbucket/clusters/{name}/token
  kRotateSigningKey,     // POST   /_podbucket/clusters/{name}/rotate-signing-key
  kSetExternalJwks,      // POST   /_podbucket/clusters/{name}/jwks
  kAddExternalCluster,   // POST   /_podbucket/external-clusters
};

/// One routed request. Path parameters are percent-decoded.
struct Operation {
  OpKind kind = OpKind::kListClusters;
  std::string cluster;
  std::string addon;
  std::string association_id;
};

/// The operation's name as EKS documents it ("CreatePodIdentityAssociation"); podbucket's admin operations are
/// named "PodbucketMintToken", "PodbucketRotateSigningKey", "PodbucketSetExternalJwks", "PodbucketAddExternalCluster".
std::string_view op_name(OpKind kind);
/// The IAM action of an EKS operation ("eks:CreatePodIdentityAssociation"); "" for the root-only admin operations.
std::string_view iam_action(OpKind kind);
/// True for the /_podbucket/ admin operations.
bool is_admin(OpKind kind);

/// Routes `method` + raw `path`. NotFoundException (404) for a path no operation has or a bad escape.
core::Result<Operation> route(std::string_view method, std::string_view path);

}  // namespace podbucket::eks
