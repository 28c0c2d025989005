#pragma once
// Write preconditions shared by every Metadata backend, so that all of them decide the same way.
#include <string_view>

#include "store/metadata.h"

namespace podbucket::store {

/// Whether `options` allow a write given the key's current version (nullptr when the key has none). Follows S3
/// conditional writes: `If-None-Match: *` fails on an existing non-delete-marker current version; `If-Match`
/// needs an existing non-delete-marker current version with that ETag ("*" matches any; quotes are optional).
bool preconditions_hold(const ObjectRecord* current, const PutOptions& options);

/// ETag equality ignoring surrounding double quotes on either side.
bool etag_equals(std::string_view a, std::string_view b);

}  // namespace podbucket::store
