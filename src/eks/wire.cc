#include "eks/wire.h"

#include <cmath>

#include "core/time_format.h"
#include "eks/errors.h"

namespace podbucket::eks {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

/// Number of UTF-8 code points (the model's lengths count characters).
size_t chars(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

/// `defaults` with the members of `given` (when it is an object) laid over them.
ordered_json overlay(ordered_json defaults, const json& given) {
  if (given.is_object())
    for (auto it = given.begin(); it != given.end(); ++it) defaults[it.key()] = it.value();
  return defaults;
}

}  // namespace

core::Result<json> read_json_body(http::Request& req, const core::ErrorCode& invalid) {
  auto text = http::read_all(*req.body, kMaxBodySize);
  if (!text) return core::AwsError(invalid, "The request body is larger than 1 MiB.");
  if (text->empty()) return json::object();
  json j = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return core::AwsError(invalid, "The request body is not a JSON object.");
  return j;
}

core::Result<std::optional<std::string>> optional_string(const json& body, const char* field,
                                                         const core::ErrorCode& invalid) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return core::AwsError(invalid, std::string(field) + " must be a string.");
  return std::optional<std::string>(it->get<std::string>());
}

core::Result<std::string> required_string(const json& body, const char* field, const core::ErrorCode& invalid) {
  auto value = optional_string(body, field, invalid);
  if (!value) return value.error();
  if (!*value || (*value)->empty()) return core::AwsError(invalid, std::string(field) + " is required.");
  return **value;
}

core::Result<std::optional<bool>> optional_bool(const json& body, const char* field, const core::ErrorCode& invalid) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::optional<bool>();
  if (!it->is_boolean()) return core::AwsError(invalid, std::string(field) + " must be a boolean.");
  return std::optional<bool>(it->get<bool>());
}

core::Result<TagMap> read_tags(const json& body, const char* field) {
  TagMap tags;
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return tags;
  if (!it->is_object()) return core::AwsError(kInvalidParameterException, std::string(field) + " must be a map.");
  if (it->empty() || it->size() > 50)
    return core::AwsError(kInvalidParameterException, std::string(field) + " must have 1 to 50 entries.");
  for (auto t = it->begin(); t != it->end(); ++t) {
    const std::string& key = t.key();
    if (!t.value().is_string())
      return core::AwsError(kInvalidParameterException, "The value of tag " + key + " must be a string.");
    std::string value = t.value().get<std::string>();
    if (key.empty() || chars(key) > 128)
      return core::AwsError(kInvalidParameterException, "Tag keys must be 1 to 128 characters long.");
    if (chars(value) > 256)
      return core::AwsError(kInvalidParameterException, "Tag values must be at most 256 characters long.");
    if (key.size() >= 4 && (key.compare(0, 4, "aws:") == 0 || key.compare(0, 4, "AWS:") == 0))
      return core::AwsError(kInvalidParameterException, "Tag keys must not start with the reserved prefix aws:.");
    tags.emplace(key, std::move(value));
  }
  return tags;
}

core::Result<size_t> read_max_results(std::optional<std::string_view> text, size_t fallback) {
  if (!text) return fallback;
  size_t value = 0;
  bool ok = !text->empty() && text->size() <= 4;
  for (char c : *text) {
    if (c < '0' || c > '9') ok = false;
    else value = value * 10 + size_t(c - '0');
  }
  if (!ok || value < 1 || value > 100)
    return core::AwsError(kInvalidParameterException, "maxResults must be an integer between 1 and 100.");
  return value;
}

double epoch_seconds(core::TimePoint t) { return static_cast<double>(core::to_unix_millis(t)) / 1000.0; }

