#pragma once
// podbucket's KMS ciphertext blob (what Encrypt and GenerateDataKey return as CiphertextBlob, and what S3 stores
// with an SSE object). Format version 1, all integers big-endian:
//
//   offset  size  field
//   0       2     magic "PB"
//   2       1     format version = 0x01
//   3       1     L = length of the key id (1..64)
//   4       L     key id, ASCII (a key UUID, or the internal SSE-S3 key id)
//   4+L     4     key version (1 = the material made at CreateKey; each rotation adds one)
//   8+L     12    AES-GCM nonce (random)
//   20+L    n     ciphertext (n = plaintext length)
//   20+L+n  16    AES-GCM tag
//
// Sealed with AES-256-GCM under the material of (key id, key version), with additional data = the header bytes
// (offset 0 up to the end of the nonce) followed by canonical_context(encryption context). Any changed byte, a
// different key, version or encryption context makes opening fail (InvalidCiphertextException).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kms/key_service.h"

namespace podbucket::kms {

inline constexpr uint8_t kCiphertextFormatVersion = 1;
inline constexpr size_t kMaxKeyIdLength = 64;

/// A blob split into its parts. The views point into the blob passed to parse_ciphertext.
struct ParsedCiphertext {
  std::string key_id;
  uint32_t key_version = 0;
  std::string_view header;  // bytes 0 .. end of nonce: part of the AAD
  std::string_view nonce;   // 12 bytes
  std::string_view sealed;  // ciphertext || tag
};

/// The encryption context as AAD bytes: for each pair in binary key order, u32 key length, key, u32 value length,
/// value. Unambiguous (no two contexts serialize alike); the empty context is the empty string.
std::string canonical_context(const EncryptionContext& context);

/// Seals `plaintext` for (key_id, key_version) under `material` (32 bytes) with a caller-chosen 12-byte `nonce`.
/// Throws std::invalid_argument if key_id is empty or longer than 64 bytes, or material/nonce have the wrong size.
std::string seal_ciphertext(std::string_view material, std::string_view key_id, uint32_t key_version,
                            std::string_view nonce, std::string_view plaintext, const EncryptionContext& context);

/// Splits a blob without authenticating it. nullopt if it is not a version-1 blob (bad magic or version, bad
/// lengths, shorter than header + tag).
std::optional<ParsedCiphertext> parse_ciphertext(std::string_view blob);

/// Authenticates and decrypts a parsed blob under `material`. nullopt if the tag does not verify (tampered blob,
/// wrong material, or an encryption context that differs from the one sealed in).
std::optional<std::string> open_ciphertext(std::string_view material, const ParsedCiphertext& parsed,
                                           const EncryptionContext& context);

}  // namespace podbucket::kms
