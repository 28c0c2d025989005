// Validation of policy-document parameters, shared by every IAM action that takes one.
#include "core/encoding.h"
#include "iam/errors.h"
#include "iam/handlers.h"

namespace podbucket::iam {

namespace {

/// IAM's document pattern [\u0009\u000A\u000D\u0020-\u00FF]+ over the UTF-8 text.
bool allowed_characters(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
      if (c == 0x7f) continue;
      continue;
    }
    // Two-byte sequences C2 80..C3 BF encode U+0080..U+00FF; anything else is outside the pattern.
    if ((c == 0xC2 || c == 0xC3) && i + 1 < text.size()) {
      auto d = static_cast<unsigned char>(text[i + 1]);
      if (d >= 0x80 && d <= 0xBF) {
        ++i;
        continue;
      }
    }
    return false;
  }
  return true;
}

}  // namespace

core::Result<StoredDocument> check_document(const Params& params, std::string_view param, policy::Kind kind,
                                            size_t max_chars, std::string_view quota_name) {
  auto json = params.required(param);
  if (!json) return json.error();
  if (json->empty() || !allowed_characters(*json))
    return core::AwsError(kValidationError,
                          "1 validation error detected: Value at '" + std::string(1, char(std::tolower(param[0]))) +
                              std::string(param.substr(1)) +
                              "' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                              "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+");
  auto parsed = policy::parse(*json, kind);
  if (!parsed) return parsed.error();
  if (policy::count_policy_chars(*json) > max_chars)
    return core::AwsError(kLimitExceeded,
                          "Cannot exceed quota for " + std::string(quota_name) + ": " + std::to_string(max_chars));
  return StoredDocument{std::move(*json), std::move(*parsed)};
}

}  // namespace podbucket::iam
