#pragma once
// One JSON line per request on stderr. The line holds no secrets by construction: no
// headers, no query string (presigned URLs carry X-Amz-Signature / X-Amz-Security-Token there), no body.
#include <string>

#include "observe/request_trace.h"

namespace podbucket::api {

/// The request as one line of JSON (no trailing newline): time, request_id, service, operation, principal (the
/// caller's ARN, "" for anonymous or unauthenticated), remote_ip, status, error_code, bytes_in, bytes_out,
/// latency_ms. Invalid UTF-8 is replaced, never thrown on.
std::string format_access_record(const observe::RequestSummary& request);

/// Writes the request's line to stderr as one write(2). Thread-safe without a lock; an api::RequestObserver.
/// Written whatever the server's log level (which governs the event lines only).
void log_access(const observe::RequestSummary& request);

}  // namespace podbucket::api
