#pragma once
// The S3 service entry points: parse a request into an Operation, then dispatch it to the operation family.
#include "core/result.h"
#include "http/message.h"
#include "s3/context.h"
#include "s3/operation.h"

namespace podbucket::s3 {

/// Parses method + path + query + Host into an Operation. Virtual-host style when Host is `BUCKET.<config.domain>`
/// (port ignored), path-style otherwise. The raw path is percent-decoded once; keys are stored literally (`+`,
/// spaces, `%`, `../` included). Errors: InvalidURI (bad escape), KeyTooLongError (> 1024 bytes),
/// InvalidArgument (key not UTF-8), MethodNotAllowed (no S3 operation for this method on this resource).
core::Result<Operation> route(const http::Request& req, const Config& config);

/// Routes and handles one authenticated S3 request. Returns the success response or an AwsError, which api/
/// renders (and to which it adds x-amz-request-id).
core::Result<http::Response> handle(Context& ctx, http::Request& req);

/// Handles an already-routed operation (lets the caller authorize `op` between route() and this).
core::Result<http::Response> dispatch(Context& ctx, const Operation& op, http::Request& req);

}  // namespace podbucket::s3
