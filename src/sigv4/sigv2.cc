#include "sigv4/sigv2.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <map>

#include "wire/query.h"
#include "core/encoding.h"
#include "core/time_format.h"
#include "crypto/hash.h"
#include "sigv4/canonical.h"
#include "sigv4/chunked.h"
#include "sigv4/errors.h"

namespace podbucket::sigv4 {
namespace {

constexpr auto kMaxSkew = std::chrono::minutes(15);

// The query parameters that are part of the SigV2 canonical resource.
constexpr std::array<std::string_view, 36> kSubResources = {
    "accelerate", "acl", "analytics", "cors", "defaultObjectAcl", "delete", "inventory", "lifecycle", "location",
    "logging", "metrics", "notification", "object-lock", "partNumber", "policy", "replication", "requestPayment",
    "response-cache-control", "response-content-disposition", "response-content-encoding",
    "response-content-language", "response-content-type", "response-expires", "restore", "select", "select-type",
    "storageClass", "tagging", "torrent", "uploadId", "uploads", "versionId", "versioning", "versions", "website",
    "encryption"};

bool is_sub_resource(std::string_view name) {
  return std::find(kSubResources.begin(), kSubResources.end(), name) != kSubResources.end();
}

std::string decode(std::string_view s) {
  auto d = core::percent_decode(s);
  return d ? std::move(*d) : std::string(s);
}

// The first value of a header, or of the same-named query parameter for presigned URLs.
std::string header_or_query(const http::Request& req, std::string_view name, bool presigned) {
  if (auto h = req.headers.get(name)) return std::string(core::trim(*h));
  if (presigned) {
    for (const auto& p : wire::split_raw_query(req.raw_query)) {
      if (core::iequals(decode(p.raw_name), name)) return decode(p.raw_value);
    }
  }
  return "";
}

}  // namespace

std::string v2_string_to_sign(const http::Request& req, std::string_view date_line, std::string_view resource_path) {
  const bool presigned = !req.headers.has("Authorization");
  std::string out = req.method;
  out += '\n';
  out += header_or_query(req, "content-md5", presigned);
  out += '\n';
  out += header_or_query(req, "content-type", presigned);
  out += '\n';
  out += date_line;
  out += '\n';
  std::map<std::string, std::vector<std::string>> amz;
  for (const auto& [name, value] : req.headers.entries()) {
    std::string lower = core::to_lower(name);
    if (lower.rfind("x-amz-", 0) == 0) amz[lower].push_back(std::string(core::trim(value)));
  }
  if (presigned) {
    for (const auto& p : wire::split_raw_query(req.raw_query)) {
      std::string lower = core::to_lower(decode(p.raw_name));
      if (lower.rfind("x-amz-", 0) == 0) amz[lower].push_back(decode(p.raw_value));
    }
  }
  for (const auto& [name, values] : amz) {
    out += name;
    out += ':';
    for (size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + values[i];
    out += '\n';
  }
  out += resource_path;
  std::vector<std::pair<std::string, std::string>> subs;  // name, "=value" or ""
  for (const auto& p : wire::split_raw_query(req.raw_query)) {
    if (is_sub_resource(p.raw_name)) {
      subs.emplace_back(std::string(p.raw_name), p.has_value ? "=" + decode(p.raw_value) : std::string());
    }
  }
  std::stable_sort(subs.begin(), subs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 0; i < subs.size(); ++i) out += (i ? "&" : "?") + subs[i].first + subs[i].second;
  return out;
}

core::Result<Verified> verify_v2(http::Request& req, const ParsedAuth& auth, const KeyLookup& lookup,
                                 const core::Clock& clock) {
  const core::TimePoint now = clock.now();
  std::vector<std::string> date_lines;
  if (auth.scope.presigned) {
    auto expires = core::from_unix_seconds(auth.v2_expires);
    if (now > expires) {
      return core::AwsError(core::kAccessDenied, "Request has expired")
          .with_field("Expires", core::format_iso8601(expires))
          .with_field("ServerTime", core::format_iso8601(now));
    }
    date_lines.push_back(std::to_string(auth.v2_expires));
  } else {
    auto x_amz_date = req.headers.get("x-amz-date");
    auto date = req.headers.get("Date");
    std::string_view shown = x_amz_date ? *x_amz_date : date ? *date : std::string_view();
    std::string parse_me(core::trim(shown));
    // RFC 822 numeric zone, as in the AWS examples ("Tue, 27 Mar 2007 19:36:42 +0000").
    if (parse_me.size() > 6 && parse_me.compare(parse_me.size() - 6, 6, " +0000") == 0) {
      parse_me.replace(parse_me.size() - 5, 5, "GMT");
    }
    std::optional<core::TimePoint> t = core::parse_http_date(parse_me);
    if (!t) t = core::parse_amz_date(core::trim(shown));
    if (!t) return core::AwsError(core::kAccessDenied, "AWS authentication requires a valid Date or x-amz-date header");
    if (*t - now > kMaxSkew || now - *t > kMaxSkew) {
      return core::AwsError(core::kRequestTimeTooSkewed,
                            "The difference between the request time and the current time is too large.")
          .with_field("RequestTime", std::string(core::trim(shown)))
          .with_field("ServerTime", core::format_iso8601(now))
          .with_field("MaxAllowedSkewMilliseconds", "900000");
    }
    // With x-amz-date the Date line is empty; clients that sign the Date header anyway are accepted too.
    if (x_amz_date) date_lines.emplace_back();
    if (date) date_lines.emplace_back(core::trim(*date));
  }

  std::optional<KeyInfo> key = lookup ? lookup(auth.scope.access_key_id) : std::nullopt;
  if (!key) return unknown_access_key("s3");
  std::string token = auth.security_token;
  if (auto header_token = req.headers.get("x-amz-security-token")) token = std::string(core::trim(*header_token));
  if (!key->session_token.empty()) {
    if (token.empty()) return unknown_access_key("s3");
    if (!crypto::constant_time_equals(token, key->session_token)) return invalid_token("s3");
    if (key->expires && now >= *key->expires) return expired_token("s3");
  } else if (!token.empty()) {
    return invalid_token("s3");
  }

  // The resource names the bucket even for virtual-hosted requests: try the path, then "/<first host label>".
  std::vector<std::string> resources{req.path.empty() ? "/" : req.path};
  // A bucket-only path is signed as "/bucket/" (S3 and botocore both add the slash).
  if (resources.front().size() > 1 && resources.front().find('/', 1) == std::string::npos) {
    resources.insert(resources.begin(), resources.front() + "/");
  }
  if (auto host = req.headers.get("Host")) {
    std::string_view h = *host;
    h = h.substr(0, h.find(':'));
    size_t dot = h.find('.');
    bool ip = !h.empty() && std::all_of(h.begin(), h.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
    if (dot != std::string_view::npos && dot > 0 && !ip) {
      resources.push_back("/" + std::string(h.substr(0, dot)) + resources.front());
    }
  }
  std::string provided = auth.signature;
  std::string first;
  bool matched = false;
  for (const auto& date_line : date_lines) {
    for (const auto& resource : resources) {
      std::string sts = v2_string_to_sign(req, date_line, resource);
      std::string expected = core::base64_encode(crypto::hmac_sha1(key->secret_access_key, sts));
      if (crypto::constant_time_equals(expected, provided)) {
        matched = true;
        break;
      }
      if (first.empty()) first = std::move(sts);
    }
    if (matched) break;
  }
  if (!matched) {
    return core::AwsError(core::kSignatureDoesNotMatch, std::string(signature_mismatch_message("s3")))
        .with_field("AWSAccessKeyId", auth.scope.access_key_id)
        .with_field("StringToSign", first)
        .with_field("SignatureProvided", provided)
        .with_field("StringToSignBytes", spaced_hex(first));
  }
  Verified verified;
  verified.scope = auth.scope;
  verified.principal = key->principal;
  verified.principal.anonymous = false;
  if (verified.principal.access_key_id.empty()) verified.principal.access_key_id = auth.scope.access_key_id;
  if (verified.principal.session_token.empty()) verified.principal.session_token = key->session_token;
  verified.body = std::make_unique<PassThroughBody>(req.body);
  return verified;
}

}  // namespace podbucket::sigv4
