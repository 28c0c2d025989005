#pragma once
// Server access logging configuration: Get/PutBucketLogging. podbucket stores the configuration and returns it;
// it delivers no access-log objects (its own access log goes to the server log).
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLogging.html
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "http/message.h"
#include "s3/context.h"
#include "s3/operation.h"

namespace podbucket::s3::bucket {

inline constexpr std::string_view kLoggingConfig = "logging";

/// LoggingEnabled as stored. `key_format` is "" (none given), "SimplePrefix" or "PartitionedPrefix".
struct LoggingEnabled {
  std::string target_bucket;
  std::string target_prefix;
  std::string key_format;
  std::string partition_date_source;  // PartitionedPrefix: "EventTime" / "DeliveryTime" / ""
};

/// Parses a <BucketLoggingStatus> document (pure): nullopt when it holds no LoggingEnabled (logging off).
/// Errors: MalformedXML (wrong shape, LoggingEnabled without TargetBucket or TargetPrefix, both key formats, an
/// unknown PartitionDateSource).
core::Result<std::optional<LoggingEnabled>> parse_bucket_logging(std::string_view xml);
/// The GetBucketLogging document (pure); an empty, self-closed BucketLoggingStatus when logging is off.
std::string render_bucket_logging(const std::optional<LoggingEnabled>& logging);

/// GET ?logging. Errors: NoSuchBucket.
core::Result<http::Response> get_bucket_logging(Context& ctx, const Operation& op, http::Request& req);
/// PUT ?logging → 200. Errors: NoSuchBucket, MalformedXML, InvalidTargetBucketForLogging (the target bucket does
/// not exist), AccessControlListNotSupported (TargetGrants: the target bucket does not allow ACLs), InvalidDigest,
/// BadDigest.
core::Result<http::Response> put_bucket_logging(Context& ctx, const Operation& op, http::Request& req);

}  // namespace podbucket::s3::bucket
