#pragma once
// The command-line side of a settings table: one CLI11 option per setting that has a flag. CLI11 only collects
// the text; Table::load parses it, so that flags, variables and the file share one syntax and one precedence.
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "config/table.h"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace podbucket::config {

/// The flags of one command. Must outlive the parse (CLI11 writes into it). Not thread-safe.
class Flags {
 public:
  /// Adds an option to `cmd` for every setting of `table` with a flag: a value option (`--listen TEXT`), a
  /// switch for booleans (`--seed-exact`, also `--seed-exact=false`), a repeatable comma-separated option for
  /// lists. --help shows the default and the variable. `table` must outlive this object.
  void add_to(CLI::App* cmd, const Table& table);

  /// After parsing: setting key ("server.listen") → the flag's text, for the flags given on the command line
  /// (a list's values joined with commas, a switch as "true" or "false"). Feed it to Sources::flags.
  std::map<std::string, std::string> given() const;

 private:
  struct Slot {
    const Setting* setting = nullptr;
    CLI::Option* option = nullptr;
    std::string text;
    std::vector<std::string> items;
    bool on = false;
  };
  std::deque<Slot> slots_;  // a deque: CLI11 keeps pointers into the slots
};

}  // namespace podbucket::config
