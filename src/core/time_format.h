#pragma once
// The timestamp formats AWS puts on the wire.
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace podbucket::core {

/// SigV4 basic format, UTC: "20150830T123600Z".
std::string format_amz_date(TimePoint t);
/// ISO 8601 with milliseconds, UTC, as S3 XML uses it: "2015-08-30T12:36:00.000Z".
std::string format_iso8601_ms(TimePoint t);
/// ISO 8601 without fraction, UTC: "2015-08-30T12:36:00Z" (ECS credentials, STS).
std::string format_iso8601(TimePoint t);
/// RFC 7231 IMF-fixdate, as HTTP headers use it: "Sun, 30 Aug 2015 12:36:00 GMT".
std::string format_http_date(TimePoint t);

/// Parses "YYYYMMDDTHHMMSSZ". Returns nullopt if malformed.
std::optional<TimePoint> parse_amz_date(std::string_view text);
/// Parses ISO 8601 "YYYY-MM-DDTHH:MM:SS[.fff]Z" (also accepts a "+00:00" offset). Returns nullopt if malformed.
std::optional<TimePoint> parse_iso8601(std::string_view text);
/// Parses an HTTP date: IMF-fixdate, RFC 850 or asctime forms. Returns nullopt if malformed.
std::optional<TimePoint> parse_http_date(std::string_view text);

/// Seconds since the Unix epoch.
int64_t to_unix_seconds(TimePoint t);
/// The inverse of to_unix_seconds.
TimePoint from_unix_seconds(int64_t s);
/// Milliseconds since the Unix epoch.
int64_t to_unix_millis(TimePoint t);
/// The inverse of to_unix_millis.
TimePoint from_unix_millis(int64_t ms);

}  // namespace podbucket::core
