#include "iam/params.h"

#include <algorithm>
#include <cctype>

#include "core/encoding.h"
#include "iam/errors.h"

namespace podbucket::iam {

namespace {

/// IAM parameter names in messages start lower-case ("userName").
std::string member_name(std::string_view param) {
  std::string out(param);
  if (!out.empty()) out[0] = char(std::tolower(static_cast<unsigned char>(out[0])));
  return out;
}

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '+' || c == '=' || c == ',' || c == '.' ||
         c == '@' || c == '-';
}

}  // namespace

core::AwsError validation_error(std::string_view value, std::string_view param, std::string_view constraint) {
  return core::AwsError(kValidationError, "1 validation error detected: Value '" + std::string(value) + "' at '" +
                                              member_name(param) + "' failed to satisfy constraint: " +
                                              std::string(constraint));
}

core::Result<std::string> Params::required(std::string_view name) const {
  auto v = params_.get(name);
  if (!v)
    return core::AwsError(kValidationError, "1 validation error detected: Value null at '" + member_name(name) +
                                                "' failed to satisfy constraint: Member must not be null");
  return std::string(*v);
}

std::vector<std::string> Params::members(std::string_view name) const {
  std::vector<std::string> out;
  for (size_t i = 1;; ++i) {
    auto v = params_.get(std::string(name) + ".member." + std::to_string(i));
    if (!v) break;
    out.emplace_back(*v);
  }
  return out;
}

core::Result<std::vector<Tag>> Params::tags(std::string_view name) const {
  std::vector<Tag> out;
  for (size_t i = 1;; ++i) {
    std::string base = std::string(name) + ".member." + std::to_string(i);
    auto key = params_.get(base + ".Key");
    if (!key) break;
    auto value = params_.get(base + ".Value");
    if (key->empty() || key->size() > 128)
      return validation_error(*key, "tags." + std::to_string(i) + ".member.key",
                              "Member must have length less than or equal to 128");
    if (value && value->size() > 256)
      return validation_error(*value, "tags." + std::to_string(i) + ".member.value",
                              "Member must have length less than or equal to 256");
    out.push_back({std::string(*key), std::string(value.value_or(""))});
  }
  return out;
}

core::Result<std::string> Params::name(std::string_view param, size_t max_len, bool is_required) const {
  auto v = params_.get(param);
  if (!v) {
    if (!is_required) return std::string();
    return required(param).error();
  }
  if (v->empty() || v->size() > max_len)
    return validation_error(*v, param,
                            "Member must have length less than or equal to " + std::to_string(max_len) +
                                " and greater than or equal to 1");
  if (!std::all_of(v->begin(), v->end(), is_name_char))
    return validation_error(*v, param, "Member must satisfy regular expression pattern: [\\w+=,.@-]+");
  return std::string(*v);
}

core::Result<std::string> Params::path(std::string_view param) const {
  auto v = params_.get(param);
  if (!v) return std::string("/");
  bool ok = !v->empty() && v->size() <= 512 && v->front() == '/' && v->back() == '/' &&
            std::all_of(v->begin(), v->end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
  if (!ok)
    return validation_error(*v, param,
                            "Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007F]+"
                            "\\u002F)");
  return std::string(*v);
}

core::Result<std::optional<bool>> Params::boolean(std::string_view param) const {
  auto v = params_.get(param);
  if (!v) return std::optional<bool>();
  if (core::iequals(*v, "true")) return std::optional<bool>(true);
  if (core::iequals(*v, "false")) return std::optional<bool>(false);
  return validation_error(*v, param, "Member must be a boolean");
}

core::Result<std::optional<int>> Params::integer(std::string_view param, int lo, int hi) const {
  auto v = params_.get(param);
  if (!v) return std::optional<int>();
  long long n = 0;
  bool ok = !v->empty() && v->size() <= 10;
  for (char c : *v) {
    if (c < '0' || c > '9') ok = false;
    if (ok) n = n * 10 + (c - '0');
  }
  if (!ok || n < lo || n > hi)
    return validation_error(*v, param,
                            "Member must have value less than or equal to " + std::to_string(hi) +
                                " and greater than or equal to " + std::to_string(lo));
  return std::optional<int>(int(n));
}

core::Result<Page> page_of(const Params& params, const std::vector<std::string>& keys) {
  auto max = params.integer("MaxItems", 1, 1000);
  if (!max) return max.error();
  size_t limit = size_t(max->value_or(100));
  Page page;
  if (auto marker = params.get("Marker"); marker && !marker->empty()) {
    std::string after = core::base64url_decode(*marker).value_or(std::string(*marker));
    page.begin = size_t(std::lower_bound(keys.begin(), keys.end(), after) - keys.begin());
  }
  page.end = std::min(keys.size(), page.begin + limit);
  page.truncated = page.end < keys.size();
  if (page.truncated) page.next_marker = core::base64url_encode(keys[page.end]);
  return page;
}

}  // namespace podbucket::iam
