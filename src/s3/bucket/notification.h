#pragma once
// Event notification configuration: Get/PutBucketNotificationConfiguration (and the legacy GetBucketNotification,
// which shares the ?notification sub-resource). podbucket validates, stores and returns the configuration; it
// delivers no events (it has no SNS, SQS, Lambda or EventBridge to deliver to).
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketNotificationConfiguration.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/random.h"
#include "core/result.h"
#include "http/message.h"
#include "s3/context.h"
#include "s3/operation.h"

namespace podbucket::s3::bucket {

inline constexpr std::string_view kNotificationConfig = "notification";

/// One TopicConfiguration / QueueConfiguration / CloudFunctionConfiguration.
struct NotificationTarget {
  std::string kind;  // "Topic", "Queue" or "CloudFunction": the element names are <kind>Configuration and <kind>
  std::string id;
  std::string arn;
  std::vector<std::string> events;
  std::vector<std::pair<std::string, std::string>> filter_rules;  // ("Prefix"|"Suffix", value)
};

struct NotificationConfiguration {
  std::vector<NotificationTarget> targets;  // topics, then queues, then functions
  bool event_bridge = false;
  bool empty() const { return targets.empty() && !event_bridge; }
};

/// Parses a <NotificationConfiguration> document (pure). A configuration without Id gets a random one from
/// `random`, as S3 assigns. Errors: MalformedXML (wrong shape, a configuration without its ARN or without an
/// Event), InvalidArgument (an ARN that is not an ARN, an event S3 does not define, a filter rule other than
/// prefix/suffix or one named twice), with S3's messages.
core::Result<NotificationConfiguration> parse_notification_configuration(std::string_view xml, core::Random& random);
/// The GetBucketNotificationConfiguration document (pure); self-closed and empty when nothing is configured.
std::string render_notification_configuration(const NotificationConfiguration& config);

/// GET ?notification. Errors: NoSuchBucket.
core::Result<http::Response> get_bucket_notification(Context& ctx, const Operation& op, http::Request& req);
/// PUT ?notification → 200; an empty configuration removes it. Errors: NoSuchBucket and the parse errors.
core::Result<http::Response> put_bucket_notification(Context& ctx, const Operation& op, http::Request& req);

}  // namespace podbucket::s3::bucket
