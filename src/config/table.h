#pragma once
// The settings table: every setting of a command described once (YAML key, flag, environment variable, type,
// default, description, value syntax) and bound to the field it fills. The same table loads settings with the
// precedence flag > environment > file > default, checks a file, and renders the docs.
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "config/document.h"
#include "config/kinds.h"

namespace podbucket::config {

/// One setting. Built by Table::add, which derives the names; callers may then adjust the public fields
/// (a short flag, a hidden flag, a default described in words).
struct Setting {
  std::string section;       // "server"
  std::string name;          // "listen": the key inside the section
  std::string flag;          // "--listen"; empty: no flag
  std::string short_flag;    // "-c"; empty: none
  std::string env;           // "PODBUCKET_LISTEN"; empty: no variable
  std::string type;          // for the docs: "HOST:PORT"
  std::string expectation;   // for errors: "expected HOST:PORT, got ..."
  std::string default_text;  // the default as a value would be written, for the docs and --help; empty: none
  std::string default_note;  // instead, the default in words when it is no literal ("$AWS_REGION, else us-east-1")
  std::string description;
  bool is_list = false;    // YAML sequences are accepted; flags and variables are comma-separated
  bool is_switch = false;  // a boolean whose flag takes no value (`--seed-exact`)
  bool hidden = false;     // for tests only: left out of --help, marked in the docs
  bool env_only = false;   // a secret read by its owner from `env`; the table assigns nothing and rejects a file key
  std::string env_only_hint;  // added to the rejection of a file key ("or point server.kms_root_key_file at ...")
  /// Parses `text` and stores it in the bound field; false (and nothing stored) when the text is rejected.
  std::function<bool(std::string_view text)> assign;
  /// Parses `text` without storing it.
  std::function<bool(std::string_view text)> check;

  /// "server.listen".
  std::string key() const { return section + "." + name; }
};

/// Where load() looks, besides the defaults already in the bound fields.
struct Sources {
  const Document* file = nullptr;  // the --config file; nullptr: none
  /// The value of an environment variable; nullopt when unset. load() treats an empty value as unset.
  std::function<std::optional<std::string>(const std::string& name)> env;
  /// Setting key ("server.listen") → the text of its flag, for the flags given on the command line.
  std::map<std::string, std::string> flags;
};

/// Reads the process environment (std::getenv), treating empty values as unset.
std::optional<std::string> process_env(const std::string& name);

/// An ordered set of sections and their settings. Settings are bound to fields that must outlive the table.
/// Not thread-safe; build it, then use it from one thread.
class Table {
 public:
  /// Declares section `name` ("server"). Its variables start with `env_prefix` ("PODBUCKET_", "PODBUCKET_AGENT_");
  /// `description` heads its part of the docs.
  void add_section(std::string name, std::string env_prefix, std::string description);

  /// Adds `name` to declared section `section`, bound to `*field`: flag "--NAME" (underscores as dashes),
  /// variable ENV_PREFIX + NAME in capitals, default = `*field` as it is now, in `kind`'s syntax.
  template <class M, class V>
  Setting& add(std::string_view section, std::string_view name, M* field, Kind<V> kind, std::string description);

  /// A secret read only from the environment variable `env` (by its owner, not by load()). The file key
  /// `section.name` is rejected; it has no flag.
  Setting& add_env_only(std::string_view section, std::string_view name, std::string env, std::string description);

  /// A PODBUCKET_* variable that is not a setting but is known (PODBUCKET_CONFIG): never warned about.
  void add_known_env(std::string name) { known_env_.push_back(std::move(name)); }

  const std::deque<Setting>& settings() const { return settings_; }
  /// The setting `section.name`, or nullptr.
  const Setting* find(std::string_view section, std::string_view name) const;

  /// Every problem of `doc`, in file order: its own issues (syntax, shape, duplicates) and, against this table,
  /// unknown sections and keys (with a suggestion), secrets in the file, keys without a value, values of the wrong
  /// shape or syntax. An unknown section is one problem, whatever is inside it.
  std::vector<Issue> check(const Document& doc) const;

  /// Assigns every setting (env-only ones excepted) from the first source that has it: a flag in
  /// `sources.flags`, then the variable, then the file; a setting found nowhere keeps its field's value (the
  /// default). Returns every rejected value (where = the flag, the variable or the key); fields with a rejected
  /// value keep their defaults. Does not check the file's unknown keys (see check()).
  std::vector<Issue> load(const Sources& sources) const;

  /// Warnings for the PODBUCKET_* names in `env_names` that are neither a setting's variable nor known, but look
  /// like one: they start with a section's own prefix (PODBUCKET_AGENT_...) or are at most two edits away from a
  /// setting's variable. Each names the nearest variable when there is one.
  std::vector<std::string> env_warnings(const std::vector<std::string>& env_names) const;

  /// The docs: one markdown table per section (Key, Flag, Variable, Type, Default, Description).
  std::string markdown() const;

 private:
  struct SectionInfo {
    std::string name, env_prefix, description;
  };
  Setting& new_setting(std::string_view section, std::string_view name);
  std::optional<Issue> check_entry(const Setting& s, const Entry& e) const;

  std::vector<SectionInfo> sections_;
  std::deque<Setting> settings_;  // a deque: references handed out by add() stay valid
  std::vector<std::string> known_env_;
};

template <class M, class V>
Setting& Table::add(std::string_view section, std::string_view name, M* field, Kind<V> kind,
                    std::string description) {
  Setting& s = new_setting(section, name);
  s.type = kind.type;
  s.expectation = kind.expectation;
  s.description = std::move(description);
  s.is_list = kind.is_list;
  s.is_switch = std::is_same_v<V, bool>;
  s.default_text = kind.format(static_cast<V>(*field));
  s.check = [parse = kind.parse](std::string_view text) { return parse(text).has_value(); };
  s.assign = [parse = kind.parse, field](std::string_view text) {
    auto value = parse(text);
    if (!value) return false;
    *field = static_cast<M>(*value);
    return true;
  };
  return s;
}

}  // namespace podbucket::config
