#pragma once
// Multipart uploads (CreateMultipartUpload ... CompleteMultipartUpload). Each function handles one operation:
// it reads its query parameters, headers and body from `req`, and returns the success response or an AwsError.
// Sources: the S3 API reference pages of each operation.
#include "core/result.h"
#include "http/message.h"
#include "s3/context.h"
#include "s3/operation.h"

namespace podbucket::s3::multipart {

/// POST /bucket/key?uploads. Errors: NoSuchBucket, InvalidRequest (bad checksum algorithm).
core::Result<http::Response> create_multipart_upload(Context& ctx, const Operation& op, http::Request& req);
/// PUT /bucket/key?partNumber=N&uploadId=U. Errors: NoSuchUpload, InvalidArgument (part number outside
/// 1..10000), EntityTooLarge (> 5 GiB), BadDigest, InvalidDigest.
core::Result<http::Response> upload_part(Context& ctx, const Operation& op, http::Request& req);
/// PUT with x-amz-copy-source (+ x-amz-copy-source-range). Errors: NoSuchUpload, NoSuchKey, InvalidRange,
/// PreconditionFailed (copy-source conditionals).
core::Result<http::Response> upload_part_copy(Context& ctx, const Operation& op, http::Request& req);
/// POST /bucket/key?uploadId=U. Errors: NoSuchUpload, MalformedXML, InvalidPart, InvalidPartOrder,
/// EntityTooSmall, PreconditionFailed (If-None-Match: *), BadDigest.
core::Result<http::Response> complete_multipart_upload(Context& ctx, const Operation& op, http::Request& req);
/// DELETE /bucket/key?uploadId=U → 204. Errors: NoSuchUpload.
core::Result<http::Response> abort_multipart_upload(Context& ctx, const Operation& op, http::Request& req);
/// GET /bucket/key?uploadId=U (max-parts, part-number-marker). Errors: NoSuchUpload.
core::Result<http::Response> list_parts(Context& ctx, const Operation& op, http::Request& req);
/// GET /bucket?uploads (prefix, delimiter, key-marker, upload-id-marker, max-uploads, encoding-type).
core::Result<http::Response> list_multipart_uploads(Context& ctx, const Operation& op, http::Request& req);

}  // namespace podbucket::s3::multipart
