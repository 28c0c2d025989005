#include "s3/object/conditional.h"

#include "core/encoding.h"
#include "core/time_format.h"

namespace podbucket::s3::object {
namespace {

std::string_view unquote(std::string_view s) {
  s = core::trim(s);
  if (s.size() >= 2 && (s[0] == 'W' || s[0] == 'w') && s[1] == '/') s.remove_prefix(2);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

int64_t seconds(core::TimePoint t) { return core::to_unix_seconds(t); }

}  // namespace

bool etag_list_matches(std::string_view list, std::string_view etag) {
  std::string_view want = unquote(etag);
  while (!list.empty()) {
    auto comma = list.find(',');
    std::string_view item = core::trim(list.substr(0, comma));
    if (item == "*" || (!item.empty() && unquote(item) == want)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

Conditions read_conditions(const http::Headers& headers, std::string_view prefix) {
  auto name = [&](std::string_view n) { return std::string(prefix) + std::string(n); };
  Conditions c;
  if (auto v = headers.get(name("if-match"))) c.if_match = std::string(*v);
  if (auto v = headers.get(name("if-none-match"))) c.if_none_match = std::string(*v);
  if (auto v = headers.get(name("if-modified-since"))) c.if_modified_since = core::parse_http_date(core::trim(*v));
  if (auto v = headers.get(name("if-unmodified-since"))) {
    c.if_unmodified_since = core::parse_http_date(core::trim(*v));
  }
  return c;
}

ConditionResult evaluate_conditions(const Conditions& c, std::string_view etag, core::TimePoint last_modified) {
  using enum ConditionOutcome;
  if (c.if_match) {
    if (!etag_list_matches(*c.if_match, etag)) return {kPreconditionFailed, "If-Match"};
  } else if (c.if_unmodified_since && seconds(last_modified) > seconds(*c.if_unmodified_since)) {
    return {kPreconditionFailed, "If-Unmodified-Since"};
  }
  if (c.if_none_match) {
    if (etag_list_matches(*c.if_none_match, etag)) return {kNotModified, "If-None-Match"};
  } else if (c.if_modified_since && seconds(last_modified) <= seconds(*c.if_modified_since)) {
    return {kNotModified, "If-Modified-Since"};
  }
  return {};
}

}  // namespace podbucket::s3::object
