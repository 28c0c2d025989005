#pragma once
// STS request parameters: reading the awsQuery form (scalars and `.member.N` lists) and checking each value
// against the constraints of the STS model (botocore sts/2011-06-15), with the ValidationError messages STS
// gives: "1 validation error detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must
// satisfy regular expression pattern: [\w+=,.@-]*".
// https://docs.aws.amazon.com/STS/latest/APIReference/CommonParameters.html
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "iam/directory.h"
#include "wire/query.h"

namespace podbucket::sts {

/// A decoded awsQuery request.
class Form {
 public:
  explicit Form(wire::QueryParams params) : params_(std::move(params)) {}
  /// The value of a scalar parameter, or nullopt when absent.
  std::optional<std::string> get(std::string_view name) const;
  /// The values of `PREFIX.member.N[SUFFIX]` for N = 1, 2, ..., in N order (gaps skipped); `suffix` is e.g.
  /// ".Key" or ".arn", or empty for a list of scalars.
  std::vector<std::string> list(std::string_view prefix, std::string_view suffix = {}) const;
  /// The tags of `PREFIX.member.N.Key` / `.Value` (a missing Value is empty), in N order.
  std::vector<iam::Tag> tags(std::string_view prefix) const;
  /// The largest N any `PREFIX.member.N...` parameter uses (0 if none), to enforce list limits.
  size_t list_size(std::string_view prefix) const;

 private:
  wire::QueryParams params_;
};

/// ValidationError "1 validation error detected: Value 'VALUE' at 'FIELD' failed to satisfy constraint: Member
/// must CONSTRAINT". A missing value reads "Value null at ...".
core::AwsError validation_error(std::optional<std::string_view> value, std::string_view field,
                                std::string_view constraint);

/// The length of `text` in characters (UTF-8 code points), as the STS model counts lengths.
size_t char_length(std::string_view text);

/// Checks a required string: present, length in [min, max]. `field` is the camelCase name ("roleArn").
core::Result<void> check_length(const std::optional<std::string>& value, std::string_view field, size_t min,
                                size_t max, bool required);

/// True if every character is in [A-Za-z0-9_] or `extra`.
bool word_chars(std::string_view text, std::string_view extra);

/// RoleSessionName: required, 2..64, [\w+=,.@-]*.
core::Result<void> check_session_name(const std::optional<std::string>& value);
/// RoleArn: required, 20..2048.
core::Result<void> check_role_arn(const std::optional<std::string>& value);
/// ExternalId: optional, 2..1224, [\w+=,.@:\/-]*.
core::Result<void> check_external_id(const std::optional<std::string>& value);
/// SourceIdentity: optional, 2..64, [\w+=,.@-]*, not starting with "aws:" (ValidationError).
core::Result<void> check_source_identity(const std::optional<std::string>& value);

/// DurationSeconds: absent → `fallback`; else an integer in [min, max] (ValidationError otherwise).
core::Result<std::chrono::seconds> parse_duration(const std::optional<std::string>& value, int64_t min, int64_t max,
                                                  int64_t fallback);

/// Session tags: at most 50; key 1..128 and value 0..256 characters of letters, digits, white space and
/// _.:/=+-@; keys unique ignoring case ("Duplicate tag keys found. Please note that Tag keys are case
/// insensitive."); no key starting with "aws:".
core::Result<void> check_tags(const std::vector<iam::Tag>& tags, size_t count);
/// TransitiveTagKeys: at most 50, each a valid tag key that is also one of `tags` (ignoring case).
core::Result<void> check_transitive_keys(const std::vector<std::string>& keys, size_t count,
                                         const std::vector<iam::Tag>& tags);

/// The inline session policy (Policy=): 1..2048 characters of TAB, LF, CR, U+0020..U+00FF (ValidationError).
/// Parsing it is the caller's (MalformedPolicyDocument).
core::Result<void> check_policy_text(const std::optional<std::string>& value);

/// The packed size of session policies and tags as a percentage of STS's limit (PackedPolicySize). podbucket
/// models the packed form as: policy characters (whitespace outside strings not counted) and policy ARNs at 40%,
/// each tag as key + value + 2 bytes, against a 2048-byte limit.
int packed_policy_percent(std::string_view policy, const std::vector<std::string>& policy_arns,
                          const std::vector<iam::Tag>& tags);

}  // namespace podbucket::sts
