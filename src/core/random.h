#pragma once
// Randomness is a parameter: production code takes a Random&, tests can pass a seeded one.
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

}  // namespace podbucket::core
