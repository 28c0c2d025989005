#include "s3/bucket/features.h"

#include "s3/bucket/bucket.h"
#include "s3/bucket/config_xml.h"
#include "s3/errors.h"
#include "s3/headers.h"
#include "wire/xml_writer.h"

namespace podbucket::s3::bucket {
namespace {

constexpr core::ErrorCode kReplicationConfigurationNotFoundError{"ReplicationConfigurationNotFoundError", 404};
constexpr core::ErrorCode kObjectLockConfigurationNotFoundError{"ObjectLockConfigurationNotFoundError", 404};
constexpr core::ErrorCode kInvalidBucketState{"InvalidBucketState", 409};

}  // namespace

core::Result<std::string> parse_accelerate_configuration(std::string_view xml) {
  auto doc = parse_config(xml, "AccelerateConfiguration");
  if (!doc) return doc.error();
  auto root = (*doc)->document_element();
  if (!child(root, "Status")) return std::string();
  std::string status = child_text(root, "Status");
  if (status != "Enabled" && status != "Suspended") return malformed_xml();
  return status;
}

std::string render_accelerate_configuration(std::string_view status) {
  if (status.empty()) return empty_document("AccelerateConfiguration");
  wire::XmlWriter w;
  w.open("AccelerateConfiguration", wire::kS3Namespace).element("Status", status).close();
  return w.str();
}

core::Result<std::string> parse_request_payment(std::string_view xml) {
  auto doc = parse_config(xml, "RequestPaymentConfiguration");
  if (!doc) return doc.error();
  std::string payer = child_text((*doc)->document_element(), "Payer");
  if (payer != "BucketOwner" && payer != "Requester") return malformed_xml();
  return payer;
}

std::string render_request_payment(std::string_view payer) {
  wire::XmlWriter w;
  w.open("RequestPaymentConfiguration", wire::kS3Namespace).element("Payer", payer).close();
  return w.str();
}

core::Result<http::Response> get_bucket_accelerate(Context& ctx, const Operation& op, http::Request&) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  auto status = ctx.meta.get_bucket_config(op.bucket, kAccelerateConfig);
  return xml_response(render_accelerate_configuration(status ? *status : ""));
}

core::Result<http::Response> put_bucket_accelerate(Context& ctx, const Operation& op, http::Request& req) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  auto body = read_config_body(req);
  if (!body) return body.error();
  auto status = parse_accelerate_configuration(*body);
  if (!status) return status.error();
  if (*status == "Enabled" && op.bucket.find('.') != std::string::npos) {
    return core::AwsError(kInvalidRequest,
                          "S3 Transfer Acceleration is not supported for buckets with periods (.) in their names");
  }
  if (status->empty()) return http::Response{};
  if (!ctx.meta.put_bucket_config(op.bucket, kAccelerateConfig, *status)) return no_such_bucket(op.bucket);
  return http::Response{};
}

core::Result<http::Response> get_bucket_request_payment(Context& ctx, const Operation& op, http::Request&) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  auto payer = ctx.meta.get_bucket_config(op.bucket, kRequestPaymentConfig);
  return xml_response(render_request_payment(payer ? *payer : "BucketOwner"));
}

core::Result<http::Response> put_bucket_request_payment(Context& ctx, const Operation& op, http::Request& req) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  auto body = read_config_body(req);
  if (!body) return body.error();
  auto payer = parse_request_payment(*body);
  if (!payer) return payer.error();
  if (!ctx.meta.put_bucket_config(op.bucket, kRequestPaymentConfig, *payer)) return no_such_bucket(op.bucket);
  return http::Response{};
}

core::Result<http::Response> get_bucket_replication(Context& ctx, const Operation& op, http::Request&) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  return core::AwsError(kReplicationConfigurationNotFoundError, "The replication configuration was not found",
                        resource_path(op.bucket))
      .with_field("BucketName", op.bucket);
}

core::Result<http::Response> put_bucket_replication(Context& ctx, const Operation& op, http::Request& req) {
  auto b = require_bucket(ctx, op.bucket);
  if (!b) return b.error();
  auto body = read_config_body(req);
  if (!body) return body.error();
  if (auto doc = parse_config(*body, "ReplicationConfiguration"); !doc) return doc.error();
  if (b->versioning != store::Versioning::kEnabled) {
    return core::AwsError(kInvalidRequest,
                          "Versioning must be 'Enabled' on the bucket to apply a replication configuration");
  }
  return core::AwsError(kNotImplemented, "Replication is not supported by this server.");
}

core::Result<http::Response> delete_bucket_replication(Context& ctx, const Operation& op, http::Request&) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  return no_content();
}

core::Result<http::Response> get_object_lock_configuration(Context& ctx, const Operation& op, http::Request&) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  return core::AwsError(kObjectLockConfigurationNotFoundError,
                        "Object Lock configuration does not exist for this bucket", resource_path(op.bucket))
      .with_field("BucketName", op.bucket);
}

core::Result<http::Response> put_object_lock_configuration(Context& ctx, const Operation& op, http::Request& req) {
  auto b = require_bucket(ctx, op.bucket);
  if (!b) return b.error();
  auto body = read_config_body(req);
  if (!body) return body.error();
  if (auto doc = parse_config(*body, "ObjectLockConfiguration"); !doc) return doc.error();
  if (b->versioning != store::Versioning::kEnabled) {
    return core::AwsError(kInvalidBucketState,
                          "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration");
  }
  return core::AwsError(kNotImplemented, "Object Lock is not supported by this server.");
}

}  // namespace podbucket::s3::bucket
