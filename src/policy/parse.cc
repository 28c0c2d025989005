// Parsing and validating policy documents (IAM's checks, in IAM's order), then compiling them for evaluation.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>

#include "policy/document.h"
#include "policy/errors.h"
#include "policy/validate.h"

namespace podbucket::policy {

namespace {

using json = nlohmann::json;
using detail::Condition;
using detail::Statement;

constexpr std::string_view kSyntax = "Syntax errors in policy.";
constexpr std::string_view kVersion = "Policy document must be version 2012-10-17 or greater.";
constexpr std::string_view kLegacy = "The policy failed legacy parsing";
constexpr std::string_view kSids = "Statement IDs (SID) in a single policy must be unique.";
constexpr std::string_view kNoActions = "Policy statement must contain actions.";
constexpr std::string_view kNoResources = "Policy statement must contain resources.";
constexpr std::string_view kNoPrincipalAllowed = "Policy document should not specify a principal.";
constexpr std::string_view kPrincipalRequired = "Missing required field Principal";
constexpr std::string_view kResourceProhibited = "Has prohibited field Resource";

bool is_string_or_string_list(const json& v) {
  if (v.is_string()) return true;
  if (!v.is_array()) return false;
  return std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_string(); });
}

bool is_scalar(const json& v) { return v.is_string() || v.is_number() || v.is_boolean(); }

// Condition values: a scalar or a list of scalars (IAM accepts unquoted booleans and numbers).
bool is_condition_value(const json& v) {
  if (is_scalar(v)) return true;
  if (!v.is_array()) return false;
  return std::all_of(v.begin(), v.end(), is_scalar);
}

std::string scalar_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return v.dump();
}

// The entries of a string-or-list element, in document order.
std::vector<std::string> entries(const json& v) {
  std::vector<std::string> out;
  if (v.is_array()) {
    for (const json& e : v) out.push_back(scalar_text(e));
  } else {
    out.push_back(scalar_text(v));
  }
  return out;
}

bool valid_principal_syntax(const json& p) {
  if (p.is_string()) return p.get<std::string>() == "*";
  if (!p.is_object() || p.empty()) return false;
  for (const auto& [type, value] : p.items()) {
    if (type != "AWS" && type != "Service" && type != "Federated" && type != "CanonicalUser") return false;
    if (!is_string_or_string_list(value) || (value.is_array() && value.empty())) return false;
  }
  return true;
}

bool statement_syntax_ok(const json& st) {
  static constexpr std::string_view kKeys[] = {"Sid",    "Effect",      "Principal", "NotPrincipal", "Action",
                                               "NotAction", "Resource", "NotResource", "Condition"};
  if (!st.is_object()) return false;
  for (const auto& [key, value] : st.items()) {
    if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys)) return false;
  }
  if (st.contains("Resource") && st.contains("NotResource")) return false;
  if (st.contains("Action") && st.contains("NotAction")) return false;
  if (st.contains("Principal") && st.contains("NotPrincipal")) return false;
  auto effect = st.find("Effect");
  if (effect == st.end() || !effect->is_string()) return false;
  std::string e = effect->get<std::string>();
  std::transform(e.begin(), e.end(), e.begin(), [](char c) { return detail::lower(c); });
  if (e != "allow" && e != "deny") return false;
  for (const char* key : {"Action", "NotAction", "Resource", "NotResource"}) {
    if (st.contains(key) && !is_string_or_string_list(st[key])) return false;
  }
  for (const char* key : {"Principal", "NotPrincipal"}) {
    if (st.contains(key) && !valid_principal_syntax(st[key])) return false;
  }
  if (st.contains("Condition")) {
    const json& cond = st["Condition"];
    if (!cond.is_object()) return false;
    for (const auto& [op, block] : cond.items()) {
      if (!block.is_object()) return false;
      for (const auto& [key, value] : block.items()) {
        if (!is_condition_value(value)) return false;
      }
      Condition probe;
      // An unknown operator is tolerated only with an empty block (IAM ignores it).
      if (!detail::parse_operator(op, probe) && !block.empty()) return false;
    }
  }
  if (st.contains("Sid") && !st["Sid"].is_string()) return false;
  return true;
}

// Check 1: JSON shape, element names and types.
bool syntax_ok(const json& doc, std::vector<const json*>& statements) {
  if (!doc.is_object()) return false;
  for (const auto& [key, value] : doc.items()) {
    if (key != "Version" && key != "Id" && key != "Statement") return false;
  }
  if (doc.contains("Version")) {
    const json& v = doc["Version"];
    if (!v.is_string() || (v.get<std::string>() != "2012-10-17" && v.get<std::string>() != "2008-10-17")) {
      return false;
    }
  }
  if (doc.contains("Id") && !doc["Id"].is_string()) return false;
  auto st = doc.find("Statement");
  if (st == doc.end()) return false;
  if (st->is_object()) {
    statements.push_back(&*st);
  } else if (st->is_array()) {
    for (const json& s : *st) statements.push_back(&s);
  } else {
    return false;
  }
  if (statements.empty()) return false;
  return std::all_of(statements.begin(), statements.end(), [](const json* s) { return statement_syntax_ok(*s); });
}

