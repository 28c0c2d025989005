#include "s3/bucket/logging.h"

#include "s3/bucket/bucket.h"
#include "s3/bucket/config_xml.h"
#include "s3/errors.h"
#include "s3/headers.h"
#include "wire/xml_writer.h"

namespace podbucket::s3::bucket {
namespace {

constexpr core::ErrorCode kInvalidTargetBucketForLogging{"InvalidTargetBucketForLogging", 400};

}  // namespace

core::Result<std::optional<LoggingEnabled>> parse_bucket_logging(std::string_view xml) {
  auto doc = parse_config(xml, "BucketLoggingStatus");
  if (!doc) return doc.error();
  auto enabled = child((*doc)->document_element(), "LoggingEnabled");
  if (!enabled) return std::optional<LoggingEnabled>();
  if (!child(enabled, "TargetBucket") || !child(enabled, "TargetPrefix")) return malformed_xml();
  LoggingEnabled l;
  l.target_bucket = child_text(enabled, "TargetBucket");
  l.target_prefix = child_text(enabled, "TargetPrefix");
  if (auto format = child(enabled, "TargetObjectKeyFormat")) {
    auto simple = child(format, "SimplePrefix");
    auto partitioned = child(format, "PartitionedPrefix");
    if (simple && partitioned) return malformed_xml();
    if (simple) l.key_format = "SimplePrefix";
    if (partitioned) {
      l.key_format = "PartitionedPrefix";
      l.partition_date_source = child_text(partitioned, "PartitionDateSource");
      if (!l.partition_date_source.empty() && l.partition_date_source != "EventTime" &&
          l.partition_date_source != "DeliveryTime") {
        return malformed_xml();
      }
    }
  }
  if (auto grants = child(enabled, "TargetGrants"); grants && !children(grants, "Grant").empty()) {
    return core::AwsError(kAccessControlListNotSupported, "The target bucket for logging does not allow ACLs");
  }
  return std::optional(std::move(l));
}

std::string render_bucket_logging(const std::optional<LoggingEnabled>& logging) {
  if (!logging) return empty_document("BucketLoggingStatus");
  wire::XmlWriter w;
  w.open("BucketLoggingStatus", wire::kS3Namespace).open("LoggingEnabled");
  w.element("TargetBucket", logging->target_bucket).element("TargetPrefix", logging->target_prefix);
  if (logging->key_format == "SimplePrefix") w.open("TargetObjectKeyFormat").empty("SimplePrefix").close();
  if (logging->key_format == "PartitionedPrefix") {
    w.open("TargetObjectKeyFormat").open("PartitionedPrefix");
    if (!logging->partition_date_source.empty()) w.element("PartitionDateSource", logging->partition_date_source);
    w.close().close();
  }
  w.close().close();
  return w.str();
}

core::Result<http::Response> get_bucket_logging(Context& ctx, const Operation& op, http::Request&) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  auto doc = ctx.meta.get_bucket_config(op.bucket, kLoggingConfig);
  return xml_response(doc ? *doc : render_bucket_logging(std::nullopt));
}

core::Result<http::Response> put_bucket_logging(Context& ctx, const Operation& op, http::Request& req) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  auto body = read_config_body(req);
  if (!body) return body.error();
  auto logging = parse_bucket_logging(*body);
  if (!logging) return logging.error();
  if (!*logging) {
    ctx.meta.delete_bucket_config(op.bucket, kLoggingConfig);
    return http::Response{};
  }
  if (!ctx.meta.find_bucket((*logging)->target_bucket)) {
    return core::AwsError(kInvalidTargetBucketForLogging, "The target bucket for logging does not exist")
        .with_field("TargetBucket", (*logging)->target_bucket);
  }
  if (!ctx.meta.put_bucket_config(op.bucket, kLoggingConfig, render_bucket_logging(*logging))) {
    return no_such_bucket(op.bucket);
  }
  return http::Response{};
}

}  // namespace podbucket::s3::bucket
