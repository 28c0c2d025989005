// Questions other services ask about a parsed document: which principals it names, which context keys it reads.
#include "core/encoding.h"
#include "policy/document.h"

namespace podbucket::policy {

std::vector<std::string> aws_principals(const Document& document) {
  std::vector<std::string> out;
  for (const detail::Statement& st : document.statements) {
    out.insert(out.end(), st.principal.aws_values.begin(), st.principal.aws_values.end());
  }
  return out;
}

namespace {

void add_key(std::vector<std::string>& out, const std::string& key) {
  for (const std::string& k : out) {
    if (core::iequals(k, key)) return;
  }
  out.push_back(key);
}

void add_variables(std::vector<std::string>& out, const detail::Text& text) {
  for (const auto& part : text.parts) {
    if (const auto* var = std::get_if<detail::Variable>(&part)) add_key(out, var->key);
  }
}

}  // namespace

std::vector<std::string> condition_keys(const Document& document) {
  std::vector<std::string> out;
  for (const detail::Statement& st : document.statements) {
    for (const detail::Matcher& r : st.resources) add_variables(out, r.text);
    for (const detail::Condition& c : st.conditions) {
      add_key(out, c.key);
      for (const detail::ConditionValue& v : c.values) add_variables(out, v.text);
    }
  }
  return out;
}

}  // namespace podbucket::policy
