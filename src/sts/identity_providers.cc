#include "sts/identity_providers.h"

namespace podbucket::sts {

std::string provider_name(std::string_view issuer) {
  // IAM names an OIDC provider by its issuer URL without the scheme (local clusters' issuers are http://).
  if (issuer.rfind("https://", 0) == 0) issuer.remove_prefix(8);
  else if (issuer.rfind("http://", 0) == 0) issuer.remove_prefix(7);
  return std::string(issuer);
}

std::string provider_arn(std::string_view account_id, std::string_view issuer) {
  return "arn:aws:iam::" + std::string(account_id) + ":oidc-provider/" + provider_name(issuer);
}

void MemoryIdentityProviders::put(OidcProvider provider) {
  std::lock_guard lock(mu_);
  std::string key = provider.issuer;
  providers_[key] = std::move(provider);
}

void MemoryIdentityProviders::remove(std::string_view issuer) {
  std::lock_guard lock(mu_);
  if (auto it = providers_.find(issuer); it != providers_.end()) providers_.erase(it);
}

std::optional<OidcProvider> MemoryIdentityProviders::find(std::string_view issuer) const {
  std::lock_guard lock(mu_);
  auto it = providers_.find(issuer);
  if (it == providers_.end()) return std::nullopt;
  return it->second;
}

}  // namespace podbucket::sts
