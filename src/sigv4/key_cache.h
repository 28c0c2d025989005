#pragma once
// A cache of derived SigV4 signing keys. Deriving a key costs four HMACs; a client reuses the same scope for a
// whole day, so the cache turns most verifications into one HMAC.
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace podbucket::sigv4 {

/// Thread-safe. Bounded: when `capacity` entries are reached the cache is cleared (keys are cheap to rebuild).
class SigningKeyCache {
 public:
  explicit SigningKeyCache(size_t capacity = 4096) : capacity_(capacity) {}
  /// The raw signing key for (secret, date YYYYMMDD, region, service), derived on a miss.
  std::string get(std::string_view secret, std::string_view date, std::string_view region, std::string_view service);
  size_t size() const;

 private:
  size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::string> keys_;  // GUARDED_BY(mu_); "secret\0date\0region\0service" -> key
};

/// The process-wide cache verify() uses.
SigningKeyCache& default_key_cache();

}  // namespace podbucket::sigv4