// Check 3 (part): Effect spelled exactly, Date* condition values that parse.
bool first_legacy_parsing_ok(const json& st) {
  std::string effect = st["Effect"].get<std::string>();
  if (effect != "Allow" && effect != "Deny") return false;
  if (!st.contains("Condition")) return true;
  for (const auto& [op, block] : st["Condition"].items()) {
    Condition c;
    if (!detail::parse_operator(op, c) || c.family != detail::OpFamily::kDate) continue;
    for (const auto& [key, value] : block.items()) {
      for (const std::string& v : entries(value)) {
        if (!detail::valid_policy_date(v)) return false;
      }
    }
  }
  return true;
}

// Check 3 (part): Resource then NotResource formats across statements. IAM keeps the last format error it finds
// (entries of a list are visited in descending order) and reports it after the existence checks; an ARN shape
// that fails legacy parsing fails at once, but only while no format error is pending.
bool resource_formats_ok(const std::vector<const json*>& statements, std::string& resource_error) {
  for (const char* key : {"Resource", "NotResource"}) {
    for (const json* st : statements) {
      if (!st->contains(key)) continue;
      std::vector<std::string> list = entries((*st)[key]);
      if ((*st)[key].is_array()) std::sort(list.begin(), list.end(), std::greater<>());
      for (const std::string& r : list) {
        if (auto error = detail::resource_format_error(r)) resource_error = *error;
      }
      if (resource_error.empty()) {
        for (const std::string& r : list) {
          if (!detail::legacy_resource_ok(r)) return false;
        }
      }
    }
  }
  return true;
}

bool has_non_empty(const json& st, const char* a, const char* b) {
  for (const char* key : {a, b}) {
    auto it = st.find(key);
    if (it != st.end()) return !(it->is_array() && it->empty());
  }
  return false;
}

detail::PrincipalSet compile_principal(const json& p) {
  detail::PrincipalSet set;
  if (p.is_string()) {
    set.everyone = true;
    return set;
  }
  for (const auto& [type, value] : p.items()) {
    for (std::string& v : entries(value)) {
      if (type == "AWS") {
        set.aws_values.push_back(v);
        if (v == "*") {
          set.everyone = true;
        } else if (detail::is_account_id(v)) {
          set.accounts.push_back(v);
        } else if (v.starts_with("arn:aws:iam::") && v.ends_with(":root") && v.size() == 13 + 12 + 5) {
          set.accounts.push_back(v.substr(13, 12));
        } else {
          set.arns.push_back(v);
        }
      } else if (type == "Service") {
        set.services.push_back(v);
      } else if (type == "Federated") {
        set.federated.push_back(v);
      } else {
        set.canonical.push_back(v);
      }
    }
  }
  return set;
}

Statement compile_statement(const json& st, bool variables) {
  Statement out;
  if (st.contains("Sid")) out.sid = st["Sid"].get<std::string>();
  out.deny = st["Effect"].get<std::string>() == "Deny";
  out.not_action = st.contains("NotAction");
  for (const std::string& a : entries(st[out.not_action ? "NotAction" : "Action"])) {
    out.actions.push_back(detail::compile_action(a));
  }
  out.not_resource = st.contains("NotResource");
  out.has_resource = out.not_resource || st.contains("Resource");
  if (out.has_resource) {
    for (const std::string& r : entries(st[out.not_resource ? "NotResource" : "Resource"])) {
      out.resources.push_back(detail::compile_resource(r, variables));
    }
  }
  out.not_principal = st.contains("NotPrincipal");
  out.has_principal = out.not_principal || st.contains("Principal");
  if (out.has_principal) out.principal = compile_principal(st[out.not_principal ? "NotPrincipal" : "Principal"]);
  if (st.contains("Condition")) {
    for (const auto& [op, block] : st["Condition"].items()) {
      Condition base;
      if (!detail::parse_operator(op, base)) continue;  // unknown operator with an empty block
      for (const auto& [key, value] : block.items()) {
        Condition c = base;
        c.key = key;
        for (const std::string& v : entries(value)) c.values.push_back(detail::compile_condition_value(c, v, variables));
        out.conditions.push_back(std::move(c));
      }
    }
  }
  return out;
}

