#pragma once
// The parameters of one IAM query request (form body or query string), with IAM's parameter validation:
// required members, names, paths, list members ("X.member.N"), tags and paging.
// https://docs.aws.amazon.com/IAM/latest/APIReference/CommonParameters.html
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "iam/directory.h"
#include "wire/query.h"

namespace podbucket::iam {

class Params {
 public:
  explicit Params(wire::QueryParams params) : params_(std::move(params)) {}

  /// The value, or nullopt when absent.
  std::optional<std::string_view> get(std::string_view name) const { return params_.get(name); }
  /// The value; ValidationError "1 validation error detected: Value null at 'name' failed to satisfy
  /// constraint: Member must not be null" when absent.
  core::Result<std::string> required(std::string_view name) const;
  /// "X.member.1", "X.member.2", ... until the first gap.
  std::vector<std::string> members(std::string_view name) const;
  /// Tags.member.N.Key / .Value. ValidationError for a key outside 1..128 or a value over 256 characters.
  core::Result<std::vector<Tag>> tags(std::string_view name = "Tags") const;
  /// An entity name parameter checked against IAM's pattern [\w+=,.@-]+ and 1..max_len characters.
  /// ValidationError otherwise (also when absent and required).
  core::Result<std::string> name(std::string_view param, size_t max_len, bool required = true) const;
  /// A Path / PathPrefix parameter: "/" or "/.../" of printable ASCII, at most 512. Default "/".
  core::Result<std::string> path(std::string_view param = "Path") const;
  /// A boolean parameter ("true"/"false"); ValidationError for another value.
  core::Result<std::optional<bool>> boolean(std::string_view param) const;
  /// An integer parameter within [lo, hi]; ValidationError otherwise.
  core::Result<std::optional<int>> integer(std::string_view param, int lo, int hi) const;

 private:
  wire::QueryParams params_;
};

/// One page of a listing sorted by `keys` (ascending). Marker is opaque to clients (base64 of the next key).
struct Page {
  size_t begin = 0;
  size_t end = 0;
  bool truncated = false;
  std::string next_marker;  // set when truncated
};

/// Applies Marker and MaxItems (1..1000, default 100) to a listing whose items have the ascending `keys`.
/// ValidationError for a bad MaxItems.
core::Result<Page> page_of(const Params& params, const std::vector<std::string>& keys);

/// The ValidationError IAM answers for a parameter that breaks a constraint.
core::AwsError validation_error(std::string_view value, std::string_view param, std::string_view constraint);

}  // namespace podbucket::iam
