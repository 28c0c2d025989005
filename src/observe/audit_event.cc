#include "observe/audit_event.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <functional>
#include <random>
#include <thread>

#include "core/time_format.h"
#include "observe/request_parameters.h"

namespace podbucket::observe {
namespace {

bool starts_with_any(std::string_view s, std::initializer_list<std::string_view> prefixes) {
  return std::any_of(prefixes.begin(), prefixes.end(), [&](std::string_view p) { return s.starts_with(p); });
}

// Error codes that mean "who are you?" or "you may not": the calls an auditor looks for first.
constexpr std::array<std::string_view, 22> kAuthFailures = {
    "AccessDenied",         "AccessDeniedException",        "AccessForbidden",
    "SignatureDoesNotMatch", "InvalidSignatureException",   "InvalidAccessKeyId",
    "InvalidClientTokenId", "UnrecognizedClientException", "IncompleteSignature",
    "MissingAuthenticationToken", "MissingAuthenticationTokenException", "AuthorizationHeaderMalformed",
    "AuthorizationQueryParametersError", "ExpiredToken", "ExpiredTokenException",
    "InvalidToken",         "InvalidTokenException",       "InvalidIdentityToken",
    "IDPRejectedClaim",     "NotAuthorizedException",      "RequestTimeTooSkewed",
    "InvalidTokenClaims"};

/// The completion time of the request in CloudTrail's format, from its start and latency.
std::string event_time(const RequestSummary& s) {
  auto start = core::parse_iso8601(s.time);
  if (!start) return s.time;
  double latency = std::isfinite(s.latency_s) && s.latency_s > 0 ? s.latency_s : 0;
  auto end = *start + std::chrono::duration_cast<core::TimePoint::duration>(std::chrono::duration<double>(latency));
  return core::format_iso8601(end);
}

std::string role_name_of(std::string_view role_arn) {
  auto slash = role_arn.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(role_arn.substr(slash + 1));
}

nlohmann::ordered_json user_identity(const Identity& id) {
  nlohmann::ordered_json u;
  if (id.type.empty()) {
    u["type"] = "Unknown";
    return u;
  }
  u["type"] = id.type;
  if (id.type == "AWSAccount") {
    u["principalId"] = "";
    u["accountId"] = "anonymous";
    return u;
  }
  u["principalId"] = id.principal_id;
  u["arn"] = id.arn;
  u["accountId"] = id.account_id;
  u["accessKeyId"] = id.access_key_id;
  if (!id.user_name.empty()) u["userName"] = id.user_name;
  nlohmann::ordered_json attributes;
  if (id.session_issued_s > 0) {
    attributes["creationDate"] = core::format_iso8601(core::from_unix_seconds(id.session_issued_s));
    attributes["mfaAuthenticated"] = "false";
  }
  if (id.type == "AssumedRole") {
    nlohmann::ordered_json ctx;
    nlohmann::ordered_json issuer;
    issuer["type"] = "Role";
    auto colon = id.principal_id.find(':');
    issuer["principalId"] = colon == std::string::npos ? id.principal_id : id.principal_id.substr(0, colon);
    issuer["arn"] = id.role_arn;
    issuer["accountId"] = id.account_id;
    issuer["userName"] = role_name_of(id.role_arn);
    ctx["sessionIssuer"] = std::move(issuer);
    if (!attributes.is_null()) ctx["attributes"] = attributes;
    nlohmann::ordered_json tags = nlohmann::ordered_json::object();
    for (const auto& [k, v] : id.tags) tags[k] = v;
    ctx["sessionTags"] = std::move(tags);
    u["sessionContext"] = std::move(ctx);
  } else if (!attributes.is_null()) {
    // Root or IAM user calling with temporary credentials (GetSessionToken).
    u["sessionContext"] = {{"attributes", attributes}};
  }
  return u;
}

nlohmann::ordered_json decisions_json(const std::vector<AuthzRecord>& decisions) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& d : decisions) {
    list.push_back({{"action", d.action},
                    {"resource", d.resource},
                    {"decision", d.decision},
                    {"policy", d.policy},
                    {"statement", d.statement}});
  }
  return list;
}

}  // namespace

