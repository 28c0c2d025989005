#pragma once
// The labels every response carries: x-amz-request-id (16 upper-case hex characters, as S3 gives them) and
// x-amz-id-2 (the "host id", 64 base64 characters). They must be unique, not secret, so they come from a per-thread
// std::mt19937_64 seeded once per thread from the server's CSPRNG, not from the CSPRNG on every request: each
// OpenSSL RAND_bytes call makes a getpid(2) for its fork check, and on a VM every syscall shows in the cost of a
// small GET.
#include <string>

#include "core/random.h"

namespace podbucket::api {

class RequestIds {
 public:
  /// `seed_source` seeds each thread's generator on that thread's first call (8 bytes). Must outlive this object.
  explicit RequestIds(core::Random& seed_source) : seed_source_(seed_source) {}

  struct Ids {
    std::string request_id;  // 16 upper-case hex characters (8 bytes)
    std::string host_id;     // 64 base64 characters (48 bytes)
  };
  /// A fresh pair. Thread-safe; never throws except what `seed_source` throws on a thread's first call.
  Ids next();

 private:
  core::Random& seed_source_;
};

}  // namespace podbucket::api