core::Result<std::shared_ptr<const Document>> parse_document(std::string_view text, Kind kind, bool strict_version,
                                                              const core::ErrorCode& code) {
  auto fail = [&](std::string_view message) { return core::AwsError(code, std::string(message)); };
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  std::vector<const json*> statements;
  if (doc.is_discarded() || !syntax_ok(doc, statements)) return fail(kSyntax);

  std::string version = doc.contains("Version") ? doc["Version"].get<std::string>() : "";
  if (strict_version && version != "2012-10-17") return fail(kVersion);

  std::string resource_error;
  for (const json* st : statements) {
    if (!first_legacy_parsing_ok(*st)) return fail(kLegacy);
  }
  if (!resource_formats_ok(statements, resource_error)) return fail(kLegacy);

  std::vector<std::string> sids;
  for (const json* st : statements) {
    if (!st->contains("Sid")) continue;
    std::string sid = (*st)["Sid"].get<std::string>();
    if (sid.empty()) continue;
    if (std::find(sids.begin(), sids.end(), sid) != sids.end()) return fail(kSids);
    sids.push_back(std::move(sid));
  }

  for (const json* st : statements) {
    if (!has_non_empty(*st, "Action", "NotAction")) return fail(kNoActions);
  }

  for (const json* st : statements) {
    bool has_principal = st->contains("Principal") || st->contains("NotPrincipal");
    bool has_resource = st->contains("Resource") || st->contains("NotResource");
    switch (kind) {
      case Kind::kIdentity:
        if (has_principal) return fail(kNoPrincipalAllowed);
        if (!has_non_empty(*st, "Resource", "NotResource")) return fail(kNoResources);
        break;
      case Kind::kResource:
        if (!has_principal) return fail(kPrincipalRequired);
        if (!has_non_empty(*st, "Resource", "NotResource")) return fail(kNoResources);
        break;
      case Kind::kTrust:
        if (!has_principal) return fail(kPrincipalRequired);
        if (has_resource) return fail(kResourceProhibited);
        break;
    }
  }

  if (!resource_error.empty()) return fail(resource_error);

  for (const char* key : {"Action", "NotAction"}) {
    for (const json* st : statements) {
      if (!st->contains(key)) continue;
      for (const std::string& a : entries((*st)[key])) {
        if (auto error = detail::action_error(a)) return fail(*error);
      }
    }
  }

  for (const json* st : statements) {
    for (const char* key : {"Principal", "NotPrincipal"}) {
      if (!st->contains(key) || !(*st)[key].is_object() || !(*st)[key].contains("AWS")) continue;
      for (const std::string& p : entries((*st)[key]["AWS"])) {
        if (!detail::valid_aws_principal(p)) return fail("Invalid principal in policy: \"AWS\":\"" + p + "\"");
      }
    }
  }

  auto out = std::make_shared<Document>();
  out->version = version;
  out->variables = version == "2012-10-17";
  if (doc.contains("Id")) out->id = doc["Id"].get<std::string>();
  for (const json* st : statements) out->statements.push_back(compile_statement(*st, out->variables));
  return std::shared_ptr<const Document>(std::move(out));
}

}  // namespace

core::Result<std::shared_ptr<const Document>> parse(std::string_view json_text, Kind kind) {
  return parse_document(json_text, kind, /*strict_version=*/true, kMalformedPolicyDocument);
}

core::Result<std::shared_ptr<const Document>> parse_resource_policy(std::string_view json_text,
                                                                     const core::ErrorCode& error_code) {
  return parse_document(json_text, Kind::kResource, /*strict_version=*/false, error_code);
}

size_t count_policy_chars(std::string_view json_text) {
  size_t count = 0;
  bool in_string = false, escaped = false;
  for (char ch : json_text) {
    auto c = static_cast<unsigned char>(ch);
    if ((c & 0xC0) == 0x80) continue;  // UTF-8 continuation byte: part of a character already counted
    if (in_string) {
      ++count;
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    ++count;
    if (c == '"') in_string = true;
  }
  return count;
}

namespace detail {

namespace {

Matcher compile_matcher(std::string_view raw, bool variables, bool fold) {
  Matcher m;
  m.fold = fold;
  m.text = compile_text(raw, TextMode::kGlob, variables, fold);
  if (m.text.never) {
    m.shape = Matcher::Shape::kNever;
  } else if (m.text.has_variables()) {
    m.shape = Matcher::Shape::kVariable;
  } else if (m.text.fixed.size() == 1 && m.text.fixed[0] == kStar) {
    m.shape = Matcher::Shape::kAll;
  } else {
    const std::string& f = m.text.fixed;
    size_t stars = std::count(f.begin(), f.end(), kStar);
    size_t ones = std::count(f.begin(), f.end(), kOne);
    if (stars == 0 && ones == 0) {
      m.shape = Matcher::Shape::kExact;
    } else if (stars == 1 && ones == 0 && f.back() == kStar) {
      m.shape = Matcher::Shape::kPrefix;
      m.text.fixed.pop_back();
    } else {
      m.shape = Matcher::Shape::kGlob;
    }
  }
  return m;
}

}  // namespace

Matcher compile_action(std::string_view raw) { return compile_matcher(raw, false, true); }

Matcher compile_resource(std::string_view raw, bool variables) { return compile_matcher(raw, variables, false); }

bool Matcher::matches(std::string_view value, const Context& context) const {
  switch (shape) {
    case Shape::kAll:
      return true;
    case Shape::kExact:
      return text_equals(text.fixed, value, fold);
    case Shape::kPrefix:
      return value.size() >= text.fixed.size() && text_equals(text.fixed, value.substr(0, text.fixed.size()), fold);
    case Shape::kGlob:
      return glob_match(text.fixed, value, fold);
    case Shape::kVariable: {
      auto pattern = text.resolve(context, scratch_buffer(0));
      return pattern && glob_match(*pattern, value, fold);
    }
    case Shape::kNever:
      return false;
  }
  return false;
}

}  // namespace detail

}  // namespace podbucket::policy
