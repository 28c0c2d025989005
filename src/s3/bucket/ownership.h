#pragma once
// S3 Object Ownership: Get/Put/DeleteBucketOwnershipControls. Buckets are created with BucketOwnerEnforced (ACLs
// disabled), as S3 does since April 2023; after DeleteBucketOwnershipControls the bucket has no controls at all.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketOwnershipControls.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "http/message.h"
#include "s3/context.h"
#include "s3/operation.h"
#include "store/metadata.h"

namespace podbucket::s3::bucket {

/// Stored document: the rendered OwnershipControls, or "" once deleted; absent = the creation default.
inline constexpr std::string_view kOwnershipConfig = "ownership-controls";

enum class ObjectOwnership { kBucketOwnerEnforced, kBucketOwnerPreferred, kObjectWriter };

std::string_view object_ownership_name(ObjectOwnership o);
/// Parses an <OwnershipControls> document with exactly one Rule (pure). Errors: MalformedXML (wrong shape, an
/// ObjectOwnership other than BucketOwnerEnforced / BucketOwnerPreferred / ObjectWriter).
core::Result<ObjectOwnership> parse_ownership_controls(std::string_view xml);
/// The GetBucketOwnershipControls document (pure).
std::string render_ownership_controls(ObjectOwnership o);

/// The bucket's ownership setting: BucketOwnerEnforced unless changed; nullopt once the controls were deleted.
std::optional<ObjectOwnership> load_object_ownership(store::Metadata& meta, std::string_view bucket);
/// True when ACLs are disabled for the bucket (BucketOwnerEnforced).
bool acls_disabled(store::Metadata& meta, std::string_view bucket);

/// GET ?ownershipControls. Errors: NoSuchBucket, OwnershipControlsNotFoundError (404, after a delete).
core::Result<http::Response> get_bucket_ownership_controls(Context& ctx, const Operation& op, http::Request& req);
/// PUT ?ownershipControls → 200. Errors: NoSuchBucket, MalformedXML, InvalidDigest, BadDigest.
core::Result<http::Response> put_bucket_ownership_controls(Context& ctx, const Operation& op, http::Request& req);
/// DELETE ?ownershipControls → 204. Errors: NoSuchBucket.
core::Result<http::Response> delete_bucket_ownership_controls(Context& ctx, const Operation& op, http::Request& req);

}  // namespace podbucket::s3::bucket
