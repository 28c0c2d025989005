#pragma once
// AWS Signature Version 4 verification: header auth, presigned query auth, and the streaming (aws-chunked)
// payload modes. Pure: no I/O besides pulling the request body, time and keys come in as parameters.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/principal.h"
#include "core/result.h"
#include "http/message.h"

namespace podbucket::sigv4 {

/// The credential scope of a request: "<access_key_id>/<date>/<region>/<service>/aws4_request".
struct Scope {
  std::string access_key_id, date /*YYYYMMDD*/, region, service;
  bool presigned = false;
};

/// Reads the credential scope from the Authorization header or the X-Amz-Credential query parameter WITHOUT
/// verifying. Returns nullopt for an unsigned (anonymous) request; AuthorizationHeaderMalformed /
/// AuthorizationQueryParametersError when the auth data is present but malformed, InvalidArgument when both
/// forms are present or the scheme is unknown. Used by the api layer to route by service.
/// S3 Signature Version 2 ("AWS AKID:sig" header, AWSAccessKeyId/Signature/Expires query) yields a scope with
/// service "s3", the access key id, and empty date and region.
core::Result<std::optional<Scope>> peek_scope(const http::Request& req);

/// What the server knows about an access key.
struct KeyInfo {
  std::string secret_access_key;
  core::Principal principal;
  std::string session_token;               // non-empty for temporary credentials: request must carry it
                                           // (x-amz-security-token header or X-Amz-Security-Token query)
  std::optional<core::TimePoint> expires;  // temporary credentials: ExpiredToken after this
};

/// Looks up an access key id. Must be thread-safe when verify() is called from several threads.
using KeyLookup = std::function<std::optional<KeyInfo>(std::string_view access_key_id)>;

/// The outcome of a successful verification.
struct Verified {
  core::Principal principal;  // anonymous (principal.anonymous) when the request carried no signature
  Scope scope;
  /// Wraps req.body; the handler must read THIS and not req.body. It checks the payload while streaming and
  /// throws core::AwsException from read() when the payload turns out to be bad (XAmzContentSHA256Mismatch,
  /// SignatureDoesNotMatch for a bad chunk signature, IncompleteBody, InvalidRequest for broken aws-chunked
  /// framing), so a consumer must commit nothing until read() has returned 0. Keeps pointers to `req`
  /// (req.body, req.headers): `req` must outlive it.
  std::unique_ptr<http::BodySource> body;
};

/// Verifies a signed request (header or presigned query form) of any service, or an S3 SigV2 request (HMAC-SHA1;
/// boto3 1.26 presigns with it by default). Never throws for bad input.
///
/// Accepts any region in the scope. On success and for aws-chunked payloads it also sets req.content_length to
/// x-amz-decoded-content-length (nullopt when absent) and drops "aws-chunked" from Content-Encoding; when the
/// body's trailer has been read, the trailer headers (x-amz-checksum-*) are merged into req.headers.
/// An unsigned request yields an anonymous principal with a pass-through body.
///
/// Errors: AccessDenied (no valid date, presigned URL expired / not yet valid), RequestTimeTooSkewed (S3, more
/// than 15 minutes off) or SignatureDoesNotMatch "Signature expired" (other services), AuthorizationHeaderMalformed,
/// AuthorizationQueryParametersError, InvalidArgument, InvalidRequest (missing x-amz-content-sha256 on S3),
/// InvalidAccessKeyId (S3) / InvalidClientTokenId (IAM, STS) / UnrecognizedClientException (others),
/// InvalidToken, ExpiredToken, SignatureDoesNotMatch (with the S3 diagnostic fields).
core::Result<Verified> verify(http::Request& req, const KeyLookup& lookup, const core::Clock& clock);

/// As above, and a scope whose region is not `region` is AuthorizationHeaderMalformed (header form) /
/// AuthorizationQueryParametersError (presigned), with a Region field, as S3 answers. Empty `region` accepts any.
core::Result<Verified> verify(http::Request& req, const KeyLookup& lookup, const core::Clock& clock,
                              std::string_view region);

}  // namespace podbucket::sigv4
