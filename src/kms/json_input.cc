#include "kms/json_input.h"

#include "core/encoding.h"
#include "kms/errors.h"

namespace podbucket::kms {
namespace {

core::AwsError wrong_type(std::string_view member, std::string_view expected) {
  return core::AwsError(kSerializationException,
                        "Unexpected JSON type for '" + std::string(member) + "': expected " + std::string(expected));
}

const Json* find(const Json& in, std::string_view member) {
  auto it = in.find(std::string(member));
  if (it == in.end() || it->is_null()) return nullptr;
  return &*it;
}

}  // namespace

core::Result<Json> parse_body(std::string_view body) {
  bool blank = true;
  for (char c : body)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') blank = false;
  if (blank) return Json::object();
  Json j = Json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return core::AwsError(kSerializationException, "The request body is not a JSON object");
  return j;
}

std::string member_label(std::string_view member) {
  std::string s(member);
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z') s[0] = char(s[0] - 'A' + 'a');
  return s;
}

core::AwsError validation_error(std::string_view member, std::string_view value, std::string_view constraint) {
  return core::AwsError(kValidationException, "1 validation error detected: Value '" + std::string(value) + "' at '" +
                                                  member_label(member) + "' failed to satisfy constraint: " +
                                                  std::string(constraint));
}

core::AwsError missing_member(std::string_view member) {
  return core::AwsError(kValidationException, "1 validation error detected: Value null at '" + member_label(member) +
                                                  "' failed to satisfy constraint: Member must not be null");
}

core::Result<std::string> required_string(const Json& in, std::string_view member, size_t max_length) {
  auto s = optional_string(in, member, max_length, 1);
  if (!s) return s.error();
  if (!*s) return missing_member(member);
  return std::move(**s);
}

core::Result<std::optional<std::string>> optional_string(const Json& in, std::string_view member,
                                                         size_t max_length, size_t min_length) {
  const Json* v = find(in, member);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->is_string()) return wrong_type(member, "a string");
  std::string s = v->get<std::string>();
  if (s.size() < min_length)
    return validation_error(member, s,
                            "Member must have length greater than or equal to " + std::to_string(min_length));
  if (s.size() > max_length)
    return validation_error(member, s, "Member must have length less than or equal to " + std::to_string(max_length));
  return std::optional<std::string>(std::move(s));
}

core::Result<std::optional<int64_t>> optional_int(const Json& in, std::string_view member, int64_t min,
                                                  int64_t max) {
  const Json* v = find(in, member);
  if (v == nullptr) return std::optional<int64_t>();
  if (!v->is_number_integer()) return wrong_type(member, "an integer");
  int64_t n = v->get<int64_t>();
  if (n < min)
    return validation_error(member, std::to_string(n),
                            "Member must have value greater than or equal to " + std::to_string(min));
  if (n > max)
    return validation_error(member, std::to_string(n),
                            "Member must have value less than or equal to " + std::to_string(max));
  return std::optional<int64_t>(n);
}

core::Result<std::optional<bool>> optional_bool(const Json& in, std::string_view member) {
  const Json* v = find(in, member);
  if (v == nullptr) return std::optional<bool>();
  if (!v->is_boolean()) return wrong_type(member, "a boolean");
  return std::optional<bool>(v->get<bool>());
}

core::Result<std::optional<std::string>> optional_blob(const Json& in, std::string_view member, size_t min,
                                                       size_t max) {
  const Json* v = find(in, member);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->is_string()) return wrong_type(member, "a base64 string");
  auto raw = core::base64_decode(v->get<std::string>());
  if (!raw) return core::AwsError(kSerializationException, "'" + std::string(member) + "' is not valid base64");
  // The value itself is secret or opaque: AWS reports such values as redacted.
  if (raw->size() < min)
    return validation_error(member, "java.nio.HeapByteBuffer[pos=0 lim=" + std::to_string(raw->size()) + "]",
                            "Member must have length greater than or equal to " + std::to_string(min));
  if (raw->size() > max)
    return validation_error(member, "java.nio.HeapByteBuffer[pos=0 lim=" + std::to_string(raw->size()) + "]",
                            "Member must have length less than or equal to " + std::to_string(max));
  return std::optional<std::string>(std::move(*raw));
}

core::Result<EncryptionContext> encryption_context(const Json& in, std::string_view member) {
  EncryptionContext out;
  const Json* v = find(in, member);
  if (v == nullptr) return out;
  if (!v->is_object()) return wrong_type(member, "a map of strings");
  for (const auto& [k, value] : v->items()) {
    if (!value.is_string()) return wrong_type(member, "a map of strings");
    out[k] = value.get<std::string>();
  }
  return out;
}

core::Result<std::vector<Tag>> tag_list(const Json& in, std::string_view member) {
  std::vector<Tag> out;
  const Json* v = find(in, member);
  if (v == nullptr) return out;
  if (!v->is_array()) return wrong_type(member, "a list of tags");
  for (const Json& t : *v) {
    if (!t.is_object()) return wrong_type(member, "a list of tags");
    auto key = required_string(t, "TagKey", 128);
    if (!key) return key.error();
    auto value = optional_string(t, "TagValue", 256);
    if (!value) return value.error();
    if (!*value) return missing_member("TagValue");
    if (key->substr(0, 4) == "aws:") return core::AwsError(kTagException, "Tags beginning with aws: are reserved");
    out.push_back({std::move(*key), std::move(**value)});
  }
  return out;
}

}  // namespace podbucket::kms
