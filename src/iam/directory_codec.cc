#include "core/time_format.h"
#include "iam/directory_index.h"

namespace podbucket::iam {

namespace {

using nlohmann::json;

json tags_json(const std::vector<Tag>& tags) {
  json a = json::array();
  for (const auto& t : tags) a.push_back({{"k", t.key}, {"v", t.value}});
  return a;
}

std::vector<Tag> tags_of(const json& j) {
  std::vector<Tag> tags;
  if (!j.contains("tags")) return tags;
  for (const auto& t : j.at("tags")) tags.push_back({t.at("k").get<std::string>(), t.at("v").get<std::string>()});
  return tags;
}

json inline_json(const std::vector<InlinePolicy>& policies) {
  json a = json::array();
  for (const auto& p : policies) a.push_back({{"name", p.name}, {"document", p.document.json}});
  return a;
}

std::vector<InlinePolicy> inline_of(const json& j) {
  std::vector<InlinePolicy> out;
  if (!j.contains("inline")) return out;
  for (const auto& p : j.at("inline")) {
    std::string doc = p.at("document").get<std::string>();
    auto parsed = reparse(doc, policy::Kind::kIdentity);
    out.push_back({p.at("name").get<std::string>(), {std::move(doc), std::move(parsed)}});
  }
  return out;
}

std::vector<std::string> strings_of(const json& j, const char* key) {
  if (!j.contains(key)) return {};
  return j.at(key).get<std::vector<std::string>>();
}

int64_t ms(core::TimePoint t) { return core::to_unix_millis(t); }
core::TimePoint time_of(const json& j, const char* key) { return core::from_unix_millis(j.at(key).get<int64_t>()); }

}  // namespace

std::shared_ptr<const policy::Document> reparse(const std::string& json, policy::Kind kind) {
  auto parsed = policy::parse(json, kind);
  if (!parsed) return nullptr;
  return *parsed;
}

json to_json(const User& u) {
  return {{"name", u.name},       {"path", u.path},
          {"id", u.id},           {"arn", u.arn},
          {"created", ms(u.created)}, {"tags", tags_json(u.tags)},
          {"inline", inline_json(u.inline_policies)}, {"attached", u.attached}};
}

User user_from_json(const json& j) {
  User u;
  u.name = j.at("name").get<std::string>();
  u.path = j.at("path").get<std::string>();
  u.id = j.at("id").get<std::string>();
  u.arn = j.at("arn").get<std::string>();
  u.created = time_of(j, "created");
  u.tags = tags_of(j);
  u.inline_policies = inline_of(j);
  u.attached = strings_of(j, "attached");
  return u;
}

json to_json(const Role& r) {
  return {{"name", r.name},
          {"path", r.path},
          {"id", r.id},
          {"arn", r.arn},
          {"created", ms(r.created)},
          {"description", r.description},
          {"max_session_duration", r.max_session_duration},
          {"trust", r.trust.json},
          {"tags", tags_json(r.tags)},
          {"inline", inline_json(r.inline_policies)},
          {"attached", r.attached}};
}

Role role_from_json(const json& j) {
  Role r;
  r.name = j.at("name").get<std::string>();
  r.path = j.at("path").get<std::string>();
  r.id = j.at("id").get<std::string>();
  r.arn = j.at("arn").get<std::string>();
  r.created = time_of(j, "created");
  r.description = j.value("description", "");
  r.max_session_duration = j.value("max_session_duration", 3600);
  r.trust.json = j.at("trust").get<std::string>();
  r.trust.parsed = reparse(r.trust.json, policy::Kind::kTrust);
  r.tags = tags_of(j);
  r.inline_policies = inline_of(j);
  r.attached = strings_of(j, "attached");
  return r;
}

json to_json(const ManagedPolicy& p) {
  json versions = json::array();
  for (const auto& v : p.versions)
    versions.push_back({{"id", v.id}, {"document", v.document.json}, {"created", ms(v.created)}});
  return {{"name", p.name},
          {"path", p.path},
          {"id", p.id},
          {"arn", p.arn},
          {"description", p.description},
          {"created", ms(p.created)},
          {"updated", ms(p.updated)},
          {"versions", versions},
          {"default_version", p.default_version},
          {"next_version", p.next_version},
          {"tags", tags_json(p.tags)}};
}

ManagedPolicy policy_from_json(const json& j) {
  ManagedPolicy p;
  p.name = j.at("name").get<std::string>();
  p.path = j.at("path").get<std::string>();
  p.id = j.at("id").get<std::string>();
  p.arn = j.at("arn").get<std::string>();
  p.description = j.value("description", "");
  p.created = time_of(j, "created");
  p.updated = time_of(j, "updated");
  for (const auto& v : j.at("versions")) {
    PolicyVersion pv;
    pv.id = v.at("id").get<std::string>();
    pv.document.json = v.at("document").get<std::string>();
    pv.document.parsed = reparse(pv.document.json, policy::Kind::kIdentity);
    pv.created = time_of(v, "created");
    p.versions.push_back(std::move(pv));
  }
  p.default_version = j.at("default_version").get<std::string>();
  p.next_version = j.at("next_version").get<int>();
  p.tags = tags_of(j);
  return p;
}

json to_json(const AccessKey& k) {
  return {{"id", k.id}, {"secret", k.secret}, {"user", k.user_name}, {"active", k.active}, {"created", ms(k.created)}};
}

AccessKey access_key_from_json(const json& j) {
  AccessKey k;
  k.id = j.at("id").get<std::string>();
  k.secret = j.at("secret").get<std::string>();
  k.user_name = j.at("user").get<std::string>();
  k.active = j.at("active").get<bool>();
  k.created = time_of(j, "created");
  return k;
}

}  // namespace podbucket::iam
