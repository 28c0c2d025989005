#include "config/flags.h"

#include <CLI/CLI.hpp>

namespace podbucket::config {

void Flags::add_to(CLI::App* cmd, const Table& table) {
  for (const auto& s : table.settings()) {
    if (s.flag.empty()) continue;
    Slot& slot = slots_.emplace_back();
    slot.setting = &s;
    std::string names = s.short_flag.empty() ? s.flag : s.short_flag + "," + s.flag;
    std::string help = s.description + (s.env.empty() ? "" : " (env " + s.env + ")");
    if (s.is_switch) {
      slot.option = cmd->add_flag(names, slot.on, help);
    } else if (s.is_list) {
      slot.option = cmd->add_option(names, slot.items, help)->delimiter(',');
    } else {
      slot.option = cmd->add_option(names, slot.text, help);
    }
    const std::string& shown_default = s.default_note.empty() ? s.default_text : s.default_note;
    if (!shown_default.empty() && !s.is_switch) slot.option->default_str(shown_default);
    if (s.hidden) slot.option->group("");
  }
}

std::map<std::string, std::string> Flags::given() const {
  std::map<std::string, std::string> out;
  for (const auto& slot : slots_) {
    if (slot.option->count() == 0) continue;
    std::string text = slot.text;
    if (slot.setting->is_switch) {
      text = slot.on ? "true" : "false";
    } else if (slot.setting->is_list) {
      text = join_list(slot.items);
    }
    out[slot.setting->key()] = text;
  }
  return out;
}

}  // namespace podbucket::config
