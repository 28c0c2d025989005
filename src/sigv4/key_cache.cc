#include "sigv4/key_cache.h"

#include "sigv4/canonical.h"

namespace podbucket::sigv4 {

std::string SigningKeyCache::get(std::string_view secret, std::string_view date, std::string_view region,
                                 std::string_view service) {
  std::string id;
  id.reserve(secret.size() + date.size() + region.size() + service.size() + 3);
  id.append(secret).append(1, '\0').append(date).append(1, '\0').append(region).append(1, '\0').append(service);
  {
    std::lock_guard lock(mu_);
    auto it = keys_.find(id);
    if (it != keys_.end()) return it->second;
  }
  std::string key = derive_signing_key(secret, date, region, service);
  std::lock_guard lock(mu_);
  if (keys_.size() >= capacity_) keys_.clear();
  keys_.emplace(std::move(id), key);
  return key;
}

size_t SigningKeyCache::size() const {
  std::lock_guard lock(mu_);
  return keys_.size();
}

SigningKeyCache& default_key_cache() {
  static SigningKeyCache cache;
  return cache;
}

}  // namespace podbucket::sigv4
