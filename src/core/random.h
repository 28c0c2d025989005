#pragma once
// Randomness is a parameter: production code takes a Random&, tests can pass a seeded one.
#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <string_view>

namespace podbucket::core {

/// Source of random bytes. Thread-safe.
class Random {
 public:
  virtual ~Random() = default;
  /// Returns `n` random bytes.
  virtual std::string bytes(size_t n) = 0;
  /// Returns `n` characters drawn from `alphabet`.
  std::string token(size_t n, std::string_view alphabet);
};

/// Deterministic randomness for tests: the low byte of each draw of a std::mt19937 seeded with `seed`, so a
/// seed always gives the same bytes. Not for anything secret. Thread-safe.
class SeededRandom : public Random {
 public:
  explicit SeededRandom(uint32_t seed) : engine_(seed) {}
  std::string bytes(size_t n) override;

 private:
  std::mutex mu_;
  std::mt19937 engine_;  // GUARDED_BY(mu_)
};

}  // namespace podbucket::core
