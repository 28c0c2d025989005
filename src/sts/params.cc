#include "sts/params.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "core/encoding.h"
#include "policy/policy.h"
#include "sts/errors.h"

namespace podbucket::sts {

namespace {

constexpr size_t kMaxTags = 50;
constexpr size_t kPackedLimit = 2048;

/// Parses "PREFIX.member.N<rest>" → N and rest; nullopt when `name` has another shape.
std::optional<std::pair<size_t, std::string_view>> member_index(std::string_view name, std::string_view prefix) {
  if (name.size() <= prefix.size() || name.substr(0, prefix.size()) != prefix) return std::nullopt;
  name.remove_prefix(prefix.size());
  constexpr std::string_view kMember = ".member.";
  if (name.substr(0, kMember.size()) != kMember) return std::nullopt;
  name.remove_prefix(kMember.size());
  size_t n = 0;
  auto [ptr, ec] = std::from_chars(name.data(), name.data() + name.size(), n);
  if (ec != std::errc() || n == 0 || ptr == name.data()) return std::nullopt;
  return std::make_pair(n, name.substr(size_t(ptr - name.data())));
}

/// The tag-key character class of the STS model, [\p{L}\p{Z}\p{N}_.:/=+\-@]: ASCII letters, digits, space and
/// the listed symbols; any non-ASCII character is taken as a letter (the text is valid UTF-8 by then).
bool tag_chars(std::string_view text) {
  if (!core::is_valid_utf8(text)) return false;
  return std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return c >= 0x80 || std::isalnum(c) || c == ' ' || std::string_view("_.:/=+-@").find(char(c)) != std::string_view::npos;
  });
}

std::string tag_field(size_t index, std::string_view part) {
  return "tags." + std::to_string(index) + ".member." + std::string(part);
}

}  // namespace

std::optional<std::string> Form::get(std::string_view name) const {
  auto v = params_.get(name);
  if (!v) return std::nullopt;
  return std::string(*v);
}

std::vector<std::string> Form::list(std::string_view prefix, std::string_view suffix) const {
  std::map<size_t, std::string> items;
  for (const auto& [name, value] : params_.entries()) {
    auto m = member_index(name, prefix);
    if (m && m->second == suffix) items[m->first] = value;
  }
  std::vector<std::string> out;
  for (auto& [n, v] : items) out.push_back(std::move(v));
  return out;
}

std::vector<iam::Tag> Form::tags(std::string_view prefix) const {
  std::map<size_t, iam::Tag> items;
  for (const auto& [name, value] : params_.entries()) {
    auto m = member_index(name, prefix);
    if (!m) continue;
    if (m->second == ".Key") items[m->first].key = value;
    if (m->second == ".Value") items[m->first].value = value;
  }
  std::vector<iam::Tag> out;
  for (auto& [n, t] : items) out.push_back(std::move(t));
  return out;
}

size_t Form::list_size(std::string_view prefix) const {
  size_t n = 0;
  for (const auto& [name, value] : params_.entries())
    if (auto m = member_index(name, prefix)) n = std::max(n, m->first);
  return n;
}

core::AwsError validation_error(std::optional<std::string_view> value, std::string_view field,
                                std::string_view constraint) {
  std::string m = "1 validation error detected: Value ";
  if (value) {
    m += '\'';
    m.append(value->data(), value->size());
    m += '\'';
  } else {
    m += "null";
  }
  m += " at '";
  m.append(field.data(), field.size());
  m += "' failed to satisfy constraint: Member must ";
  m.append(constraint.data(), constraint.size());
  return core::AwsError(kValidationError, std::move(m));
}

size_t char_length(std::string_view text) {
  return size_t(std::count_if(text.begin(), text.end(), [](unsigned char c) { return (c & 0xC0) != 0x80; }));
}

core::Result<void> check_length(const std::optional<std::string>& value, std::string_view field, size_t min,
                                size_t max, bool required) {
  if (!value) {
    if (required) return validation_error(std::nullopt, field, "not be null");
    return {};
  }
  size_t n = char_length(*value);
  if (n < min) return validation_error(*value, field, "have length greater than or equal to " + std::to_string(min));
  if (n > max) return validation_error(*value, field, "have length less than or equal to " + std::to_string(max));
  return {};
}

bool word_chars(std::string_view text, std::string_view extra) {
  return std::all_of(text.begin(), text.end(), [&](unsigned char c) {
    return std::isalnum(c) || c == '_' || extra.find(char(c)) != std::string_view::npos;
  });
}

core::Result<void> check_session_name(const std::optional<std::string>& value) {
  if (auto r = check_length(value, "roleSessionName", 2, 64, true); !r) return r;
  if (!word_chars(*value, "+=,.@-"))
    return validation_error(*value, "roleSessionName", "satisfy regular expression pattern: [\\w+=,.@-]*");
  return {};
}

core::Result<void> check_role_arn(const std::optional<std::string>& value) {
  return check_length(value, "roleArn", 20, 2048, true);
}

