#include "wire/query.h"

#include "core/encoding.h"

namespace podbucket::wire {

QueryParams QueryParams::parse(std::string_view raw, bool form) {
  QueryParams q;
  while (!raw.empty()) {
    size_t amp = raw.find('&');
    std::string_view part = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view{} : raw.substr(amp + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::string_view name = part.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1);
    auto dn = core::percent_decode(name, form);
    auto dv = core::percent_decode(value, form);
    q.entries_.emplace_back(dn ? *dn : std::string(name), dv ? *dv : std::string(value));
  }
  return q;
}

bool QueryParams::has(std::string_view name) const { return get(name).has_value(); }

std::optional<std::string_view> QueryParams::get(std::string_view name) const {
  for (const auto& [k, v] : entries_)
    if (k == name) return std::string_view(v);
  return std::nullopt;
}

}  // namespace podbucket::wire
