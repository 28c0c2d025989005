#pragma once
// The lifecycle configuration model: parsing with S3's validation, rendering, and which objects a rule's filter
// selects. Pure. Sources: S3 API reference PutBucketLifecycleConfiguration / LifecycleRule / LifecycleRuleFilter;
// S3 user guide "Lifecycle configuration elements" and "Examples of S3 Lifecycle configurations".
//
// A configuration is "Lifecycle V2" when its first rule has a <Filter>; then no rule may use the rule-level
// <Prefix> (V1) form, and a V1 configuration may not use <Filter> or NewerNoncurrentVersions, as S3 enforces.
// Transition actions are refused (NotImplemented): podbucket has one storage class.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/random.h"
#include "core/result.h"

namespace podbucket::s3::lifecycle {

/// Which objects a rule applies to. All present conditions must hold. `form` remembers how it was written so that
/// GetBucketLifecycleConfiguration answers the same shape.
struct Filter {
  enum class Form { kRulePrefix, kEmpty, kPrefix, kTag, kSizeGreaterThan, kSizeLessThan, kAnd };
  Form form = Form::kEmpty;
  bool has_prefix = false;  // kAnd: a Prefix element was given
  std::string prefix;
  std::vector<std::pair<std::string, std::string>> tags;
  std::optional<uint64_t> size_greater_than;  // bytes, exclusive
  std::optional<uint64_t> size_less_than;     // bytes, exclusive

  /// Whether an object version with this key, tag set and size (bytes) is selected.
  bool matches(std::string_view key, const std::map<std::string, std::string>& tags, uint64_t size) const;
  bool uses_tags() const { return !tags.empty(); }
  bool uses_size() const { return size_greater_than.has_value() || size_less_than.has_value(); }
};

/// Expiration of current versions: after `days` lifecycle days, on `date`, and/or removal of expired object
/// delete markers.
struct Expiration {
  std::optional<int64_t> days;
  std::optional<int64_t> date_ms;  // Unix ms, midnight UTC
  std::optional<bool> expired_object_delete_marker;
};

/// Removal of noncurrent versions `noncurrent_days` after they became noncurrent, keeping the newest
/// `newer_noncurrent_versions` noncurrent versions when set.
struct NoncurrentExpiration {
  int64_t noncurrent_days = 0;
  std::optional<int64_t> newer_noncurrent_versions;
};

struct Rule {
  std::string id;
  Filter filter;
  bool enabled = true;
  std::optional<Expiration> expiration;
  std::optional<NoncurrentExpiration> noncurrent_expiration;
  std::optional<int64_t> abort_after_days;  // AbortIncompleteMultipartUpload DaysAfterInitiation
};

struct Configuration {
  std::vector<Rule> rules;
};

/// The bucket configuration kind (store::Metadata::put_bucket_config) holding the rendered configuration.
inline constexpr std::string_view kConfigKind = "lifecycle";
inline constexpr size_t kMaxRules = 1000;
inline constexpr size_t kMaxIdChars = 255;

/// Parses and validates a <LifecycleConfiguration> document. Rules without an ID get a random one from `random`
/// (as S3 assigns). Errors, with S3's messages:
///  - MalformedXML: not well-formed; a rule without Status or with one other than Enabled/Disabled; neither Filter
///    nor Prefix; a Filter with more than one condition; a Tag without Key/Value or with an empty Key; an
///    Expiration with none or several of Days, Date and ExpiredObjectDeleteMarker; a NoncurrentVersionExpiration
///    without NoncurrentDays; an AbortIncompleteMultipartUpload without DaysAfterInitiation; numbers that are not
///    integers; a Date that is not ISO 8601.
///  - InvalidArgument: ID longer than 255 or not unique; Days / NoncurrentDays / DaysAfterInitiation /
///    NewerNoncurrentVersions not positive; Date not at midnight GMT.
///  - InvalidRequest: no rules or more than 1000; a rule without an action; mixing V1 and V2 forms; overlapping
///    prefixes for the same action in V1; duplicate tag keys; a size range that is empty or out of bounds;
///    ExpiredObjectDeleteMarker or AbortIncompleteMultipartUpload with a tag or size filter.
///  - NotImplemented: Transition / NoncurrentVersionTransition.
core::Result<Configuration> parse_configuration(std::string_view xml, core::Random& random);

/// The GetBucketLifecycleConfiguration document (pure). Element order: ID, Filter (or Prefix), Status,
/// Expiration, NoncurrentVersionExpiration, AbortIncompleteMultipartUpload; Date as "YYYY-MM-DDT00:00:00.000Z".
std::string render_configuration(const Configuration& config);

}  // namespace podbucket::s3::lifecycle
