#pragma once
// Multipart uploads (CreateMultipartUpload ... CompleteMultipartUpload). Each function handles one operation:
// it reads its query parameters, headers and body from `req`, and returns the success response or an AwsError.
// Sources: the S3 API reference pages of each operation.
#include "core/result.h"
#include "http/message.h"
#include "s3/context.h"
#include "s3/operation.h"

namespace podbucket::s3::multipart {

/// POST /bucket/key?uploads. Stores the PutObject header set (Content-*, Cache-Control, Expires, x-amz-meta-*,
/// storage class, x-amz-tagging) and x-amz-checksum-algorithm / x-amz-checksum-type (COMPOSITE by default,
/// FULL_OBJECT for CRC64NVME; FULL_OBJECT only for CRCs). The upload id is 64 random letters and digits.
/// Errors: NoSuchBucket, InvalidRequest (checksum algorithm/type), InvalidStorageClass, InvalidTag,
/// MetadataTooLarge, AccessControlListNotSupported.
core::Result<http::Response> create_multipart_upload(Context& ctx, const Operation& op, http::Request& req);
/// PUT /bucket/key?partNumber=N&uploadId=U. The body streams into a blob (body::ingest_body) with the upload's
/// checksum algorithm computed; a re-upload replaces the part and deletes the old blob. Answers ETag (quoted MD5)
/// and x-amz-checksum-<alg>. Errors: NoSuchBucket, NoSuchUpload, InvalidArgument (part number outside 1..10000),
/// EntityTooLarge (> 5 GiB), BadDigest, InvalidDigest, IncompleteBody, InvalidRequest (a checksum in another
/// algorithm than the upload's).
core::Result<http::Response> upload_part(Context& ctx, const Operation& op, http::Request& req);
/// PUT with x-amz-copy-source ("[/]bucket/key[?versionId=V]", URL-encoded) and optional
/// x-amz-copy-source-range "bytes=a-b". Answers <CopyPartResult><ETag/><LastModified/>[<ChecksumX/>]</...>.
/// Errors: NoSuchUpload, NoSuchBucket, NoSuchKey, NoSuchVersion, InvalidArgument (malformed source or range),
/// InvalidRange (range beyond the source), InvalidRequest (copy of more than 5 GiB, delete marker by version id),
/// PreconditionFailed (any failed x-amz-copy-source-if-* condition).
core::Result<http::Response> upload_part_copy(Context& ctx, const Operation& op, http::Request& req);
/// POST /bucket/key?uploadId=U. The object is the listed parts' blobs in order (no byte copy); ETag
/// "hex(MD5(part MD5s))-N"; checksum composite ("-N") or full-object (combined CRC) per the upload; unlisted parts
/// are deleted. Errors: NoSuchUpload, MalformedXML, InvalidPart, InvalidPartOrder, EntityTooSmall (parts but the
/// last under 5 MiB), PreconditionFailed (If-None-Match: * / If-Match; the upload is kept), NotImplemented
/// (If-None-Match other than *), BadDigest / InvalidRequest (x-amz-checksum-* header disagrees), InvalidDigest.
core::Result<http::Response> complete_multipart_upload(Context& ctx, const Operation& op, http::Request& req);
/// DELETE /bucket/key?uploadId=U → 204; deletes the part blobs. Errors: NoSuchBucket, NoSuchUpload.
core::Result<http::Response> abort_multipart_upload(Context& ctx, const Operation& op, http::Request& req);
/// GET /bucket/key?uploadId=U (max-parts ≤ 1000 per page, part-number-marker, encoding-type=url).
/// Errors: NoSuchBucket, NoSuchUpload, InvalidArgument (bad max-parts / marker / encoding-type).
core::Result<http::Response> list_parts(Context& ctx, const Operation& op, http::Request& req);
/// GET /bucket?uploads (prefix, delimiter → CommonPrefixes, key-marker, upload-id-marker (ignored without
/// key-marker), max-uploads ≤ 1000, encoding-type=url). Errors: NoSuchBucket, InvalidArgument.
core::Result<http::Response> list_multipart_uploads(Context& ctx, const Operation& op, http::Request& req);

}  // namespace podbucket::s3::multipart
