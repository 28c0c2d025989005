#include "sigv4/sign.h"

#include <algorithm>
#include <cstdio>

#include "core/encoding.h"
#include "core/time_format.h"
#include "crypto/hash.h"
#include "sigv4/canonical.h"

namespace podbucket::sigv4 {
namespace {

std::string hex_size(size_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%zx", n);
  return buf;
}

std::string_view path_or_root(const http::Request& req) {
  return req.path.empty() ? std::string_view("/") : std::string_view(req.path);
}

}  // namespace

std::string sign_request(http::Request& req, const Credentials& creds, std::string_view region,
                         std::string_view service, core::TimePoint time, std::string_view payload_hash) {
  const std::string amz_date = core::format_amz_date(time);
  const std::string date = amz_date.substr(0, 8);
  req.headers.set("X-Amz-Date", amz_date);
  if (service == "s3") req.headers.set("x-amz-content-sha256", std::string(payload_hash));
  if (!creds.session_token.empty()) req.headers.set("X-Amz-Security-Token", creds.session_token);
  req.headers.remove("Authorization");

  std::vector<std::string> names;
  for (const auto& [name, value] : req.headers.entries()) {
    std::string lower = core::to_lower(name);
    if (lower == "user-agent" || lower == "expect") continue;
    if (std::find(names.begin(), names.end(), lower) == names.end()) names.push_back(lower);
  }
  std::sort(names.begin(), names.end());
  std::string joined;
  for (const auto& n : names) joined += (joined.empty() ? "" : ";") + n;

  const PathStyle style = service == "s3" ? PathStyle::kS3 : PathStyle::kNormalizedDoubleEncoded;
  const std::string scope = credential_scope(date, region, service);
  std::string creq = canonical_request(req.method, canonical_uri(path_or_root(req), style),
                                       canonical_query(req.raw_query), canonical_headers(req.headers, names), joined,
                                       payload_hash);
  std::string sig = signature(derive_signing_key(creds.secret_access_key, date, region, service),
                              string_to_sign(amz_date, scope, creq));
  req.headers.set("Authorization", std::string(kAlgorithm) + " Credential=" + creds.access_key_id + "/" + scope +
                                       ", SignedHeaders=" + joined + ", Signature=" + sig);
  return sig;
}

void presign_request(http::Request& req, const Credentials& creds, std::string_view region, std::string_view service,
                     core::TimePoint time, int64_t expires_seconds) {
  const std::string amz_date = core::format_amz_date(time);
  const std::string date = amz_date.substr(0, 8);
  const std::string scope = credential_scope(date, region, service);
  std::string query = req.raw_query;
  auto add = [&](std::string_view name, std::string_view value) {
    if (!query.empty()) query += '&';
    query += core::uri_encode(name);
    query += '=';
    query += core::uri_encode(value);
  };
  add("X-Amz-Algorithm", kAlgorithm);
  add("X-Amz-Credential", creds.access_key_id + "/" + scope);
  add("X-Amz-Date", amz_date);
  add("X-Amz-Expires", std::to_string(expires_seconds));
  add("X-Amz-SignedHeaders", "host");
  if (!creds.session_token.empty()) add("X-Amz-Security-Token", creds.session_token);

  const PathStyle style = service == "s3" ? PathStyle::kS3 : PathStyle::kNormalizedDoubleEncoded;
  std::string creq = canonical_request(req.method, canonical_uri(path_or_root(req), style), canonical_query(query),
                                       canonical_headers(req.headers, {"host"}), "host",
                                       service == "s3" ? kUnsignedPayload : kEmptySha256);
  std::string sig = signature(derive_signing_key(creds.secret_access_key, date, region, service),
                              string_to_sign(amz_date, scope, creq));
  add("X-Amz-Signature", sig);
  req.raw_query = query;
  req.target = std::string(path_or_root(req)) + "?" + query;
}

std::string encode_signed_chunks(std::string_view payload, size_t chunk_size, std::string_view signing_key,
                                 std::string_view amz_date, std::string_view scope, std::string_view seed_signature,
                                 const std::vector<std::pair<std::string, std::string>>& trailers) {
  std::string out;
  std::string previous(seed_signature);
  size_t pos = 0;
  while (true) {
    size_t n = std::min(chunk_size, payload.size() - pos);
    std::string_view chunk = payload.substr(pos, n);
    std::string sig = signature(
        signing_key, chunk_string_to_sign(amz_date, scope, previous, core::hex_encode(crypto::sha256(chunk))));
    out += hex_size(n) + ";chunk-signature=" + sig + "\r\n";
    out += chunk;
    if (n > 0) out += "\r\n";
    previous = sig;
    pos += n;
    if (n == 0) break;
  }
  if (trailers.empty()) {
    out += "\r\n";
    return out;
  }
  std::string canonical;
  for (const auto& [name, value] : trailers) {
    out += name + ":" + value + "\r\n";
    canonical += name + ":" + value + "\n";
  }
  out += "x-amz-trailer-signature:" +
         signature(signing_key, trailer_string_to_sign(amz_date, scope, previous, canonical)) + "\r\n\r\n";
  return out;
}

std::string encode_unsigned_chunks(std::string_view payload, size_t chunk_size,
                                   const std::vector<std::pair<std::string, std::string>>& trailers) {
  std::string out;
  for (size_t pos = 0; pos < payload.size(); pos += chunk_size) {
    size_t n = std::min(chunk_size, payload.size() - pos);
    out += hex_size(n) + "\r\n";
    out.append(payload.substr(pos, n));
    out += "\r\n";
  }
  out += "0\r\n";
  for (const auto& [name, value] : trailers) out += name + ":" + value + "\r\n";
  out += "\r\n";
  return out;
}

}  // namespace podbucket::sigv4
