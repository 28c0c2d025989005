#pragma once
// S3 Signature Version 2 (HMAC-SHA1), still sent by boto3's default generate_presigned_url and older tools.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html
#include <string>
#include <string_view>

#include "core/result.h"
#include "http/message.h"
#include "sigv4/auth.h"
#include "sigv4/verify.h"

namespace podbucket::sigv4 {

/// The SigV2 string to sign: method \n Content-MD5 \n Content-Type \n `date_line` \n x-amz-* headers (and, for
/// presigned URLs, x-amz-* query parameters) \n `resource_path` plus the sorted sub-resources of the query.
std::string v2_string_to_sign(const http::Request& req, std::string_view date_line, std::string_view resource_path);

/// Verifies a request whose ParsedAuth has v2 set. The body is passed through (S3 checks Content-MD5 itself).
/// Errors: AccessDenied (no date, expired URL), RequestTimeTooSkewed, InvalidAccessKeyId, InvalidToken,
/// ExpiredToken, SignatureDoesNotMatch (with AWSAccessKeyId, StringToSign, SignatureProvided, StringToSignBytes).
core::Result<Verified> verify_v2(http::Request& req, const ParsedAuth& auth, const KeyLookup& lookup,
                                 const core::Clock& clock);

}  // namespace podbucket::sigv4
