#include "eks/clusters.h"

#include <spdlog/spdlog.h>

#include "core/encoding.h"
#include "core/time_format.h"
#include "crypto/aes_gcm.h"
#include "eks/errors.h"
#include "eks/ids.h"
#include "eks/tokens.h"
#include "sts/jwt.h"

namespace podbucket::eks {

namespace {

using nlohmann::json;

constexpr std::string_view kDefaultVersion = "1.31";
constexpr int kKeyBits = 2048;

core::AwsError not_found(std::string_view name) {
  return core::AwsError(kResourceNotFoundException, "No cluster found for name: " + std::string(name) + ".")
      .with_field("clusterName", std::string(name));
}

core::AwsError invalid_parameter(std::string message) {
  return core::AwsError(kInvalidParameterException, std::move(message));
}

std::string seal_aad(std::string_view cluster, std::string_view kid) {
  return "podbucket eks signing key " + std::string(cluster) + "/" + std::string(kid);
}

bool has_rsa_key(std::string_view jwks) {
  auto keys = sts::jwt::parse_jwks(jwks);
  return keys && !keys->empty();
}

bool valid_issuer(std::string_view issuer) {
  if (!issuer.starts_with("https://") && !issuer.starts_with("http://")) return false;
  auto rest = issuer.substr(issuer.find("//") + 2);
  if (rest.empty() || rest.front() == '/') return false;
  return issuer.find_first_of("?# ") == std::string_view::npos;
}

}  // namespace

ClusterRegistry::ClusterRegistry(store::Documents& documents, const core::Clock& clock, core::Random& random,
                                 Config config)
    : documents_(documents), clock_(clock), random_(random), config_(std::move(config)) {
  while (!config_.public_endpoint.empty() && config_.public_endpoint.back() == '/') config_.public_endpoint.pop_back();
  for (const auto& [id, body] : documents_.list(kClustersCollection)) {
    auto cluster = decode_cluster(body);
    if (!cluster) {
      spdlog::warn("eks: cluster document {} does not parse; ignored", id);
      continue;
    }
    std::string name = cluster->name;
    clusters_.emplace(std::move(name), std::move(*cluster));
  }
}

ClusterRegistry::~ClusterRegistry() = default;

void ClusterRegistry::set_public_endpoint(std::string endpoint) {
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  std::unique_lock lock(mu_);
  config_.public_endpoint = std::move(endpoint);
}

Config ClusterRegistry::config() const {
  std::shared_lock lock(mu_);
  return config_;
}

SigningKey ClusterRegistry::new_key(std::string_view cluster) {
  crypto::RsaKey rsa = crypto::RsaKey::generate(kKeyBits);
  SigningKey key;
  key.kid = core::hex_encode(random_.bytes(8));
  key.created = clock_.now();
  key.n = rsa.modulus();
  key.e = rsa.exponent();
  std::string der = rsa.to_pkcs8_der();
  const std::string& wrap = config_.key_wrapping_key;
  if (!wrap.empty()) {
    std::string nonce = random_.bytes(crypto::kAesGcmNonceSize);
    key.private_key = nonce + crypto::aes_gcm_seal(wrap, nonce, der, seal_aad(cluster, key.kid));
    key.sealed = true;
  } else {
    key.private_key = std::move(der);
  }
  return key;
}

std::shared_ptr<const crypto::RsaKey> ClusterRegistry::private_key(const Cluster& cluster,
                                                                   const SigningKey& key) const {
  const std::string cache_key = cluster.name + "/" + key.kid;
  {
    std::lock_guard lock(key_cache_mu_);
    if (auto it = key_cache_.find(cache_key); it != key_cache_.end()) return it->second;
  }
  std::string der;
  if (key.sealed) {
    if (config_.key_wrapping_key.empty() || key.private_key.size() < crypto::kAesGcmNonceSize) return nullptr;
    auto opened = crypto::aes_gcm_open(config_.key_wrapping_key, key.private_key.substr(0, crypto::kAesGcmNonceSize),
                                       key.private_key.substr(crypto::kAesGcmNonceSize),
                                       seal_aad(cluster.name, key.kid));
    if (!opened) return nullptr;
    der = std::move(*opened);
  } else {
    der = key.private_key;
  }
  auto rsa = crypto::RsaKey::from_pkcs8_der(der);
  if (!rsa) return nullptr;
  auto shared = std::make_shared<const crypto::RsaKey>(std::move(*rsa));
  std::lock_guard lock(key_cache_mu_);
  key_cache_[cache_key] = shared;
  return shared;
}

void ClusterRegistry::persist(const Cluster& cluster) {
  documents_.commit({store::Documents::Write{std::string(kClustersCollection), cluster.name, encode(cluster)}});
}

core::Result<Cluster> ClusterRegistry::create_cluster(ClusterSpec spec) {
  if (!valid_cluster_name(spec.name))
    return invalid_parameter("The cluster name must be 1 to 100 characters of letters, digits, hyphens and "
                             "underscores, starting with a letter or digit.");
  // Key generation is slow (tens of milliseconds): do it before taking the lock.
  SigningKey key = new_key(spec.name);
  std::unique_lock lock(mu_);
  if (auto it = clusters_.find(spec.name); it != clusters_.end()) {
    const Cluster& existing = it->second;
    if (!spec.client_request_token.empty() && existing.client_request_token == spec.client_request_token &&
        existing.kind == ClusterKind::kLocal)
      return existing;
    return core::AwsError(kResourceInUseException, "Cluster already exists with name: " + spec.name)
        .with_field("clusterName", spec.name);
  }
  Cluster c;
  c.name = spec.name;
  c.region = spec.region.empty() ? config_.region : spec.region;
  c.account_id = config_.account_id;
  c.arn = cluster_arn(c.region, c.account_id, c.name);
  c.id = new_uuid(random_);
  c.kind = ClusterKind::kLocal;
  c.created = clock_.now();
  c.role_arn = std::move(spec.role_arn);
  c.version = spec.version.empty() ? std::string(kDefaultVersion) : std::move(spec.version);
  c.client_request_token = std::move(spec.client_request_token);
  c.tags = std::move(spec.tags);
  c.request = std::move(spec.request);
  c.keys.push_back(std::move(key));
  persist(c);
  auto [it, inserted] = clusters_.emplace(c.name, c);
  return it->second;
}

core::Result<Cluster> ClusterRegistry::add_external_cluster(std::string_view name, std::string_view issuer,
                                                            std::string_view jwks_json) {
  if (!valid_cluster_name(name))
    return invalid_parameter("The cluster name must be 1 to 100 characters of letters, digits, hyphens and "
                             "underscores, starting with a letter or digit.");
  if (!valid_issuer(issuer)) return invalid_parameter("The issuer must be an http(s) URL without query or fragment.");
  if (!has_rsa_key(jwks_json)) return invalid_parameter("The key set must be a JWKS document with an RSA key.");
  std::unique_lock lock(mu_);
  if (clusters_.count(name) != 0)
    return core::AwsError(kResourceInUseException, "Cluster already exists with name: " + std::string(name))
        .with_field("clusterName", std::string(name));
  Cluster c;
  c.name = std::string(name);
  c.region = config_.region;
  c.account_id = config_.account_id;
  c.arn = cluster_arn(c.region, c.account_id, c.name);
  c.id = new_uuid(random_);
  c.kind = ClusterKind::kExternal;
  c.created = clock_.now();
  c.version = std::string(kDefaultVersion);
  c.external_issuer = std::string(issuer);
  while (!c.external_issuer.empty() && c.external_issuer.back() == '/') c.external_issuer.pop_back();
  c.external_jwks = std::string(jwks_json);
  persist(c);
  auto [it, inserted] = clusters_.emplace(c.name, c);
  return it->second;
}

core::Result<void> ClusterRegistry::set_external_jwks(std::string_view name, std::string_view jwks_json) {
  std::unique_lock lock(mu_);
  auto it = clusters_.find(name);
  if (it == clusters_.end()) return not_found(name);
  if (it->second.kind != ClusterKind::kExternal)
    return invalid_parameter("Cluster " + std::string(name) + " is a local cluster; podbucket manages its keys.");
  if (!has_rsa_key(jwks_json)) return invalid_parameter("The key set must be a JWKS document with an RSA key.");
  Cluster updated = it->second;
  updated.external_jwks = std::string(jwks_json);
  persist(updated);
  it->second = std::move(updated);
  return {};
}

core::Result<Cluster> ClusterRegistry::delete_cluster(std::string_view name) {
  std::unique_lock lock(mu_);
  auto it = clusters_.find(name);
  if (it == clusters_.end()) return not_found(name);
  documents_.commit({store::Documents::Write{std::string(kClustersCollection), std::string(name), std::nullopt}});
  Cluster gone = std::move(it->second);
  clusters_.erase(it);
  std::lock_guard cache_lock(key_cache_mu_);
  for (const auto& key : gone.keys) key_cache_.erase(gone.name + "/" + key.kid);
  return gone;
}

std::optional<Cluster> ClusterRegistry::find_cluster(std::string_view name) const {
  std::shared_lock lock(mu_);
  auto it = clusters_.find(name);
  if (it == clusters_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> ClusterRegistry::cluster_names() const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  out.reserve(clusters_.size());
  for (const auto& [name, c] : clusters_) out.push_back(name);
  return out;
}

std::string ClusterRegistry::issuer_of(const Cluster& cluster) const {
  if (cluster.kind == ClusterKind::kExternal) return cluster.external_issuer;
  std::shared_lock lock(mu_);
  return config_.public_endpoint + "/_oidc/" + cluster.name;
}

std::string ClusterRegistry::jwks_locked(const Cluster& cluster) const {
  if (cluster.kind == ClusterKind::kExternal) return cluster.external_jwks;
  const auto now = clock_.now();
  json keys = json::array();
  for (const auto& k : cluster.keys) {
    if (k.retired && *k.retired + config_.max_token_lifetime < now) continue;
    keys.push_back({{"use", "sig"},
                    {"kty", "RSA"},
                    {"kid", k.kid},
                    {"alg", "RS256"},
                    {"n", core::base64url_encode(k.n)},
                    {"e", core::base64url_encode(k.e)}});
  }
  return json{{"keys", std::move(keys)}}.dump();
}

std::optional<IssuerKeys> ClusterRegistry::issuer_keys(std::string_view name) const {
  auto cluster = find_cluster(name);
  if (!cluster) return std::nullopt;
  std::string issuer = issuer_of(*cluster);
  std::shared_lock lock(mu_);
  return IssuerKeys{std::move(issuer), jwks_locked(*cluster)};
}

std::optional<std::string> ClusterRegistry::jwks(std::string_view name) const {
  std::shared_lock lock(mu_);
  auto it = clusters_.find(name);
  if (it == clusters_.end() || it->second.kind != ClusterKind::kLocal) return std::nullopt;
  return jwks_locked(it->second);
}

std::optional<std::string> ClusterRegistry::openid_configuration(std::string_view name) const {
  auto cluster = find_cluster(name);
  if (!cluster || cluster->kind != ClusterKind::kLocal) return std::nullopt;
  std::string issuer = issuer_of(*cluster);
  // The shape of kube-apiserver's /.well-known/openid-configuration (pkg/serviceaccount/openidmetadata.go).
  json doc = {{"issuer", issuer},
              {"jwks_uri", issuer + "/keys"},
              {"response_types_supported", json::array({"id_token"})},
              {"subject_types_supported", json::array({"public"})},
              {"id_token_signing_alg_values_supported", json::array({"RS256"})},
              {"claims_supported", json::array({"sub", "iss"})}};
  return doc.dump();
}

core::Result<std::string> ClusterRegistry::rotate_signing_key(std::string_view name) {
  {
    std::shared_lock lock(mu_);
    auto it = clusters_.find(name);
    if (it == clusters_.end()) return not_found(name);
    if (it->second.kind != ClusterKind::kLocal)
      return core::AwsError(kInvalidRequestException,
                            "Cluster " + std::string(name) + " is external: its API server owns its signing keys.");
  }
  SigningKey key = new_key(name);
  std::unique_lock lock(mu_);
  auto it = clusters_.find(name);
  if (it == clusters_.end()) return not_found(name);
  Cluster updated = it->second;
  const auto now = clock_.now();
  std::vector<SigningKey> kept;
  for (auto& k : updated.keys) {
    if (!k.retired) k.retired = now;
    if (*k.retired + config_.max_token_lifetime >= now) kept.push_back(std::move(k));
  }
  std::string kid = key.kid;
  kept.push_back(std::move(key));
  updated.keys = std::move(kept);
  persist(updated);
  it->second = std::move(updated);
  return kid;
}

core::Result<MintedToken> ClusterRegistry::mint_token(const TokenRequest& request) {
  if (!valid_namespace(request.namespace_name))
    return invalid_parameter("The namespace must be a Kubernetes namespace name (RFC 1123 label).");
  if (!valid_k8s_name(request.service_account))
    return invalid_parameter("The service account must be a Kubernetes object name (RFC 1123 subdomain).");
  if (!request.pod_name.empty() && !valid_k8s_name(request.pod_name))
    return invalid_parameter("The pod name must be a Kubernetes object name (RFC 1123 subdomain).");
  if (!request.node_name.empty() && !valid_k8s_name(request.node_name))
    return invalid_parameter("The node name must be a Kubernetes object name (RFC 1123 subdomain).");
  if (request.pod_uid.size() > 128) return invalid_parameter("The pod uid is longer than 128 characters.");
  if (request.audience.empty()) return invalid_parameter("The audience must not be empty.");
  auto cluster = find_cluster(request.cluster);
  if (!cluster) return not_found(request.cluster);
  if (cluster->kind != ClusterKind::kLocal || cluster->keys.empty())
    return core::AwsError(kInvalidRequestException, "Cluster " + cluster->name +
                                                        " is external: tokens come from its API server.");
  const auto max_lifetime = config().max_token_lifetime;
  if (request.expires_in.count() < 1 || request.expires_in > max_lifetime)
    return invalid_parameter("expiresIn must be between 1 and " + std::to_string(max_lifetime.count()) + " seconds.");
  const SigningKey& key = cluster->keys.back();
  auto rsa = private_key(*cluster, key);
  if (!rsa) return core::AwsError(kServerException, "The cluster's signing key cannot be opened.");

  TokenSubject subject;
  subject.namespace_name = request.namespace_name;
  subject.service_account = request.service_account;
  subject.service_account_uid =
      stable_uuid(cluster->id + "/serviceaccount/" + request.namespace_name + "/" + request.service_account);
  subject.pod_name = !request.pod_name.empty()
                         ? request.pod_name
                         : request.service_account.substr(0, 240) + "-" +
                               random_.token(5, "bcdfghjklmnpqrstvwxz2456789");
  subject.pod_uid = !request.pod_uid.empty() ? request.pod_uid : new_uuid(random_);
  subject.node_name = !request.node_name.empty() ? request.node_name : "podbucket";
  subject.node_uid = stable_uuid(cluster->id + "/node/" + subject.node_name);

  const auto now = clock_.now();
  json claims = token_claims(issuer_of(*cluster), request.audience, subject, now, request.expires_in,
                             new_uuid(random_));
  json header = {{"alg", "RS256"}, {"kid", key.kid}};
  std::string input = core::base64url_encode(header.dump()) + "." + core::base64url_encode(claims.dump());
  MintedToken out;
  out.token = input + "." + core::base64url_encode(rsa->sign_rs256(input));
  out.expiration = core::from_unix_seconds(core::to_unix_seconds(now) + request.expires_in.count());
  out.kid = key.kid;
  out.pod_name = std::move(subject.pod_name);
  out.pod_uid = std::move(subject.pod_uid);
  return out;
}

std::optional<sts::OidcProvider> ClusterRegistry::find(std::string_view issuer) const {
  std::shared_lock lock(mu_);
  for (const auto& [name, c] : clusters_) {
    std::string iss = c.kind == ClusterKind::kExternal ? c.external_issuer
                                                        : config_.public_endpoint + "/_oidc/" + c.name;
    if (iss != issuer) continue;
    sts::OidcProvider provider;
    provider.issuer = std::move(iss);
    provider.jwks_json = jwks_locked(c);
    provider.client_ids = {std::string(kStsAudience)};
    return provider;
  }
  return std::nullopt;
}

}  // namespace podbucket::eks
