#include "s3/bucket/lifecycle_config.h"

#include "core/encoding.h"
#include "s3/bucket/bucket.h"
#include "s3/bucket/config_xml.h"
#include "s3/errors.h"
#include "s3/headers.h"
#include "s3/lifecycle/rules.h"

namespace podbucket::s3::bucket {
namespace {

constexpr core::ErrorCode kNoSuchLifecycleConfiguration{"NoSuchLifecycleConfiguration", 404};
constexpr std::string_view kMinimumSizeHeader = "x-amz-transition-default-minimum-object-size";
constexpr std::string_view kDefaultMinimumSize = "all_storage_classes_128K";

}  // namespace

core::Result<http::Response> get_bucket_lifecycle(Context& ctx, const Operation& op, http::Request&) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  auto doc = ctx.meta.get_bucket_config(op.bucket, lifecycle::kConfigKind);
  if (!doc) {
    return core::AwsError(kNoSuchLifecycleConfiguration, "The lifecycle configuration does not exist",
                          resource_path(op.bucket))
        .with_field("BucketName", op.bucket);
  }
  auto minimum = ctx.meta.get_bucket_config(op.bucket, kLifecycleMinimumSizeConfig);
  auto r = xml_response(*doc);
  r.headers.set(std::string(kMinimumSizeHeader), minimum ? *minimum : std::string(kDefaultMinimumSize));
  return r;
}

core::Result<http::Response> put_bucket_lifecycle(Context& ctx, const Operation& op, http::Request& req) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  std::string minimum(kDefaultMinimumSize);
  if (auto header = req.headers.get(kMinimumSizeHeader)) {
    minimum = std::string(core::trim(*header));
    if (minimum != kDefaultMinimumSize && minimum != "varies_by_storage_class") {
      return core::AwsError(kInvalidRequest, "Invalid TransitionDefaultMinimumObjectSize found");
    }
  }
  auto body = read_config_body(req);
  if (!body) return body.error();
  auto config = lifecycle::parse_configuration(*body, ctx.random);
  if (!config) return config.error();
  if (!ctx.meta.put_bucket_config(op.bucket, lifecycle::kConfigKind, lifecycle::render_configuration(*config))) {
    return no_such_bucket(op.bucket);
  }
  if (minimum == kDefaultMinimumSize) {
    ctx.meta.delete_bucket_config(op.bucket, kLifecycleMinimumSizeConfig);
  } else {
    ctx.meta.put_bucket_config(op.bucket, kLifecycleMinimumSizeConfig, minimum);
  }
  http::Response r;
  r.headers.set(std::string(kMinimumSizeHeader), minimum);
  return r;
}

core::Result<http::Response> delete_bucket_lifecycle(Context& ctx, const Operation& op, http::Request&) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  ctx.meta.delete_bucket_config(op.bucket, lifecycle::kConfigKind);
  ctx.meta.delete_bucket_config(op.bucket, kLifecycleMinimumSizeConfig);
  return no_content();
}

}  // namespace podbucket::s3::bucket
