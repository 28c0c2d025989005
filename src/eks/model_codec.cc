// Storage form of the EKS records: one JSON object per document, binary fields base64, times in Unix milliseconds.
#include "core/encoding.h"
#include "core/time_format.h"
#include "eks/model.h"

namespace podbucket::eks {

namespace {

using nlohmann::json;

template <typename T>
T get_or(const json& j, const char* name, T fallback) {
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) return fallback;
  try {
    return it->get<T>();
  } catch (const json::exception&) {
    return fallback;
  }
}

int64_t millis(core::TimePoint t) { return core::to_unix_millis(t); }
core::TimePoint time_of(const json& j, const char* name) { return core::from_unix_millis(get_or<int64_t>(j, name, 0)); }

std::optional<json> parse_object(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

std::string bytes_of(const json& j, const char* name) {
  return core::base64_decode(get_or<std::string>(j, name, "")).value_or("");
}

}  // namespace

std::string encode(const Cluster& c) {
  json keys = json::array();
  for (const auto& k : c.keys) {
    json jk = {{"kid", k.kid},
               {"created", millis(k.created)},
               {"n", core::base64_encode(k.n)},
               {"e", core::base64_encode(k.e)},
               {"private_key", core::base64_encode(k.private_key)},
               {"sealed", k.sealed}};
    if (k.retired) jk["retired"] = millis(*k.retired);
    keys.push_back(std::move(jk));
  }
  json j = {{"v", 1},
            {"name", c.name},
            {"arn", c.arn},
            {"region", c.region},
            {"account_id", c.account_id},
            {"id", c.id},
            {"kind", c.kind == ClusterKind::kLocal ? "local" : "external"},
            {"created", millis(c.created)},
            {"role_arn", c.role_arn},
            {"version", c.version},
            {"client_request_token", c.client_request_token},
            {"tags", c.tags},
            {"request", c.request},
            {"external_issuer", c.external_issuer},
            {"external_jwks", c.external_jwks},
            {"keys", std::move(keys)}};
  return j.dump();
}

std::optional<Cluster> decode_cluster(std::string_view text) {
  auto j = parse_object(text);
  if (!j) return std::nullopt;
  Cluster c;
  c.name = get_or<std::string>(*j, "name", "");
  if (c.name.empty()) return std::nullopt;
  c.arn = get_or<std::string>(*j, "arn", "");
  c.region = get_or<std::string>(*j, "region", "");
  c.account_id = get_or<std::string>(*j, "account_id", "");
  c.id = get_or<std::string>(*j, "id", "");
  c.kind = get_or<std::string>(*j, "kind", "local") == "external" ? ClusterKind::kExternal : ClusterKind::kLocal;
  c.created = time_of(*j, "created");
  c.role_arn = get_or<std::string>(*j, "role_arn", "");
  c.version = get_or<std::string>(*j, "version", "");
  c.client_request_token = get_or<std::string>(*j, "client_request_token", "");
  c.tags = get_or<TagMap>(*j, "tags", {});
  c.request = get_or<json>(*j, "request", json::object());
  c.external_issuer = get_or<std::string>(*j, "external_issuer", "");
  c.external_jwks = get_or<std::string>(*j, "external_jwks", "");
  for (const auto& jk : get_or<json>(*j, "keys", json::array())) {
    if (!jk.is_object()) continue;
    SigningKey k;
    k.kid = get_or<std::string>(jk, "kid", "");
    k.created = time_of(jk, "created");
    if (jk.contains("retired")) k.retired = time_of(jk, "retired");
    k.n = bytes_of(jk, "n");
    k.e = bytes_of(jk, "e");
    k.private_key = bytes_of(jk, "private_key");
    k.sealed = get_or<bool>(jk, "sealed", false);
    c.keys.push_back(std::move(k));
  }
  return c;
}

std::string encode(const Association& a) {
  json j = {{"v", 1},
            {"cluster", a.cluster},
            {"id", a.id},
            {"arn", a.arn},
            {"namespace", a.namespace_name},
            {"service_account", a.service_account},
            {"role_arn", a.role_arn},
            {"target_role_arn", a.target_role_arn},
            {"external_id", a.external_id},
            {"policy", a.policy},
            {"disable_session_tags", a.disable_session_tags},
            {"owner_arn", a.owner_arn},
            {"client_request_token", a.client_request_token},
            {"tags", a.tags},
            {"created", millis(a.created)},
            {"modified", millis(a.modified)}};
  return j.dump();
}

std::optional<Association> decode_association(std::string_view text) {
  auto j = parse_object(text);
  if (!j) return std::nullopt;
  Association a;
  a.cluster = get_or<std::string>(*j, "cluster", "");
  a.id = get_or<std::string>(*j, "id", "");
  if (a.cluster.empty() || a.id.empty()) return std::nullopt;
  a.arn = get_or<std::string>(*j, "arn", "");
  a.namespace_name = get_or<std::string>(*j, "namespace", "");
  a.service_account = get_or<std::string>(*j, "service_account", "");
  a.role_arn = get_or<std::string>(*j, "role_arn", "");
  a.target_role_arn = get_or<std::string>(*j, "target_role_arn", "");
  a.external_id = get_or<std::string>(*j, "external_id", "");
  a.policy = get_or<std::string>(*j, "policy", "");
  a.disable_session_tags = get_or<bool>(*j, "disable_session_tags", false);
  a.owner_arn = get_or<std::string>(*j, "owner_arn", "");
  a.client_request_token = get_or<std::string>(*j, "client_request_token", "");
  a.tags = get_or<TagMap>(*j, "tags", {});
  a.created = time_of(*j, "created");
  a.modified = time_of(*j, "modified");
  return a;
}

std::string encode(const Addon& a) {
  json j = {{"v", 1},
            {"cluster", a.cluster},
            {"name", a.name},
            {"arn", a.arn},
            {"version", a.version},
            {"status", a.status},
            {"service_account_role_arn", a.service_account_role_arn},
            {"configuration_values", a.configuration_values},
            {"client_request_token", a.client_request_token},
            {"tags", a.tags},
            {"association_arns", a.association_arns},
            {"namespace_config", a.namespace_config},
            {"created", millis(a.created)},
            {"modified", millis(a.modified)}};
  return j.dump();
}

std::optional<Addon> decode_addon(std::string_view text) {
  auto j = parse_object(text);
  if (!j) return std::nullopt;
  Addon a;
  a.cluster = get_or<std::string>(*j, "cluster", "");
  a.name = get_or<std::string>(*j, "name", "");
  if (a.cluster.empty() || a.name.empty()) return std::nullopt;
  a.arn = get_or<std::string>(*j, "arn", "");
  a.version = get_or<std::string>(*j, "version", "");
  a.status = get_or<std::string>(*j, "status", "ACTIVE");
  a.service_account_role_arn = get_or<std::string>(*j, "service_account_role_arn", "");
  a.configuration_values = get_or<std::string>(*j, "configuration_values", "");
  a.client_request_token = get_or<std::string>(*j, "client_request_token", "");
  a.tags = get_or<TagMap>(*j, "tags", {});
  a.association_arns = get_or<std::vector<std::string>>(*j, "association_arns", {});
  a.namespace_config = get_or<json>(*j, "namespace_config", json());
  a.created = time_of(*j, "created");
  a.modified = time_of(*j, "modified");
  return a;
}

}  // namespace podbucket::eks
