#include "sigv4/canonical.h"

#include <algorithm>

#include "wire/query.h"
#include "core/encoding.h"
#include "crypto/hash.h"

namespace podbucket::sigv4 {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string decode_or_raw(std::string_view text) {
  auto decoded = core::percent_decode(text, /*plus_as_space=*/false);
  return decoded ? std::move(*decoded) : std::string(text);
}

// RFC 3986 5.2.4 dot-segment removal, also dropping empty segments, as the AWS SDKs do for non-S3 services.
std::string normalize_path(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view seg = path.substr(start, end - start);
    if (seg == "..") {
      if (!out.empty()) out.pop_back();
    } else if (!seg.empty() && seg != ".") {
      out.push_back(seg);
    }
    start = end + 1;
  }
  std::string result = "/";
  for (size_t i = 0; i < out.size(); ++i) {
    if (i) result += '/';
    result += out[i];
  }
  if (!out.empty() && path.back() == '/') result += '/';
  return result;
}

}  // namespace

std::string canonical_uri(std::string_view raw_path, PathStyle style) {
  if (raw_path.empty()) return "/";
  if (style == PathStyle::kS3) {
    auto decoded = core::percent_decode(raw_path, false);
    if (!decoded) return std::string(raw_path);
    return core::uri_encode(*decoded, /*encode_slash=*/false);
  }
  return core::uri_encode(normalize_path(raw_path), /*encode_slash=*/false);
}

std::string canonical_query(std::string_view raw_query, std::string_view exclude) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& p : wire::split_raw_query(raw_query)) {
    std::string name = decode_or_raw(p.raw_name);
    std::string value = decode_or_raw(p.raw_value);
    if (!exclude.empty() && name == exclude) continue;
    pairs.emplace_back(core::uri_encode(name), core::uri_encode(value));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [name, value] : pairs) {
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

std::string strip_query_param(std::string_view raw_query, std::string_view name) {
  std::string out;
  for (const auto& p : wire::split_raw_query(raw_query)) {
    if (p.raw_name == name) continue;
    if (!out.empty()) out += '&';
    out += p.raw_name;
    if (p.has_value) out.append(1, '=').append(p.raw_value);
  }
  return out;
}

std::string canonical_header_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (char c : value) {
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

std::string canonical_headers(const http::Headers& headers, const std::vector<std::string>& signed_headers) {
  std::string out;
  for (const auto& name : signed_headers) {
    out += name;
    out += ':';
    bool first = true;
    for (std::string_view v : headers.get_all(name)) {
      if (!first) out += ',';
      first = false;
      out += canonical_header_value(v);
    }
    out += '\n';
  }
  return out;
}

std::string canonical_request(std::string_view method, std::string_view canonical_uri_value,
                              std::string_view canonical_query_value, std::string_view canonical_headers_value,
                              std::string_view signed_headers_joined, std::string_view payload_hash) {
  std::string out;
  out.reserve(method.size() + canonical_uri_value.size() + canonical_query_value.size() +
              canonical_headers_value.size() + signed_headers_joined.size() + payload_hash.size() + 8);
  out += method;
  out += '\n';
  out += canonical_uri_value;
  out += '\n';
  out += canonical_query_value;
  out += '\n';
  out += canonical_headers_value;
  out += '\n';
  out += signed_headers_joined;
  out += '\n';
  out += payload_hash;
  return out;
}

std::string credential_scope(std::string_view date, std::string_view region, std::string_view service) {
  std::string out;
  out.reserve(date.size() + region.size() + service.size() + 16);
  out += date;
  out += '/';
  out += region;
  out += '/';
  out += service;
  out += "/aws4_request";
  return out;
}

std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request_value) {
  std::string out(kAlgorithm);
  out += '\n';
  out += amz_date;
  out += '\n';
  out += scope;
  out += '\n';
  out += core::hex_encode(crypto::sha256(canonical_request_value));
  return out;
}

std::string derive_signing_key(std::string_view secret, std::string_view date, std::string_view region,
                               std::string_view service) {
  std::string k = "AWS4";
  k += secret;
  std::string k_date = crypto::hmac_sha256(k, date);
  std::string k_region = crypto::hmac_sha256(k_date, region);
  std::string k_service = crypto::hmac_sha256(k_region, service);
  return crypto::hmac_sha256(k_service, "aws4_request");
}

std::string signature(std::string_view signing_key, std::string_view string_to_sign_value) {
  return core::hex_encode(crypto::hmac_sha256(signing_key, string_to_sign_value));
}

std::string chunk_string_to_sign(std::string_view amz_date, std::string_view scope,
                                 std::string_view previous_signature, std::string_view chunk_sha256_hex) {
  std::string out = "AWS4-HMAC-SHA256-PAYLOAD\n";
  out += amz_date;
  out += '\n';
  out += scope;
  out += '\n';
  out += previous_signature;
  out += '\n';
  out += kEmptySha256;
  out += '\n';
  out += chunk_sha256_hex;
  return out;
}

std::string trailer_string_to_sign(std::string_view amz_date, std::string_view scope,
                                   std::string_view previous_signature, std::string_view canonical_trailers) {
  std::string out = "AWS4-HMAC-SHA256-TRAILER\n";
  out += amz_date;
  out += '\n';
  out += scope;
  out += '\n';
  out += previous_signature;
  out += '\n';
  out += core::hex_encode(crypto::sha256(canonical_trailers));
  return out;
}

std::string spaced_hex(std::string_view bytes) {
  std::string hex = core::hex_encode(bytes);
  std::string out;
  out.reserve(hex.size() * 3 / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    if (i) out += ' ';
    out += hex[i];
    out += hex[i + 1];
  }
  return out;
}

}  // namespace podbucket::sigv4
