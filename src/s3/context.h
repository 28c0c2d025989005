#pragma once
// What every S3 handler gets: the stores, time, randomness, configuration and the caller. Handlers never reach
// for globals.
#include <functional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/principal.h"
#include "core/random.h"
#include "core/result.h"
#include "kms/key_service.h"
#include "store/blobs.h"
#include "store/metadata.h"

namespace podbucket::s3 {

struct Config {
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
  std::string domain;  // virtual-host base domain ("bucket.DOMAIN"), empty = path-style only
};

struct Context {
  store::Metadata& meta;
  store::Blobs& blobs;
  const core::Clock& clock;
  core::Random& random;
  const Config& config;
  const core::Principal& caller;
  std::string request_id;
  /// Server-side encryption keys (SSE-S3, SSE-KMS). Null in tests that do not encrypt: SSE requests then fail.
  kms::KeyService* kms = nullptr;
  /// Authorizes one more permission from inside a handler (DeleteObjects checks each key): action, resource ARN,
  /// and the bucket whose policy applies. Empty = everything allowed (handler unit tests). Errors: AccessDenied.
  std::function<core::Result<void>(std::string_view action, std::string_view resource, std::string_view bucket)>
      authorize;
};

}  // namespace podbucket::s3
