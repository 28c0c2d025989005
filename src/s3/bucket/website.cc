#include "s3/bucket/website.h"

#include "s3/bucket/bucket.h"
#include "s3/bucket/config_xml.h"
#include "s3/errors.h"
#include "s3/headers.h"
#include "wire/xml_writer.h"

namespace podbucket::s3::bucket {
namespace {

constexpr core::ErrorCode kNoSuchWebsiteConfiguration{"NoSuchWebsiteConfiguration", 404};
constexpr size_t kMaxRoutingRules = 50;

core::AwsError invalid_protocol() {
  return core::AwsError(kInvalidRequest,
                        "Invalid protocol, protocol can be http or https. If not defined the protocol will be selected "
                        "automatically.");
}

bool valid_protocol(std::string_view p) { return p.empty() || p == "http" || p == "https"; }

core::Result<WebsiteRoutingRule> parse_routing_rule(const pugi::xml_node& node) {
  WebsiteRoutingRule rule;
  if (auto condition = child(node, "Condition")) {
    rule.has_condition = true;
    rule.http_error_code_returned_equals = child_text(condition, "HttpErrorCodeReturnedEquals");
    rule.key_prefix_equals = child_text(condition, "KeyPrefixEquals");
    if (!child(condition, "HttpErrorCodeReturnedEquals") && !child(condition, "KeyPrefixEquals")) {
      return core::AwsError(kInvalidRequest, "Condition cannot be empty. To redirect all requests without a "
                                             "condition, the condition element shouldn't be present.");
    }
  }
  auto redirect = child(node, "Redirect");
  if (!redirect) return malformed_xml();
  auto& r = rule.redirect;
  r.host_name = child_text(redirect, "HostName");
  r.http_redirect_code = child_text(redirect, "HttpRedirectCode");
  r.protocol = child_text(redirect, "Protocol");
  r.replace_key_with = child_text(redirect, "ReplaceKeyWith");
  r.has_replace_key_prefix_with = static_cast<bool>(child(redirect, "ReplaceKeyPrefixWith"));
  r.replace_key_prefix_with = child_text(redirect, "ReplaceKeyPrefixWith");
  if (child(redirect, "ReplaceKeyWith") && r.has_replace_key_prefix_with) {
    return core::AwsError(kInvalidRequest, "You can only define ReplaceKeyPrefix or ReplaceKey but not both.");
  }
  if (!valid_protocol(r.protocol)) return invalid_protocol();
  if (!r.http_redirect_code.empty()) {
    long long code = 0;
    if (!parse_int(r.http_redirect_code, 300, 399, code)) {
      return core::AwsError(kInvalidArgument, "The provided HTTP redirect code (" + r.http_redirect_code +
                                                  ") is not valid. Valid codes are 3XX except 300.");
    }
  }
  return rule;
}

}  // namespace

core::Result<WebsiteConfiguration> parse_website_configuration(std::string_view xml) {
  auto doc = parse_config(xml, "WebsiteConfiguration");
  if (!doc) return doc.error();
  auto root = (*doc)->document_element();
  WebsiteConfiguration c;
  if (auto redirect_all = child(root, "RedirectAllRequestsTo")) {
    if (!child(redirect_all, "HostName")) return malformed_xml();
    c.redirect_all_host_name = child_text(redirect_all, "HostName");
    c.redirect_all_protocol = child_text(redirect_all, "Protocol");
    if (!valid_protocol(c.redirect_all_protocol)) return invalid_protocol();
    if (child(root, "IndexDocument") || child(root, "ErrorDocument") || child(root, "RoutingRules")) {
      return core::AwsError(kInvalidRequest,
                            "RedirectAllRequestsTo cannot be provided in conjunction with other Routing/Redirect "
                            "configurations.");
    }
    return c;
  }
  auto index = child(root, "IndexDocument");
  if (!index) {
    return core::AwsError(kInvalidArgument,
                          "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty");
  }
  c.index_suffix = child_text(index, "Suffix");
  if (c.index_suffix->empty() || c.index_suffix->find('/') != std::string::npos) {
    return core::AwsError(kInvalidArgument, "The IndexDocument Suffix is not well formed")
        .with_field("ArgumentName", "IndexDocument")
        .with_field("ArgumentValue", *c.index_suffix);
  }
  if (auto error = child(root, "ErrorDocument")) {
    if (!child(error, "Key")) return malformed_xml();
    c.error_key = child_text(error, "Key");
  }
  if (auto rules = child(root, "RoutingRules")) {
    auto nodes = children(rules, "RoutingRule");
    if (nodes.empty() || nodes.size() > kMaxRoutingRules) return malformed_xml();
    for (const auto& node : nodes) {
      auto rule = parse_routing_rule(node);
      if (!rule) return rule.error();
      c.routing_rules.push_back(*std::move(rule));
    }
  }
  return c;
}

std::string render_website_configuration(const WebsiteConfiguration& c) {
  wire::XmlWriter w;
  w.open("WebsiteConfiguration", wire::kS3Namespace);
  if (c.redirect_all_host_name) {
    w.open("RedirectAllRequestsTo").element("HostName", *c.redirect_all_host_name);
    if (!c.redirect_all_protocol.empty()) w.element("Protocol", c.redirect_all_protocol);
    w.close();
  }
  if (c.index_suffix) w.open("IndexDocument").element("Suffix", *c.index_suffix).close();
  if (c.error_key) w.open("ErrorDocument").element("Key", *c.error_key).close();
  if (!c.routing_rules.empty()) {
    w.open("RoutingRules");
    for (const auto& rule : c.routing_rules) {
      w.open("RoutingRule");
      if (rule.has_condition) {
        w.open("Condition");
        if (!rule.http_error_code_returned_equals.empty()) {
          w.element("HttpErrorCodeReturnedEquals", rule.http_error_code_returned_equals);
        }
        if (!rule.key_prefix_equals.empty()) w.element("KeyPrefixEquals", rule.key_prefix_equals);
        w.close();
      }
      const auto& r = rule.redirect;
      w.open("Redirect");
      if (!r.host_name.empty()) w.element("HostName", r.host_name);
      if (!r.http_redirect_code.empty()) w.element("HttpRedirectCode", r.http_redirect_code);
      if (!r.protocol.empty()) w.element("Protocol", r.protocol);
      if (r.has_replace_key_prefix_with) w.element("ReplaceKeyPrefixWith", r.replace_key_prefix_with);
      if (!r.replace_key_with.empty()) w.element("ReplaceKeyWith", r.replace_key_with);
      w.close().close();
    }
    w.close();
  }
  w.close();
  return w.str();
}

core::Result<http::Response> get_bucket_website(Context& ctx, const Operation& op, http::Request&) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  auto doc = ctx.meta.get_bucket_config(op.bucket, kWebsiteConfig);
  if (!doc) {
    return core::AwsError(kNoSuchWebsiteConfiguration, "The specified bucket does not have a website configuration",
                          resource_path(op.bucket))
        .with_field("BucketName", op.bucket);
  }
  return xml_response(*doc);
}

core::Result<http::Response> put_bucket_website(Context& ctx, const Operation& op, http::Request& req) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  auto body = read_config_body(req);
  if (!body) return body.error();
  auto config = parse_website_configuration(*body);
  if (!config) return config.error();
  if (!ctx.meta.put_bucket_config(op.bucket, kWebsiteConfig, render_website_configuration(*config))) {
    return no_such_bucket(op.bucket);
  }
  return http::Response{};
}

core::Result<http::Response> delete_bucket_website(Context& ctx, const Operation& op, http::Request&) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  ctx.meta.delete_bucket_config(op.bucket, kWebsiteConfig);
  return no_content();
}

}  // namespace podbucket::s3::bucket
