#pragma once
// Query strings and form bodies, decoded.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace podbucket::wire {

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
