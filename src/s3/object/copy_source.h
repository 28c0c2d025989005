#pragma once
// The x-amz-copy-source header: "[/]bucket/key[?versionId=id]", URL-encoded (CopyObject, UploadPartCopy).
#include <string>
#include <string_view>

#include "core/result.h"

namespace podbucket::s3::object {

struct CopySource {
  std::string bucket;
  std::string key;
  std::string version_id;  // empty = current version
};

/// Parses the header value. Errors: InvalidArgument ("Invalid copy source encoding", or no bucket/key).
core::Result<CopySource> parse_copy_source(std::string_view header);

}  // namespace podbucket::s3::object
