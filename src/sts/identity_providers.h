#pragma once
// The OpenID Connect identity providers an account trusts, for AssumeRoleWithWebIdentity (IRSA) and EKS Auth.
// The registry of local EKS clusters and `podbucket cluster add` implement it later; MemoryIdentityProviders
// serves tests and fixed configurations.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace podbucket::sts {

/// One trusted issuer.
struct OidcProvider {
  std::string issuer;                    // the tokens' "iss", e.g. "https://oidc.example/id/ABC"
  std::string jwks_json;                 // its current key set, {"keys":[...]}
  std::vector<std::string> client_ids;   // accepted audiences; empty = any audience
};

/// The condition-key prefix and ARN name of an issuer: the issuer URL without "https://" (IAM's form).
std::string provider_name(std::string_view issuer);
/// arn:aws:iam::ACCOUNT:oidc-provider/<provider_name(issuer)>, the Federated principal of trust policies.
std::string provider_arn(std::string_view account_id, std::string_view issuer);

class IdentityProviders {
 public:
  virtual ~IdentityProviders() = default;
  /// The provider whose issuer is exactly `issuer`, or nullopt. Thread-safe. May block (a JWKS fetch);
  /// implementations cache keys themselves.
  virtual std::optional<OidcProvider> find(std::string_view issuer) const = 0;
};

/// A fixed, in-memory set of providers. Thread-safe.
class MemoryIdentityProviders final : public IdentityProviders {
 public:
  /// Adds or replaces the provider for provider.issuer.
  void put(OidcProvider provider);
  void remove(std::string_view issuer);
  std::optional<OidcProvider> find(std::string_view issuer) const override;

 private:
  mutable std::mutex mu_;
  std::map<std::string, OidcProvider, std::less<>> providers_;  // guarded by mu_
};

}  // namespace podbucket::sts
