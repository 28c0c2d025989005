#include "sigv4/auth.h"

#include <algorithm>
#include <charconv>

#include "core/encoding.h"
#include "core/time_format.h"
#include "sigv4/canonical.h"
#include "sigv4/errors.h"
#include "wire/query.h"

namespace podbucket::sigv4 {
namespace {

constexpr int64_t kMaxPresignSeconds = 604800;  // one week
constexpr std::string_view kCredentialShape =
    "the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".";

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "<akid>/<YYYYMMDD>/<region>/<service>/aws4_request" -> Scope; nullopt if malformed.
std::optional<Scope> parse_credential(std::string_view cred) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t slash = cred.find('/', start);
    parts.push_back(cred.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (parts.size() != 5 || parts[4] != "aws4_request") return std::nullopt;
  if (parts[0].empty() || parts[1].size() != 8 || !all_digits(parts[1]) || parts[2].empty() || parts[3].empty()) {
    return std::nullopt;
  }
  return Scope{std::string(parts[0]), std::string(parts[1]), std::string(parts[2]), std::string(parts[3]), false};
}

// Splits "a;b;c" into lower-case names; false if any is empty.
bool parse_signed_headers(std::string_view list, std::vector<std::string>& out) {
  size_t start = 0;
  while (start <= list.size()) {
    size_t semi = list.find(';', start);
    if (semi == std::string_view::npos) semi = list.size();
    std::string_view name = list.substr(start, semi - start);
    if (name.empty()) return false;
    out.push_back(core::to_lower(name));
    start = semi + 1;
  }
  return !out.empty();
}

bool has_host(const std::vector<std::string>& names) {
  return std::find(names.begin(), names.end(), "host") != names.end();
}

core::Result<std::optional<ParsedAuth>> parse_header_auth(std::string_view header) {
  header = core::trim(header);
  size_t sp = header.find_first_of(" \t");
  std::string_view scheme = header.substr(0, sp);
  if (scheme == "AWS") {  // SigV2 "AWS AKID:signature"
    std::string_view cred = sp == std::string_view::npos ? std::string_view() : core::trim(header.substr(sp + 1));
    size_t colon = cred.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == cred.size()) {
      return core::AwsError(core::kInvalidArgument, "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature")
          .with_field("ArgumentName", "Authorization")
          .with_field("ArgumentValue", std::string(header));
    }
    ParsedAuth auth;
    auth.v2 = true;
    auth.scope.access_key_id = std::string(cred.substr(0, colon));
    auth.scope.service = "s3";
    auth.signature = std::string(cred.substr(colon + 1));
    return std::optional<ParsedAuth>(std::move(auth));
  }
  if (scheme != kAlgorithm) {
    return core::AwsError(core::kInvalidArgument, "Unsupported Authorization Type")
        .with_field("ArgumentName", "Authorization")
        .with_field("ArgumentValue", std::string(header));
  }
  std::string_view rest = sp == std::string_view::npos ? std::string_view() : header.substr(sp + 1);
  std::optional<std::string_view> credential, signed_headers, signature;
  size_t start = 0;
  while (start <= rest.size()) {
    size_t comma = rest.find(',', start);
    if (comma == std::string_view::npos) comma = rest.size();
    std::string_view item = core::trim(rest.substr(start, comma - start));
    start = comma + 1;
    if (item.empty()) continue;
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return header_malformed("the authorization component \"" + std::string(item) +
                              "\" is malformed.");
    }
    std::string_view key = item.substr(0, eq), value = item.substr(eq + 1);
    if (key == "Credential") credential = value;
    else if (key == "SignedHeaders") signed_headers = value;
    else if (key == "Signature") signature = value;
  }
  if (!credential || !signed_headers || !signature) {
    return header_malformed(
        "the authorization header requires three components: Credential, SignedHeaders, and Signature.");
  }
  auto scope = parse_credential(*credential);
  if (!scope) return header_malformed(kCredentialShape);
  ParsedAuth auth;
  auth.scope = std::move(*scope);
  if (!parse_signed_headers(*signed_headers, auth.signed_headers)) {
    return header_malformed("the SignedHeaders component is malformed.");
  }
  if (!has_host(auth.signed_headers)) return header_malformed("the SignedHeaders must include host.");
  auth.signed_headers_joined = std::string(*signed_headers);
  auth.signature = std::string(*signature);
  return std::optional<ParsedAuth>(std::move(auth));
}

