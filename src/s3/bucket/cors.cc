// The CORS configuration document and Get/Put/DeleteBucketCors.
#include "s3/bucket/cors.h"

#include <algorithm>

#include "s3/bucket/bucket.h"
#include "s3/bucket/config_xml.h"
#include "s3/errors.h"
#include "s3/headers.h"
#include "wire/xml_writer.h"

namespace podbucket::s3::bucket {
namespace {

constexpr size_t kMaxIdChars = 255;
constexpr std::string_view kMethods[] = {"GET", "PUT", "HEAD", "POST", "DELETE"};
constexpr core::ErrorCode kNoSuchCORSConfiguration{"NoSuchCORSConfiguration", 404};

std::vector<std::string> texts(const pugi::xml_node& parent, std::string_view name) {
  std::vector<std::string> out;
  for (auto node : children(parent, name)) out.emplace_back(node.text().as_string());
  return out;
}

bool more_than_one_wildcard(std::string_view text) { return std::count(text.begin(), text.end(), '*') > 1; }

core::Result<CorsRule> parse_rule(const pugi::xml_node& node) {
  CorsRule rule;
  rule.id = child_text(node, "ID");
  if (rule.id.size() > kMaxIdChars) return malformed_xml();
  rule.allowed_headers = texts(node, "AllowedHeader");
  rule.allowed_methods = texts(node, "AllowedMethod");
  rule.allowed_origins = texts(node, "AllowedOrigin");
  rule.expose_headers = texts(node, "ExposeHeader");
  if (rule.allowed_methods.empty() || rule.allowed_origins.empty()) return malformed_xml();
  if (auto max_age = child(node, "MaxAgeSeconds")) {
    long long seconds = 0;
    if (!parse_int(max_age.text().as_string(), 0, INT32_MAX, seconds)) return malformed_xml();
    rule.max_age_seconds = seconds;
  }
  for (const auto& m : rule.allowed_methods) {
    if (std::find(std::begin(kMethods), std::end(kMethods), m) == std::end(kMethods)) {
      return core::AwsError(kInvalidRequest, "Found unsupported HTTP method in CORS config. Unsupported method is " + m);
    }
  }
  for (const auto& o : rule.allowed_origins) {
    if (more_than_one_wildcard(o)) {
      return core::AwsError(kInvalidRequest, "AllowedOrigin \"" + o + "\" can not have more than one wildcard.");
    }
  }
  for (const auto& h : rule.allowed_headers) {
    if (more_than_one_wildcard(h)) {
      return core::AwsError(kInvalidRequest, "AllowedHeader \"" + h + "\" can not have more than one wildcard.");
    }
  }
  for (const auto& h : rule.expose_headers) {
    if (h.find('*') != std::string::npos) {
      return core::AwsError(kInvalidRequest, "ExposeHeader \"" + h +
                                                 "\" contains wildcard. We currently do not support wildcard for "
                                                 "ExposeHeader.");
    }
  }
  return rule;
}

}  // namespace

core::Result<std::vector<CorsRule>> parse_cors_configuration(std::string_view xml) {
  auto doc = parse_config(xml, "CORSConfiguration");
  if (!doc) return doc.error();
  auto nodes = children((*doc)->document_element(), "CORSRule");
  if (nodes.empty() || nodes.size() > kMaxCorsRules) return malformed_xml();
  std::vector<CorsRule> rules;
  for (const auto& node : nodes) {
    auto rule = parse_rule(node);
    if (!rule) return rule.error();
    rules.push_back(*std::move(rule));
  }
  return rules;
}

std::string render_cors_configuration(const std::vector<CorsRule>& rules) {
  wire::XmlWriter w;
  w.open("CORSConfiguration", wire::kS3Namespace);
  for (const auto& r : rules) {
    w.open("CORSRule");
    if (!r.id.empty()) w.element("ID", r.id);
    for (const auto& h : r.allowed_headers) w.element("AllowedHeader", h);
    for (const auto& m : r.allowed_methods) w.element("AllowedMethod", m);
    for (const auto& o : r.allowed_origins) w.element("AllowedOrigin", o);
    for (const auto& h : r.expose_headers) w.element("ExposeHeader", h);
    if (r.max_age_seconds) w.element("MaxAgeSeconds", std::to_string(*r.max_age_seconds));
    w.close();
  }
  w.close();
  return w.str();
}

core::Result<http::Response> get_bucket_cors(Context& ctx, const Operation& op, http::Request&) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  auto doc = ctx.meta.get_bucket_config(op.bucket, kCorsConfig);
  if (!doc) {
    return core::AwsError(kNoSuchCORSConfiguration, "The CORS configuration does not exist", resource_path(op.bucket))
        .with_field("BucketName", op.bucket);
  }
  return xml_response(*doc);
}

core::Result<http::Response> put_bucket_cors(Context& ctx, const Operation& op, http::Request& req) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  auto body = read_config_body(req);
  if (!body) return body.error();
  auto rules = parse_cors_configuration(*body);
  if (!rules) return rules.error();
  if (!ctx.meta.put_bucket_config(op.bucket, kCorsConfig, render_cors_configuration(*rules))) {
    return no_such_bucket(op.bucket);
  }
  return http::Response{};
}

core::Result<http::Response> delete_bucket_cors(Context& ctx, const Operation& op, http::Request&) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  ctx.meta.delete_bucket_config(op.bucket, kCorsConfig);
  return no_content();
}

}  // namespace podbucket::s3::bucket
