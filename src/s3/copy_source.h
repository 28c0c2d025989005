#pragma once
// The x-amz-copy-source header of CopyObject and UploadPartCopy, and x-amz-copy-source-range of UploadPartCopy
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html, API_UploadPartCopy.html). Pure parsing.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace podbucket::s3 {

struct CopySource {
  std::string bucket;
  std::string key;         // decoded
  std::string version_id;  // empty = the current version
};

/// Parses "bucket/key", "/bucket/key" or either with "?versionId=V"; the bucket and key are URL-encoded.
/// Errors: InvalidArgument (no bucket or key, bad percent-escape, a key that is not UTF-8, empty versionId).
core::Result<CopySource> parse_copy_source(std::string_view header);

struct CopyRange {
  uint64_t offset = 0;
  uint64_t length = 0;
};

/// Resolves x-amz-copy-source-range ("bytes=first-last", both inclusive) against a source of `size` bytes;
/// nullopt header = the whole source. Errors: InvalidArgument (not of that form, or first > last), InvalidRange
/// (last beyond the source; field ActualObjectSize).
core::Result<CopyRange> resolve_copy_range(std::optional<std::string_view> header, uint64_t size);

}  // namespace podbucket::s3
