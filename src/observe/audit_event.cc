#include "observe/audit_event.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <functional>
#include <random>
#include <thread>

#include "core/time_format.h"
#include "observe/json_line.h"
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

void write_user_identity(JsonLine& j, const Identity& id) {
  j.open("userIdentity");
  if (id.type.empty()) {
    j.str("type", "Unknown");
    if (!id.access_key_id.empty()) j.str("accessKeyId", id.access_key_id);  // the key a failed signature named
    j.close();
    return;
  }
  j.str("type", id.type);
  if (id.type == "WebIdentityUser") {
    // As CloudTrail records AssumeRoleWithWebIdentity: provider:audience:subject, the subject, the provider.
    j.str("principalId", id.principal_id).str("userName", id.user_name);
    j.str("identityProvider", id.identity_provider).close();
    return;
  }
  if (id.type == "AWSAccount") {
    j.str("principalId", "").str("accountId", "anonymous").close();
    return;
  }
  j.str("principalId", id.principal_id).str("arn", id.arn).str("accountId", id.account_id);
  j.str("accessKeyId", id.access_key_id);
  if (!id.user_name.empty()) j.str("userName", id.user_name);
  auto attributes = [&] {
    j.open("attributes")
        .str("creationDate", core::format_iso8601(core::from_unix_seconds(id.session_issued_s)))
        .str("mfaAuthenticated", "false")
        .close();
  };
  if (id.type == "AssumedRole") {
    j.open("sessionContext").open("sessionIssuer").str("type", "Role");
    auto colon = id.principal_id.find(':');
    j.str("principalId", std::string_view(id.principal_id).substr(0, colon));
    j.str("arn", id.role_arn).str("accountId", id.account_id).str("userName", role_name_of(id.role_arn)).close();
    if (id.session_issued_s > 0) attributes();
    j.open("sessionTags");
    for (const auto& [k, v] : id.tags) j.str(k, v);
    j.close().close();
  } else if (id.session_issued_s > 0) {
    // Root or IAM user calling with temporary credentials (GetSessionToken).
    j.open("sessionContext");
    attributes();
    j.close();
  }
  j.close();
}

/// requestParameters: plain names are written directly; encoded (nested) ones go through parameters_json.
void write_parameters(JsonLine& j, const std::map<std::string, std::string>& parameters) {
  if (parameters.empty()) {
    j.null("requestParameters");
    return;
  }
  for (const auto& [name, value] : parameters) {
    if (name.find_first_of(std::string_view("\x1e\x1f", 2)) != std::string::npos) {
      j.raw("requestParameters",
            parameters_json(parameters).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
      return;
    }
  }
  j.open("requestParameters");
  for (const auto& [name, value] : parameters) {
    bool secret = is_secret_parameter(name) || looks_like_secret_value(value);
    j.str(name, secret ? kRedacted : std::string_view(value));
  }
  j.close();
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

std::string render_cloudtrail_event(const RequestSummary& s, const AuditContext& context, std::string_view event_id) {
  const bool read_only = is_read_only(s.service, s.method, s.operation);
  const bool data = is_data_event(s.service, s.operation);
  JsonLine j;
  j.open().str("eventVersion", "1.08");
  write_user_identity(j, s.identity);
  j.str("eventTime", event_time(s));
  j.str("eventSource", event_source(s.service));
  j.str("eventName", s.operation);
  j.str("awsRegion", s.region);
  j.str("sourceIPAddress", s.remote_ip);
  j.str("userAgent", redact_secrets_in_text(s.user_agent));
  if (!s.error_code.empty())
    j.str("errorCode", s.error_code).str("errorMessage", redact_secrets_in_text(s.error_message));
  write_parameters(j, s.parameters);
  j.null("responseElements");
  j.open("additionalEventData").open_array("authorizationDecisions");
  for (const auto& d : s.decisions) {
    j.open().str("action", d.action).str("resource", d.resource).str("decision", d.decision);
    j.str("policy", d.policy).str("statement", d.statement).close();
  }
  j.close_array();
  if (s.service.empty() || s.service == "s3")
    j.number("bytesTransferredIn", s.bytes_in).number("bytesTransferredOut", s.bytes_out);
  j.close();
  j.str("requestID", s.request_id);
  j.str("eventID", event_id);
  j.boolean("readOnly", read_only);
  j.str("eventType", "AwsApiCall");
  j.boolean("managementEvent", !data);
  j.str("recipientAccountId", context.account_id.empty() ? s.identity.account_id : context.account_id);
  j.str("eventCategory", data ? "Data" : "Management");
  j.close();
  return j.take();
}

nlohmann::ordered_json to_cloudtrail_event(const RequestSummary& s, const AuditContext& context,
                                           std::string_view event_id) {
  return nlohmann::ordered_json::parse(render_cloudtrail_event(s, context, event_id));
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
