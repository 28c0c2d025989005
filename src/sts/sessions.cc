#include "sts/sessions.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/encoding.h"
#include "core/time_format.h"

namespace podbucket::sts {

namespace {

using nlohmann::json;

constexpr std::string_view kKeyIdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::string_view kSecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr size_t kTokenBytes = 144;  // 192 base64 characters

std::string_view type_name(core::PrincipalType t) {
  switch (t) {
    case core::PrincipalType::kAnonymous: return "anonymous";
    case core::PrincipalType::kRoot: return "root";
    case core::PrincipalType::kUser: return "user";
    case core::PrincipalType::kAssumedRole: return "assumed-role";
  }
  return "anonymous";
}

core::PrincipalType type_of(std::string_view name) {
  if (name == "root") return core::PrincipalType::kRoot;
  if (name == "user") return core::PrincipalType::kUser;
  if (name == "assumed-role") return core::PrincipalType::kAssumedRole;
  return core::PrincipalType::kAnonymous;
}

std::string encode(const Session& s) {
  const core::Principal& p = s.principal;
  json tags = json::object();
  for (const auto& [k, v] : p.tags) tags[k] = v;
  json j = {
      {"v", 1},
      {"access_key_id", s.credentials.access_key_id},
      {"secret_access_key", s.credentials.secret_access_key},
      {"session_token", s.credentials.session_token},
      {"expiration", core::to_unix_seconds(s.credentials.expiration)},
      {"source_identity", s.source_identity},
      {"type", type_name(p.type)},
      {"arn", p.arn},
      {"account_id", p.account_id},
      {"user_id", p.user_id},
      {"user_name", p.user_name},
      {"role_arn", p.role_arn},
      {"role_name", p.role_name},
      {"session_name", p.session_name},
      {"issued", p.token_issue_time_s},
      {"tags", tags},
      {"transitive_tag_keys", p.transitive_tag_keys},
      {"session_policy", p.session_policy},
      {"session_policy_arns", p.session_policy_arns},
      {"chained", p.chained},
  };
  return j.dump();
}

template <typename T>
T get_or(const json& j, const char* name, T fallback) {
  auto it = j.find(name);
  if (it == j.end()) return fallback;
  try {
    return it->get<T>();
  } catch (const json::exception&) {
    return fallback;
  }
}

std::optional<Session> decode(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  Session s;
  s.credentials.access_key_id = get_or<std::string>(j, "access_key_id", "");
  s.credentials.secret_access_key = get_or<std::string>(j, "secret_access_key", "");
  s.credentials.session_token = get_or<std::string>(j, "session_token", "");
  s.credentials.expiration = core::from_unix_seconds(get_or<int64_t>(j, "expiration", 0));
  if (s.credentials.access_key_id.empty() || s.credentials.secret_access_key.empty() ||
      s.credentials.session_token.empty())
    return std::nullopt;
  s.source_identity = get_or<std::string>(j, "source_identity", "");
  core::Principal& p = s.principal;
  p.type = type_of(get_or<std::string>(j, "type", ""));
  if (p.type == core::PrincipalType::kAnonymous) return std::nullopt;
  p.anonymous = false;
  p.root = p.type == core::PrincipalType::kRoot;
  p.access_key_id = s.credentials.access_key_id;
  p.session_token = s.credentials.session_token;
  p.arn = get_or<std::string>(j, "arn", "");
  p.account_id = get_or<std::string>(j, "account_id", "");
  p.user_id = get_or<std::string>(j, "user_id", "");
  p.user_name = get_or<std::string>(j, "user_name", "");
  p.role_arn = get_or<std::string>(j, "role_arn", "");
  p.role_name = get_or<std::string>(j, "role_name", "");
  p.session_name = get_or<std::string>(j, "session_name", "");
  p.token_issue_time_s = get_or<int64_t>(j, "issued", 0);
  p.tags = get_or<std::map<std::string, std::string>>(j, "tags", {});
  p.transitive_tag_keys = get_or<std::vector<std::string>>(j, "transitive_tag_keys", {});
  p.session_policy = get_or<std::string>(j, "session_policy", "");
  p.session_policy_arns = get_or<std::vector<std::string>>(j, "session_policy_arns", {});
  p.chained = get_or<bool>(j, "chained", false);
  return s;
}

}  // namespace

std::string_view arn_account(std::string_view arn) {
  // arn:partition:service:region:account:resource
  size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    pos = arn.find(':', pos);
    if (pos == std::string_view::npos) return {};
    ++pos;
  }
  auto end = arn.find(':', pos);
  if (end == std::string_view::npos) return {};
  return arn.substr(pos, end - pos);
}

