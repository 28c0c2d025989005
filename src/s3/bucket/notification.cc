#include "s3/bucket/notification.h"

#include <algorithm>

#include "core/encoding.h"
#include "s3/bucket/bucket.h"
#include "s3/bucket/config_xml.h"
#include "s3/errors.h"
#include "s3/headers.h"
#include "wire/xml_writer.h"

namespace podbucket::s3::bucket {
namespace {

// Event types S3 defines for notifications (user guide "Supported event types").
constexpr std::string_view kEvents[] = {
    "s3:TestEvent",
    "s3:ObjectCreated:*",
    "s3:ObjectCreated:Put",
    "s3:ObjectCreated:Post",
    "s3:ObjectCreated:Copy",
    "s3:ObjectCreated:CompleteMultipartUpload",
    "s3:ObjectRemoved:*",
    "s3:ObjectRemoved:Delete",
    "s3:ObjectRemoved:DeleteMarkerCreated",
    "s3:ObjectRestore:*",
    "s3:ObjectRestore:Post",
    "s3:ObjectRestore:Completed",
    "s3:ObjectRestore:Delete",
    "s3:ReducedRedundancyLostObject",
    "s3:Replication:*",
    "s3:Replication:OperationFailedReplication",
    "s3:Replication:OperationMissedThreshold",
    "s3:Replication:OperationReplicatedAfterThreshold",
    "s3:Replication:OperationNotTracked",
    "s3:LifecycleExpiration:*",
    "s3:LifecycleExpiration:Delete",
    "s3:LifecycleExpiration:DeleteMarkerCreated",
    "s3:LifecycleTransition",
    "s3:IntelligentTiering",
    "s3:ObjectTagging:*",
    "s3:ObjectTagging:Put",
    "s3:ObjectTagging:Delete",
    "s3:ObjectAcl:Put",
};
constexpr std::string_view kKinds[] = {"Topic", "Queue", "CloudFunction"};

core::AwsError invalid_argument(std::string message, std::string_view name, std::string_view value) {
  return core::AwsError(kInvalidArgument, std::move(message))
      .with_field("ArgumentName", std::string(name))
      .with_field("ArgumentValue", std::string(value));
}

// An id in the form S3 assigns: base64 of a random UUID's text.
std::string random_id(core::Random& random) {
  std::string hex = core::hex_encode(random.bytes(16));
  std::string uuid = hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) +
                     "-" + hex.substr(20);
  return core::base64_encode(uuid);
}

core::Result<NotificationTarget> parse_target(const pugi::xml_node& node, std::string_view kind,
                                              core::Random& random) {
  NotificationTarget t;
  t.kind = std::string(kind);
  t.id = child_text(node, "Id");
  if (!child(node, kind)) return malformed_xml();
  t.arn = child_text(node, kind);
  if (t.arn.rfind("arn:", 0) != 0) return invalid_argument("The ARN is not well formed", kind, t.arn);
  for (auto e : children(node, "Event")) {
    std::string event = e.text().as_string();
    if (std::find(std::begin(kEvents), std::end(kEvents), event) == std::end(kEvents)) {
      return invalid_argument("The event is not supported for notifications", "Event", event);
    }
    t.events.push_back(std::move(event));
  }
  if (t.events.empty()) return malformed_xml();
  if (auto filter = child(node, "Filter")) {
    auto key = child(filter, "S3Key");
    if (!key) return malformed_xml();
    for (auto rule : children(key, "FilterRule")) {
      std::string name = core::to_lower(child_text(rule, "Name"));
      if (name != "prefix" && name != "suffix") {
        return invalid_argument("filter rule name must be either prefix or suffix", "FilterRule", name);
      }
      name = name == "prefix" ? "Prefix" : "Suffix";
      for (const auto& [n, v] : t.filter_rules) {
        if (n == name) {
          return invalid_argument("Cannot specify more than one " + core::to_lower(name) + " rule in a filter.",
                                  "FilterRule", name);
        }
      }
      t.filter_rules.emplace_back(name, child_text(rule, "Value"));
    }
  }
  if (t.id.empty()) t.id = random_id(random);
  return t;
}

}  // namespace

core::Result<NotificationConfiguration> parse_notification_configuration(std::string_view xml, core::Random& random) {
  auto doc = parse_config(xml, "NotificationConfiguration");
  if (!doc) return doc.error();
  auto root = (*doc)->document_element();
  NotificationConfiguration c;
  for (auto kind : kKinds) {
    for (auto node : children(root, std::string(kind) + "Configuration")) {
      auto target = parse_target(node, kind, random);
      if (!target) return target.error();
      c.targets.push_back(*std::move(target));
    }
  }
  c.event_bridge = static_cast<bool>(child(root, "EventBridgeConfiguration"));
  return c;
}

std::string render_notification_configuration(const NotificationConfiguration& c) {
  if (c.empty()) return empty_document("NotificationConfiguration");
  wire::XmlWriter w;
  w.open("NotificationConfiguration", wire::kS3Namespace);
  for (const auto& t : c.targets) {
    w.open(t.kind + "Configuration").element("Id", t.id).element(t.kind, t.arn);
    for (const auto& e : t.events) w.element("Event", e);
    if (!t.filter_rules.empty()) {
      w.open("Filter").open("S3Key");
      for (const auto& [name, value] : t.filter_rules) w.open("FilterRule").element("Name", name).element("Value", value).close();
      w.close().close();
    }
    w.close();
  }
  if (c.event_bridge) w.empty("EventBridgeConfiguration");
  w.close();
  return w.str();
}

core::Result<http::Response> get_bucket_notification(Context& ctx, const Operation& op, http::Request&) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  auto doc = ctx.meta.get_bucket_config(op.bucket, kNotificationConfig);
  return xml_response(doc ? *doc : render_notification_configuration({}));
}

core::Result<http::Response> put_bucket_notification(Context& ctx, const Operation& op, http::Request& req) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  auto body = read_config_body(req);
  if (!body) return body.error();
  auto config = parse_notification_configuration(*body, ctx.random);
  if (!config) return config.error();
  if (config->empty()) {
    ctx.meta.delete_bucket_config(op.bucket, kNotificationConfig);
  } else if (!ctx.meta.put_bucket_config(op.bucket, kNotificationConfig, render_notification_configuration(*config))) {
    return no_such_bucket(op.bucket);
  }
  return http::Response{};
}

}  // namespace podbucket::s3::bucket
