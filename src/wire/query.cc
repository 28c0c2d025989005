#include "wire/query.h"

#include "core/encoding.h"

namespace podbucket::wire {

std::vector<RawQueryPair> split_raw_query(std::string_view raw) {
  std::vector<RawQueryPair> out;
  size_t start = 0;
  while (start <= raw.size()) {
    size_t end = raw.find('&', start);
    if (end == std::string_view::npos) end = raw.size();
    std::string_view part = raw.substr(start, end - start);
    start = end + 1;
    if (part.empty()) continue;
    size_t eq = part.find('=');
    out.push_back({part.substr(0, eq), eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1),
                   eq != std::string_view::npos});
  }
  return out;
}

QueryParams QueryParams::parse(std::string_view raw, bool form) {
  QueryParams q;
  for (const auto& p : split_raw_query(raw)) {
    auto dn = core::percent_decode(p.raw_name, form);
    auto dv = core::percent_decode(p.raw_value, form);
    q.entries_.emplace_back(dn ? *dn : std::string(p.raw_name), dv ? *dv : std::string(p.raw_value));
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
