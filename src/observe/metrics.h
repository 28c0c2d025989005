#pragma once
// Prometheus metrics: counters, gauges and histograms with labels, rendered in the text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/). Debian 12 packages no C++ Prometheus client,
// so this small registry is podbucket's own.
//
// Names follow Prometheus conventions: `podbucket_` prefix, `_total` for counters, `_seconds` / `_bytes` units.
// Every instrument is thread-safe. Looking an instrument up takes the registry's mutex; updating it does not,
// so hot paths look up once and keep the reference (instruments live as long as the registry).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace podbucket::observe {

/// Label name → value pairs, in the order they are rendered. Values are escaped on rendering.
using Labels = std::vector<std::pair<std::string, std::string>>;

/// A monotonically increasing value.
class Counter {
 public:
  void inc(double by = 1);
  double value() const;

 private:
  std::atomic<double> value_{0};
};

/// A value that goes up and down.
class Gauge {
 public:
  void set(double value);
  void add(double by);
  double value() const;

 private:
  std::atomic<double> value_{0};
};

/// Observations counted into cumulative buckets (`le` upper bounds), with their sum and count.
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  /// Records one observation (seconds or bytes, as the family's name says).
  void observe(double value);
  uint64_t count() const;
  double sum() const;
  /// Cumulative counts per bound, the last one being +Inf.
  std::vector<uint64_t> cumulative_counts() const;
  const std::vector<double>& upper_bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // bounds_.size() + 1 (+Inf)
  std::atomic<double> sum_{0};
  std::atomic<uint64_t> count_{0};
};

/// Latency buckets in seconds: 0.5 ms .. 30 s.
const std::vector<double>& latency_buckets();

/// A set of metric families. Asking twice for the same name and labels returns the same instrument; asking for
/// a name with a different type or help text throws std::logic_error (a programming error).
class Registry {
 public:
  Registry();
  ~Registry();
  Counter& counter(std::string_view name, std::string_view help, const Labels& labels = {});
  Gauge& gauge(std::string_view name, std::string_view help, const Labels& labels = {});
  Histogram& histogram(std::string_view name, std::string_view help, const Labels& labels = {},
                       const std::vector<double>& upper_bounds = latency_buckets());
  /// A gauge whose value is read from `read` at every render (open connections, cache sizes). Registering the
  /// same name and labels again replaces the callback. Callbacks run under the registry's lock: they must be
  /// quick and must not call into the registry.
  void gauge_callback(std::string_view name, std::string_view help, const Labels& labels,
                      std::function<double()> read);
  /// A counter whose value is read from `read` at every render: for totals another component already keeps
  /// (the in-process agent's cache hits). `read` must never decrease. Registering again replaces the callback.
  void counter_callback(std::string_view name, std::string_view help, const Labels& labels,
                        std::function<double()> read);
  /// Drops the callback series (gauge or counter) registered under `name` with `labels`, waiting for a render
  /// in progress; call it before the object the callback reads goes away.
  void remove_callback(std::string_view name, const Labels& labels);

  /// The whole registry in the text exposition format, families sorted by name.
  std::string render() const;

  struct State;

 private:
  std::unique_ptr<State> state_;
};

/// Observes the seconds (steady clock) between its construction and its destruction into a histogram, also when
/// the scope is left by an exception.
class ScopedTimer {
 public:
  explicit ScopedTimer(Histogram& histogram) : histogram_(histogram), start_(std::chrono::steady_clock::now()) {}
  ~ScopedTimer() {
    histogram_.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
  }
  ScopedTimer(const ScopedTimer&) = delete;
  ScopedTimer& operator=(const ScopedTimer&) = delete;

 private:
  Histogram& histogram_;
  std::chrono::steady_clock::time_point start_;
};

/// The process-wide registry that every module reports to and the admin listener renders.
Registry& metrics();

}  // namespace podbucket::observe
