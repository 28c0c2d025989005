#pragma once
// Bucket features a provisioning tool reads on every refresh, which podbucket either stores without acting on
// them or declines with the exact "not configured" answer S3 gives:
//   - Transfer Acceleration (Get/PutBucketAccelerateConfiguration): stored; one endpoint serves everything.
//   - Request payment (Get/PutBucketRequestPayment): stored; podbucket bills nobody. Default BucketOwner.
//   - Replication (Get/Put/DeleteBucketReplication): never configured; Put answers NotImplemented.
//   - Object Lock (Get/PutObjectLockConfiguration): never configured; Put answers NotImplemented (retention that
//     is not enforced must not be claimed).
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAccelerateConfiguration.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketRequestPayment.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketReplication.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectLockConfiguration.html
#include <string>
#include <string_view>

#include "core/result.h"
#include "http/message.h"
#include "s3/context.h"
#include "s3/operation.h"

namespace podbucket::s3::bucket {

inline constexpr std::string_view kAccelerateConfig = "accelerate";
inline constexpr std::string_view kRequestPaymentConfig = "request-payment";

/// Parses an AccelerateConfiguration document into its Status ("Enabled" / "Suspended"; "" when absent).
/// Errors: MalformedXML (wrong root, another Status value).
core::Result<std::string> parse_accelerate_configuration(std::string_view xml);
/// The GetBucketAccelerateConfiguration document: self-closed and empty when never set (pure).
std::string render_accelerate_configuration(std::string_view status);
/// Parses a RequestPaymentConfiguration document into its Payer. Errors: MalformedXML (no Payer, or one other than
/// BucketOwner / Requester).
core::Result<std::string> parse_request_payment(std::string_view xml);
std::string render_request_payment(std::string_view payer);

/// GET ?accelerate. Errors: NoSuchBucket.
core::Result<http::Response> get_bucket_accelerate(Context& ctx, const Operation& op, http::Request& req);
/// PUT ?accelerate → 200. Errors: NoSuchBucket, MalformedXML, InvalidRequest (Enabled on a bucket whose name has
/// a period).
core::Result<http::Response> put_bucket_accelerate(Context& ctx, const Operation& op, http::Request& req);
/// GET ?requestPayment → <Payer>BucketOwner</Payer> unless set. Errors: NoSuchBucket.
core::Result<http::Response> get_bucket_request_payment(Context& ctx, const Operation& op, http::Request& req);
/// PUT ?requestPayment → 200. Errors: NoSuchBucket, MalformedXML.
core::Result<http::Response> put_bucket_request_payment(Context& ctx, const Operation& op, http::Request& req);
/// GET ?replication. Errors: NoSuchBucket, ReplicationConfigurationNotFoundError (404, always).
core::Result<http::Response> get_bucket_replication(Context& ctx, const Operation& op, http::Request& req);
/// PUT ?replication. Errors: NoSuchBucket, InvalidRequest (versioning not Enabled), NotImplemented.
core::Result<http::Response> put_bucket_replication(Context& ctx, const Operation& op, http::Request& req);
/// DELETE ?replication → 204. Errors: NoSuchBucket.
core::Result<http::Response> delete_bucket_replication(Context& ctx, const Operation& op, http::Request& req);
/// GET ?object-lock. Errors: NoSuchBucket, ObjectLockConfigurationNotFoundError (404, always).
core::Result<http::Response> get_object_lock_configuration(Context& ctx, const Operation& op, http::Request& req);
/// PUT ?object-lock. Errors: NoSuchBucket, InvalidBucketState (409, versioning not Enabled), NotImplemented.
core::Result<http::Response> put_object_lock_configuration(Context& ctx, const Operation& op, http::Request& req);

}  // namespace podbucket::s3::bucket
