#include "observe/audit_query.h"

#include <sys/stat.h>

#include <cctype>
#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>

#include "core/time_format.h"

namespace podbucket::observe {
namespace {

constexpr core::ErrorCode kTrailUnreadable{"AuditTrailUnreadable", 0};
constexpr int kMaxRotatedProbe = 100000;

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string string_at(const nlohmann::json& j, std::initializer_list<const char*> path) {
  const nlohmann::json* node = &j;
  for (const char* key : path) {
    if (!node->is_object()) return {};
    auto it = node->find(key);
    if (it == node->end()) return {};
    node = &*it;
  }
  return node->is_string() ? node->get<std::string>() : std::string();
}

bool principal_matches(const nlohmann::json& event, const std::string& want) {
  std::string arn = string_at(event, {"userIdentity", "arn"});
  std::string issuer = string_at(event, {"userIdentity", "sessionContext", "sessionIssuer", "arn"});
  if (want.starts_with("arn:")) return arn == want || issuer == want;
  for (const std::string& field :
       {arn, issuer, string_at(event, {"userIdentity", "principalId"}), string_at(event, {"userIdentity", "userName"}),
        string_at(event, {"userIdentity", "accessKeyId"})})
    if (!field.empty() && field.find(want) != std::string::npos) return true;
  return false;
}

}  // namespace

bool matches(const nlohmann::json& event, const AuditFilter& filter) {
  if (!event.is_object()) return false;
  if (!filter.principal.empty() && !principal_matches(event, filter.principal)) return false;
  if (!filter.event_name.empty() && string_at(event, {"eventName"}) != filter.event_name) return false;
  if (filter.error_only && string_at(event, {"errorCode"}).empty()) return false;
  if (filter.since || filter.until) {
    auto t = core::parse_iso8601(string_at(event, {"eventTime"}));
    if (!t) return false;
    if (filter.since && *t < *filter.since) return false;
    if (filter.until && *t > *filter.until) return false;
  }
  return true;
}

std::vector<std::string> trail_files(const std::string& path) {
  std::vector<std::string> rotated;
  for (int i = 1; i <= kMaxRotatedProbe; ++i) {
    std::string p = path + "." + std::to_string(i);
    if (!exists(p)) break;
    rotated.push_back(std::move(p));
  }
  std::vector<std::string> files(rotated.rbegin(), rotated.rend());
  if (exists(path)) files.push_back(path);
  return files;
}

core::Result<core::TimePoint> parse_time_arg(std::string_view text, core::TimePoint now) {
  auto bad = [&] {
    return core::AwsError(core::kInvalidArgument,
                          "invalid time \"" + std::string(text) +
                              "\": use ISO 8601 UTC (2026-11-29T12:00:00Z), a date (2026-11-29), or an age such as "
                              "30s, 15m, 2h, 1d, 1w");
  };
  if (text.empty()) return bad();
  if (std::isdigit(static_cast<unsigned char>(text.front())) && text.size() >= 2 &&
      std::isalpha(static_cast<unsigned char>(text.back()))) {
    int64_t n = 0;
    auto digits = text.substr(0, text.size() - 1);
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec == std::errc() && p == digits.data() + digits.size() && n > 0 && n < 100LL * 365 * 86400) {
      int64_t unit = 0;
      switch (text.back()) {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        case 'd': unit = 86400; break;
        case 'w': unit = 7 * 86400; break;
        default: return bad();
      }
      return now - std::chrono::seconds(n * unit);
    }
  }
  if (text.size() == 10) {
    if (auto t = core::parse_iso8601(std::string(text) + "T00:00:00Z")) return *t;
    return bad();
  }
  if (auto t = core::parse_iso8601(text)) return *t;
  return bad();
}

core::Result<QueryStats> query_trail(const std::string& path, const AuditFilter& filter, size_t limit,
                                     std::ostream& out, std::ostream& err) {
  std::vector<std::string> files = trail_files(path);
  if (files.empty()) return core::AwsError(kTrailUnreadable, "no audit trail at " + path);
  QueryStats stats;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      // Rotated away between listing and opening: the events moved to the next older file we already read, or
      // the oldest was deleted. Anything else is an error worth stopping for.
      if (!exists(file)) continue;
      return core::AwsError(kTrailUnreadable, "cannot read " + file);
    }
    std::string line;
    size_t number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (line.empty()) continue;
      auto event = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (!event.is_object()) {
        ++stats.unparseable;
        err << file << ":" << number << ": not a JSON event, skipped\n";
        continue;
      }
      if (!matches(event, filter)) continue;
      out << line << '\n';
      if (++stats.matched == limit && limit > 0) return stats;
    }
    if (in.bad()) return core::AwsError(kTrailUnreadable, "cannot read " + file);
  }
  return stats;
}

}  // namespace podbucket::observe
