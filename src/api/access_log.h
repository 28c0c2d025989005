#pragma once
// One JSON line per request on the "access" spdlog logger. The record holds no secrets by construction: no
// headers, no query string (presigned URLs carry X-Amz-Signature / X-Amz-Security-Token there), no body.
#include <cstdint>
#include <string>

namespace podbucket::api {

struct AccessRecord {
  std::string time;        // ISO 8601 with milliseconds, UTC
  std::string request_id;
  std::string service;     // "s3", "iam", ...
  std::string operation;   // "GetObject", or "METHOD /path" when the request never routed
  std::string principal;   // caller ARN, empty for anonymous
  std::string remote_ip;
  int status = 0;
  std::string error_code;  // empty on success
  uint64_t bytes_in = 0;   // request body bytes read from the connection
  uint64_t bytes_out = 0;  // response body bytes (0 for HEAD)
  double latency_ms = 0;
};

/// The record as one line of JSON (no trailing newline). Invalid UTF-8 is replaced, never thrown on.
std::string format_access_record(const AccessRecord& record);

/// Writes the record to the "access" logger (created on first use: stderr, pattern "%v"). Thread-safe.
void log_access(const AccessRecord& record);

}  // namespace podbucket::api
