#pragma once
// Request metrics, recorded from each finished request's RequestSummary (a dispatcher observer):
//   podbucket_requests_total{service,operation,status}            counter
//   podbucket_request_duration_seconds{service,operation}         histogram (latency_buckets())
//   podbucket_request_bytes_total{service}                        counter, request body bytes read
//   podbucket_response_bytes_total{service}                       counter, response body bytes sent
// Label values stay few (Prometheus "Use labels" guidance: every label combination is a time series):
// a request that never routed ("GET /x") is operation "unknown"; names that are not AWS operation names
// ([A-Za-z0-9]+, at most 64) are "unknown" too; past kMaxOperationsPerService distinct names a service's new
// names become "other", so that a client inventing Action= or X-Amz-Target values cannot grow the registry.
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "observe/metrics.h"
#include "observe/request_trace.h"

namespace podbucket::observe {

/// Distinct operation label values kept per service before new ones are folded into "other".
inline constexpr size_t kMaxOperationsPerService = 200;

/// The operation label for a summary's operation: the name itself for an AWS operation name, else "unknown".
std::string operation_label(std::string_view operation);

/// Thread-safe. Instruments are looked up once per (service, operation, status) and cached.
class RequestMetrics {
 public:
  /// `registry` outlives this object.
  explicit RequestMetrics(Registry& registry = metrics());
  ~RequestMetrics();
  RequestMetrics(const RequestMetrics&) = delete;
  RequestMetrics& operator=(const RequestMetrics&) = delete;

  /// Counts one finished request: its status, latency (summary.latency_s, seconds) and body bytes.
  void record(const RequestSummary& summary);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// A RequestMetrics over `registry` wrapped as a request observer (api::Dispatcher::add_observer).
std::function<void(const RequestSummary&)> request_metrics_observer(Registry& registry = metrics());

}  // namespace podbucket::observe
