#pragma once
// EKS add-ons, recorded only: podbucket runs no add-on, but the seed installs eks-pod-identity-agent with
// `aws eks create-add-on` and then waits for status ACTIVE. Persisted in store::Documents ("eks-addons", id
// CLUSTER/NAME). Thread-safe; store failures throw store::Unavailable.
// https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAddon.html
#include <map>
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

/// The add-on version recorded when CreateAddon names none.
std::string default_addon_version(std::string_view addon_name);

class AddonStore {
 public:
  /// Loads every add-on. The references outlive the store. Throws store::Unavailable.
  AddonStore(store::Documents& documents, const core::Clock& clock, core::Random& random);

  /// Records `addon` (cluster, name and the request's fields set; status, times and, when empty, arn and version
  /// are filled in here).
  /// ResourceInUseException "Addon already exists." unless the existing one was created with the same non-empty
  /// clientRequestToken (then it is returned).
  core::Result<Addon> create(Addon addon, std::string_view region, std::string_view account_id);
  /// The add-on, or nullopt.
  std::optional<Addon> find(std::string_view cluster, std::string_view name) const;
  /// The cluster's add-on names, ascending.
  std::vector<std::string> names(std::string_view cluster) const;
  /// DeleteAddon. ResourceNotFoundException.
  core::Result<Addon> remove(std::string_view cluster, std::string_view name);
  /// Deletes every add-on of `cluster` (DeleteCluster). Returns how many.
  size_t remove_cluster(std::string_view cluster);

 private:
  store::Documents& documents_;
  const core::Clock& clock_;
  core::Random& random_;
  mutable std::shared_mutex mu_;
  std::map<std::string, Addon, std::less<>> by_key_;  // "CLUSTER/NAME"; guarded by mu_
};

}  // namespace podbucket::eks
