#include "eks/router.h"

#include <optional>
#include <vector>

#include "core/encoding.h"
#include "eks/errors.h"

namespace podbucket::eks {

namespace {

std::optional<std::vector<std::string>> segments(std::string_view path) {
  std::vector<std::string> out;
  if (!path.starts_with('/')) return std::nullopt;
  path.remove_prefix(1);
  while (!path.empty()) {
    auto slash = path.find('/');
    auto raw = path.substr(0, slash);
    auto decoded = core::percent_decode(raw);
    if (!decoded || decoded->empty()) return std::nullopt;
    out.push_back(std::move(*decoded));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
    if (path.empty()) break;  // one trailing slash is tolerated
  }
  return out;
}

core::AwsError no_route(std::string_view method, std::string_view path) {
  return core::AwsError(kNotFoundException,
                        "No EKS operation serves " + std::string(method) + " " + std::string(path) + ".");
}

}  // namespace

std::string_view op_name(OpKind kind) {
  switch (kind) {
    case OpKind::kCreateCluster: return "CreateCluster";
    case OpKind::kListClusters: return "ListClusters";
    case OpKind::kDescribeCluster: return "DescribeCluster";
    case OpKind::kDeleteCluster: return "DeleteCluster";
    case OpKind::kCreateAddon: return "CreateAddon";
    case OpKind::kListAddons: return "ListAddons";
    case OpKind::kDescribeAddon: return "DescribeAddon";
    case OpKind::kDeleteAddon: return "DeleteAddon";
    case OpKind::kCreateAssociation: return "CreatePodIdentityAssociation";
    case OpKind::kListAssociations: return "ListPodIdentityAssociations";
    case OpKind::kDescribeAssociation: return "DescribePodIdentityAssociation";
    case OpKind::kUpdateAssociation: return "UpdatePodIdentityAssociation";
    case OpKind::kDeleteAssociation: return "DeletePodIdentityAssociation";
    case OpKind::kMintToken: return "PodbucketMintToken";
    case OpKind::kRotateSigningKey: return "PodbucketRotateSigningKey";
    case OpKind::kSetExternalJwks: return "PodbucketSetExternalJwks";
    case OpKind::kAddExternalCluster: return "PodbucketAddExternalCluster";
  }
  return "";
}

std::string_view iam_action(OpKind kind) {
  switch (kind) {
    case OpKind::kCreateCluster: return "eks:CreateCluster";
    case OpKind::kListClusters: return "eks:ListClusters";
    case OpKind::kDescribeCluster: return "eks:DescribeCluster";
    case OpKind::kDeleteCluster: return "eks:DeleteCluster";
    case OpKind::kCreateAddon: return "eks:CreateAddon";
    case OpKind::kListAddons: return "eks:ListAddons";
    case OpKind::kDescribeAddon: return "eks:DescribeAddon";
    case OpKind::kDeleteAddon: return "eks:DeleteAddon";
    case OpKind::kCreateAssociation: return "eks:CreatePodIdentityAssociation";
    case OpKind::kListAssociations: return "eks:ListPodIdentityAssociations";
    case OpKind::kDescribeAssociation: return "eks:DescribePodIdentityAssociation";
    case OpKind::kUpdateAssociation: return "eks:UpdatePodIdentityAssociation";
    case OpKind::kDeleteAssociation: return "eks:DeletePodIdentityAssociation";
    default: return "";
  }
}

bool is_admin(OpKind kind) { return iam_action(kind).empty(); }

core::Result<Operation> route(std::string_view method, std::string_view path) {
  auto segs = segments(path);
  if (!segs || segs->empty()) return no_route(method, path);
  const auto& s = *segs;
  const size_t n = s.size();
  Operation op;
  auto pick = [&](std::initializer_list<std::pair<std::string_view, OpKind>> table) -> core::Result<Operation> {
    for (const auto& [m, kind] : table) {
      if (m == method) {
        op.kind = kind;
        return op;
      }
    }
    return no_route(method, path);
  };

  if (s[0] == "clusters") {
    if (n == 1) return pick({{"POST", OpKind::kCreateCluster}, {"GET", OpKind::kListClusters}});
    op.cluster = s[1];
    if (n == 2) return pick({{"GET", OpKind::kDescribeCluster}, {"DELETE", OpKind::kDeleteCluster}});
    if (s[2] == "addons") {
      if (n == 3) return pick({{"POST", OpKind::kCreateAddon}, {"GET", OpKind::kListAddons}});
      if (n == 4) {
        op.addon = s[3];
        return pick({{"GET", OpKind::kDescribeAddon}, {"DELETE", OpKind::kDeleteAddon}});
      }
    }
    if (s[2] == "pod-identity-associations") {
      if (n == 3) return pick({{"POST", OpKind::kCreateAssociation}, {"GET", OpKind::kListAssociations}});
      if (n == 4) {
        op.association_id = s[3];
        return pick({{"GET", OpKind::kDescribeAssociation},
                     {"POST", OpKind::kUpdateAssociation},
                     {"DELETE", OpKind::kDeleteAssociation}});
      }
    }
    return no_route(method, path);
  }

  if (s[0] == "_podbucket" && n >= 2) {
    if (s[1] == "external-clusters" && n == 2) return pick({{"POST", OpKind::kAddExternalCluster}});
    if (s[1] == "clusters" && n == 4) {
      op.cluster = s[2];
      if (s[3] == "token") return pick({{"POST", OpKind::kMintToken}});
      if (s[3] == "rotate-signing-key") return pick({{"POST", OpKind::kRotateSigningKey}});
      if (s[3] == "jwks") return pick({{"POST", OpKind::kSetExternalJwks}});
    }
  }
  return no_route(method, path);
}

}  // namespace podbucket::eks
