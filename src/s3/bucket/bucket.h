#pragma once
// Bucket operations: ListBuckets, CreateBucket, DeleteBucket, HeadBucket, GetBucketLocation, and the bucket
// naming rules. Sources: S3 API reference pages of each operation; S3 user guide "Bucket naming rules".
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "http/message.h"
#include "s3/context.h"
#include "s3/operation.h"
#include "store/records.h"

namespace podbucket::s3::bucket {

/// Checks the general-purpose bucket naming rules: 3-63 characters of a-z 0-9 . -, starting and ending with a
/// letter or digit, no "..", not formatted like an IPv4 address, none of the reserved prefixes (xn--, sthree-,
/// amzn-s3-demo-) or suffixes (-s3alias, --ol-s3, .mrap, --x-s3, --table-s3). Errors: InvalidBucketName.
core::Result<void> validate_bucket_name(std::string_view name);

/// The bucket record, or NoSuchBucket (404).
core::Result<store::BucketRecord> require_bucket(Context& ctx, std::string_view name);

/// GET / (prefix, max-buckets, continuation-token) → ListAllMyBucketsResult with Owner and the caller account's
/// buckets by name (CreationDate ISO 8601 with ms). Errors: InvalidArgument (max-buckets outside 1..10000, bad
/// continuation-token).
core::Result<http::Response> list_buckets(Context& ctx, const Operation& op, http::Request& req);

/// PUT /bucket → 200 with `Location: /bucket`. The optional CreateBucketConfiguration body must name the server
/// region (none, or empty, in us-east-1). Re-creating an own bucket: 200 in us-east-1 (legacy behaviour, as AWS),
/// BucketAlreadyOwnedByYou elsewhere. Errors: InvalidBucketName, MalformedXML, InvalidLocationConstraint,
/// IllegalLocationConstraintException, BucketAlreadyExists (another account), InvalidBucketAclWithObjectOwnership
/// (canned ACL other than private / bucket-owner-full-control, or x-amz-grant-* headers).
core::Result<http::Response> create_bucket(Context& ctx, const Operation& op, http::Request& req);

/// DELETE /bucket → 204. Errors: NoSuchBucket, BucketNotEmpty (versions, delete markers or uploads remain).
core::Result<http::Response> delete_bucket(Context& ctx, const Operation& op, http::Request& req);

/// HEAD /bucket → 200 with x-amz-bucket-region. Errors: NoSuchBucket (404, rendered without a body for HEAD).
core::Result<http::Response> head_bucket(Context& ctx, const Operation& op, http::Request& req);

/// GET /bucket?location → <LocationConstraint>, empty for us-east-1. Errors: NoSuchBucket.
core::Result<http::Response> get_bucket_location(Context& ctx, const Operation& op, http::Request& req);

}  // namespace podbucket::s3::bucket

namespace podbucket::s3::bucket {

/// The ListAllMyBucketsResult document (pure; golden-tested). `next_token` and `prefix` appear only when
/// non-empty / requested.
std::string render_list_buckets(std::string_view owner_id, const std::vector<store::BucketRecord>& buckets,
                                std::string_view next_token = {}, const std::string* prefix = nullptr);
/// The GetBucketLocation document: empty element content for us-east-1.
std::string render_location(std::string_view region);
/// Checks a CreateBucket LocationConstraint (empty = absent) against the server region. Errors:
/// InvalidLocationConstraint (unknown region, or an explicit "us-east-1"), IllegalLocationConstraintException
/// (a region other than the server's, or none outside us-east-1).
core::Result<void> check_location_constraint(std::string_view constraint, std::string_view server_region);

}  // namespace podbucket::s3::bucket
