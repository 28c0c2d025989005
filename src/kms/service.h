#pragma once
// The KMS API (JSON 1.1 protocol, `X-Amz-Target: TrentService.<Operation>`, POST /) and the S3 seam, over one
// shared Keyring. https://docs.aws.amazon.com/kms/latest/APIReference/
#include <memory>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "http/message.h"
#include "iam/authorizer.h"
#include "kms/key_service.h"
#include "store/documents.h"

namespace podbucket::kms {

class Keyring;
class KeyAuthorizer;

/// The largest KMS request body accepted (a 32 KiB key policy, JSON-escaped, fits). Larger bodies get
/// ValidationException.
inline constexpr size_t kMaxRequestBody = 256 * 1024;

/// The KMS service. Thread-safe.
class KmsService {
 public:
  /// `root_key` is the 32-byte root key (see root_key.h); `account_id` the server's account; `region` its region
  /// (key ARNs, kms:ViaService). Everything passed by reference outlives the service. Loads the keys; throws
  /// std::runtime_error when the stored keys were wrapped by another root key, store::Unavailable on store
  /// failure.
  KmsService(store::Documents& docs, iam::Authorizer& authorizer, const core::Clock& clock, core::Random& random,
             std::string root_key, std::string account_id, std::string region);
  ~KmsService();
  KmsService(const KmsService&) = delete;
  KmsService& operator=(const KmsService&) = delete;

  /// Answers one KMS API request from a verified caller: reads the JSON body (at most kMaxRequestBody bytes),
  /// dispatches on X-Amz-Target, and returns 200 with an application/x-amz-json-1.1 body. Errors (rendered by
  /// the caller as JSON 1.1): UnknownOperationException, SerializationException, ValidationException,
  /// NotFoundException, AccessDeniedException, DisabledException, KMSInvalidStateException,
  /// InvalidCiphertextException, ... as each operation documents. Throws store::Unavailable on store failure.
  core::Result<http::Response> handle(const iam::Call& call, http::Request& req);

  /// The operation name of a KMS request ("Decrypt" for X-Amz-Target TrentService.Decrypt), or "" if absent.
  static std::string_view operation_name(const http::Request& req);

  /// The S3 seam over the same keys (for s3::Context::kms).
  KeyService& key_service();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace podbucket::kms
