#pragma once
// A configuration file as read from YAML: sections of flat keys, each value with its position in the file.
// The only place that includes yaml-cpp.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace podbucket::config {

/// One problem with a setting, from whichever source it came.
struct Issue {
  std::string where;    // "server.listen", "PODBUCKET_LISTEN", "--listen"; empty for the file as a whole
  std::string message;  // "expected HOST:PORT, got '9000'"
  int line = 0;         // 1-based position in the file; 0 when the issue is not about a place in the file
  int column = 0;

  /// "server.listen: expected HOST:PORT, got '9000' (line 3, column 11)".
  std::string to_string() const;
};

/// Orders issues by their position in the file (issues without one last, in their original order).
void sort_by_position(std::vector<Issue>& issues);

/// The value of one key.
struct Entry {
  enum class Shape { kScalar, kSequence, kMapping, kNull };
  std::string section;  // "server"
  std::string name;     // "listen"
  Shape shape = Shape::kNull;
  std::string text;                // kScalar: the scalar as written (quotes removed)
  std::vector<std::string> items;  // kSequence: the items, each a scalar
  int line = 0, column = 0;        // 1-based position of the value (of the key for kNull)
  int key_line = 0, key_column = 0;

  std::string key() const { return section + "." + name; }
};

/// A parsed file: sections in file order, and the problems of its shape.
struct Document {
  struct Section {
    std::string name;
    int line = 0, column = 0;  // of the section's key
    std::vector<Entry> entries;
  };
  std::vector<Section> sections;
  /// YAML syntax errors and shape errors: a top level that is not a mapping, a section that is not a mapping,
  /// keys that are not scalars, duplicate sections or keys, sequence items that are not scalars.
  std::vector<Issue> issues;

  /// The entry `section`.`name`, or nullptr.
  const Entry* find(std::string_view section, std::string_view name) const;
};

/// Parses YAML text (one document; an empty text is an empty document). Never throws: syntax errors become
/// issues with the parser's position. A section with no value (`agent:`) is an empty section.
Document parse_document(std::string_view yaml);

/// Reads and parses `path`. An unreadable file is one issue without a position.
Document read_document(const std::filesystem::path& path);

}  // namespace podbucket::config
