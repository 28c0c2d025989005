#pragma once
// Conditional requests as S3 evaluates them (GetObject/HeadObject "If-*" and CopyObject
// "x-amz-copy-source-if-*"): If-Match before If-Unmodified-Since, If-None-Match before If-Modified-Since, and a
// true If-Match (resp. false If-None-Match) makes the paired date header irrelevant (RFC 9110 §13.2.2).
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "http/message.h"

namespace podbucket::s3::object {

struct Conditions {
  std::optional<std::string> if_match;
  std::optional<std::string> if_none_match;
  std::optional<core::TimePoint> if_modified_since;    // unparseable dates are ignored, as S3 does
  std::optional<core::TimePoint> if_unmodified_since;
};

/// Reads `<prefix>if-match`, `<prefix>if-none-match`, `<prefix>if-modified-since`, `<prefix>if-unmodified-since`
/// (prefix "" for GET/HEAD, "x-amz-copy-source-" for copies).
Conditions read_conditions(const http::Headers& headers, std::string_view prefix = {});

enum class ConditionOutcome { kProceed, kNotModified, kPreconditionFailed };

struct ConditionResult {
  ConditionOutcome outcome = ConditionOutcome::kProceed;
  std::string header;  // the condition that decided, e.g. "If-Match", for the PreconditionFailed body
};

/// Evaluates the conditions against an object with quoted `etag` modified at `last_modified` (compared at
/// whole seconds, as HTTP dates have no fraction).
ConditionResult evaluate_conditions(const Conditions& c, std::string_view etag, core::TimePoint last_modified);

/// True when an If-Match / If-None-Match list ("*", `"a", "b"`, W/"c") contains `etag` (quotes ignored).
bool etag_list_matches(std::string_view list, std::string_view etag);

}  // namespace podbucket::s3::object
