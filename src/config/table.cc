#include "config/table.h"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

namespace podbucket::config {
namespace {

constexpr size_t kMaxShownText = 60;

std::string shown(std::string_view text) {
  if (text.size() <= kMaxShownText) return "'" + std::string(text) + "'";
  return "'" + std::string(text.substr(0, kMaxShownText)) + "...'";
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'a' && c <= 'z') ? char(c - 'a' + 'A') : c;
  return out;
}

/// Levenshtein distance, capped: anything above `cap` is reported as cap + 1.
size_t edit_distance(std::string_view a, std::string_view b, size_t cap) {
  if ((a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > cap) return cap + 1;
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return std::min(row[b.size()], cap + 1);
}

/// The candidate nearest to `word` within two edits, or empty.
std::string nearest(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = 3;
  for (const auto& c : candidates) {
    size_t d = edit_distance(word, c, 2);
    if (d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

std::string code(std::string_view text) { return text.empty() ? "" : "`" + std::string(text) + "`"; }

}  // namespace

std::optional<std::string> process_env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

void Table::add_section(std::string name, std::string env_prefix, std::string description) {
  sections_.push_back({std::move(name), std::move(env_prefix), std::move(description)});
}

Setting& Table::new_setting(std::string_view section, std::string_view name) {
  auto it = std::find_if(sections_.begin(), sections_.end(), [&](const auto& s) { return s.name == section; });
  if (it == sections_.end()) throw std::logic_error("config: undeclared section " + std::string(section));
  if (find(section, name) != nullptr) {
    throw std::logic_error("config: setting " + std::string(section) + "." + std::string(name) + " added twice");
  }
  Setting& s = settings_.emplace_back();
  s.section = section;
  s.name = name;
  s.flag = "--" + std::string(name);
  std::replace(s.flag.begin(), s.flag.end(), '_', '-');
  s.env = it->env_prefix + upper(name);
  return s;
}

Setting& Table::add_env_only(std::string_view section, std::string_view name, std::string env,
                             std::string description) {
  Setting& s = new_setting(section, name);
  s.flag.clear();
  s.env = std::move(env);
  s.type = "secret";
  s.description = std::move(description);
  s.env_only = true;
  return s;
}

const Setting* Table::find(std::string_view section, std::string_view name) const {
  for (const auto& s : settings_)
    if (s.section == section && s.name == name) return &s;
  return nullptr;
}

std::optional<Issue> Table::check_entry(const Setting& s, const Entry& e) const {
  auto at = [&](std::string message) { return Issue{e.key(), std::move(message), e.line, e.column}; };
  if (s.env_only) {
    return Issue{e.key(),
                 "secrets are not read from a file: set " + s.env + " in the environment" +
                     (s.env_only_hint.empty() ? "" : " (" + s.env_only_hint + ")"),
                 e.key_line, e.key_column};
  }
  switch (e.shape) {
    case Entry::Shape::kNull:
      return at("no value (remove the key to use the default)");
    case Entry::Shape::kMapping:
      return at("expected " + s.expectation + ", got a mapping");
    case Entry::Shape::kSequence: {
      if (!s.is_list) return at("expected " + s.expectation + ", got a sequence");
      for (const auto& item : e.items) {
        if (item.find(',') != std::string::npos) return at("list items must not contain commas, got " + shown(item));
      }
      std::string joined = join_list(e.items);
      if (!s.check(joined)) return at("expected " + s.expectation + ", got [" + joined + "]");
      return std::nullopt;
    }
    case Entry::Shape::kScalar:
      if (!s.check(e.text)) return at("expected " + s.expectation + ", got " + shown(e.text));
      return std::nullopt;
  }
  return std::nullopt;
}

std::vector<Issue> Table::check(const Document& doc) const {
  std::vector<Issue> issues;
  std::vector<std::string> unknown;
  std::string known_sections;
  for (const auto& s : sections_) known_sections += (known_sections.empty() ? "" : ", ") + s.name;
  for (const auto& section : doc.sections) {
    bool known = std::any_of(sections_.begin(), sections_.end(), [&](const auto& s) { return s.name == section.name; });
    if (!known) {
      unknown.push_back(section.name);
      issues.push_back({section.name, "unknown section (known: " + known_sections + ")", section.line,
                        section.column});
      continue;
    }
    for (const auto& e : section.entries) {
      if (const Setting* s = find(e.section, e.name)) {
        if (auto issue = check_entry(*s, e)) issues.push_back(std::move(*issue));
        continue;
      }
      std::string message = "unknown key";
      std::vector<std::string> same_section;
      for (const auto& s : settings_)
        if (s.section == e.section) same_section.push_back(s.name);
      auto other = std::find_if(settings_.begin(), settings_.end(),
                                [&](const Setting& s) { return s.name == e.name && s.section != e.section; });
      if (std::string guess = nearest(e.name, same_section); !guess.empty()) {
        message += " (did you mean " + e.section + "." + guess + "?)";
      } else if (other != settings_.end()) {
        message += " (" + e.name + " is a setting of section " + other->section + ")";
      }
      issues.push_back({e.key(), message, e.key_line, e.key_column});
    }
  }
  for (const auto& i : doc.issues) {
    bool inside_unknown = std::any_of(unknown.begin(), unknown.end(), [&](const std::string& name) {
      return i.where == name || i.where.starts_with(name + ".");
    });
    if (!inside_unknown) issues.push_back(i);
  }
  sort_by_position(issues);
  return issues;
}

std::vector<Issue> Table::load(const Sources& sources) const {
  std::vector<Issue> issues;
  for (const auto& s : settings_) {
    if (s.env_only) continue;
    if (auto flag = sources.flags.find(s.key()); flag != sources.flags.end()) {
      if (!s.assign(flag->second)) issues.push_back({s.flag, "expected " + s.expectation + ", got " + shown(flag->second)});
      continue;
    }
    if (!s.env.empty() && sources.env) {
      if (auto value = sources.env(s.env); value && !value->empty()) {
        if (!s.assign(*value)) issues.push_back({s.env, "expected " + s.expectation + ", got " + shown(*value)});
        continue;
      }
    }
    if (sources.file == nullptr) continue;
    const Entry* e = sources.file->find(s.section, s.name);
    if (e == nullptr) continue;
    if (auto issue = check_entry(s, *e)) {
      issues.push_back(std::move(*issue));
      continue;
    }
    s.assign(e->shape == Entry::Shape::kSequence ? join_list(e->items) : e->text);
  }
  return issues;
}

std::vector<std::string> Table::env_warnings(const std::vector<std::string>& env_names) const {
  std::vector<std::string> known = known_env_, prefixes;
  for (const auto& s : settings_)
    if (!s.env.empty()) known.push_back(s.env);
  for (const auto& section : sections_)
    if (section.env_prefix != "PODBUCKET_") prefixes.push_back(section.env_prefix);
  std::vector<std::string> warnings;
  for (const auto& name : env_names) {
    if (!name.starts_with("PODBUCKET_") || std::find(known.begin(), known.end(), name) != known.end()) continue;
    std::string guess = nearest(name, known);
    bool section_prefix =
        std::any_of(prefixes.begin(), prefixes.end(), [&](const auto& p) { return name.starts_with(p); });
    if (guess.empty() && !section_prefix) continue;
    warnings.push_back("ignoring the environment variable " + name + ": no such setting" +
                       (guess.empty() ? "" : " (did you mean " + guess + "?)"));
  }
  return warnings;
}

std::string Table::markdown() const {
  std::string out;
  for (const auto& section : sections_) {
    out += "### `" + section.name + ":` " + section.description + "\n\n";
    out += "| Key | Flag | Variable | Type | Default | Description |\n";
    out += "|---|---|---|---|---|---|\n";
    for (const auto& s : settings_) {
      if (s.section != section.name) continue;
      std::string key = s.env_only ? "(environment only)" : code(s.key());
      std::string flag = code(s.flag);
      if (!s.short_flag.empty()) flag = code(s.short_flag) + ", " + flag;
      std::string description = s.hidden ? "For tests only (not in `--help`). " + s.description : s.description;
      std::string default_cell = !s.default_note.empty() ? s.default_note
                                 : s.default_text.empty() ? "—"
                                                          : code(s.default_text);
      out += "| " + key + " | " + (flag.empty() ? "—" : flag) + " | " + code(s.env) + " | " + cell(s.type) + " | " +
             cell(default_cell) + " | " + cell(description) + " |\n";
    }
    out += "\n";
  }
  return out;
}

}  // namespace podbucket::config
