// CORS enforcement: rule matching, the OPTIONS preflight and the headers of actual cross-origin requests.
#include <algorithm>

#include "core/encoding.h"
#include "s3/bucket/cors.h"
#include "s3/errors.h"

namespace podbucket::s3::bucket {
namespace {

constexpr core::ErrorCode kBadRequest{"BadRequest", 400};
constexpr core::ErrorCode kAccessForbidden{"AccessForbidden", 403};
constexpr std::string_view kVary = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method";
// S3's own wording, "evalution" included.
constexpr std::string_view kNotAllowed =
    "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request "
    "method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the "
    "resource's CORS spec.";

bool equal_chars(char a, char b, bool ignore_case) {
  if (!ignore_case) return a == b;
  return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
}

bool equal_text(std::string_view a, std::string_view b, bool ignore_case) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return equal_chars(x, y, ignore_case); });
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

// The requested header names of a preflight: comma separated, trimmed, lower case, empties dropped.
std::vector<std::string> requested_headers(const http::Request& req) {
  std::vector<std::string> out;
  for (auto value : req.headers.get_all("access-control-request-headers")) {
    while (!value.empty()) {
      auto comma = value.find(',');
      auto name = core::trim(value.substr(0, comma));
      if (!name.empty()) out.push_back(core::to_lower(name));
      if (comma == std::string_view::npos) break;
      value.remove_prefix(comma + 1);
    }
  }
  return out;
}

std::optional<std::vector<CorsRule>> load_rules(Context& ctx, std::string_view bucket) {
  auto doc = ctx.meta.get_bucket_config(bucket, kCorsConfig);
  if (!doc) return std::nullopt;
  auto rules = parse_cors_configuration(*doc);
  if (!rules) return std::vector<CorsRule>{};  // unreadable: allow nothing
  return *std::move(rules);
}

core::AwsError forbidden(std::string_view message, std::string_view method, const Operation& op) {
  return core::AwsError(kAccessForbidden, std::string(message))
      .with_field("Method", std::string(method))
      .with_field("ResourceType", op.key.empty() ? "BUCKET" : "OBJECT");
}

}  // namespace

bool cors_wildcard_match(std::string_view pattern, std::string_view text, bool ignore_case) {
  auto star = pattern.find('*');
  if (star == std::string_view::npos) return equal_text(pattern, text, ignore_case);
  std::string_view head = pattern.substr(0, star), tail = pattern.substr(star + 1);
  if (text.size() < head.size() + tail.size()) return false;
  return equal_text(head, text.substr(0, head.size()), ignore_case) &&
         equal_text(tail, text.substr(text.size() - tail.size()), ignore_case);
}

const CorsRule* match_cors_rule(const std::vector<CorsRule>& rules, std::string_view origin, std::string_view method,
                                const std::vector<std::string>& request_headers) {
  for (const auto& rule : rules) {
    bool origin_ok = std::any_of(rule.allowed_origins.begin(), rule.allowed_origins.end(),
                                 [&](const std::string& p) { return cors_wildcard_match(p, origin, false); });
    if (!origin_ok) continue;
    if (std::find(rule.allowed_methods.begin(), rule.allowed_methods.end(), method) == rule.allowed_methods.end()) {
      continue;
    }
    bool headers_ok = std::all_of(request_headers.begin(), request_headers.end(), [&](const std::string& h) {
      return std::any_of(rule.allowed_headers.begin(), rule.allowed_headers.end(),
                         [&](const std::string& p) { return cors_wildcard_match(p, h, true); });
    });
    if (headers_ok) return &rule;
  }
  return nullptr;
}

void add_cors_headers(http::Headers& out, const CorsRule& rule, std::string_view origin,
                      std::string_view allow_headers) {
  bool any_origin = std::find(rule.allowed_origins.begin(), rule.allowed_origins.end(), "*") != rule.allowed_origins.end();
  out.set("Access-Control-Allow-Origin", any_origin ? "*" : std::string(origin));
  if (!any_origin) out.set("Access-Control-Allow-Credentials", "true");
  out.set("Access-Control-Allow-Methods", join(rule.allowed_methods));
  if (!allow_headers.empty()) out.set("Access-Control-Allow-Headers", std::string(allow_headers));
  if (!rule.expose_headers.empty()) out.set("Access-Control-Expose-Headers", join(rule.expose_headers));
  if (rule.max_age_seconds) out.set("Access-Control-Max-Age", std::to_string(*rule.max_age_seconds));
  out.set("Vary", std::string(kVary));
}

core::Result<http::Response> cors_preflight(Context& ctx, const Operation& op, http::Request& req) {
  auto origin = req.headers.get("origin");
  if (!origin || origin->empty()) {
    return core::AwsError(kBadRequest, "Insufficient information. Origin request header needed.");
  }
  auto method_header = req.headers.get("access-control-request-method");
  if (!method_header || method_header->empty()) {
    return core::AwsError(kBadRequest,
                          "Insufficient information. Access-Control-Request-Method request header needed.");
  }
  std::string method(core::trim(*method_header));
  static constexpr std::string_view kKnown[] = {"GET", "PUT", "HEAD", "POST", "DELETE"};
  if (std::find(std::begin(kKnown), std::end(kKnown), method) == std::end(kKnown)) {
    return core::AwsError(kBadRequest, "Invalid Access-Control-Request-Method: " + method);
  }
  if (!ctx.meta.find_bucket(op.bucket)) return forbidden("CORSResponse: Bucket not found", method, op);
  auto rules = load_rules(ctx, op.bucket);
  if (!rules) return forbidden("CORSResponse: CORS is not enabled for this bucket.", method, op);
  auto headers = requested_headers(req);
  const CorsRule* rule = match_cors_rule(*rules, *origin, method, headers);
  if (rule == nullptr) return forbidden(kNotAllowed, method, op);
  std::string allow_headers;
  for (const auto& h : headers) allow_headers += (allow_headers.empty() ? "" : ", ") + h;
  http::Response r;
  add_cors_headers(r.headers, *rule, *origin, allow_headers);
  return r;
}

void decorate_cors(Context& ctx, const Operation& op, const http::Request& req, core::Result<http::Response>& result) {
  if (op.bucket.empty() || op.kind == OpKind::kCorsPreflight) return;
  auto origin = req.headers.get("origin");
  if (!origin || origin->empty()) return;
  auto rules = load_rules(ctx, op.bucket);
  if (!rules) return;
  const CorsRule* rule = match_cors_rule(*rules, *origin, req.method, {});
  if (rule == nullptr) return;
  if (result) {
    add_cors_headers(result->headers, *rule, *origin);
    return;
  }
  http::Headers extra;
  add_cors_headers(extra, *rule, *origin);
  core::AwsError error = result.error();
  for (const auto& [name, value] : extra.entries()) error.with_header(name, value);
  result = std::move(error);
}

}  // namespace podbucket::s3::bucket
