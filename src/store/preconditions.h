#pragma once
// Write preconditions shared by every Metadata backend, so that all of them decide the same way.
#include <string_view>
#include <vector>

#include "store/metadata.h"

namespace podbucket::store {

/// Whether `options` allow a write given the key's current version (nullptr when the key has none). Follows S3
/// conditional writes: `If-None-Match: *` fails on an existing non-delete-marker current version; `If-Match`
/// needs an existing non-delete-marker current version with that ETag ("*" matches any; quotes are optional).
bool preconditions_hold(const ObjectRecord* current, const PutOptions& options);

/// Whether every segment names the blob_id of one of `parts` and has that part's size (the complete_upload
/// check that the parts an object was assembled from are still the upload's current parts).
bool segments_are_parts(const std::vector<Segment>& segments, const std::vector<PartRecord>& parts);

/// ETag equality ignoring surrounding double quotes on either side.
bool etag_equals(std::string_view a, std::string_view b);

}  // namespace podbucket::store
