#include "observe/audit.h"

#include <spdlog/spdlog.h>

#include "observe/metrics.h"

namespace podbucket::observe {

std::string default_trail_path(const std::string& data_dir) {
  std::string dir = data_dir.empty() ? "." : data_dir;
  if (dir.back() != '/') dir += '/';
  return dir + "audit/trail.jsonl";
}

AuditTrail::AuditTrail(AuditOptions options)
    : context_{std::move(options.account_id)},
      read_data_events_(options.read_data_events),
      writer_(std::move(options.writer)) {}

bool AuditTrail::keeps(const RequestSummary& summary) const {
  if (!should_audit(summary)) return false;
  if (read_data_events_ || !summary.error_code.empty()) return true;
  return !(is_data_event(summary.service, summary.operation) &&
           is_read_only(summary.service, summary.method, summary.operation));
}

void AuditTrail::record(const RequestSummary& summary) noexcept {
  try {
    if (!keeps(summary)) return;
    writer_.append(render_cloudtrail_event(summary, context_, random_uuid()));
  } catch (const std::exception& e) {
    audit_write_errors().inc();
    spdlog::error("audit: request {}: cannot record the event: {}", summary.request_id, e.what());
  } catch (...) {
  }
}

}  // namespace podbucket::observe
