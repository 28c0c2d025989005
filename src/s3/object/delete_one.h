#pragma once
// One key's deletion, shared by DeleteObject and DeleteObjects.
#include <string>
#include <string_view>

#include "core/result.h"
#include "s3/context.h"
#include "store/records.h"

namespace podbucket::s3::object {

/// What deleting one key (or one version) did, for the response headers / <Deleted> entry.
struct DeleteOutcome {
  bool delete_marker = false;  // a marker was created, or the removed version was a marker
  std::string version_id;      // the removed version's id, or the new marker's id; empty when none to report
};

/// Deletes `key` in `bucket` per the S3 versioning rules: with `version_id`, removes that version for good (absent
/// is not an error); without, Unversioned removes the null version, Enabled adds a delete marker, Suspended adds a
/// null delete marker replacing the null version. Blobs of removed versions are deleted.
/// Errors: NoSuchBucket (bucket deleted concurrently).
core::Result<DeleteOutcome> delete_one(Context& ctx, const store::BucketRecord& bucket, const std::string& key,
                                       const std::string& version_id);

}  // namespace podbucket::s3::object
