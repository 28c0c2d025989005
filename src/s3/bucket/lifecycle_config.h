#pragma once
// Get/Put/DeleteBucketLifecycleConfiguration: the HTTP side of lifecycle rules (model and validation in
// s3/lifecycle/rules.h, execution in s3/lifecycle/worker.h).
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLifecycleConfiguration.html
#include <string_view>

#include "core/result.h"
#include "http/message.h"
#include "s3/context.h"
#include "s3/operation.h"

namespace podbucket::s3::bucket {

/// The x-amz-transition-default-minimum-object-size setting, stored beside the rules when it is not the default.
inline constexpr std::string_view kLifecycleMinimumSizeConfig = "lifecycle-minimum-size";

/// GET ?lifecycle → <LifecycleConfiguration> with x-amz-transition-default-minimum-object-size. Errors:
/// NoSuchBucket, NoSuchLifecycleConfiguration (404).
core::Result<http::Response> get_bucket_lifecycle(Context& ctx, const Operation& op, http::Request& req);
/// PUT ?lifecycle → 200 with x-amz-transition-default-minimum-object-size, replacing the whole configuration.
/// Errors: NoSuchBucket, lifecycle::parse_configuration's, InvalidRequest (an unknown
/// x-amz-transition-default-minimum-object-size), InvalidDigest, BadDigest.
core::Result<http::Response> put_bucket_lifecycle(Context& ctx, const Operation& op, http::Request& req);
/// DELETE ?lifecycle → 204, also when there was none. Errors: NoSuchBucket.
core::Result<http::Response> delete_bucket_lifecycle(Context& ctx, const Operation& op, http::Request& req);

}  // namespace podbucket::s3::bucket
