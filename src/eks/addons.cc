#include "eks/addons.h"

#include <spdlog/spdlog.h>

#include "eks/errors.h"
#include "eks/ids.h"

namespace podbucket::eks {

namespace {

std::string key_of(std::string_view cluster, std::string_view name) {
  return std::string(cluster) + "/" + std::string(name);
}

}  // namespace

std::string default_addon_version(std::string_view addon_name) {
  if (addon_name == "eks-pod-identity-agent") return "v1.3.4-eksbuild.1";
  return "v1.0.0-eksbuild.1";
}

AddonStore::AddonStore(store::Documents& documents, const core::Clock& clock, core::Random& random)
    : documents_(documents), clock_(clock), random_(random) {
  for (const auto& [id, body] : documents_.list(kAddonsCollection)) {
    auto a = decode_addon(body);
    if (!a) {
      spdlog::warn("eks: add-on document {} does not parse; ignored", id);
      continue;
    }
    std::string key = key_of(a->cluster, a->name);
    by_key_.emplace(std::move(key), std::move(*a));
  }
}

core::Result<Addon> AddonStore::create(Addon addon, std::string_view region, std::string_view account_id) {
  std::unique_lock lock(mu_);
  std::string key = key_of(addon.cluster, addon.name);
  if (auto it = by_key_.find(key); it != by_key_.end()) {
    if (!addon.client_request_token.empty() && it->second.client_request_token == addon.client_request_token)
      return it->second;
    return core::AwsError(kResourceInUseException, "Addon already exists.")
        .with_field("clusterName", addon.cluster)
        .with_field("addonName", addon.name);
  }
  if (addon.arn.empty()) addon.arn = addon_arn(region, account_id, addon.cluster, addon.name, new_uuid(random_));
  if (addon.version.empty()) addon.version = default_addon_version(addon.name);
  addon.status = "ACTIVE";
  addon.created = addon.modified = clock_.now();
  documents_.commit({store::Documents::Write{std::string(kAddonsCollection), key, encode(addon)}});
  auto [it, inserted] = by_key_.emplace(std::move(key), std::move(addon));
  return it->second;
}

std::optional<Addon> AddonStore::find(std::string_view cluster, std::string_view name) const {
  std::shared_lock lock(mu_);
  auto it = by_key_.find(key_of(cluster, name));
  if (it == by_key_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> AddonStore::names(std::string_view cluster) const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  const std::string prefix = std::string(cluster) + "/";
  for (auto it = by_key_.lower_bound(prefix); it != by_key_.end() && it->first.starts_with(prefix); ++it)
    out.push_back(it->second.name);
  return out;
}

core::Result<Addon> AddonStore::remove(std::string_view cluster, std::string_view name) {
  std::unique_lock lock(mu_);
  auto it = by_key_.find(key_of(cluster, name));
  if (it == by_key_.end())
    return core::AwsError(kResourceNotFoundException,
                          "No addon: " + std::string(name) + " found in cluster: " + std::string(cluster))
        .with_field("clusterName", std::string(cluster))
        .with_field("addonName", std::string(name));
  documents_.commit({store::Documents::Write{std::string(kAddonsCollection), it->first, std::nullopt}});
  Addon gone = std::move(it->second);
  by_key_.erase(it);
  gone.status = "DELETING";
  return gone;
}

size_t AddonStore::remove_cluster(std::string_view cluster) {
  std::unique_lock lock(mu_);
  const std::string prefix = std::string(cluster) + "/";
  std::vector<store::Documents::Write> writes;
  auto first = by_key_.lower_bound(prefix);
  auto last = first;
  for (; last != by_key_.end() && last->first.starts_with(prefix); ++last)
    writes.push_back({std::string(kAddonsCollection), last->first, std::nullopt});
  if (writes.empty()) return 0;
  documents_.commit(writes);
  by_key_.erase(first, last);
  return writes.size();
}

}  // namespace podbucket::eks
