#include "core/time_format.h"

#include <cstdio>
#include <cstring>
#include <ctime>

namespace podbucket::core {
namespace {

std::tm to_tm(TimePoint t) {
  std::time_t s = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&s, &tm);
  return tm;
}

std::string strftime_utc(TimePoint t, const char* fmt) {
  std::tm tm = to_tm(t);
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, fmt, &tm);
  return std::string(buf, n);
}

std::optional<TimePoint> from_fields(int y, int mo, int d, int h, int mi, int s, int ms = 0) {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 || y < 1970) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  std::time_t secs = timegm(&tm);
  return std::chrono::system_clock::from_time_t(secs) + std::chrono::milliseconds(ms);
}

bool all_digits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return !s.empty();
}

int num(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

int month_index(std::string_view m) {
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 12; ++i)
    if (m == kMonths[i]) return i + 1;
  return 0;
}

}  // namespace

std::string format_amz_date(TimePoint t) { return strftime_utc(t, "%Y%m%dT%H%M%SZ"); }

std::string format_iso8601_ms(TimePoint t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
  if (ms < 0) ms += 1000;
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03dZ", int(ms));
  return strftime_utc(t, "%Y-%m-%dT%H:%M:%S") + frac;
}

std::string format_iso8601(TimePoint t) { return strftime_utc(t, "%Y-%m-%dT%H:%M:%SZ"); }

std::string format_http_date(TimePoint t) { return strftime_utc(t, "%a, %d %b %Y %H:%M:%S GMT"); }

std::optional<TimePoint> parse_amz_date(std::string_view s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
  if (!all_digits(s.substr(0, 8)) || !all_digits(s.substr(9, 6))) return std::nullopt;
  return from_fields(num(s.substr(0, 4)), num(s.substr(4, 2)), num(s.substr(6, 2)), num(s.substr(9, 2)),
                     num(s.substr(11, 2)), num(s.substr(13, 2)));
}

std::optional<TimePoint> parse_iso8601(std::string_view s) {
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':')
    return std::nullopt;
  if (!all_digits(s.substr(0, 4)) || !all_digits(s.substr(5, 2)) || !all_digits(s.substr(8, 2)) ||
      !all_digits(s.substr(11, 2)) || !all_digits(s.substr(14, 2)) || !all_digits(s.substr(17, 2)))
    return std::nullopt;
  std::string_view rest = s.substr(19);
  int ms = 0;
  if (!rest.empty() && rest[0] == '.') {
    size_t n = 1;
    while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') ++n;
    std::string_view frac = rest.substr(1, n - 1);
    if (frac.empty()) return std::nullopt;
    std::string f(frac.substr(0, 3));
    while (f.size() < 3) f += '0';
    ms = num(f);
    rest = rest.substr(n);
  }
  if (rest != "Z" && rest != "z" && rest != "+00:00") return std::nullopt;
  return from_fields(num(s.substr(0, 4)), num(s.substr(5, 2)), num(s.substr(8, 2)), num(s.substr(11, 2)),
                     num(s.substr(14, 2)), num(s.substr(17, 2)), ms);
}

std::optional<TimePoint> parse_http_date(std::string_view s) {
  char wd[16] = {}, mon[4] = {}, tz[8] = {};
  int d = 0, y = 0, h = 0, mi = 0, sec = 0;
  std::string str(s);
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
  if (std::sscanf(str.c_str(), "%15[A-Za-z], %d %3s %d %d:%d:%d %7s", wd, &d, mon, &y, &h, &mi, &sec, tz) == 8 &&
      std::strcmp(tz, "GMT") == 0 && y > 999)
    return from_fields(y, month_index(mon), d, h, mi, sec);
  // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
  if (std::sscanf(str.c_str(), "%15[A-Za-z], %d-%3s-%d %d:%d:%d %7s", wd, &d, mon, &y, &h, &mi, &sec, tz) == 8 &&
      std::strcmp(tz, "GMT") == 0)
    return from_fields(y < 100 ? (y < 70 ? 2000 + y : 1900 + y) : y, month_index(mon), d, h, mi, sec);
  // asctime: "Sun Nov  6 08:49:37 1994"
  if (std::sscanf(str.c_str(), "%15s %3s %d %d:%d:%d %d", wd, mon, &d, &h, &mi, &sec, &y) == 7)
    return from_fields(y, month_index(mon), d, h, mi, sec);
  return std::nullopt;
}

int64_t to_unix_seconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
TimePoint from_unix_seconds(int64_t s) { return TimePoint(std::chrono::seconds(s)); }
int64_t to_unix_millis(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
TimePoint from_unix_millis(int64_t ms) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::milliseconds(ms)));
}

}  // namespace podbucket::core
