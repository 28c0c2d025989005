#pragma once
// The audit trail: "every authorization decision and every mutating call" (should_audit) as one CloudTrail-shaped
// JSON line (to_cloudtrail_event) in an append-only, size-rotated file (AuditWriter). The server registers
// AuditTrail::record as a request observer of the dispatcher; `podbucket audit query` reads the files back
// (audit_query.h).
#include <string>

#include "observe/audit_event.h"
#include "observe/audit_writer.h"
#include "observe/request_trace.h"

namespace podbucket::observe {

struct AuditOptions {
  AuditWriterOptions writer;  // file, rotation and durability
  std::string account_id;     // recipientAccountId
  /// false: successful read-only S3 data events (GetObject, HeadObject, listings) are left out, as a CloudTrail
  /// data-event selector with ReadWriteType WriteOnly does; denied reads and every write are still recorded.
  bool read_data_events = true;
};

/// The default trail file under a server's data directory: DATA_DIR/audit/trail.jsonl.
std::string default_trail_path(const std::string& data_dir);

class AuditTrail {
 public:
  /// Opens the trail (see AuditWriter: never throws for I/O errors).
  explicit AuditTrail(AuditOptions options);

  /// Writes the event for `summary` if should_audit(summary) and the options keep it. Thread-safe; never throws: a failure to render or
  /// write is counted in podbucket_audit_write_errors_total and logged (rate-limited).
  void record(const RequestSummary& summary) noexcept;

  AuditWriter& writer() { return writer_; }

  /// Whether record() writes an event for `summary`: should_audit(summary), minus the successful read-only S3
  /// data events when AuditOptions::read_data_events is false.
  bool keeps(const RequestSummary& summary) const;

 private:
  AuditContext context_;
  bool read_data_events_;
  AuditWriter writer_;
};

}  // namespace podbucket::observe
