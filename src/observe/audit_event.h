#pragma once
// A finished request (RequestSummary) as a CloudTrail-shaped JSON event: the record fields of "CloudTrail record
// contents for management, data, and network activity events" and the "CloudTrail userIdentity element" of the
// AWS CloudTrail User Guide, plus podbucket's authorization decisions.
//
// Event shape (one JSON object; absent members are omitted unless said otherwise):
//   eventVersion "1.08", eventTime ("2026-11-29T12:00:00Z": when the request completed, seconds, UTC),
//   eventSource ("s3.amazonaws.com", ...), eventName (the operation), awsRegion, sourceIPAddress, userAgent,
//   userIdentity {type, principalId, arn, accountId, accessKeyId, userName (IAM users),
//                 sessionContext {sessionIssuer {type "Role", principalId, arn, accountId, userName},
//                                 attributes {creationDate, mfaAuthenticated "false"},
//                                 sessionTags {key: value}}},            (role sessions)
//   errorCode, errorMessage (failed requests only),
//   requestParameters (object or null), responseElements (always null: no response is recorded, so no
//   credential can leak through it), additionalEventData {authorizationDecisions [{action, resource, decision,
//   policy, statement}], bytesTransferredIn, bytesTransferredOut (S3)}, requestID, eventID (UUID v4),
//   readOnly, eventType "AwsApiCall", managementEvent, recipientAccountId, eventCategory "Management" | "Data".
//
// Session tags: CloudTrail has no member for the tags of the session that makes a call (AWS records them only on
// the AssumeRole event, as requestParameters.tags). podbucket adds userIdentity.sessionContext.sessionTags, an
// object of the session's principal tags (aws:PrincipalTag/*), on every call made with a role session.
//
// Identity types: Root, IAMUser, AssumedRole; "AWSAccount" with accountId "anonymous" for unsigned requests (as
// CloudTrail logs anonymous S3 access); "Unknown" when the request never got as far as a verified signature
// (with the accessKeyId it claimed, when the dispatcher knows it).
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "observe/request_trace.h"

namespace podbucket::observe {

/// CloudTrail's eventSource for a podbucket service name: "s3" → "s3.amazonaws.com", "eks-auth" →
/// "eks-auth.amazonaws.com"; an unknown or empty name maps to "s3.amazonaws.com" (the dispatcher's default route).
std::string event_source(std::string_view service);

/// CloudTrail's readOnly for one call.
/// - S3: GET, HEAD and OPTIONS (CORS preflight) are read-only; every other method may change state.
/// - IAM, STS, KMS, EKS, EKS Auth: operations named Get*, List*, Describe*, Simulate*, Decode* are read-only, and
///   so are KMS's cryptographic operations (Encrypt, Decrypt, ReEncrypt, GenerateDataKey*, GenerateRandom, Sign,
///   Verify, GenerateMac, VerifyMac: they use a key but change nothing; the KMS Developer Guide's CloudTrail
///   examples show Decrypt with readOnly true). Everything else is mutating.
/// - Credential vending (STS AssumeRole*, GetSessionToken, GetFederationToken; EKS Auth AssumeRoleForPodIdentity)
///   creates a session, so podbucket counts it as mutating: every issued credential is in the trail, even one
///   that needed no policy decision (GetSessionToken).
/// `method` is the HTTP method; `operation` the AWS operation name (may be empty).
bool is_read_only(std::string_view service, std::string_view method, std::string_view operation);

/// True for S3 object-level operations, which CloudTrail logs as data events (eventCategory "Data",
/// managementEvent false): *Object* operations (but not the bucket-level Get/PutObjectLockConfiguration),
/// multipart uploads and object listings (ListObjects, ListObjectsV2, ListObjectVersions).
bool is_data_event(std::string_view service, std::string_view operation);

/// True for an error code that means the caller was not authenticated or not authorized (AccessDenied,
/// AccessDeniedException, SignatureDoesNotMatch, InvalidAccessKeyId, InvalidClientTokenId, ExpiredToken,
/// MissingAuthenticationToken, InvalidIdentityToken, ...).
bool is_auth_failure(std::string_view error_code);

/// Which requests the trail keeps: every request that reached an authorization decision, every mutating call
/// (is_read_only false, whether it succeeded or not), and every request that failed authentication or
/// authorization. Read-only requests that never got to a decision (anonymous 404s, routing errors,
/// GetCallerIdentity, health probes) are skipped.
bool should_audit(const RequestSummary& summary);

/// Per-server facts the event needs besides the summary.
struct AuditContext {
  std::string account_id;  // recipientAccountId: the account podbucket serves
};

/// The CloudTrail-shaped event for `summary` with the given eventID, as one line of JSON text (no newline), valid
/// UTF-8 whatever the summary holds (invalid bytes become U+FFFD). Pure; malformed times fall back to the
/// summary's text. Throws only std::bad_alloc.
std::string render_cloudtrail_event(const RequestSummary& summary, const AuditContext& context,
                                    std::string_view event_id);

/// render_cloudtrail_event, parsed: for tests and tools that want the tree.
nlohmann::ordered_json to_cloudtrail_event(const RequestSummary& summary, const AuditContext& context,
                                           std::string_view event_id);

/// A random UUID version 4 ("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"), for eventID. Thread-safe; not for secrets.
std::string random_uuid();

}  // namespace podbucket::observe
