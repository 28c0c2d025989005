#include "config/kinds.h"

#include <array>
#include <charconv>
#include <cmath>

namespace podbucket::config {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
  return out;
}

template <class N>
std::optional<N> whole_number(std::string_view text) {
  N value{};
  if (text.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string format_double(double v) {
  std::array<char, 32> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return std::string(buf.data(), end);
}

struct Suffix {
  std::string_view name;
  unsigned shift;
};
constexpr std::array<Suffix, 4> kSuffixes{{{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}}};

std::string format_bytes(uint64_t v) {
  for (const auto& s : kSuffixes) {
    if (v != 0 && v % (uint64_t{1} << s.shift) == 0) return std::to_string(v >> s.shift) + std::string(s.name);
  }
  return std::to_string(v);
}

}  // namespace

std::optional<std::pair<std::string, uint16_t>> parse_host_port(std::string_view listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == listen.size()) return std::nullopt;
  std::string_view host = listen.substr(0, colon), port_text = listen.substr(colon + 1);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return std::nullopt;
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return std::nullopt;  // a bare IPv6 address is ambiguous: require brackets
  }
  auto port = whole_number<unsigned>(port_text);
  if (!port || *port > 65535) return std::nullopt;
  return std::make_pair(std::string(host), uint16_t(*port));
}

Kind<std::string> text(std::string type) {
  return {std::move(type), "text", [](std::string_view t) { return std::optional<std::string>(t); },
          [](const std::string& v) { return v; }};
}

Kind<std::string> non_empty_text(std::string type) {
  return checked_text(std::move(type), "a non-empty value", [](std::string_view t) { return !t.empty(); });
}

Kind<std::string> checked_text(std::string type, std::string expectation, std::function<bool(std::string_view)> valid) {
  return {std::move(type), std::move(expectation),
          [valid = std::move(valid)](std::string_view t) -> std::optional<std::string> {
            if (!valid(t)) return std::nullopt;
            return std::string(t);
          },
          [](const std::string& v) { return v; }};
}

Kind<std::string> host_port() {
  return checked_text("HOST:PORT", "HOST:PORT", [](std::string_view t) { return parse_host_port(t).has_value(); });
}

Kind<std::string> host_port_or_off() {
  return checked_text("HOST:PORT or off", "HOST:PORT or off",
                      [](std::string_view t) { return t == "off" || parse_host_port(t).has_value(); });
}

Kind<std::string> one_of(std::initializer_list<std::string_view> words) {
  std::vector<std::string> list(words.begin(), words.end());
  std::string joined;
  for (const auto& w : list) joined += (joined.empty() ? "" : ", ") + w;
  return checked_text("one of " + joined, "one of " + joined, [list](std::string_view t) {
    for (const auto& w : list)
      if (w == t) return true;
    return false;
  });
}

Kind<bool> boolean() {
  return {"boolean", "true or false",
          [](std::string_view t) -> std::optional<bool> {
            std::string l = lower(t);
            if (l == "true" || l == "1") return true;
            if (l == "false" || l == "0") return false;
            return std::nullopt;
          },
          [](const bool& v) { return std::string(v ? "true" : "false"); }};
}

Kind<int64_t> integer(int64_t min, int64_t max) {
  return {"integer, " + std::to_string(min) + " to " + std::to_string(max),
          "an integer from " + std::to_string(min) + " to " + std::to_string(max),
          [min, max](std::string_view t) -> std::optional<int64_t> {
            auto v = whole_number<int64_t>(t);
            if (!v || *v < min || *v > max) return std::nullopt;
            return v;
          },
          [](const int64_t& v) { return std::to_string(v); }};
}

Kind<double> number(double min, double max) {
  return {"number, " + format_double(min) + " to " + format_double(max),
          "a number from " + format_double(min) + " to " + format_double(max),
          [min, max](std::string_view t) -> std::optional<double> {
            // from_chars would also take "inf", "nan" and exponents; only plain decimals are accepted.
            if (t.empty() || t.find_first_not_of("0123456789.") != std::string_view::npos) return std::nullopt;
            auto v = whole_number<double>(t);
            if (!v || !std::isfinite(*v) || *v < min || *v > max) return std::nullopt;
            return v;
          },
          format_double};
}

Kind<double> seconds(double min, double max) {
  Kind<double> k = number(min, max);
  k.type = "seconds, " + format_double(min) + " to " + format_double(max);
  k.expectation = "a number of seconds from " + format_double(min) + " to " + format_double(max);
  return k;
}

Kind<uint64_t> bytes(uint64_t min, uint64_t max) {
  return {"bytes, " + format_bytes(min) + " to " + format_bytes(max), "a size from " + format_bytes(min) + " to " + format_bytes(max) + " (bytes, or e.g. 100MiB)",
          [min, max](std::string_view t) -> std::optional<uint64_t> {
            unsigned shift = 0;
            for (const auto& s : kSuffixes) {
              if (t.size() > s.name.size() && t.ends_with(s.name)) {
                shift = s.shift;
                t.remove_suffix(s.name.size());
                break;
              }
            }
            if (t.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
            auto v = whole_number<uint64_t>(t);
            if (!v || (shift > 0 && *v > (UINT64_MAX >> shift))) return std::nullopt;
            uint64_t total = *v << shift;
            if (total < min || total > max) return std::nullopt;
            return total;
          },
          format_bytes};
}

Kind<std::vector<std::string>> list_of(Kind<std::string> item) {
  Kind<std::vector<std::string>> k;
  k.type = "list of " + item.type;
  k.expectation = "a comma-separated list of " + item.expectation;
  k.is_list = true;
  k.parse = [parse = item.parse](std::string_view t) -> std::optional<std::vector<std::string>> {
    std::vector<std::string> out;
    while (!t.empty()) {
      auto comma = t.find(',');
      std::string_view piece = t.substr(0, comma);
      while (!piece.empty() && piece.front() == ' ') piece.remove_prefix(1);
      while (!piece.empty() && piece.back() == ' ') piece.remove_suffix(1);
      auto v = parse(piece);
      if (!v) return std::nullopt;
      out.push_back(std::move(*v));
      if (comma == std::string_view::npos) break;
      t.remove_prefix(comma + 1);
    }
    return out;
  };
  k.format = join_list;
  return k;
}

std::string join_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ',';
    out += item;
  }
  return out;
}

}  // namespace podbucket::config
