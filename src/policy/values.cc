// Numbers, dates and IP blocks for the Numeric*, Date* and IpAddress condition operators.
#include "policy/values.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace podbucket::policy::detail {

std::optional<double> parse_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text.front() == '+') text.remove_prefix(1);
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

namespace {

// Reads exactly `n` digits at `pos`.
bool digits(std::string_view s, size_t& pos, size_t n, int64_t& out) {
  if (pos + n > s.size()) return false;
  int64_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += n;
  out = v;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::optional<int64_t> parse_date_ms(std::string_view s) {
  if (all_digits(s)) {
    if (s.size() > 15) return std::nullopt;  // keeps the milliseconds within int64
    int64_t secs = 0;
    for (char c : s) secs = secs * 10 + (c - '0');
    return secs * 1000;
  }
  size_t pos = 0;
  int64_t year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0, millis = 0, offset_min = 0;
  if (!digits(s, pos, 4, year)) return std::nullopt;
  if (pos < s.size() && s[pos] == '-') {
    ++pos;
    if (!digits(s, pos, 2, month)) return std::nullopt;
    if (pos < s.size() && s[pos] == '-') {
      ++pos;
      if (!digits(s, pos, 2, day)) return std::nullopt;
    }
  }
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == 't')) {
    ++pos;
    if (!digits(s, pos, 2, hour)) return std::nullopt;
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      if (!digits(s, pos, 2, minute)) return std::nullopt;
      if (pos < s.size() && s[pos] == ':') {
        ++pos;
        if (!digits(s, pos, 2, second)) return std::nullopt;
        if (pos < s.size() && s[pos] == '.') {
          ++pos;
          size_t start = pos;
          int64_t frac = 0;
          int n = 0;
          while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            if (n < 3) frac = frac * 10 + (s[pos] - '0');
            ++n;
            ++pos;
          }
          if (pos == start || n > 9) return std::nullopt;
          for (; n < 3; ++n) frac *= 10;
          millis = frac;
        }
      }
    }
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
      ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
      int sign = s[pos] == '-' ? -1 : 1;
      ++pos;
      int64_t oh = 0, om = 0;
      if (!digits(s, pos, 2, oh)) return std::nullopt;
      if (pos < s.size() && s[pos] == ':') ++pos;
      if (pos < s.size() && !digits(s, pos, 2, om)) return std::nullopt;
      if (oh > 23 || om > 59) return std::nullopt;
      offset_min = sign * (oh * 60 + om);
    }
  }
  if (pos != s.size()) return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    return std::nullopt;
  }
  int64_t days = days_from_civil(year, month, day);
  int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_min * 60;
  return secs * 1000 + millis;
}

bool valid_policy_date(std::string_view text) {
  // Whole numbers are epoch seconds up to 2^63-1; anything else must be an ISO 8601 date.
  if (all_digits(text)) return text.size() < 19 || (text.size() == 19 && text <= "9223372036854775807");
  return parse_date_ms(text).has_value();
}

namespace {

bool parse_address(std::string_view text, std::array<uint8_t, 16>& out, bool& v6) {
  char buf[64];
  if (text.empty() || text.size() >= sizeof(buf)) return false;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  out.fill(0);
  if (text.find(':') == std::string_view::npos) {
    v6 = false;
    return inet_pton(AF_INET, buf, out.data()) == 1;
  }
  v6 = true;
  if (inet_pton(AF_INET6, buf, out.data()) != 1) return false;
  // IPv4-mapped (::ffff:a.b.c.d) is the IPv4 address.
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(out.data(), kMapped, 12) == 0) {
    std::memmove(out.data(), out.data() + 12, 4);
    std::memset(out.data() + 4, 0, 12);
    v6 = false;
  }
  return true;
}

}  // namespace

std::optional<IpBlock> parse_cidr(std::string_view text) {
  IpBlock block;
  size_t slash = text.find('/');
  if (!parse_address(text.substr(0, slash), block.bytes, block.v6)) return std::nullopt;
  int max = block.v6 ? 128 : 32;
  block.prefix = max;
  if (slash != std::string_view::npos) {
    std::string_view bits = text.substr(slash + 1);
    if (!all_digits(bits) || bits.size() > 3) return std::nullopt;
    int n = 0;
    for (char c : bits) n = n * 10 + (c - '0');
    if (n > max) return std::nullopt;
    block.prefix = n;
  }
  return block;
}

bool ip_in_block(std::string_view ip, const IpBlock& block) {
  std::array<uint8_t, 16> addr;
  bool v6 = false;
  if (!parse_address(ip, addr, v6) || v6 != block.v6) return false;
  int bits = block.prefix;
  for (size_t i = 0; bits > 0; ++i, bits -= 8) {
    uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((addr[i] & mask) != (block.bytes[i] & mask)) return false;
  }
  return true;
}

}  // namespace podbucket::policy::detail
