#include "webhook/patch.h"

#include <charconv>
#include <set>
#include <string_view>

namespace podbucket::webhook {
namespace {

using ojson = nlohmann::ordered_json;

const ojson* member(const ojson& obj, std::string_view name) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(name);
  return it == obj.end() ? nullptr : &*it;
}

std::string string_member(const ojson& obj, std::string_view name) {
  const ojson* v = member(obj, name);
  return v && v->is_string() ? v->get<std::string>() : std::string();
}

// eks.amazonaws.com/skip-containers: one CSV record of container names (Go encoding/csv, no trimming).
std::set<std::string> containers_to_skip(const ojson& annotations) {
  std::set<std::string> out;
  std::string value = string_member(annotations, kSkipContainersAnnotation);
  size_t pos = 0;
  while (!value.empty() && pos <= value.size()) {
    size_t comma = value.find(',', pos);
    if (comma == std::string::npos) comma = value.size();
    out.insert(value.substr(pos, comma - pos));
    pos = comma + 1;
  }
  return out;
}

int64_t expiration_seconds(const ojson& annotations, const InjectionConfig& config, core::Random& random) {
  int64_t exp = config.token_expiration;
  std::string text = string_member(annotations, kTokenExpirationAnnotation);
  if (!text.empty()) {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc() && end == text.data() + text.size()) exp = v;
  }
  if (exp < kMinTokenExpiration) exp = kMinTokenExpiration;
  if (exp == kDefaultTokenExpiration) {
    std::string b = random.bytes(4);
    uint32_t x = uint32_t(uint8_t(b[0])) | uint32_t(uint8_t(b[1])) << 8 | uint32_t(uint8_t(b[2])) << 16 |
                 uint32_t(uint8_t(b[3])) << 24;
    exp = kJitterFloor + int64_t(x % uint32_t(kDefaultTokenExpiration - kJitterFloor + 1));
  }
  return exp;
}

bool is_windows(const ojson& spec) {
  const ojson* sel = member(spec, "nodeSelector");
  if (!sel) return false;
  return string_member(*sel, "kubernetes.io/os") == "windows" || string_member(*sel, "beta.kubernetes.io/os") == "windows";
}

ojson env_var(const std::string& name, const std::string& value) { return ojson{{"name", name}, {"value", value}}; }

