#pragma once
// Every S3 operation podbucket serves, parsed once from method + path + query (router.cc). Logs, metrics, IAM
// action mapping and dispatch all read this value.
#include <string>
#include <string_view>

namespace podbucket::s3 {

enum class OpKind {
  // Service / buckets.
  kListBuckets, kCreateBucket, kDeleteBucket, kHeadBucket, kGetBucketLocation,
  kGetBucketVersioning, kPutBucketVersioning,
  // Bucket policy and Block Public Access.
  kGetBucketPolicy, kPutBucketPolicy, kDeleteBucketPolicy, kGetBucketPolicyStatus,
  kGetPublicAccessBlock, kPutPublicAccessBlock, kDeletePublicAccessBlock,
  // Default encryption.
  kGetBucketEncryption, kPutBucketEncryption, kDeleteBucketEncryption,
  // Objects.
  kPutObject, kGetObject, kHeadObject, kDeleteObject, kDeleteObjects, kCopyObject,
  // Listing.
  kListObjects, kListObjectsV2, kListObjectVersions,
  // Object tagging (?tagging on a key).
  kGetObjectTagging, kPutObjectTagging, kDeleteObjectTagging,
  // Multipart.
  kCreateMultipartUpload, kUploadPart, kUploadPartCopy, kCompleteMultipartUpload, kAbortMultipartUpload,
  kListParts, kListMultipartUploads,
  // Bucket configuration surface (bucket/tagging.cc, cors.cc, acl.cc, ownership.cc, website.cc, logging.cc,
  // notification.cc, features.cc, lifecycle_config.cc).
  kGetBucketTagging, kPutBucketTagging, kDeleteBucketTagging,
  kGetBucketCors, kPutBucketCors, kDeleteBucketCors,
  kGetBucketAcl, kPutBucketAcl,
  kGetBucketOwnershipControls, kPutBucketOwnershipControls, kDeleteBucketOwnershipControls,
  kGetBucketWebsite, kPutBucketWebsite, kDeleteBucketWebsite,
  kGetBucketLogging, kPutBucketLogging,
  kGetBucketNotificationConfiguration, kPutBucketNotificationConfiguration,
  kGetBucketAccelerateConfiguration, kPutBucketAccelerateConfiguration,
  kGetBucketRequestPayment, kPutBucketRequestPayment,
  kGetBucketReplication, kPutBucketReplication, kDeleteBucketReplication,
  kGetObjectLockConfiguration, kPutObjectLockConfiguration,
  kGetBucketLifecycleConfiguration, kPutBucketLifecycleConfiguration, kDeleteBucketLifecycle,
  // Object ACLs and attributes.
  kGetObjectAcl, kPutObjectAcl, kGetObjectAttributes,
  // OPTIONS on a bucket or object: the CORS preflight, answered without authentication.
  kCorsPreflight,
  // Known to S3 but not served (yet): answered with NotImplemented.
  kUnsupported,
};

/// The operation and what it addresses. `bucket` is empty for ListBuckets; `key` is the decoded object key
/// (empty for bucket operations).
struct Operation {
  OpKind kind = OpKind::kUnsupported;
  std::string bucket;
  std::string key;
  /// For kUnsupported: the sub-resource that was asked for ("acl", "lifecycle", ...), for the error message.
  std::string detail;
};

/// The AWS API name: "GetObject", "ListObjectsV2", ...
std::string_view op_name(OpKind kind);

}  // namespace podbucket::s3
