#pragma once
// The S3 error catalog: every S3-specific code podbucket emits, with its HTTP status, as listed in the S3 API
// reference "Error responses" page (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
// Codes shared with other services (AccessDenied, InvalidArgument, InvalidRequest, BadDigest, InvalidDigest,
// NotImplemented, MethodNotAllowed, ...) live in core/error.h and are re-exported here so S3 code has one place to look.
#include "core/error.h"

namespace podbucket::s3 {

using core::ErrorCode;

// Shared codes, re-exported.
using core::kAccessDenied;
using core::kBadDigest;
using core::kIncompleteBody;
using core::kInternalError;
using core::kInvalidArgument;
using core::kInvalidDigest;
using core::kInvalidRequest;
using core::kMethodNotAllowed;
using core::kNotImplemented;

// Buckets.
inline constexpr ErrorCode kNoSuchBucket{"NoSuchBucket", 404};
inline constexpr ErrorCode kBucketAlreadyOwnedByYou{"BucketAlreadyOwnedByYou", 409};
inline constexpr ErrorCode kBucketAlreadyExists{"BucketAlreadyExists", 409};
inline constexpr ErrorCode kBucketNotEmpty{"BucketNotEmpty", 409};
inline constexpr ErrorCode kInvalidBucketName{"InvalidBucketName", 400};
inline constexpr ErrorCode kInvalidLocationConstraint{"InvalidLocationConstraint", 400};
inline constexpr ErrorCode kIllegalLocationConstraintException{"IllegalLocationConstraintException", 400};
inline constexpr ErrorCode kInvalidBucketAclWithObjectOwnership{"InvalidBucketAclWithObjectOwnership", 400};
inline constexpr ErrorCode kAccessControlListNotSupported{"AccessControlListNotSupported", 400};

// Objects.
/// Carries field `Key`.
inline constexpr ErrorCode kNoSuchKey{"NoSuchKey", 404};
/// Carries fields `Key`, `VersionId`.
inline constexpr ErrorCode kNoSuchVersion{"NoSuchVersion", 404};
inline constexpr ErrorCode kKeyTooLongError{"KeyTooLongError", 400};
inline constexpr ErrorCode kMetadataTooLarge{"MetadataTooLarge", 400};
inline constexpr ErrorCode kInvalidStorageClass{"InvalidStorageClass", 400};
inline constexpr ErrorCode kInvalidObjectState{"InvalidObjectState", 403};
inline constexpr ErrorCode kInvalidTag{"InvalidTag", 400};
inline constexpr ErrorCode kEntityTooLarge{"EntityTooLarge", 400};
inline constexpr ErrorCode kEntityTooSmall{"EntityTooSmall", 400};
inline constexpr ErrorCode kMissingContentLength{"MissingContentLength", 411};
inline constexpr ErrorCode kInvalidURI{"InvalidURI", 400};
/// Carries field `ActualObjectSize` and header `Content-Range: bytes */SIZE`.
inline constexpr ErrorCode kInvalidRange{"InvalidRange", 416};
inline constexpr ErrorCode kInvalidPartNumber{"InvalidPartNumber", 416};
/// Carries field `Condition` (the header that failed).
inline constexpr ErrorCode kPreconditionFailed{"PreconditionFailed", 412};
/// 304 is answered as a plain response (no body); the entry exists for logging and completeness.
inline constexpr ErrorCode kNotModified{"NotModified", 304};
inline constexpr ErrorCode kMalformedXML{"MalformedXML", 400};
inline constexpr ErrorCode kUnexpectedContent{"UnexpectedContent", 400};

// Multipart.
inline constexpr ErrorCode kNoSuchUpload{"NoSuchUpload", 404};
inline constexpr ErrorCode kInvalidPart{"InvalidPart", 400};
inline constexpr ErrorCode kInvalidPartOrder{"InvalidPartOrder", 400};

/// "/bucket" or "/bucket/key", the Resource of S3 errors. Built with append: GCC 12 warns (-Wrestrict, a false
/// positive) on the equivalent chain of operator+.
inline std::string resource_path(std::string_view bucket, std::string_view key = {}) {
  std::string path;
  path.reserve(bucket.size() + key.size() + 2);
  path.append("/").append(bucket);
  if (!key.empty()) path.append("/").append(key);
  return path;
}

/// NoSuchKey with the `Key` field AWS adds.
inline core::AwsError no_such_key(std::string_view bucket, std::string_view key) {
  return core::AwsError(kNoSuchKey, "The specified key does not exist.", resource_path(bucket, key))
      .with_field("Key", std::string(key));
}
/// 400 InvalidArgument for a versionId that is not a well-formed version id (see is_valid_version_id), with the
/// ArgumentName / ArgumentValue fields AWS adds.
inline core::AwsError invalid_version_id(std::string_view version_id) {
  return core::AwsError(kInvalidArgument, "Invalid version id specified")
      .with_field("ArgumentName", "versionId")
      .with_field("ArgumentValue", std::string(version_id));
}
/// NoSuchVersion with the `Key` and `VersionId` fields AWS adds.
inline core::AwsError no_such_version(std::string_view bucket, std::string_view key, std::string_view version_id) {
  return core::AwsError(kNoSuchVersion, "The specified version does not exist.",
                        resource_path(bucket, key))
      .with_field("Key", std::string(key))
      .with_field("VersionId", std::string(version_id));
}
/// NoSuchBucket with the `BucketName` field AWS adds.
inline core::AwsError no_such_bucket(std::string_view bucket) {
  return core::AwsError(kNoSuchBucket, "The specified bucket does not exist", resource_path(bucket))
      .with_field("BucketName", std::string(bucket));
}

}  // namespace podbucket::s3
