#include "eks/associations.h"

#include <spdlog/spdlog.h>

#include "eks/errors.h"
#include "eks/ids.h"

namespace podbucket::eks {

namespace {

core::AwsError association_not_found(std::string_view cluster, std::string_view id) {
  return core::AwsError(kResourceNotFoundException,
                        "No Pod Identity Association found with id " + std::string(id) + " in cluster " +
                            std::string(cluster) + ".")
      .with_field("clusterName", std::string(cluster));
}

}  // namespace

AssociationStore::AssociationStore(store::Documents& documents, const core::Clock& clock, core::Random& random)
    : documents_(documents), clock_(clock), random_(random) {
  for (const auto& [id, body] : documents_.list(kAssociationsCollection)) {
    auto a = decode_association(body);
    if (!a) {
      spdlog::warn("eks: association document {} does not parse; ignored", id);
      continue;
    }
    std::string key = key_of(a->cluster, a->id);
    by_key_.emplace(std::move(key), std::move(*a));
  }
}

std::string AssociationStore::key_of(std::string_view cluster, std::string_view id) {
  return std::string(cluster) + "/" + std::string(id);
}

core::Result<Association> AssociationStore::create(AssociationSpec spec) {
  std::unique_lock lock(mu_);
  const std::string prefix = spec.cluster + "/";
  size_t count = 0;
  for (auto it = by_key_.lower_bound(prefix); it != by_key_.end() && it->first.starts_with(prefix); ++it) {
    const Association& a = it->second;
    ++count;
    const bool same_token = !spec.client_request_token.empty() && a.client_request_token == spec.client_request_token;
    const bool same_subject = a.namespace_name == spec.namespace_name && a.service_account == spec.service_account;
    if (same_token && !(same_subject && a.role_arn == spec.role_arn))
      return core::AwsError(kInvalidRequestException,
                            "The clientRequestToken was already used for a different request.")
          .with_field("clusterName", spec.cluster);
    if (!same_subject) continue;
    if (same_token) return a;  // an idempotent retry
    return core::AwsError(kResourceInUseException, "Association already exists: " + a.id)
        .with_field("clusterName", spec.cluster);
  }
  if (count >= kMaxAssociationsPerCluster)
    return core::AwsError(kResourceLimitExceededException,
                          "The cluster already has " + std::to_string(kMaxAssociationsPerCluster) +
                              " pod identity associations.")
        .with_field("clusterName", spec.cluster);

  Association a;
  a.cluster = std::move(spec.cluster);
  do {
    a.id = new_association_id(random_);
  } while (by_key_.count(key_of(a.cluster, a.id)) != 0);
  a.arn = association_arn(spec.cluster_region, spec.account_id, a.cluster, a.id);
  a.namespace_name = std::move(spec.namespace_name);
  a.service_account = std::move(spec.service_account);
  a.role_arn = std::move(spec.role_arn);
  a.target_role_arn = std::move(spec.target_role_arn);
  if (!a.target_role_arn.empty()) a.external_id = new_uuid(random_);
  a.policy = std::move(spec.policy);
  a.disable_session_tags = spec.disable_session_tags;
  a.owner_arn = std::move(spec.owner_arn);
  a.client_request_token = std::move(spec.client_request_token);
  a.tags = std::move(spec.tags);
  a.created = a.modified = clock_.now();
  std::string key = key_of(a.cluster, a.id);
  documents_.commit({store::Documents::Write{std::string(kAssociationsCollection), key, encode(a)}});
  auto [it, inserted] = by_key_.emplace(std::move(key), std::move(a));
  return it->second;
}

std::optional<Association> AssociationStore::find(std::string_view cluster, std::string_view id) const {
  std::shared_lock lock(mu_);
  auto it = by_key_.find(key_of(cluster, id));
  if (it == by_key_.end()) return std::nullopt;
  return it->second;
}

std::optional<Association> AssociationStore::find_for(std::string_view cluster, std::string_view namespace_name,
                                                      std::string_view service_account) const {
  std::shared_lock lock(mu_);
  const std::string prefix = std::string(cluster) + "/";
  for (auto it = by_key_.lower_bound(prefix); it != by_key_.end() && it->first.starts_with(prefix); ++it) {
    if (it->second.namespace_name == namespace_name && it->second.service_account == service_account)
      return it->second;
  }
  return std::nullopt;
}

AssociationPage AssociationStore::list(std::string_view cluster, const AssociationQuery& query) const {
  std::shared_lock lock(mu_);
  AssociationPage page;
  const std::string prefix = std::string(cluster) + "/";
  auto it = query.after_id.empty() ? by_key_.lower_bound(prefix) : by_key_.upper_bound(prefix + query.after_id);
  for (; it != by_key_.end() && it->first.starts_with(prefix); ++it) {
    const Association& a = it->second;
    if (!query.namespace_name.empty() && a.namespace_name != query.namespace_name) continue;
    if (!query.service_account.empty() && a.service_account != query.service_account) continue;
    if (page.associations.size() == query.max_results) {
      page.last_id = page.associations.back().id;
      break;
    }
    page.associations.push_back(a);
  }
  return page;
}

core::Result<Association> AssociationStore::update(std::string_view cluster, std::string_view id,
                                                   const AssociationUpdate& update) {
  std::unique_lock lock(mu_);
  auto it = by_key_.find(key_of(cluster, id));
  if (it == by_key_.end()) return association_not_found(cluster, id);
  Association a = it->second;
  if (update.role_arn) a.role_arn = *update.role_arn;
  if (update.target_role_arn && *update.target_role_arn != a.target_role_arn) {
    a.target_role_arn = *update.target_role_arn;
    a.external_id = a.target_role_arn.empty() ? std::string() : new_uuid(random_);
  }
  if (update.policy) a.policy = *update.policy;
  if (update.disable_session_tags) a.disable_session_tags = *update.disable_session_tags;
  a.modified = clock_.now();
  documents_.commit({store::Documents::Write{std::string(kAssociationsCollection), it->first, encode(a)}});
  it->second = a;
  return a;
}

core::Result<Association> AssociationStore::remove(std::string_view cluster, std::string_view id) {
  std::unique_lock lock(mu_);
  auto it = by_key_.find(key_of(cluster, id));
  if (it == by_key_.end()) return association_not_found(cluster, id);
  documents_.commit({store::Documents::Write{std::string(kAssociationsCollection), it->first, std::nullopt}});
  Association gone = std::move(it->second);
  by_key_.erase(it);
  return gone;
}

size_t AssociationStore::remove_cluster(std::string_view cluster) {
  std::unique_lock lock(mu_);
  const std::string prefix = std::string(cluster) + "/";
  std::vector<store::Documents::Write> writes;
  auto first = by_key_.lower_bound(prefix);
  auto last = first;
  for (; last != by_key_.end() && last->first.starts_with(prefix); ++last)
    writes.push_back({std::string(kAssociationsCollection), last->first, std::nullopt});
  if (writes.empty()) return 0;
  documents_.commit(writes);
  by_key_.erase(first, last);
  return writes.size();
}

}  // namespace podbucket::eks
