// The S3 dispatch: one line per operation, into its family (bucket/, object/, list/, multipart/).
#include "s3/service.h"

#include "s3/bucket/acl.h"
#include "s3/bucket/bucket.h"
#include "s3/bucket/cors.h"
#include "s3/bucket/features.h"
#include "s3/bucket/lifecycle_config.h"
#include "s3/bucket/logging.h"
#include "s3/bucket/notification.h"
#include "s3/bucket/ownership.h"
#include "s3/bucket/tagging.h"
#include "s3/bucket/website.h"
#include "s3/bucket/encryption.h"
#include "s3/bucket/policy.h"
#include "s3/bucket/versioning.h"
#include "s3/errors.h"
#include "s3/list/list.h"
#include "s3/multipart/multipart.h"
#include "s3/object/attributes.h"
#include "s3/object/object.h"

namespace podbucket::s3 {
namespace {

core::Result<http::Response> run(Context& ctx, const Operation& op, http::Request& req) {
  switch (op.kind) {
    case OpKind::kListBuckets: return bucket::list_buckets(ctx, op, req);
    case OpKind::kCreateBucket: return bucket::create_bucket(ctx, op, req);
    case OpKind::kDeleteBucket: return bucket::delete_bucket(ctx, op, req);
    case OpKind::kHeadBucket: return bucket::head_bucket(ctx, op, req);
    case OpKind::kGetBucketLocation: return bucket::get_bucket_location(ctx, op, req);
    case OpKind::kGetBucketVersioning: return bucket::get_bucket_versioning(ctx, op, req);
    case OpKind::kPutBucketVersioning: return bucket::put_bucket_versioning(ctx, op, req);
    case OpKind::kGetBucketPolicy: return bucket::get_bucket_policy(ctx, op, req);
    case OpKind::kPutBucketPolicy: return bucket::put_bucket_policy(ctx, op, req);
    case OpKind::kDeleteBucketPolicy: return bucket::delete_bucket_policy(ctx, op, req);
    case OpKind::kGetBucketPolicyStatus: return bucket::get_bucket_policy_status(ctx, op, req);
    case OpKind::kGetPublicAccessBlock: return bucket::get_public_access_block(ctx, op, req);
    case OpKind::kPutPublicAccessBlock: return bucket::put_public_access_block(ctx, op, req);
    case OpKind::kDeletePublicAccessBlock: return bucket::delete_public_access_block(ctx, op, req);
    case OpKind::kGetBucketEncryption: return bucket::get_bucket_encryption(ctx, op, req);
    case OpKind::kPutBucketEncryption: return bucket::put_bucket_encryption(ctx, op, req);
    case OpKind::kDeleteBucketEncryption: return bucket::delete_bucket_encryption(ctx, op, req);

    case OpKind::kPutObject: return object::put_object(ctx, op, req);
    case OpKind::kGetObject: return object::get_object(ctx, op, req);
    case OpKind::kHeadObject: return object::head_object(ctx, op, req);
    case OpKind::kDeleteObject: return object::delete_object(ctx, op, req);
    case OpKind::kDeleteObjects: return object::delete_objects(ctx, op, req);
    case OpKind::kCopyObject: return object::copy_object(ctx, op, req);
    case OpKind::kGetObjectTagging: return object::get_object_tagging(ctx, op, req);
    case OpKind::kPutObjectTagging: return object::put_object_tagging(ctx, op, req);
    case OpKind::kDeleteObjectTagging: return object::delete_object_tagging(ctx, op, req);

    case OpKind::kListObjects: return list::list_objects(ctx, op, req);
    case OpKind::kListObjectsV2: return list::list_objects_v2(ctx, op, req);
    case OpKind::kListObjectVersions: return list::list_object_versions(ctx, op, req);

    case OpKind::kCreateMultipartUpload: return multipart::create_multipart_upload(ctx, op, req);
    case OpKind::kUploadPart: return multipart::upload_part(ctx, op, req);
    case OpKind::kUploadPartCopy: return multipart::upload_part_copy(ctx, op, req);
    case OpKind::kCompleteMultipartUpload: return multipart::complete_multipart_upload(ctx, op, req);
    case OpKind::kAbortMultipartUpload: return multipart::abort_multipart_upload(ctx, op, req);
    case OpKind::kListParts: return multipart::list_parts(ctx, op, req);
    case OpKind::kListMultipartUploads: return multipart::list_multipart_uploads(ctx, op, req);

    case OpKind::kGetBucketTagging: return bucket::get_bucket_tagging(ctx, op, req);
    case OpKind::kPutBucketTagging: return bucket::put_bucket_tagging(ctx, op, req);
    case OpKind::kDeleteBucketTagging: return bucket::delete_bucket_tagging(ctx, op, req);
    case OpKind::kGetBucketCors: return bucket::get_bucket_cors(ctx, op, req);
    case OpKind::kPutBucketCors: return bucket::put_bucket_cors(ctx, op, req);
    case OpKind::kDeleteBucketCors: return bucket::delete_bucket_cors(ctx, op, req);
    case OpKind::kGetBucketAcl: return bucket::get_bucket_acl(ctx, op, req);
    case OpKind::kPutBucketAcl: return bucket::put_bucket_acl(ctx, op, req);
    case OpKind::kGetBucketOwnershipControls: return bucket::get_bucket_ownership_controls(ctx, op, req);
    case OpKind::kPutBucketOwnershipControls: return bucket::put_bucket_ownership_controls(ctx, op, req);
    case OpKind::kDeleteBucketOwnershipControls: return bucket::delete_bucket_ownership_controls(ctx, op, req);
    case OpKind::kGetBucketWebsite: return bucket::get_bucket_website(ctx, op, req);
    case OpKind::kPutBucketWebsite: return bucket::put_bucket_website(ctx, op, req);
    case OpKind::kDeleteBucketWebsite: return bucket::delete_bucket_website(ctx, op, req);
    case OpKind::kGetBucketLogging: return bucket::get_bucket_logging(ctx, op, req);
    case OpKind::kPutBucketLogging: return bucket::put_bucket_logging(ctx, op, req);
    case OpKind::kGetBucketNotificationConfiguration: return bucket::get_bucket_notification(ctx, op, req);
    case OpKind::kPutBucketNotificationConfiguration: return bucket::put_bucket_notification(ctx, op, req);
    case OpKind::kGetBucketAccelerateConfiguration: return bucket::get_bucket_accelerate(ctx, op, req);
    case OpKind::kPutBucketAccelerateConfiguration: return bucket::put_bucket_accelerate(ctx, op, req);
    case OpKind::kGetBucketRequestPayment: return bucket::get_bucket_request_payment(ctx, op, req);
    case OpKind::kPutBucketRequestPayment: return bucket::put_bucket_request_payment(ctx, op, req);
    case OpKind::kGetBucketReplication: return bucket::get_bucket_replication(ctx, op, req);
    case OpKind::kPutBucketReplication: return bucket::put_bucket_replication(ctx, op, req);
    case OpKind::kDeleteBucketReplication: return bucket::delete_bucket_replication(ctx, op, req);
    case OpKind::kGetObjectLockConfiguration: return bucket::get_object_lock_configuration(ctx, op, req);
    case OpKind::kPutObjectLockConfiguration: return bucket::put_object_lock_configuration(ctx, op, req);
    case OpKind::kGetBucketLifecycleConfiguration: return bucket::get_bucket_lifecycle(ctx, op, req);
    case OpKind::kPutBucketLifecycleConfiguration: return bucket::put_bucket_lifecycle(ctx, op, req);
    case OpKind::kDeleteBucketLifecycle: return bucket::delete_bucket_lifecycle(ctx, op, req);
    case OpKind::kGetObjectAcl: return bucket::get_object_acl(ctx, op, req);
    case OpKind::kPutObjectAcl: return bucket::put_object_acl(ctx, op, req);
    case OpKind::kGetObjectAttributes: return object::get_object_attributes(ctx, op, req);
    case OpKind::kCorsPreflight: return bucket::cors_preflight(ctx, op, req);

    case OpKind::kUnsupported: break;
  }
  return core::AwsError(kNotImplemented, "A header you provided implies functionality that is not implemented",
                        op.detail.empty() ? std::string() : "?" + op.detail);
}

}  // namespace

core::Result<http::Response> dispatch(Context& ctx, const Operation& op, http::Request& req) {
  auto result = run(ctx, op, req);
  bucket::decorate_cors(ctx, op, req, result);  // Access-Control-* for cross-origin requests (Origin header)
  return result;
}

core::Result<http::Response> handle(Context& ctx, http::Request& req) {
  auto op = route(req, ctx.config);
  if (!op) return op.error();
  return dispatch(ctx, *op, req);
}

}  // namespace podbucket::s3
