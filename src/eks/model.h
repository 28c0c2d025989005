#pragma once
// The EKS records podbucket keeps: clusters (with their token-signing keys), pod identity associations and add-ons,
// and their storage form in store::Documents. Plain values; the stores (clusters.h, associations.h, addons.h) own
// the locking.
// https://docs.aws.amazon.com/eks/latest/APIReference/API_Cluster.html
// https://docs.aws.amazon.com/eks/latest/APIReference/API_PodIdentityAssociation.html
// https://docs.aws.amazon.com/eks/latest/APIReference/API_Addon.html
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"

namespace podbucket::eks {

inline constexpr std::string_view kClustersCollection = "eks-clusters";          // id: cluster name
inline constexpr std::string_view kAssociationsCollection = "eks-associations";  // id: CLUSTER/ASSOCIATION_ID
inline constexpr std::string_view kAddonsCollection = "eks-addons";              // id: CLUSTER/ADDON_NAME

/// Resource tags as the EKS API carries them (a JSON object of strings).
using TagMap = std::map<std::string, std::string>;

/// One RSA key a local cluster's issuer signs with. The newest key of a cluster signs; older ones are kept in the
/// JWKS until every token they signed has expired.
struct SigningKey {
  std::string kid;                        // 16 lower-case hex digits
  core::TimePoint created{};
  std::optional<core::TimePoint> retired;  // when a rotation replaced it
  std::string n;                          // modulus, raw big-endian bytes
  std::string e;                          // public exponent, raw big-endian bytes
  std::string private_key;                // PKCS#8 DER, sealed when a wrapping key is configured. Secret.
  bool sealed = false;                    // private_key is nonce || AES-256-GCM(der) || tag
};

/// Whose token issuer a cluster uses.
enum class ClusterKind {
  kLocal,     // created through CreateCluster: podbucket is its issuer (<endpoint>/_oidc/NAME)
  kExternal,  // a real Kubernetes cluster registered with `podbucket cluster add`: its API server signs
};

/// An EKS cluster. `arn` is arn:aws:eks:REGION:ACCOUNT:cluster/NAME.
struct Cluster {
  std::string name;  // 1..100 of [0-9A-Za-z][A-Za-z0-9-_]*
  std::string arn;
  std::string region;
  std::string account_id;
  std::string id;  // a UUID, as DescribeCluster's "id"
  ClusterKind kind = ClusterKind::kLocal;
  core::TimePoint created{};
  std::string role_arn;
  std::string version;  // Kubernetes version ("1.31" unless given)
  std::string client_request_token;
  TagMap tags;
  nlohmann::json request = nlohmann::json::object();  // other CreateCluster members as sent, echoed back
  std::string external_issuer;  // kExternal: the API server's --service-account-issuer
  std::string external_jwks;    // kExternal: its key set, {"keys":[...]}
  std::vector<SigningKey> keys;  // kLocal: oldest first; the last one signs
};

/// A pod identity association: (cluster, namespace, service account) → role.
/// `arn` is arn:aws:eks:REGION:ACCOUNT:podidentityassociation/CLUSTER/ID; `id` is "a-" + 17 of [a-z0-9].
struct Association {
  std::string cluster;
  std::string id;
  std::string arn;
  std::string namespace_name;
  std::string service_account;
  std::string role_arn;
  std::string target_role_arn;  // "" = no role chaining
  std::string external_id;      // generated when target_role_arn is set
  std::string policy;           // session policy JSON ("" = none); requires disable_session_tags
  bool disable_session_tags = false;
  std::string owner_arn;  // the add-on that created it ("" = none)
  std::string client_request_token;
  TagMap tags;
  core::TimePoint created{};
  core::TimePoint modified{};
};

/// An EKS add-on. `arn` is arn:aws:eks:REGION:ACCOUNT:addon/CLUSTER/NAME/UUID.
struct Addon {
  std::string cluster;
  std::string name;
  std::string arn;
  std::string version;
  std::string status = "ACTIVE";  // what `aws eks wait addon-active` waits for
  std::string service_account_role_arn;
  std::string configuration_values;
  std::string client_request_token;
  TagMap tags;
  std::vector<std::string> association_arns;  // associations it created (podIdentityAssociations)
  nlohmann::json namespace_config;             // as sent, or null
  core::TimePoint created{};
  core::TimePoint modified{};
};

// Storage form (JSON text). decode_* return nullopt for a document that does not parse.
std::string encode(const Cluster& cluster);
std::optional<Cluster> decode_cluster(std::string_view text);
std::string encode(const Association& association);
std::optional<Association> decode_association(std::string_view text);
std::string encode(const Addon& addon);
std::optional<Addon> decode_addon(std::string_view text);

}  // namespace podbucket::eks
