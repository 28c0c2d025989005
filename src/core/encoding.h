#pragma once
// Byte/text encodings used across services: hex, base64, and the percent-encodings of RFC 3986 as SigV4 and S3 use them.
#include <optional>
#include <string>
#include <string_view>

namespace podbucket::core {

/// Hex of `bytes`, lower-case unless `upper_case`.
std::string hex_encode(std::string_view bytes, bool upper_case = false);
/// Decodes hex (either case). Returns nullopt on odd length or a non-hex digit.
std::optional<std::string> hex_decode(std::string_view hex);
/// Standard base64 with padding.
std::string base64_encode(std::string_view bytes);
/// Decodes standard base64 (padding required when the length is not a multiple of 4 is tolerated).
/// Returns nullopt on any character outside the alphabet.
std::optional<std::string> base64_decode(std::string_view text);
/// URL-safe base64 without padding (JWT form).
std::string base64url_encode(std::string_view bytes);
/// Decodes URL-safe base64 with or without padding. Returns nullopt on invalid input.
std::optional<std::string> base64url_decode(std::string_view text);

/// SigV4 URI encoding (AWS "UriEncode"): every byte except A-Z a-z 0-9 - . _ ~ becomes %XX (upper case).
/// When `encode_slash` is false, '/' is kept (used for S3 object key paths).
std::string uri_encode(std::string_view text, bool encode_slash = true);
/// Percent-decoding. With `plus_as_space`, '+' becomes ' ' (form encoding). Returns nullopt on a bad escape.
std::optional<std::string> percent_decode(std::string_view text, bool plus_as_space = false);

/// True if `text` is valid UTF-8 (no overlongs, no surrogates).
bool is_valid_utf8(std::string_view text);

/// ASCII lower-casing.
std::string to_lower(std::string_view text);
/// Case-insensitive ASCII equality.
bool iequals(std::string_view a, std::string_view b);
/// Trims spaces and tabs at both ends.
std::string_view trim(std::string_view text);

}  // namespace podbucket::core