core::Result<void> check_external_id(const std::optional<std::string>& value) {
  if (auto r = check_length(value, "externalId", 2, 1224, false); !r) return r;
  if (value && !word_chars(*value, "+=,.@:/-"))
    return validation_error(*value, "externalId", "satisfy regular expression pattern: [\\w+=,.@:\\/-]*");
  return {};
}

core::Result<void> check_source_identity(const std::optional<std::string>& value) {
  if (auto r = check_length(value, "sourceIdentity", 2, 64, false); !r) return r;
  if (!value) return {};
  if (!word_chars(*value, "+=,.@-"))
    return validation_error(*value, "sourceIdentity", "satisfy regular expression pattern: [\\w+=,.@-]*");
  if (core::to_lower(value->substr(0, 4)) == "aws:")
    return core::AwsError(kValidationError, "SourceIdentity cannot begin with the prefix 'aws:'.");
  return {};
}

core::Result<std::chrono::seconds> parse_duration(const std::optional<std::string>& value, int64_t min, int64_t max,
                                                  int64_t fallback) {
  if (!value) return std::chrono::seconds(fallback);
  int64_t n = 0;
  auto [ptr, ec] = std::from_chars(value->data(), value->data() + value->size(), n);
  if (ec != std::errc() || ptr != value->data() + value->size())
    return core::AwsError(kValidationError, "Value '" + *value + "' for parameter DurationSeconds is invalid. "
                                            "It must be an integer.");
  if (n < min)
    return validation_error(*value, "durationSeconds", "have value greater than or equal to " + std::to_string(min));
  if (n > max)
    return validation_error(*value, "durationSeconds", "have value less than or equal to " + std::to_string(max));
  return std::chrono::seconds(n);
}

core::Result<void> check_tags(const std::vector<iam::Tag>& tags, size_t count) {
  if (count > kMaxTags || tags.size() > kMaxTags)
    return validation_error("[...]", "tags", "have length less than or equal to 50");
  for (size_t i = 0; i < tags.size(); ++i) {
    const auto& t = tags[i];
    std::optional<std::string> key = t.key;
    if (auto r = check_length(key, tag_field(i + 1, "key"), 1, 128, true); !r) return r;
    if (!tag_chars(t.key))
      return validation_error(t.key, tag_field(i + 1, "key"),
                              "satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
    std::optional<std::string> value = t.value;
    if (auto r = check_length(value, tag_field(i + 1, "value"), 0, 256, true); !r) return r;
    if (!tag_chars(t.value))
      return validation_error(t.value, tag_field(i + 1, "value"),
                              "satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
    if (core::to_lower(t.key.substr(0, 4)) == "aws:")
      return core::AwsError(kValidationError, "Tag keys cannot begin with the prefix 'aws:'.");
    for (size_t j = 0; j < i; ++j)
      if (core::iequals(tags[j].key, t.key))
        return core::AwsError(kValidationError,
                              "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
  }
  return {};
}

core::Result<void> check_transitive_keys(const std::vector<std::string>& keys, size_t count,
                                         const std::vector<iam::Tag>& tags) {
  if (count > kMaxTags || keys.size() > kMaxTags)
    return validation_error("[...]", "transitiveTagKeys", "have length less than or equal to 50");
  for (size_t i = 0; i < keys.size(); ++i) {
    std::optional<std::string> key = keys[i];
    std::string field = "transitiveTagKeys." + std::to_string(i + 1) + ".member";
    if (auto r = check_length(key, field, 1, 128, true); !r) return r;
    if (!tag_chars(keys[i]))
      return validation_error(keys[i], field, "satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
    bool passed = std::any_of(tags.begin(), tags.end(), [&](const iam::Tag& t) { return core::iequals(t.key, keys[i]); });
    if (!passed)
      return core::AwsError(kValidationError, "The transitive tag key " + keys[i] +
                                                  " must also be passed as a session tag.");
  }
  return {};
}

core::Result<void> check_policy_text(const std::optional<std::string>& value) {
  if (auto r = check_length(value, "policy", 1, 2048, false); !r) return r;
  if (!value) return {};
  // U+0080..U+00FF arrive as two-byte UTF-8 sequences starting with 0xC2 or 0xC3.
  bool ok = core::is_valid_utf8(*value);
  for (size_t i = 0; ok && i < value->size(); ++i) {
    auto c = static_cast<unsigned char>((*value)[i]);
    if (c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c < 0x80)) continue;
    if ((c == 0xC2 || c == 0xC3) && i + 1 < value->size()) {
      ++i;
      continue;
    }
    ok = false;
  }
  if (!ok)
    return validation_error(*value, "policy",
                            "satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+");
  return {};
}

int packed_policy_percent(std::string_view policy, const std::vector<std::string>& policy_arns,
                          const std::vector<iam::Tag>& tags) {
  size_t policy_chars = policy.empty() ? 0 : policy::count_policy_chars(policy);
  for (const auto& arn : policy_arns) policy_chars += arn.size();
  size_t bytes = (policy_chars * 2 + 4) / 5;  // 40%, rounded
  for (const auto& t : tags) bytes += t.key.size() + t.value.size() + 2;
  return int((bytes * 100 + kPackedLimit - 1) / kPackedLimit);
}

}  // namespace podbucket::sts
