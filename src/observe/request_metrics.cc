#include "observe/request_metrics.h"

#include <map>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <unordered_map>

namespace podbucket::observe {
namespace {

constexpr std::string_view kRequests = "podbucket_requests_total";
constexpr std::string_view kRequestsHelp = "Requests served, by service, AWS operation and HTTP status";
constexpr std::string_view kDuration = "podbucket_request_duration_seconds";
constexpr std::string_view kDurationHelp = "Time to answer a request (until the response starts), by service and "
                                           "AWS operation";
constexpr std::string_view kBytesIn = "podbucket_request_bytes_total";
constexpr std::string_view kBytesInHelp = "Request body bytes read, by service";
constexpr std::string_view kBytesOut = "podbucket_response_bytes_total";
constexpr std::string_view kBytesOutHelp = "Response body bytes sent, by service";

constexpr size_t kMaxOperationLength = 64;

bool is_operation_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxOperationLength) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

}  // namespace

std::string operation_label(std::string_view operation) {
  return is_operation_name(operation) ? std::string(operation) : std::string("unknown");
}

struct RequestMetrics::State {
  Registry& registry;

  struct Series {
    Counter* requests;
    Histogram* duration;
    Counter* bytes_in;
    Counter* bytes_out;
  };
  std::shared_mutex mu;
  std::unordered_map<std::string, Series> cache;                 // GUARDED_BY(mu): "service\0op\0status"
  std::map<std::string, std::set<std::string>, std::less<>> ops;  // GUARDED_BY(mu): service → operations seen

  explicit State(Registry& r) : registry(r) {}

  /// The instruments of one label combination, created on first use. Takes mu exclusively. A name folded into
  /// "other" is not cached under its own key, so invented names cannot grow the cache either.
  Series create(std::string key, const std::string& service, std::string operation, const std::string& status) {
    std::unique_lock lock(mu);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
    auto& seen = ops[service];
    if (!seen.contains(operation)) {
      if (seen.size() >= kMaxOperationsPerService) {
        operation = "other";
        key = service + '\0' + operation + '\0' + status;
        if (auto it = cache.find(key); it != cache.end()) return it->second;
      } else {
        seen.insert(operation);
      }
    }
    Series s;
    s.requests = &registry.counter(kRequests, kRequestsHelp,
                                   {{"service", service}, {"operation", operation}, {"status", status}});
    s.duration = &registry.histogram(kDuration, kDurationHelp, {{"service", service}, {"operation", operation}});
    s.bytes_in = &registry.counter(kBytesIn, kBytesInHelp, {{"service", service}});
    s.bytes_out = &registry.counter(kBytesOut, kBytesOutHelp, {{"service", service}});
    cache.emplace(std::move(key), s);
    return s;
  }
};

RequestMetrics::RequestMetrics(Registry& registry) : state_(std::make_unique<State>(registry)) {}
RequestMetrics::~RequestMetrics() = default;

void RequestMetrics::record(const RequestSummary& summary) {
  std::string service = summary.service.empty() ? "unknown" : summary.service;
  std::string operation = operation_label(summary.operation);
  std::string status = std::to_string(summary.status);
  std::string key = service;
  key += '\0';
  key += operation;
  key += '\0';
  key += status;

  State::Series series{};
  bool found = false;
  {
    std::shared_lock lock(state_->mu);
    if (auto it = state_->cache.find(key); it != state_->cache.end()) {
      series = it->second;
      found = true;
    }
  }
  if (!found) series = state_->create(std::move(key), service, std::move(operation), status);

  series.requests->inc();
  series.duration->observe(summary.latency_s);
  series.bytes_in->inc(double(summary.bytes_in));
  series.bytes_out->inc(double(summary.bytes_out));
}

std::function<void(const RequestSummary&)> request_metrics_observer(Registry& registry) {
  auto recorder = std::make_shared<RequestMetrics>(registry);
  return [recorder](const RequestSummary& summary) { recorder->record(summary); };
}

}  // namespace podbucket::observe