// Adds the env vars and the mount to one container. Returns true when it changed.
bool mutate_container(ojson& c, const InjectionConfig& config, const std::string& token_file) {
  bool reserved = false, region = false, sts = false;
  if (const ojson* env = member(c, "env"); env && env->is_array()) {
    for (const auto& e : *env) {
      std::string name = string_member(e, "name");
      if (name == "AWS_CONTAINER_CREDENTIALS_FULL_URI" || name == "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
        reserved = true;
      }
      if (name == "AWS_REGION" || name == "AWS_DEFAULT_REGION") region = true;
      if (name == "AWS_STS_REGIONAL_ENDPOINTS") sts = true;
    }
  }
  if (reserved && region && sts) return false;

  ojson added = ojson::array();
  if (!sts && config.sts_regional_endpoints) added.push_back(env_var("AWS_STS_REGIONAL_ENDPOINTS", "regional"));
  if (!region && !config.region.empty()) {
    added.push_back(env_var("AWS_DEFAULT_REGION", config.region));
    added.push_back(env_var("AWS_REGION", config.region));
  }
  if (!reserved) {
    added.push_back(env_var("AWS_CONTAINER_CREDENTIALS_FULL_URI", config.full_uri));
    added.push_back(env_var("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file));
  }
  bool changed = false;
  if (!added.empty()) {
    if (!c.contains("env") || !c["env"].is_array()) c["env"] = ojson::array();
    for (auto& e : added) c["env"].push_back(std::move(e));
    changed = true;
  }
  bool mounted = false;
  if (const ojson* mounts = member(c, "volumeMounts"); mounts && mounts->is_array()) {
    for (const auto& m : *mounts) {
      if (string_member(m, "name") == config.volume_name || string_member(m, "mountPath") == config.mount_path) {
        mounted = true;
      }
    }
  }
  if (!mounted) {
    if (!c.contains("volumeMounts") || !c["volumeMounts"].is_array()) c["volumeMounts"] = ojson::array();
    c["volumeMounts"].push_back(
        ojson{{"name", config.volume_name}, {"readOnly", true}, {"mountPath", config.mount_path}});
    changed = true;
  }
  return changed;
}

// Rewrites one container list; returns true when any container changed.
bool mutate_containers(ojson& list, const std::set<std::string>& skip, const InjectionConfig& config,
                       const std::string& token_file) {
  bool changed = false;
  for (auto& c : list) {
    if (!c.is_object() || skip.count(string_member(c, "name"))) continue;
    changed = mutate_container(c, config, token_file) || changed;
  }
  return changed;
}

std::string escape_pointer(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

ojson pod_patch(const ojson& pod, const InjectionConfig& config, core::Random& random) {
  static const ojson kEmpty = ojson::object();
  const ojson* metadata = member(pod, "metadata");
  const ojson& meta = metadata ? *metadata : kEmpty;
  const ojson* ann = member(meta, "annotations");
  const ojson& annotations = ann ? *ann : kEmpty;
  const ojson* spec_ptr = member(pod, "spec");
  const ojson& spec = spec_ptr ? *spec_ptr : kEmpty;

  // The volume: reuse a projected service-account token volume of our name; any other volume of that name
  // means no patch at all.
  bool volume_exists = false;
  const ojson* volumes = member(spec, "volumes");
  if (volumes && volumes->is_array()) {
    for (const auto& v : *volumes) {
      if (string_member(v, "name") != config.volume_name) continue;
      const ojson* projected = member(v, "projected");
      const ojson* sources = projected ? member(*projected, "sources") : nullptr;
      bool is_token = false;
      if (sources && sources->is_array()) {
        for (const auto& s : *sources) is_token = is_token || member(s, "serviceAccountToken") != nullptr;
      }
      if (!is_token) return ojson::array();
      volume_exists = true;
    }
  }

  std::string token_file = config.mount_path + "/" + config.token_path;
  if (is_windows(spec)) {
    token_file = "C:" + token_file;
    for (auto& ch : token_file) ch = ch == '/' ? '\\' : ch;
  }
  std::set<std::string> skip = containers_to_skip(annotations);

  ojson containers = spec.contains("containers") && spec["containers"].is_array() ? spec["containers"] : ojson::array();
  bool changed = mutate_containers(containers, skip, config, token_file);
  const ojson* init = member(spec, "initContainers");
  ojson init_containers = init && init->is_array() ? *init : ojson::array();
  changed = mutate_containers(init_containers, skip, config, token_file) || changed;

  const ojson* labels = member(meta, "labels");
  bool labelled = labels && string_member(*labels, kPodIdentityLabel) == "enabled";
  if (!changed && volume_exists && labelled) return ojson::array();

  ojson patch = ojson::array();
  if (!labelled) {
    if (!labels || !labels->is_object()) {
      patch.push_back({{"op", "add"}, {"path", "/metadata/labels"}, {"value", {{kPodIdentityLabel, "enabled"}}}});
    } else {
      patch.push_back(
          {{"op", "add"}, {"path", "/metadata/labels/" + escape_pointer(kPodIdentityLabel)}, {"value", "enabled"}});
    }
  }
  if (!volume_exists) {
    ojson volume = {{"name", config.volume_name},
                    {"projected",
                     {{"sources",
                       ojson::array({{{"serviceAccountToken",
                                       {{"audience", config.audience},
                                        {"expirationSeconds", expiration_seconds(annotations, config, random)},
                                        {"path", config.token_path}}}}})}}}};
    if (volumes && volumes->is_array() && !volumes->empty()) {
      patch.push_back({{"op", "add"}, {"path", "/spec/volumes/0"}, {"value", volume}});
    } else {
      patch.push_back({{"op", "add"}, {"path", "/spec/volumes"}, {"value", ojson::array({volume})}});
    }
  }
  patch.push_back({{"op", "add"}, {"path", "/spec/containers"}, {"value", containers}});
  if (!init_containers.empty()) {
    patch.push_back({{"op", "add"}, {"path", "/spec/initContainers"}, {"value", init_containers}});
  }
  return patch;
}

}  // namespace podbucket::webhook
