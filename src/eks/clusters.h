#pragma once
// The clusters podbucket knows and their service-account token issuers.
//
// A *local* cluster (CreateCluster) has podbucket as its issuer: <public endpoint>/_oidc/NAME, with per-cluster
// RSA-2048 keys that mint_token signs with and that the JWKS publishes. rotate_signing_key adds a new signing key;
// the old one stays in the JWKS until every token it signed can have expired (Config::max_token_lifetime).
// An *external* cluster (`podbucket cluster add`) is a real Kubernetes cluster whose API server signs; podbucket
// only keeps its issuer and key set.
//
// The registry is also the sts::IdentityProviders seam: STS AssumeRoleWithWebIdentity (IRSA) finds a cluster by its
// issuer and accepts its tokens with audience sts.amazonaws.com.
//
// Persistence: one document per cluster in store::Documents ("eks-clusters"), private keys sealed with the
// wrapping key when one is configured. An in-memory copy answers reads. Thread-safe; store failures throw
// store::Unavailable.
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "crypto/rsa.h"
#include "eks/config.h"
#include "eks/model.h"
#include "store/documents.h"
#include "sts/identity_providers.h"

namespace podbucket::eks {

/// The audience IRSA tokens carry; the only one STS accepts for a cluster's issuer.
inline constexpr std::string_view kStsAudience = "sts.amazonaws.com";

/// Input of create_cluster (the API layer has validated name and role ARN).
struct ClusterSpec {
  std::string name;
  std::string role_arn;
  std::string version;  // "" = the default Kubernetes version
  std::string client_request_token;
  std::string region;  // "" = Config::region
  TagMap tags;
  nlohmann::json request = nlohmann::json::object();  // other CreateCluster members, echoed back
};

/// A token to mint for a local cluster.
struct TokenRequest {
  std::string cluster;
  std::string namespace_name;
  std::string service_account;
  std::string pod_name;   // "" = "<service account>-<5 random characters>"
  std::string pod_uid;    // "" = a random UUID
  std::string node_name;  // "" = "podbucket"
  std::string audience{"pods.eks.amazonaws.com"};
  std::chrono::seconds expires_in{std::chrono::hours(24)};
};

/// A minted token and what it was minted for.
struct MintedToken {
  std::string token;  // secret: never log
  core::TimePoint expiration{};
  std::string kid;
  std::string pod_name;
  std::string pod_uid;
};

/// An issuer URL and its current key set.
struct IssuerKeys {
  std::string issuer;
  std::string jwks_json;
};

class ClusterRegistry final : public sts::IdentityProviders {
 public:
  /// Loads every cluster from `documents`. The references outlive the registry. Throws store::Unavailable.
  ClusterRegistry(store::Documents& documents, const core::Clock& clock, core::Random& random, Config config);
  ~ClusterRegistry() override;

  /// Changes the base URL of local issuers (e.g. once the listening port is known). Thread-safe.
  void set_public_endpoint(std::string endpoint);
  /// The current configuration (with the current public endpoint).
  Config config() const;

  /// CreateCluster: a local cluster, status ACTIVE, with a fresh signing key. ResourceInUseException "Cluster
  /// already exists with name: NAME." unless the existing cluster was created with the same non-empty
  /// clientRequestToken (then it is returned unchanged).
  core::Result<Cluster> create_cluster(ClusterSpec spec);
  /// `podbucket cluster add`: registers an external cluster. InvalidParameterException for a bad name, an issuer
  /// that is not an http(s) URL without query or fragment, or a key set without an RSA key;
  /// ResourceInUseException for a taken name.
  core::Result<Cluster> add_external_cluster(std::string_view name, std::string_view issuer,
                                             std::string_view jwks_json);
  /// Replaces an external cluster's key set (a refreshed JWKS). ResourceNotFoundException; InvalidParameterException
  /// for a local cluster or a key set without an RSA key.
  core::Result<void> set_external_jwks(std::string_view name, std::string_view jwks_json);
  /// DeleteCluster: removes the cluster (its tokens stop verifying at once). ResourceNotFoundException.
  core::Result<Cluster> delete_cluster(std::string_view name);

  /// The cluster, or nullopt.
  std::optional<Cluster> find_cluster(std::string_view name) const;
  /// Every cluster name, ascending.
  std::vector<std::string> cluster_names() const;

  /// The issuer URL of a cluster: <public endpoint>/_oidc/NAME for local clusters, the registered one otherwise.
  std::string issuer_of(const Cluster& cluster) const;
  /// The cluster's issuer and key set (for a local cluster, the JWKS of its live keys), or nullopt if unknown.
  std::optional<IssuerKeys> issuer_keys(std::string_view name) const;
  /// The JWKS document {"keys":[...]} a local cluster serves; nullopt for unknown or external clusters.
  std::optional<std::string> jwks(std::string_view name) const;
  /// The OpenID discovery document of a local cluster; nullopt for unknown or external clusters.
  std::optional<std::string> openid_configuration(std::string_view name) const;

  /// Adds a new signing key to a local cluster; later tokens are signed with it. Returns its kid. Keys retired
  /// longer than max_token_lifetime ago are dropped. ResourceNotFoundException; InvalidRequestException for an
  /// external cluster.
  core::Result<std::string> rotate_signing_key(std::string_view name);

  /// Mints an RS256 projected-service-account-style token (claims as tokens.h token_claims) signed by the
  /// cluster's current key, with "kid" in the header. InvalidParameterException for bad namespace / service account
  /// / pod names, an empty audience, or expires_in outside 1..max_token_lifetime; ResourceNotFoundException;
  /// InvalidRequestException for an external cluster (its API server mints).
  core::Result<MintedToken> mint_token(const TokenRequest& request);

  /// sts::IdentityProviders: the cluster whose issuer is `issuer`, with client id sts.amazonaws.com.
  std::optional<sts::OidcProvider> find(std::string_view issuer) const override;

 private:
  std::string jwks_locked(const Cluster& cluster) const;  // mu_ held
  SigningKey new_key(std::string_view cluster);
  std::shared_ptr<const crypto::RsaKey> private_key(const Cluster& cluster, const SigningKey& key) const;
  void persist(const Cluster& cluster);

  store::Documents& documents_;
  const core::Clock& clock_;
  core::Random& random_;
  mutable std::shared_mutex mu_;
  Config config_;                                           // guarded by mu_ (public_endpoint changes)
  std::map<std::string, Cluster, std::less<>> clusters_;    // guarded by mu_
  mutable std::mutex key_cache_mu_;
  // "CLUSTER/KID"; guarded by key_cache_mu_
  mutable std::map<std::string, std::shared_ptr<const crypto::RsaKey>> key_cache_;
};

}  // namespace podbucket::eks