ordered_json cluster_json(const Cluster& c, std::string_view issuer, std::string_view status) {
  const json& req = c.request;
  auto member = [&](const char* name) -> json { return req.contains(name) ? req.at(name) : json(); };
  ordered_json j;
  j["name"] = c.name;
  j["arn"] = c.arn;
  j["createdAt"] = epoch_seconds(c.created);
  j["version"] = c.version;
  if (!c.role_arn.empty()) j["roleArn"] = c.role_arn;
  j["resourcesVpcConfig"] = overlay({{"subnetIds", json::array()},
                                     {"securityGroupIds", json::array()},
                                     {"endpointPublicAccess", true},
                                     {"endpointPrivateAccess", false},
                                     {"publicAccessCidrs", json::array({"0.0.0.0/0"})}},
                                    member("resourcesVpcConfig"));
  j["kubernetesNetworkConfig"] =
      overlay({{"serviceIpv4Cidr", "10.100.0.0/16"}, {"ipFamily", "ipv4"}}, member("kubernetesNetworkConfig"));
  j["logging"] = req.contains("logging")
                     ? ordered_json(req.at("logging"))
                     : ordered_json{{"clusterLogging",
                                     json::array({{{"types", {"api", "audit", "authenticator", "controllerManager",
                                                              "scheduler"}},
                                                   {"enabled", false}}})}};
  j["identity"] = {{"oidc", {{"issuer", std::string(issuer)}}}};
  j["status"] = std::string(status);
  if (!c.client_request_token.empty()) j["clientRequestToken"] = c.client_request_token;
  j["platformVersion"] = "eks.1";
  j["tags"] = c.tags;
  j["accessConfig"] = overlay({{"authenticationMode", "API_AND_CONFIG_MAP"}}, member("accessConfig"));
  j["upgradePolicy"] = overlay({{"supportType", "EXTENDED"}}, member("upgradePolicy"));
  for (auto it = req.begin(); it != req.end(); ++it) {
    if (!j.contains(it.key())) j[it.key()] = it.value();
  }
  return j;
}

ordered_json association_json(const Association& a) {
  ordered_json j;
  j["clusterName"] = a.cluster;
  j["namespace"] = a.namespace_name;
  j["serviceAccount"] = a.service_account;
  j["roleArn"] = a.role_arn;
  j["associationArn"] = a.arn;
  j["associationId"] = a.id;
  j["tags"] = a.tags;
  j["createdAt"] = epoch_seconds(a.created);
  j["modifiedAt"] = epoch_seconds(a.modified);
  if (!a.owner_arn.empty()) j["ownerArn"] = a.owner_arn;
  j["disableSessionTags"] = a.disable_session_tags;
  if (!a.target_role_arn.empty()) j["targetRoleArn"] = a.target_role_arn;
  if (!a.external_id.empty()) j["externalId"] = a.external_id;
  if (!a.policy.empty()) j["policy"] = a.policy;
  return j;
}

ordered_json association_summary_json(const Association& a) {
  ordered_json j;
  j["clusterName"] = a.cluster;
  j["namespace"] = a.namespace_name;
  j["serviceAccount"] = a.service_account;
  j["associationArn"] = a.arn;
  j["associationId"] = a.id;
  if (!a.owner_arn.empty()) j["ownerArn"] = a.owner_arn;
  return j;
}

ordered_json addon_json(const Addon& a) {
  ordered_json j;
  j["addonName"] = a.name;
  j["clusterName"] = a.cluster;
  j["status"] = a.status;
  j["addonVersion"] = a.version;
  j["health"] = {{"issues", json::array()}};
  j["addonArn"] = a.arn;
  j["createdAt"] = epoch_seconds(a.created);
  j["modifiedAt"] = epoch_seconds(a.modified);
  if (!a.service_account_role_arn.empty()) j["serviceAccountRoleArn"] = a.service_account_role_arn;
  j["tags"] = a.tags;
  if (!a.configuration_values.empty()) j["configurationValues"] = a.configuration_values;
  if (!a.association_arns.empty()) j["podIdentityAssociations"] = a.association_arns;
  if (a.namespace_config.is_object()) j["namespaceConfig"] = a.namespace_config;
  return j;
}

http::Response json_response(const ordered_json& body) {
  http::Response res;
  res.status = 200;
  res.headers.set("Content-Type", "application/json");
  res.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return res;
}

}  // namespace podbucket::eks
