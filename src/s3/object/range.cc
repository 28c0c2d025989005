#include "s3/object/range.h"

#include <charconv>

#include "core/encoding.h"

namespace podbucket::s3::object {
namespace {

std::optional<uint64_t> parse_u64(std::string_view s) {
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

ResolvedRange resolve_range(std::optional<std::string_view> header, uint64_t size) {
  ResolvedRange whole;
  if (!header) return whole;
  std::string_view h = core::trim(*header);
  constexpr std::string_view kUnit = "bytes=";
  if (h.size() < kUnit.size() || !core::iequals(h.substr(0, kUnit.size()), kUnit)) return whole;
  h = core::trim(h.substr(kUnit.size()));
  if (h.find(',') != std::string_view::npos) return whole;
  auto dash = h.find('-');
  if (dash == std::string_view::npos) return whole;
  std::string_view a = core::trim(h.substr(0, dash));
  std::string_view b = core::trim(h.substr(dash + 1));

  ResolvedRange unsatisfiable{RangeKind::kUnsatisfiable, 0, 0};
  if (a.empty()) {  // suffix: the last n bytes
    auto n = parse_u64(b);
    if (!n) return whole;
    if (*n == 0 || size == 0) return unsatisfiable;
    uint64_t len = *n > size ? size : *n;
    return {RangeKind::kPartial, size - len, len};
  }
  auto first = parse_u64(a);
  if (!first) return whole;
  uint64_t last = 0;
  if (b.empty()) {
    last = UINT64_MAX;
  } else {
    auto l = parse_u64(b);
    if (!l) return whole;
    last = *l;
    if (last < *first) return whole;
  }
  if (*first >= size) return unsatisfiable;
  if (last >= size) last = size - 1;
  return {RangeKind::kPartial, *first, last - *first + 1};
}

}  // namespace podbucket::s3::object
