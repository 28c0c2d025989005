#pragma once
// GetObjectAttributes: an object's metadata in one call, selected by the x-amz-object-attributes header.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAttributes.html
#include <string>
#include <vector>

#include "core/result.h"
#include "http/message.h"
#include "s3/context.h"
#include "s3/operation.h"
#include "store/records.h"

namespace podbucket::s3::object {

/// Which attributes were asked for.
struct AttributeSelection {
  bool etag = false, checksum = false, object_parts = false, storage_class = false, object_size = false;
};

/// Parses x-amz-object-attributes (comma separated, possibly repeated). Errors: InvalidRequest (missing or empty),
/// InvalidArgument ("Invalid attribute name specified.").
core::Result<AttributeSelection> parse_attribute_selection(const http::Headers& headers);

/// The GetObjectAttributesOutput document for `obj` (pure). ETag is unquoted. ObjectParts (multipart objects
/// only) lists Part elements only when the parts carry checksums, as S3 does, paged by `part_number_marker`
/// (exclusive) and `max_parts`; PartsCount is always the total.
std::string render_object_attributes(const store::ObjectRecord& obj, const AttributeSelection& selection,
                                     int part_number_marker, int max_parts);

/// GET /bucket/key?attributes[&versionId] with x-amz-object-attributes, optional x-amz-max-parts (default 1000),
/// x-amz-part-number-marker and SSE-C key headers → 200 with Last-Modified and x-amz-version-id (buckets that
/// have had versioning). Errors: NoSuchBucket, NoSuchKey (current version a delete marker: with
/// x-amz-delete-marker), NoSuchVersion, MethodNotAllowed (a delete marker's version id), InvalidArgument (bad
/// versionId, max-parts, part-number-marker, attribute name), InvalidRequest (no attributes, SSE-C key missing or
/// wrong), and the SSE-C key errors.
core::Result<http::Response> get_object_attributes(Context& ctx, const Operation& op, http::Request& req);

}  // namespace podbucket::s3::object
