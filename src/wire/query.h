#pragma once
// Query strings and form bodies, decoded.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace podbucket::wire {

/// One `name=value` piece of a raw query string, still percent-encoded. `has_value` is false for a bare `name`.
struct RawQueryPair {
  std::string_view raw_name;
  std::string_view raw_value;
  bool has_value = false;
};

/// Splits a raw query string (or form body) on '&', skipping empty pieces. The views point into `raw`.
/// The one splitter used by query decoding and by SigV4/SigV2 canonicalization.
std::vector<RawQueryPair> split_raw_query(std::string_view raw);

/// Decoded `name=value` pairs in order. A name without '=' has an empty value and `has()` is true.
class QueryParams {
 public:
  /// Parses a raw query or form body (percent-decoding; '+' as space when `form` is true). Malformed escapes
  /// are kept literally rather than rejected.
  static QueryParams parse(std::string_view raw, bool form = false);
  bool has(std::string_view name) const;
  std::optional<std::string_view> get(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

}  // namespace podbucket::wire