core::Principal role_session_principal(const RoleSessionSpec& spec) {
  core::Principal p;
  p.anonymous = false;
  p.root = false;
  p.type = core::PrincipalType::kAssumedRole;
  p.account_id = std::string(arn_account(spec.role.arn));
  p.arn = "arn:aws:sts::" + p.account_id + ":assumed-role/" + spec.role.name + "/" + spec.session_name;
  p.user_id = spec.role.id + ":" + spec.session_name;
  p.role_arn = spec.role.arn;
  p.role_name = spec.role.name;
  p.session_name = spec.session_name;
  for (const auto& t : spec.role.tags) p.tags[t.key] = t.value;
  for (const auto& t : spec.session_tags) {
    for (auto it = p.tags.begin(); it != p.tags.end();) {
      if (core::iequals(it->first, t.key))
        it = p.tags.erase(it);
      else
        ++it;
    }
    p.tags[t.key] = t.value;
  }
  p.transitive_tag_keys = spec.transitive_tag_keys;
  p.session_policy = spec.session_policy;
  p.session_policy_arns = spec.session_policy_arns;
  p.chained = spec.chained;
  return p;
}

SessionStore::SessionStore(store::Documents& documents, const core::Clock& clock, core::Random& random)
    : SessionStore(documents, clock, random, Options{}) {}

SessionStore::SessionStore(store::Documents& documents, const core::Clock& clock, core::Random& random,
                           Options options)
    : documents_(documents), clock_(clock), random_(random), options_(options) {}

Credentials SessionStore::new_credentials(core::TimePoint expiration) {
  Credentials c;
  c.access_key_id = "ASIA" + random_.token(16, kKeyIdAlphabet);
  c.secret_access_key = random_.token(40, kSecretAlphabet);
  c.session_token = core::base64_encode(random_.bytes(kTokenBytes));
  c.expiration = expiration;
  return c;
}

Session SessionStore::issue(core::Principal principal, std::chrono::seconds duration, std::string source_identity) {
  const int64_t now = core::to_unix_seconds(clock_.now());
  Session s;
  s.source_identity = std::move(source_identity);
  s.principal = std::move(principal);
  s.principal.token_issue_time_s = now;
  // Access key ids are random; on the (80-bit) chance of a collision, draw again.
  for (;;) {
    s.credentials = new_credentials(core::from_unix_seconds(now + duration.count()));
    s.principal.access_key_id = s.credentials.access_key_id;
    s.principal.session_token = s.credentials.session_token;
    if (documents_.insert(kSessionsCollection, s.credentials.access_key_id, encode(s))) break;
  }
  {
    std::lock_guard lock(mu_);
    cache_[s.credentials.access_key_id] = s;
  }
  maybe_collect();
  return s;
}

std::optional<Session> SessionStore::find(std::string_view access_key_id) const {
  std::string id(access_key_id);
  {
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(id); it != cache_.end()) return it->second;
  }
  auto body = documents_.get(kSessionsCollection, id);
  if (!body) return std::nullopt;
  auto s = decode(*body);
  if (!s || s->credentials.access_key_id != id) return std::nullopt;
  std::lock_guard lock(mu_);
  cache_.emplace(id, *s);
  return s;
}

sigv4::KeyLookup SessionStore::key_lookup() const {
  return [this](std::string_view access_key_id) -> std::optional<sigv4::KeyInfo> {
    if (access_key_id.size() != 20 || access_key_id.substr(0, 4) != "ASIA") return std::nullopt;
    auto s = find(access_key_id);
    if (!s) return std::nullopt;
    sigv4::KeyInfo info;
    info.secret_access_key = s->credentials.secret_access_key;
    info.session_token = s->credentials.session_token;
    info.expires = s->credentials.expiration;
    info.principal = std::move(s->principal);
    return info;
  };
}

void SessionStore::maybe_collect() {
  {
    std::lock_guard lock(mu_);
    auto now = clock_.now();
    if (last_gc_ != core::TimePoint{} && now - last_gc_ < options_.gc_interval) return;
    last_gc_ = now;
  }
  // The credentials are already issued and durable; a failed collection is retried after the next interval.
  try {
    collect_garbage();
  } catch (const std::exception& e) {
    spdlog::warn("sts: collecting expired sessions failed: {}", e.what());
  }
}

size_t SessionStore::collect_garbage() {
  const auto cutoff = clock_.now() - options_.retention;
  std::vector<store::Documents::Write> deletes;
  for (const auto& [id, body] : documents_.list(kSessionsCollection)) {
    auto s = decode(body);
    // An undecodable document can never be used to sign in; drop it with the expired ones.
    if (!s || s->credentials.expiration < cutoff)
      deletes.push_back({std::string(kSessionsCollection), id, std::nullopt});
  }
  if (!deletes.empty()) documents_.commit(deletes);
  std::lock_guard lock(mu_);
  for (const auto& w : deletes) cache_.erase(w.id);
  for (auto it = cache_.begin(); it != cache_.end();) {
    if (it->second.credentials.expiration < cutoff)
      it = cache_.erase(it);
    else
      ++it;
  }
  return deletes.size();
}

}  // namespace podbucket::sts
