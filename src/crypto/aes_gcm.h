#pragma once
// AES-256-GCM authenticated encryption (NIST SP 800-38D) over OpenSSL EVP: 32-byte keys, 12-byte nonces, 16-byte
// tags. Used by kms/ (key material wrapped by the root key, ciphertext blobs) and s3/encryption (object data in
// fixed-size chunks).
//
// Nonces must never repeat under one key: callers draw them from a core::Random (96 random bits), or derive them
// from a counter under a fresh per-object key.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace podbucket::crypto {

inline constexpr size_t kAesGcmKeySize = 32;    // AES-256
inline constexpr size_t kAesGcmNonceSize = 12;  // 96-bit IV, the GCM fast path
inline constexpr size_t kAesGcmTagSize = 16;    // full 128-bit tag

/// One-shot AES-256-GCM encryption. `key` is 32 bytes, `nonce` 12 bytes. Returns ciphertext || 16-byte tag
/// (plaintext.size() + 16 bytes). Throws std::invalid_argument on a wrong key or nonce size, std::runtime_error
/// only if OpenSSL itself fails.
std::string aes_gcm_seal(std::string_view key, std::string_view nonce, std::string_view plaintext,
                         std::string_view aad = {});

/// One-shot AES-256-GCM decryption of ciphertext || tag as aes_gcm_seal returns it. Returns the plaintext, or
/// nullopt if the input is shorter than a tag or does not authenticate (wrong key, nonce, AAD or any changed
/// byte). Throws std::invalid_argument on a wrong key or nonce size.
std::optional<std::string> aes_gcm_open(std::string_view key, std::string_view nonce,
                                        std::string_view sealed, std::string_view aad = {});

/// A reusable AES-256-GCM context holding one key's schedule: encrypt or decrypt many messages (for example the
/// chunks of an object) without re-expanding the key, and feed each message in pieces.
///
/// Per message: begin_encrypt/begin_decrypt (nonce, AAD), update() any number of times, then finish_encrypt
/// (returns the tag) or finish_decrypt (checks the tag). The one-shot seal/open wrap that sequence.
/// Plaintext released by update() during decryption is unauthenticated until finish_decrypt returns true:
/// callers must not act on it before that.
///
/// Not thread-safe (one per thread or per stream); movable, not copyable. The key schedule is wiped on
/// destruction.
class AesGcm {
 public:
  /// `key` is 32 bytes. Throws std::invalid_argument otherwise.
  explicit AesGcm(std::string_view key);
  ~AesGcm();
  AesGcm(AesGcm&& other) noexcept;
  AesGcm& operator=(AesGcm&& other) noexcept;
  AesGcm(const AesGcm&) = delete;
  AesGcm& operator=(const AesGcm&) = delete;

  /// Starts a message to encrypt. `nonce` is 12 bytes (std::invalid_argument otherwise).
  void begin_encrypt(std::string_view nonce, std::string_view aad = {});
  /// Starts a message to decrypt. `nonce` is 12 bytes (std::invalid_argument otherwise).
  void begin_decrypt(std::string_view nonce, std::string_view aad = {});
  /// Transforms `n` bytes from `in` into `out` (exactly `n` bytes are written; `out` may equal `in`).
  void update(const char* in, size_t n, char* out);
  /// Ends an encryption; returns the 16-byte tag.
  std::string finish_encrypt();
  /// Ends a decryption; true iff `tag` (16 bytes) authenticates everything since begin_decrypt.
  bool finish_decrypt(std::string_view tag);

  /// One message: ciphertext || tag.
  std::string seal(std::string_view nonce, std::string_view plaintext, std::string_view aad = {});
  /// One message: the plaintext, or nullopt if `sealed` (ciphertext || tag) does not authenticate.
  std::optional<std::string> open(std::string_view nonce, std::string_view sealed, std::string_view aad = {});

 private:
  void begin(bool encrypt, std::string_view nonce, std::string_view aad);
  void* ctx_;  // EVP_CIPHER_CTX*, opaque so that OpenSSL stays inside crypto/
  bool encrypting_ = false;
};

}  // namespace podbucket::crypto
