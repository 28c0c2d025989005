#pragma once
// Private to crypto/: the OpenSSL-backed Hasher. Not part of the module's public interface.
#include <openssl/evp.h>

#include "crypto/hash.h"

namespace podbucket::crypto::detail {

enum class DigestKind { kMd5, kSha1, kSha256 };

/// A Hasher over an EVP_MD_CTX with a digest fetched once per process. Throws std::runtime_error only if OpenSSL
/// itself fails (out of memory); never for input.
class EvpHasher final : public Hasher {
 public:
  explicit EvpHasher(DigestKind kind);
  ~EvpHasher() override;
  EvpHasher(const EvpHasher&) = delete;
  EvpHasher& operator=(const EvpHasher&) = delete;
  using Hasher::update;
  void update(const char* data, size_t n) override;
  std::string finish() override;

 private:
  EVP_MD_CTX* ctx_;
};

/// One-shot digest.
std::string digest(DigestKind kind, std::string_view data);

}  // namespace podbucket::crypto::detail

namespace podbucket::crypto {
/// CRC-32C without SSE4.2 (the fallback path), same conventions as crc32c(). For tests and benchmarks.
uint32_t crc32c_software(std::string_view data, uint32_t crc = 0);
}  // namespace podbucket::crypto
