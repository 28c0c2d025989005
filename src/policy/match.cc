// Glob matching, ARN splitting and ${...} policy variables.
#include "policy/match.h"

namespace podbucket::policy::detail {

bool glob_match(std::string_view pattern, std::string_view text, bool fold) {
  // Iterative matcher: on a mismatch, retry from the last '*' with one more character swallowed. This explores
  // exactly the alternatives a backtracking matcher needs for '*' and '?' patterns.
  size_t p = 0, t = 0;
  size_t star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size()) {
      char pc = pattern[p];
      if (pc == kStar) {
        star = p++;
        mark = t;
        continue;
      }
      if (pc == kOne || pc == (fold ? lower(text[t]) : text[t])) {
        ++p;
        ++t;
        continue;
      }
    }
    if (star == std::string_view::npos) return false;
    p = star + 1;
    t = ++mark;
  }
  while (p < pattern.size() && pattern[p] == kStar) ++p;
  return p == pattern.size();
}

bool text_equals(std::string_view a, std::string_view b, bool fold) {
  if (a.size() != b.size()) return false;
  if (!fold) return a == b;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool split_arn(std::string_view arn, std::array<std::string_view, 6>& out) {
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    size_t colon = arn.find(':', start);
    if (colon == std::string_view::npos) return false;
    out[i] = arn.substr(start, colon - start);
    start = colon + 1;
  }
  out[5] = arn.substr(start);
  return true;
}

namespace {

void append_literal(std::string& out, std::string_view raw, TextMode mode, bool fold, bool& never) {
  for (char c : raw) {
    if (c == kStar || c == kOne) never = true;
    if (mode == TextMode::kGlob && c == '*') {
      out += kStar;
    } else if (mode == TextMode::kGlob && c == '?') {
      out += kOne;
    } else {
      out += fold ? lower(c) : c;
    }
  }
}

// Parses the inside of ${...}: "key" or "key, 'default'" (spaces around the comma allowed).
Variable parse_variable(std::string_view inside) {
  Variable v;
  size_t comma = inside.find(',');
  std::string_view key = inside.substr(0, comma);
  while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
  while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
  v.key = std::string(key);
  if (comma != std::string_view::npos) {
    std::string_view rest = inside.substr(comma + 1);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
    if (rest.size() >= 2 && rest.front() == '\'' && rest.back() == '\'') rest = rest.substr(1, rest.size() - 2);
    v.fallback = std::string(rest);
  }
  return v;
}

}  // namespace

Text compile_text(std::string_view raw, TextMode mode, bool variables, bool fold) {
  Text text;
  std::string literal;
  size_t i = 0;
  while (i < raw.size()) {
    if (variables && raw[i] == '$' && i + 1 < raw.size() && raw[i + 1] == '{') {
      size_t close = raw.find('}', i + 2);
      if (close != std::string_view::npos) {
        std::string_view inside = raw.substr(i + 2, close - i - 2);
        if (inside == "*" || inside == "?" || inside == "$") {
          // ${*} ${?} ${$}: the character itself, never a wildcard.
          literal += inside[0];
        } else {
          if (!literal.empty()) text.parts.emplace_back(std::move(literal));
          literal.clear();
          text.parts.emplace_back(parse_variable(inside));
        }
        i = close + 1;
        continue;
      }
    }
    size_t next = variables ? raw.find("${", i + 1) : std::string_view::npos;
    if (next == std::string_view::npos) next = raw.size();
    append_literal(literal, raw.substr(i, next - i), mode, fold, text.never);
    i = next;
  }
  if (text.parts.empty()) {
    text.fixed = std::move(literal);
  } else if (!literal.empty()) {
    text.parts.emplace_back(std::move(literal));
  }
  return text;
}

std::optional<std::string_view> Text::resolve(const Context& context, std::string& scratch) const {
  if (never) return std::nullopt;
  if (parts.empty()) return std::string_view(fixed);
  scratch.clear();
  for (const auto& part : parts) {
    if (const auto* lit = std::get_if<std::string>(&part)) {
      scratch += *lit;
      continue;
    }
    const Variable& var = std::get<Variable>(part);
    const std::vector<std::string>* values = context.find(var.key);
    std::string_view value;
    if (values && values->size() == 1 && !context.is_multi(var.key)) {
      value = (*values)[0];
    } else if (var.fallback) {
      value = *var.fallback;
    } else {
      return std::nullopt;  // unresolvable: the element matches nothing
    }
    for (char c : value) {
      if (c == kStar || c == kOne) return std::nullopt;
    }
    scratch += value;
  }
  return std::string_view(scratch);
}

std::string& scratch_buffer(int slot) {
  thread_local std::array<std::string, 4> buffers;
  return buffers[static_cast<size_t>(slot) & 3];
}

}  // namespace podbucket::policy::detail
