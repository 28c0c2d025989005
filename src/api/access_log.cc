#include "api/access_log.h"

#include <unistd.h>

#include <cerrno>
#include <cmath>

#include "observe/json_line.h"

namespace podbucket::api {

std::string format_access_record(const observe::RequestSummary& r) {
  observe::JsonLine j;
  j.open()
      .str("time", r.time)
      .str("request_id", r.request_id)
      .str("service", r.service)
      .str("operation", r.operation)
      .str("principal", r.identity.arn)
      .str("remote_ip", r.remote_ip)
      .number("status", r.status)
      .str("error_code", r.error_code)
      .number("bytes_in", r.bytes_in)
      .number("bytes_out", r.bytes_out)
      .number("latency_ms", std::round(r.latency_s * 1e6) / 1000)
      .close();
  return j.take();
}

void log_access(const observe::RequestSummary& request) {
  // One write(2) per line and no lock: the kernel serializes writes to a regular file and appends a write to a
  // pipe whole up to PIPE_BUF (4 KiB, more than any line but one naming a near-1024-byte key written mostly in
  // percent-escapes), so concurrent lines do not interleave. A mutex here made the request threads queue on each
  // other, with futex calls on every request under load.
  std::string line = format_access_record(request);
  line.push_back('\n');
  const char* data = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // stderr closed or full: the access line is lost, the request is not
    data += n;
    left -= static_cast<size_t>(n);
  }
}
}  // namespace podbucket::api
