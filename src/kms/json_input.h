#pragma once
// Reading a KMS JSON 1.1 request body into typed members, with the error codes and messages AWS uses:
// SerializationException for a body that is not JSON or a member of the wrong JSON type, ValidationException
// ("1 validation error detected: Value ... at 'keyId' failed to satisfy constraint: ...") for values out of
// bounds or missing required members.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "kms/key_record.h"
#include "kms/key_service.h"

namespace podbucket::kms {

using Json = nlohmann::json;

/// Parses the body; an empty body is `{}`. Errors: SerializationException when it is not a JSON object.
core::Result<Json> parse_body(std::string_view body);

/// The AWS spelling of a member in messages: "KeyId" → "keyId".
std::string member_label(std::string_view member);

/// "1 validation error detected: Value 'VALUE' at 'member' failed to satisfy constraint: CONSTRAINT".
core::AwsError validation_error(std::string_view member, std::string_view value, std::string_view constraint);
/// ValidationException for a missing required member ("Value null at 'keyId' ... Member must not be null").
core::AwsError missing_member(std::string_view member);

/// A required string member, 1..max_length characters. Errors: ValidationException, SerializationException.
core::Result<std::string> required_string(const Json& in, std::string_view member, size_t max_length = 2048);
/// An optional string member (absent or null → nullopt), at most max_length characters.
core::Result<std::optional<std::string>> optional_string(const Json& in, std::string_view member,
                                                         size_t max_length = 2048, size_t min_length = 0);
/// An optional integer member, checked against [min, max].
core::Result<std::optional<int64_t>> optional_int(const Json& in, std::string_view member, int64_t min, int64_t max);
/// An optional boolean member.
core::Result<std::optional<bool>> optional_bool(const Json& in, std::string_view member);
/// A base64 blob member (absent → nullopt), decoded; its decoded size must be within [min, max] bytes.
/// Errors: SerializationException (not a string or not base64), ValidationException (size).
core::Result<std::optional<std::string>> optional_blob(const Json& in, std::string_view member, size_t min,
                                                       size_t max);
/// An encryption context member: a JSON object of strings (absent → empty).
core::Result<EncryptionContext> encryption_context(const Json& in, std::string_view member);
/// A Tags member: [{"TagKey": ..., "TagValue": ...}] (absent → empty). Errors: TagException for a key that starts
/// with "aws:" or sizes out of bounds, ValidationException for a missing TagKey/TagValue.
core::Result<std::vector<Tag>> tag_list(const Json& in, std::string_view member);

}  // namespace podbucket::kms
