#include "crypto/aes_gcm.h"

#include <openssl/evp.h>

#include <algorithm>
#include <climits>
#include <stdexcept>
#include <utility>

namespace podbucket::crypto {
namespace {

const EVP_CIPHER* aes_256_gcm() {
  // Fetched once: an implicit fetch per init costs more than sealing a data key.
  static const EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  if (cipher == nullptr) throw std::runtime_error("OpenSSL AES-256-GCM unavailable");
  return cipher;
}

EVP_CIPHER_CTX* ctx_of(void* p) { return static_cast<EVP_CIPHER_CTX*>(p); }

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

void check(int rc, const char* what) {
  if (rc != 1) throw std::runtime_error(what);
}

}  // namespace

AesGcm::AesGcm(std::string_view key) : ctx_(nullptr) {
  if (key.size() != kAesGcmKeySize) throw std::invalid_argument("AES-256-GCM key must be 32 bytes");
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == nullptr) throw std::runtime_error("EVP_CIPHER_CTX_new failed");
  // The key schedule is set once; begin() only sets the direction and the nonce (GCM uses the forward cipher
  // both ways, so one schedule serves encryption and decryption).
  if (EVP_EncryptInit_ex2(ctx, aes_256_gcm(), bytes(key), nullptr, nullptr) != 1) {
    EVP_CIPHER_CTX_free(ctx);
    throw std::runtime_error("EVP_EncryptInit_ex2 failed");
  }
  ctx_ = ctx;
}

AesGcm::~AesGcm() { EVP_CIPHER_CTX_free(ctx_of(ctx_)); }  // frees and cleanses the key schedule

AesGcm::AesGcm(AesGcm&& other) noexcept
    : ctx_(std::exchange(other.ctx_, nullptr)), encrypting_(other.encrypting_) {}

AesGcm& AesGcm::operator=(AesGcm&& other) noexcept {
  if (this != &other) {
    EVP_CIPHER_CTX_free(ctx_of(ctx_));
    ctx_ = std::exchange(other.ctx_, nullptr);
    encrypting_ = other.encrypting_;
  }
  return *this;
}

void AesGcm::begin(bool encrypt, std::string_view nonce, std::string_view aad) {
  if (ctx_ == nullptr) throw std::logic_error("AesGcm used after move");
  if (nonce.size() != kAesGcmNonceSize) throw std::invalid_argument("AES-GCM nonce must be 12 bytes");
  check(EVP_CipherInit_ex2(ctx_of(ctx_), nullptr, nullptr, bytes(nonce), encrypt ? 1 : 0, nullptr),
        "EVP_CipherInit_ex2 failed");
  encrypting_ = encrypt;
  while (!aad.empty()) {
    int n = aad.size() > INT_MAX ? INT_MAX : static_cast<int>(aad.size());
    int out_len = 0;
    check(EVP_CipherUpdate(ctx_of(ctx_), nullptr, &out_len, bytes(aad), n), "EVP_CipherUpdate (AAD) failed");
    aad.remove_prefix(n);
  }
}

void AesGcm::begin_encrypt(std::string_view nonce, std::string_view aad) { begin(true, nonce, aad); }
void AesGcm::begin_decrypt(std::string_view nonce, std::string_view aad) { begin(false, nonce, aad); }

void AesGcm::update(const char* in, size_t n, char* out) {
  constexpr size_t kStep = size_t{1} << 30;  // EVP lengths are int
  while (n > 0) {
    size_t step = n < kStep ? n : kStep;
    int out_len = 0;
    check(EVP_CipherUpdate(ctx_of(ctx_), reinterpret_cast<unsigned char*>(out), &out_len,
                           reinterpret_cast<const unsigned char*>(in), static_cast<int>(step)),
          "EVP_CipherUpdate failed");
    // GCM is a stream mode in OpenSSL: every input byte comes out at once.
    if (static_cast<size_t>(out_len) != step) throw std::runtime_error("EVP_CipherUpdate held back bytes");
    in += step;
    out += step;
    n -= step;
  }
}

std::string AesGcm::finish_encrypt() {
  if (!encrypting_) throw std::logic_error("finish_encrypt after begin_decrypt");
  unsigned char rest[16];
  int rest_len = 0;
  check(EVP_CipherFinal_ex(ctx_of(ctx_), rest, &rest_len), "EVP_CipherFinal_ex failed");
  std::string tag(kAesGcmTagSize, '\0');
  check(EVP_CIPHER_CTX_ctrl(ctx_of(ctx_), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kAesGcmTagSize), tag.data()),
        "EVP_CTRL_GCM_GET_TAG failed");
  return tag;
}

bool AesGcm::finish_decrypt(std::string_view tag) {
  if (encrypting_) throw std::logic_error("finish_decrypt after begin_encrypt");
  if (tag.size() != kAesGcmTagSize) return false;
  std::string copy(tag);  // the ctrl takes a non-const pointer
  check(EVP_CIPHER_CTX_ctrl(ctx_of(ctx_), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kAesGcmTagSize), copy.data()),
        "EVP_CTRL_GCM_SET_TAG failed");
  unsigned char rest[16];
  int rest_len = 0;
  return EVP_CipherFinal_ex(ctx_of(ctx_), rest, &rest_len) == 1;
}

std::string AesGcm::seal(std::string_view nonce, std::string_view plaintext, std::string_view aad) {
  begin_encrypt(nonce, aad);
  std::string out(plaintext.size() + kAesGcmTagSize, '\0');
  update(plaintext.data(), plaintext.size(), out.data());
  std::string tag = finish_encrypt();
  out.replace(plaintext.size(), kAesGcmTagSize, tag);
  return out;
}

std::optional<std::string> AesGcm::open(std::string_view nonce, std::string_view sealed, std::string_view aad) {
  if (nonce.size() != kAesGcmNonceSize) throw std::invalid_argument("AES-GCM nonce must be 12 bytes");
  if (sealed.size() < kAesGcmTagSize) return std::nullopt;
  size_t n = sealed.size() - kAesGcmTagSize;
  begin_decrypt(nonce, aad);
  std::string out(n, '\0');
  update(sealed.data(), n, out.data());
  if (!finish_decrypt(sealed.substr(n))) {
    // Never hand out unauthenticated plaintext, not even in a buffer the caller drops.
    std::fill(out.begin(), out.end(), '\0');
    return std::nullopt;
  }
  return out;
}

std::string aes_gcm_seal(std::string_view key, std::string_view nonce, std::string_view plaintext,
                         std::string_view aad) {
  return AesGcm(key).seal(nonce, plaintext, aad);
}

std::optional<std::string> aes_gcm_open(std::string_view key, std::string_view nonce, std::string_view sealed,
                                        std::string_view aad) {
  return AesGcm(key).open(nonce, sealed, aad);
}

}  // namespace podbucket::crypto
