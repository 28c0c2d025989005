#pragma once
// Object operations: PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects, CopyObject. Each reads its
// parameters from `req`, and returns the success response or an AwsError. Sources: the S3 API reference page of
// each operation; S3 user guide "Using versioning" for version ids and delete markers.
#include "core/result.h"
#include "http/message.h"
#include "s3/context.h"
#include "s3/operation.h"

namespace podbucket::s3::object {

/// Largest object a single PUT or copy may create: 5 GiB.
inline constexpr uint64_t kMaxSinglePutBytes = 5ull * 1024 * 1024 * 1024;

/// PUT /bucket/key → 200 with ETag (quoted hex MD5), x-amz-version-id (versioned buckets), x-amz-checksum-*
/// (when the client sent one). If-None-Match: * and If-Match: etag are applied atomically with the write.
/// Errors: NoSuchBucket, MissingContentLength, EntityTooLarge, InvalidDigest, BadDigest, IncompleteBody,
/// InvalidRequest (checksum headers), MetadataTooLarge, InvalidTag, InvalidStorageClass,
/// AccessControlListNotSupported, PreconditionFailed, NoSuchKey (If-Match on a missing key), NotImplemented
/// (If-None-Match other than *).
core::Result<http::Response> put_object(Context& ctx, const Operation& op, http::Request& req);

/// GET /bucket/key (versionId, partNumber, response-* overrides, Range, If-*): 200/206 with the body streamed,
/// or 304. Errors: NoSuchBucket, NoSuchKey (also when the current version is a delete marker, with
/// x-amz-delete-marker), NoSuchVersion, MethodNotAllowed (versionId of a delete marker), InvalidRange (416),
/// InvalidPartNumber, PreconditionFailed, InvalidArgument, InvalidRequest, InvalidObjectState (archived class).
core::Result<http::Response> get_object(Context& ctx, const Operation& op, http::Request& req);

/// HEAD /bucket/key: GetObject's headers without a body (errors are rendered without a body by api/).
core::Result<http::Response> head_object(Context& ctx, const Operation& op, http::Request& req);

/// DELETE /bucket/key[?versionId] → 204, also for a missing key. Versioning Enabled: adds a delete marker;
/// Suspended: a "null" delete marker replacing the null version; with versionId: removes that version for good.
/// A versionId that is well-formed but names no version is a success (204 echoing the id), as in S3.
/// Errors: NoSuchBucket, InvalidArgument (malformed versionId, see is_valid_version_id).
core::Result<http::Response> delete_object(Context& ctx, const Operation& op, http::Request& req);

/// POST /bucket?delete with a <Delete> document of at most 1000 objects → <DeleteResult>. Requires Content-MD5 or
/// an x-amz-checksum-* / x-amz-sdk-checksum-algorithm header. Errors: NoSuchBucket, MalformedXML,
/// InvalidRequest (no integrity header), InvalidDigest, BadDigest; per-key failures are <Error> entries
/// (a malformed VersionId is a per-key NoSuchVersion there, as AWS answers it; a well-formed missing one is
/// <Deleted>).
core::Result<http::Response> delete_objects(Context& ctx, const Operation& op, http::Request& req);

/// PUT /bucket/key with x-amz-copy-source → <CopyObjectResult>. Errors: NoSuchBucket, NoSuchKey, NoSuchVersion,
/// InvalidArgument (copy source, metadata directive), InvalidRequest (copy onto itself without REPLACE, source
/// over 5 GiB, source is a delete marker), PreconditionFailed (x-amz-copy-source-if-*), and PutObject's metadata
/// errors.
core::Result<http::Response> copy_object(Context& ctx, const Operation& op, http::Request& req);

/// GET /bucket/key?tagging[&versionId] → 200 <Tagging xmlns=S3><TagSet><Tag><Key/><Value/></Tag>...</TagSet>
/// </Tagging> (tags in key order), with x-amz-version-id when the bucket has (had) versioning.
/// Errors: NoSuchBucket, NoSuchKey, NoSuchVersion, InvalidArgument (malformed versionId), MethodNotAllowed (the
/// addressed or current version is a delete marker, with x-amz-delete-marker). S3 API reference GetObjectTagging.
core::Result<http::Response> get_object_tagging(Context& ctx, const Operation& op, http::Request& req);

/// PUT /bucket/key?tagging[&versionId] with a <Tagging> body → 200, replacing the version's whole tag set;
/// x-amz-version-id as for GetObjectTagging. Errors: GetObjectTagging's, plus MalformedXML (not a <Tagging>
/// document with a <TagSet>, a <Tag> without <Key> or <Value>, body over 64 KiB), InvalidTag (more than 10 tags,
/// duplicate keys, empty key, key over 128 or value over 256 characters). S3 API reference PutObjectTagging.
core::Result<http::Response> put_object_tagging(Context& ctx, const Operation& op, http::Request& req);

/// DELETE /bucket/key?tagging[&versionId] → 204, removing every tag of the version; x-amz-version-id as for
/// GetObjectTagging. Errors: as GetObjectTagging. S3 API reference DeleteObjectTagging.
core::Result<http::Response> delete_object_tagging(Context& ctx, const Operation& op, http::Request& req);

}  // namespace podbucket::s3::object
