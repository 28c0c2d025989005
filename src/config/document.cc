#include "config/document.h"

// GCC 12 warns about yaml-cpp 0.7's own node code (-Wdangling-pointer, a false positive in its headers).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#include <yaml-cpp/yaml.h>
#pragma GCC diagnostic pop

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

namespace podbucket::config {
namespace {

struct Pos {
  int line = 0, column = 0;
};

Pos position(const YAML::Mark& m) {
  if (m.is_null() || m.line < 0) return {};
  return {m.line + 1, m.column + 1};
}

const char* shape_name(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a sequence";
    case YAML::NodeType::Null:
      return "nothing";
    default:
      return "a scalar";
  }
}

Issue issue_at(std::string where, std::string message, Pos p) {
  return Issue{std::move(where), std::move(message), p.line, p.column};
}

Entry read_entry(const std::string& section, const YAML::Node& key, const YAML::Node& value,
                 std::vector<Issue>& issues) {
  Entry e;
  e.section = section;
  e.name = key.Scalar();
  Pos kp = position(key.Mark());
  e.key_line = kp.line;
  e.key_column = kp.column;
  Pos vp = position(value.Mark());
  e.line = vp.line ? vp.line : kp.line;
  e.column = vp.line ? vp.column : kp.column;
  switch (value.Type()) {
    case YAML::NodeType::Scalar:
      e.shape = Entry::Shape::kScalar;
      e.text = value.Scalar();
      break;
    case YAML::NodeType::Sequence:
      e.shape = Entry::Shape::kSequence;
      for (const auto& item : value) {
        if (!item.IsScalar()) {
          issues.push_back(issue_at(e.key(), std::string("expected a list of values, got ") + shape_name(item) +
                                                 " as an item",
                                    position(item.Mark())));
          continue;
        }
        e.items.push_back(item.Scalar());
      }
      break;
    case YAML::NodeType::Map:
      e.shape = Entry::Shape::kMapping;
      break;
    default:
      e.shape = Entry::Shape::kNull;
      e.line = kp.line;
      e.column = kp.column;
      break;
  }
  return e;
}

void read_section(Document::Section& section, const YAML::Node& body, std::vector<Issue>& issues) {
  if (body.IsNull()) return;  // `agent:` alone: an empty section
  if (!body.IsMap()) {
    Pos p = position(body.Mark());
    issues.push_back(issue_at(section.name, std::string("expected a mapping of settings, got ") + shape_name(body),
                              p.line ? p : Pos{section.line, section.column}));
    return;
  }
  std::set<std::string> seen;
  for (auto it = body.begin(); it != body.end(); ++it) {
    const YAML::Node& key = it->first;
    if (!key.IsScalar()) {
      issues.push_back(issue_at(section.name, "keys must be plain names", position(key.Mark())));
      continue;
    }
    std::string where = section.name + "." + key.Scalar();
    if (!seen.insert(key.Scalar()).second) {
      issues.push_back(issue_at(where, "given twice", position(key.Mark())));
      continue;
    }
    section.entries.push_back(read_entry(section.name, key, it->second, issues));
  }
}

}  // namespace

std::string Issue::to_string() const {
  std::string out = where.empty() ? message : where + ": " + message;
  if (line > 0) out += " (line " + std::to_string(line) + ", column " + std::to_string(column) + ")";
  return out;
}

void sort_by_position(std::vector<Issue>& issues) {
  std::stable_sort(issues.begin(), issues.end(), [](const Issue& a, const Issue& b) {
    if ((a.line == 0) != (b.line == 0)) return b.line == 0;
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
}

const Entry* Document::find(std::string_view section, std::string_view name) const {
  for (const auto& s : sections) {
    if (s.name != section) continue;
    for (const auto& e : s.entries)
      if (e.name == name) return &e;
  }
  return nullptr;
}

Document parse_document(std::string_view yaml) {
  Document doc;
  std::vector<YAML::Node> roots;
  try {
    roots = YAML::LoadAll(std::string(yaml));
  } catch (const YAML::Exception& e) {
    doc.issues.push_back(issue_at("", "invalid YAML: " + e.msg, position(e.mark)));
    return doc;
  }
  if (roots.size() > 1) {
    doc.issues.push_back(issue_at("", "expected one YAML document, got " + std::to_string(roots.size()),
                                  position(roots[1].Mark())));
    return doc;
  }
  if (roots.empty() || roots[0].IsNull()) return doc;
  const YAML::Node& root = roots[0];
  if (!root.IsMap()) {
    doc.issues.push_back(issue_at("", std::string("expected a mapping of sections (server:, up:, ...), got ") +
                                          shape_name(root),
                                  position(root.Mark())));
    return doc;
  }
  std::set<std::string> seen;
  for (auto it = root.begin(); it != root.end(); ++it) {
    const YAML::Node& key = it->first;
    if (!key.IsScalar()) {
      doc.issues.push_back(issue_at("", "section names must be plain names", position(key.Mark())));
      continue;
    }
    Pos p = position(key.Mark());
    if (!seen.insert(key.Scalar()).second) {
      doc.issues.push_back(issue_at(key.Scalar(), "section given twice", p));
      continue;
    }
    Document::Section& section = doc.sections.emplace_back();
    section.name = key.Scalar();
    section.line = p.line;
    section.column = p.column;
    read_section(section, it->second, doc.issues);
  }
  return doc;
}

Document read_document(const std::filesystem::path& path) {
  std::error_code ec;
  std::ifstream in(path, std::ios::binary);
  if (!in || std::filesystem::is_directory(path, ec)) {
    Document doc;
    doc.issues.push_back(Issue{"", "cannot read " + path.string()});
    return doc;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_document(buffer.str());
}

}  // namespace podbucket::config
