#include "crypto/hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "crypto/evp.h"

namespace podbucket::crypto {
namespace detail {

const EVP_MD* md(DigestKind kind) {
  // Fetched once: OpenSSL 3's implicit fetch on every EVP_DigestInit costs more than hashing a short string.
  static const EVP_MD* kMd5 = EVP_MD_fetch(nullptr, "MD5", nullptr);
  static const EVP_MD* kSha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  static const EVP_MD* kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  const EVP_MD* m = kind == DigestKind::kMd5 ? kMd5 : kind == DigestKind::kSha1 ? kSha1 : kSha256;
  if (m == nullptr) throw std::runtime_error("OpenSSL digest unavailable");
  return m;
}

EvpHasher::EvpHasher(DigestKind kind) : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_, md(kind), nullptr) != 1) {
    EVP_MD_CTX_free(ctx_);
    throw std::runtime_error("EVP_DigestInit_ex failed");
  }
}

EvpHasher::~EvpHasher() { EVP_MD_CTX_free(ctx_); }

void EvpHasher::update(const char* data, size_t n) {
  if (n != 0 && EVP_DigestUpdate(ctx_, data, n) != 1) throw std::runtime_error("EVP_DigestUpdate failed");
}

std::string EvpHasher::finish() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx_, out, &len) != 1) throw std::runtime_error("EVP_DigestFinal_ex failed");
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string digest(DigestKind kind, std::string_view data) {
  EvpHasher h(kind);
  h.update(data.data(), data.size());
  return h.finish();
}

}  // namespace detail

std::string sha256(std::string_view data) { return detail::digest(detail::DigestKind::kSha256, data); }
std::string md5(std::string_view data) { return detail::digest(detail::DigestKind::kMd5, data); }
std::string sha1(std::string_view data) { return detail::digest(detail::DigestKind::kSha1, data); }

namespace {

// RFC 2104 over a prefetched digest: H((K ^ opad) || H((K ^ ipad) || m)). Cheaper than OpenSSL 3's EVP_MAC fetch
// per call, and SigV4 computes several HMACs per request.
std::string hmac(detail::DigestKind kind, std::string_view key, std::string_view data) {
  constexpr size_t kBlock = 64;  // SHA-1 and SHA-256
  unsigned char k[kBlock] = {};
  if (key.size() > kBlock) {
    std::string hk = detail::digest(kind, key);
    std::memcpy(k, hk.data(), hk.size());
  } else {
    std::memcpy(k, key.data(), key.size());
  }
  unsigned char pad[kBlock];
  for (size_t i = 0; i < kBlock; ++i) pad[i] = k[i] ^ 0x36;
  detail::EvpHasher inner(kind);
  inner.update(reinterpret_cast<const char*>(pad), kBlock);
  inner.update(data.data(), data.size());
  std::string ih = inner.finish();
  for (size_t i = 0; i < kBlock; ++i) pad[i] = k[i] ^ 0x5c;
  detail::EvpHasher outer(kind);
  outer.update(reinterpret_cast<const char*>(pad), kBlock);
  outer.update(ih.data(), ih.size());
  OPENSSL_cleanse(k, sizeof k);
  OPENSSL_cleanse(pad, sizeof pad);
  return outer.finish();
}

}  // namespace

std::string hmac_sha256(std::string_view key, std::string_view data) {
  return hmac(detail::DigestKind::kSha256, key, data);
}

std::string hmac_sha1(std::string_view key, std::string_view data) { return hmac(detail::DigestKind::kSha1, key, data); }

bool constant_time_equals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::unique_ptr<Hasher> make_md5() { return std::make_unique<detail::EvpHasher>(detail::DigestKind::kMd5); }
std::unique_ptr<Hasher> make_sha256() { return std::make_unique<detail::EvpHasher>(detail::DigestKind::kSha256); }
std::unique_ptr<Hasher> make_sha1() { return std::make_unique<detail::EvpHasher>(detail::DigestKind::kSha1); }

std::string SecureRandom::bytes(size_t n) {
  std::string out(n, '\0');
  // RAND_bytes takes an int; fill in bounded pieces.
  size_t done = 0;
  while (done < n) {
    int piece = int(std::min<size_t>(n - done, 1 << 20));
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data() + done), piece) != 1) {
      throw std::runtime_error("RAND_bytes failed");
    }
    done += size_t(piece);
  }
  return out;
}

}  // namespace podbucket::crypto
