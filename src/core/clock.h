#pragma once
// Time is a parameter: production code takes a Clock&, tests pass a FakeClock.
#include <atomic>
#include <chrono>

namespace podbucket::core {

using TimePoint = std::chrono::system_clock::time_point;

/// Source of wall-clock time. Thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

/// The real system clock.
class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

/// A settable clock for tests. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint t) : t_(t.time_since_epoch().count()) {}
  TimePoint now() const override { return TimePoint(TimePoint::duration(t_.load())); }
  void set(TimePoint t) { t_ = t.time_since_epoch().count(); }
  void advance(std::chrono::seconds s) { t_ += std::chrono::duration_cast<TimePoint::duration>(s).count(); }

 private:
  std::atomic<TimePoint::rep> t_;
};

}  // namespace podbucket::core