core::Result<std::optional<ParsedAuth>> parse_query_auth(std::string_view raw_query) {
  auto algorithm = query_param(raw_query, "X-Amz-Algorithm");
  auto credential = query_param(raw_query, "X-Amz-Credential");
  auto signature = query_param(raw_query, "X-Amz-Signature");
  auto date = query_param(raw_query, "X-Amz-Date");
  auto signed_headers = query_param(raw_query, "X-Amz-SignedHeaders");
  auto expires = query_param(raw_query, "X-Amz-Expires");
  if (!algorithm || !credential || !signature || !date || !signed_headers || !expires) {
    return query_malformed(
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, "
        "X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
  }
  if (*algorithm != kAlgorithm) return query_malformed("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
  auto scope = parse_credential(*credential);
  if (!scope) return query_malformed("Error parsing the X-Amz-Credential parameter; " + std::string(kCredentialShape));
  if (!core::parse_amz_date(*date)) {
    return query_malformed("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  }
  std::string_view exp = *expires;
  if (!exp.empty() && exp[0] == '-' && all_digits(exp.substr(1))) {
    return query_malformed("X-Amz-Expires must be non-negative");
  }
  if (!all_digits(exp)) return query_malformed("X-Amz-Expires should be a number");
  int64_t seconds = 0;
  auto [ptr, ec] = std::from_chars(exp.data(), exp.data() + exp.size(), seconds);
  if (ec != std::errc() || seconds > kMaxPresignSeconds) {
    return query_malformed("X-Amz-Expires must be less than a week (in seconds) that is; 604800");
  }
  if (seconds < 1) return query_malformed("X-Amz-Expires must be non-negative");
  ParsedAuth auth;
  auth.scope = std::move(*scope);
  auth.scope.presigned = true;
  if (!parse_signed_headers(*signed_headers, auth.signed_headers)) {
    return query_malformed("Error parsing the X-Amz-SignedHeaders parameter.");
  }
  if (!has_host(auth.signed_headers)) return query_malformed("X-Amz-SignedHeaders must contain host.");
  auth.signed_headers_joined = std::move(*signed_headers);
  auth.signature = std::move(*signature);
  auth.amz_date = std::move(*date);
  auth.expires_seconds = seconds;
  if (auto token = query_param(raw_query, "X-Amz-Security-Token")) auth.security_token = std::move(*token);
  return std::optional<ParsedAuth>(std::move(auth));
}

}  // namespace

std::optional<std::string> query_param(std::string_view raw_query, std::string_view name) {
  for (const auto& p : wire::split_raw_query(raw_query)) {
    // Names are compared after decoding, but the common case needs no decoding.
    bool match = p.raw_name == name;
    if (!match && p.raw_name.find('%') != std::string_view::npos) {
      auto decoded = core::percent_decode(p.raw_name);
      match = decoded && *decoded == name;
    }
    if (!match) continue;
    auto decoded = core::percent_decode(p.raw_value);
    return decoded ? std::move(*decoded) : std::string(p.raw_value);
  }
  return std::nullopt;
}

core::Result<std::optional<ParsedAuth>> parse_auth(const http::Request& req) {
  auto header = req.headers.get("Authorization");
  bool presigned = query_param(req.raw_query, "X-Amz-Algorithm") || query_param(req.raw_query, "X-Amz-Credential") ||
                   query_param(req.raw_query, "X-Amz-Signature") ||
                   (query_param(req.raw_query, "AWSAccessKeyId") && query_param(req.raw_query, "Signature"));
  if (header && presigned) {
    return core::AwsError(core::kInvalidArgument,
                          "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature "
                          "query string parameter or the Authorization header should be specified")
        .with_field("ArgumentName", "Authorization")
        .with_field("ArgumentValue", std::string(*header));
  }
  if (header) return parse_header_auth(*header);
  if (presigned && !query_param(req.raw_query, "AWSAccessKeyId")) return parse_query_auth(req.raw_query);
  auto v2_key = query_param(req.raw_query, "AWSAccessKeyId");
  auto v2_signature = query_param(req.raw_query, "Signature");
  if (v2_key && v2_signature) {  // SigV2 presigned URL
    auto expires = query_param(req.raw_query, "Expires");
    if (!expires) {
      return core::AwsError(core::kAccessDenied,
                            "Query-string authentication requires the Signature, Expires and AWSAccessKeyId "
                            "parameters");
    }
    int64_t seconds = 0;
    auto [ptr, ec] = std::from_chars(expires->data(), expires->data() + expires->size(), seconds);
    if (ec != std::errc() || ptr != expires->data() + expires->size()) {
      return core::AwsError(core::kAccessDenied, "Invalid date (should be seconds since epoch): " + *expires);
    }
    ParsedAuth auth;
    auth.v2 = true;
    auth.v2_expires = seconds;
    auth.scope.access_key_id = std::move(*v2_key);
    auth.scope.service = "s3";
    auth.scope.presigned = true;
    auth.signature = std::move(*v2_signature);
    if (auto token = query_param(req.raw_query, "x-amz-security-token")) auth.security_token = std::move(*token);
    return std::optional<ParsedAuth>(std::move(auth));
  }
  return std::optional<ParsedAuth>();
}

core::Result<std::optional<Scope>> peek_scope(const http::Request& req) {
  auto parsed = parse_auth(req);
  if (!parsed) return parsed.error();
  if (!*parsed) return std::optional<Scope>();
  return std::optional<Scope>((*parsed)->scope);
}

}  // namespace podbucket::sigv4