std::string event_source(std::string_view service) {
  for (std::string_view known : {"s3", "iam", "sts", "kms", "eks", "eks-auth"})
    if (service == known) return std::string(service) + ".amazonaws.com";
  return "s3.amazonaws.com";
}

bool is_read_only(std::string_view service, std::string_view method, std::string_view operation) {
  if (service.empty() || service == "s3") return method == "GET" || method == "HEAD" || method == "OPTIONS";
  if (starts_with_any(operation, {"Get", "List", "Describe", "Simulate", "Decode"}))
    return operation != "GetSessionToken" && operation != "GetFederationToken";
  if (service == "kms")
    return starts_with_any(operation, {"Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateRandom",
                                       "GenerateMac", "VerifyMac", "Sign", "Verify"});
  return false;
}

bool is_data_event(std::string_view service, std::string_view operation) {
  if (!(service.empty() || service == "s3")) return false;
  if (operation == "GetObjectLockConfiguration" || operation == "PutObjectLockConfiguration") return false;
  if (operation.find("Object") != std::string_view::npos) return true;  // GetObject, ListObjectsV2, ...
  return operation.find("MultipartUpload") != std::string_view::npos || operation == "UploadPart" ||
         operation == "UploadPartCopy" || operation == "ListParts";
}

bool is_auth_failure(std::string_view error_code) {
  return std::find(kAuthFailures.begin(), kAuthFailures.end(), error_code) != kAuthFailures.end();
}

bool should_audit(const RequestSummary& s) {
  if (!s.decisions.empty()) return true;
  if (is_auth_failure(s.error_code)) return true;
  return !is_read_only(s.service, s.method, s.operation);
}

nlohmann::ordered_json to_cloudtrail_event(const RequestSummary& s, const AuditContext& context,
                                           std::string_view event_id) {
  const bool read_only = is_read_only(s.service, s.method, s.operation);
  const bool data = is_data_event(s.service, s.operation);
  nlohmann::ordered_json e;
  e["eventVersion"] = "1.08";
  e["userIdentity"] = user_identity(s.identity);
  e["eventTime"] = event_time(s);
  e["eventSource"] = event_source(s.service);
  e["eventName"] = s.operation;
  e["awsRegion"] = s.region;
  e["sourceIPAddress"] = s.remote_ip;
  e["userAgent"] = s.user_agent;
  if (!s.error_code.empty()) {
    e["errorCode"] = s.error_code;
    e["errorMessage"] = s.error_message;
  }
  e["requestParameters"] = parameters_json(s.parameters);
  e["responseElements"] = nullptr;
  nlohmann::ordered_json extra;
  extra["authorizationDecisions"] = decisions_json(s.decisions);
  if (s.service.empty() || s.service == "s3") {
    extra["bytesTransferredIn"] = s.bytes_in;
    extra["bytesTransferredOut"] = s.bytes_out;
  }
  e["additionalEventData"] = std::move(extra);
  e["requestID"] = s.request_id;
  e["eventID"] = std::string(event_id);
  e["readOnly"] = read_only;
  e["eventType"] = "AwsApiCall";
  e["managementEvent"] = !data;
  e["recipientAccountId"] = context.account_id.empty() ? s.identity.account_id : context.account_id;
  e["eventCategory"] = data ? "Data" : "Management";
  return e;
}

std::string random_uuid() {
  thread_local std::mt19937_64 rng([] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(),
                      static_cast<unsigned>(std::hash<std::thread::id>{}(std::this_thread::get_id()))};
    return std::mt19937_64(seq);
  }());
  uint64_t hi = rng();
  uint64_t lo = rng();
  hi = (hi & ~0xF000ull) | 0x4000ull;                      // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;  // variant 10
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", unsigned(hi >> 32), unsigned((hi >> 16) & 0xFFFF),
                unsigned(hi & 0xFFFF), unsigned(lo >> 48), static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFull));
  return buf;
}

}  // namespace podbucket::observe
