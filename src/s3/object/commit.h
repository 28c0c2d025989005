#pragma once
// Shared by every write of a new object version (PutObject, CopyObject, DeleteObject's delete markers).
#include <string>

#include "core/result.h"
#include "s3/context.h"
#include "store/metadata.h"

namespace podbucket::s3::object {

/// Stores `record` as the new current version with `options` (versioning placement and write conditions).
/// The caller owns the blobs in `record.segments`: they are removed here when the write fails (and when this
/// throws), and the blobs of versions the write replaced are removed after the commit.
/// `condition` names the header behind options' precondition for the PreconditionFailed body.
/// Errors: NoSuchBucket (deleted concurrently), PreconditionFailed.
core::Result<void> commit_object(Context& ctx, const store::ObjectRecord& record, const store::PutOptions& options,
                                 std::string_view condition = "If-None-Match");

/// The unquoted-or-quoted ETag as stored (quoted) form.
std::string quote_etag(std::string_view etag);

/// True when the request declares an additional checksum (x-amz-checksum-*, x-amz-sdk-checksum-algorithm or an
/// x-amz-trailer), so the response echoes the stored one.
bool declares_checksum(const http::Headers& headers);

}  // namespace podbucket::s3::object
