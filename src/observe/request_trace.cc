#include "observe/request_trace.h"

#include "observe/metrics.h"

namespace podbucket::observe {
namespace {
thread_local RequestSummary* current = nullptr;

Counter& decisions_counter(std::string_view decision) {
  static Counter& allow = metrics().counter("podbucket_policy_decisions_total",
                                            "Authorization decisions by result", {{"decision", "Allow"}});
  static Counter& explicit_deny = metrics().counter(
      "podbucket_policy_decisions_total", "Authorization decisions by result", {{"decision", "ExplicitDeny"}});
  static Counter& implicit_deny = metrics().counter(
      "podbucket_policy_decisions_total", "Authorization decisions by result", {{"decision", "ImplicitDeny"}});
  if (decision == "Allow") return allow;
  if (decision == "ExplicitDeny") return explicit_deny;
  return implicit_deny;
}
}  // namespace

RequestSummary* current_request() { return current; }

TraceScope::TraceScope(RequestSummary& summary) : previous_(current) { current = &summary; }
TraceScope::~TraceScope() { current = previous_; }

void record_decision(AuthzRecord record) {
  decisions_counter(record.decision).inc();
  if (current != nullptr) current->decisions.push_back(std::move(record));
}

void record_parameter(std::string_view name, std::string_view value) {
  if (current != nullptr) current->parameters[std::string(name)] = std::string(value);
}

}  // namespace podbucket::observe
