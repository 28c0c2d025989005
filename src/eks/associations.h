#pragma once
// Pod identity associations: at most one per (cluster, namespace, service account), with clientRequestToken
// idempotency. Persisted in store::Documents ("eks-associations", id CLUSTER/ASSOCIATION_ID); an in-memory copy
// answers reads (EKS Auth looks an association up on every credential request).
//
// Thread-safe. Store failures throw store::Unavailable. Errors are EKS's (eks/errors.h).
// https://docs.aws.amazon.com/eks/latest/APIReference/API_CreatePodIdentityAssociation.html
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "eks/model.h"
#include "store/documents.h"

namespace podbucket::eks {

/// The most associations one cluster holds (the EKS quota).
inline constexpr size_t kMaxAssociationsPerCluster = 5000;

/// Input of AssociationStore::create; the API layer has validated every field.
struct AssociationSpec {
  std::string cluster;
  std::string cluster_region;
  std::string account_id;
  std::string namespace_name;
  std::string service_account;
  std::string role_arn;
  std::string target_role_arn;
  std::string policy;
  bool disable_session_tags = false;
  std::string owner_arn;
  std::string client_request_token;
  TagMap tags;
};

/// The changes of UpdatePodIdentityAssociation; nullopt = unchanged. An empty target_role_arn or policy removes it.
struct AssociationUpdate {
  std::optional<std::string> role_arn;
  std::optional<std::string> target_role_arn;
  std::optional<std::string> policy;
  std::optional<bool> disable_session_tags;
};

/// ListPodIdentityAssociations filters and paging.
struct AssociationQuery {
  std::string namespace_name;   // "" = any
  std::string service_account;  // "" = any
  size_t max_results = 100;
  std::string after_id;  // the page starts after this association id ("" = from the start)
};

/// One page of associations, id ascending.
struct AssociationPage {
  std::vector<Association> associations;
  std::string last_id;  // set when more match after this page
};

class AssociationStore {
 public:
  /// Loads every association. The references outlive the store. Throws store::Unavailable.
  AssociationStore(store::Documents& documents, const core::Clock& clock, core::Random& random);

  /// CreatePodIdentityAssociation. When an association for the same namespace and service account exists:
  /// returned unchanged if it was created with the same non-empty clientRequestToken and the same role, else
  /// ResourceInUseException "Association already exists: ID". A token already used for different parameters is
  /// InvalidRequestException. ResourceLimitExceededException beyond kMaxAssociationsPerCluster.
  core::Result<Association> create(AssociationSpec spec);
  /// The association `id` of `cluster`, or nullopt.
  std::optional<Association> find(std::string_view cluster, std::string_view id) const;
  /// The association of (cluster, namespace, service account), or nullopt.
  std::optional<Association> find_for(std::string_view cluster, std::string_view namespace_name,
                                      std::string_view service_account) const;
  /// Matching associations of `cluster`, one page.
  AssociationPage list(std::string_view cluster, const AssociationQuery& query) const;
  /// UpdatePodIdentityAssociation: applies the changes, regenerates externalId when the target role changes, sets
  /// modifiedAt. ResourceNotFoundException.
  core::Result<Association> update(std::string_view cluster, std::string_view id, const AssociationUpdate& update);
  /// DeletePodIdentityAssociation. ResourceNotFoundException.
  core::Result<Association> remove(std::string_view cluster, std::string_view id);
  /// Deletes every association of `cluster` (DeleteCluster). Returns how many.
  size_t remove_cluster(std::string_view cluster);

 private:
  static std::string key_of(std::string_view cluster, std::string_view id);

  store::Documents& documents_;
  const core::Clock& clock_;
  core::Random& random_;
  mutable std::shared_mutex mu_;
  std::map<std::string, Association, std::less<>> by_key_;  // "CLUSTER/ID" → association; guarded by mu_
};

}  // namespace podbucket::eks
