#pragma once
// Access control lists, as far as a bucket with ACLs disabled has them: Get/PutBucketAcl, Get/PutObjectAcl.
// Every bucket and object answers the one grant S3 reports with Object Ownership BucketOwnerEnforced (the owner's
// FULL_CONTROL). Writes are accepted when they ask for exactly that (canned `private`, for objects also
// `bucket-owner-full-control`, or the equivalent AccessControlPolicy document); anything else is refused with
// AccessControlListNotSupported, or NotImplemented when the bucket's ownership controls enable ACLs (podbucket
// grants access through policies only).
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAcl.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
#include <string>
#include <string_view>

#include "core/result.h"
#include "http/message.h"
#include "s3/context.h"
#include "s3/operation.h"

namespace podbucket::s3::bucket {

/// The AccessControlPolicy document granting `owner_id` FULL_CONTROL (pure; DisplayName repeats the id, as in
/// ListBuckets' Owner).
std::string render_owner_acl(std::string_view owner_id);

/// Whether an AccessControlPolicy document grants exactly FULL_CONTROL to `owner_id` and nothing else (pure).
/// Errors: MalformedACLError (not an AccessControlPolicy, a Grant without Grantee or Permission).
core::Result<bool> is_owner_only_acl(std::string_view xml, std::string_view owner_id);

/// GET ?acl on a bucket. Errors: NoSuchBucket.
core::Result<http::Response> get_bucket_acl(Context& ctx, const Operation& op, http::Request& req);
/// PUT ?acl on a bucket → 200 when the request asks for the owner-only ACL. Errors: NoSuchBucket,
/// AccessControlListNotSupported (400 "The bucket does not allow ACLs"), NotImplemented (ACLs enabled by the
/// ownership controls), MalformedACLError, UnexpectedContent (canned ACL header and a body).
core::Result<http::Response> put_bucket_acl(Context& ctx, const Operation& op, http::Request& req);
/// GET /key?acl[&versionId]. Errors: NoSuchBucket, NoSuchKey, NoSuchVersion, InvalidArgument (malformed
/// versionId), MethodNotAllowed (a delete marker's version id).
core::Result<http::Response> get_object_acl(Context& ctx, const Operation& op, http::Request& req);
/// PUT /key?acl[&versionId] → 200. Errors: GetObjectAcl's and PutBucketAcl's.
core::Result<http::Response> put_object_acl(Context& ctx, const Operation& op, http::Request& req);

}  // namespace podbucket::s3::bucket
