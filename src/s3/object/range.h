#pragma once
// The HTTP Range header as S3 applies it to GetObject / HeadObject (RFC 9110 §14 and the GetObject reference:
// one byte range per request; S3 ignores what it cannot parse, and multiple ranges, and answers the whole object).
#include <cstdint>
#include <optional>
#include <string_view>

namespace podbucket::s3::object {

enum class RangeKind {
  kWhole,          // no Range header, or one S3 ignores (malformed, multiple ranges, first > last)
  kPartial,        // satisfiable: answer 206 with Content-Range
  kUnsatisfiable,  // answer 416 InvalidRange with Content-Range: bytes */size
};

struct ResolvedRange {
  RangeKind kind = RangeKind::kWhole;
  uint64_t offset = 0;  // first byte, for kPartial
  uint64_t length = 0;  // bytes, for kPartial
};

/// Resolves `header` ("bytes=a-b", "bytes=a-", "bytes=-n") against an object of `size` bytes. The last byte is
/// clamped to size-1; a suffix longer than the object means the whole object (still 206).
ResolvedRange resolve_range(std::optional<std::string_view> header, uint64_t size);

}  // namespace podbucket::s3::object
