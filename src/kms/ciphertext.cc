#include "kms/ciphertext.h"

#include <stdexcept>

#include "crypto/aes_gcm.h"

namespace podbucket::kms {
namespace {

constexpr char kMagic0 = 'P', kMagic1 = 'B';
// magic(2) + version(1) + id length(1) + key version(4) + nonce(12), without the id itself.
constexpr size_t kFixedHeader = 2 + 1 + 1 + 4 + crypto::kAesGcmNonceSize;

void put_u32(std::string& out, uint32_t v) {
  out.push_back(char(v >> 24));
  out.push_back(char(v >> 16));
  out.push_back(char(v >> 8));
  out.push_back(char(v));
}

uint32_t get_u32(std::string_view s) {
  return uint32_t(uint8_t(s[0])) << 24 | uint32_t(uint8_t(s[1])) << 16 | uint32_t(uint8_t(s[2])) << 8 |
         uint32_t(uint8_t(s[3]));
}

std::string aad_of(std::string_view header, const EncryptionContext& context) {
  std::string aad(header);
  aad += canonical_context(context);
  return aad;
}

}  // namespace

std::string canonical_context(const EncryptionContext& context) {
  std::string out;
  for (const auto& [k, v] : context) {  // std::map: binary key order
    put_u32(out, uint32_t(k.size()));
    out += k;
    put_u32(out, uint32_t(v.size()));
    out += v;
  }
  return out;
}

std::string seal_ciphertext(std::string_view material, std::string_view key_id, uint32_t key_version,
                            std::string_view nonce, std::string_view plaintext, const EncryptionContext& context) {
  if (key_id.empty() || key_id.size() > kMaxKeyIdLength) throw std::invalid_argument("bad key id length");
  if (nonce.size() != crypto::kAesGcmNonceSize) throw std::invalid_argument("nonce must be 12 bytes");
  std::string blob;
  blob.reserve(kFixedHeader + key_id.size() + plaintext.size() + crypto::kAesGcmTagSize);
  blob.push_back(kMagic0);
  blob.push_back(kMagic1);
  blob.push_back(char(kCiphertextFormatVersion));
  blob.push_back(char(key_id.size()));
  blob += key_id;
  put_u32(blob, key_version);
  blob += nonce;
  blob += crypto::aes_gcm_seal(material, nonce, plaintext, aad_of(blob, context));
  return blob;
}

std::optional<ParsedCiphertext> parse_ciphertext(std::string_view blob) {
  if (blob.size() < 4 || blob[0] != kMagic0 || blob[1] != kMagic1 || uint8_t(blob[2]) != kCiphertextFormatVersion)
    return std::nullopt;
  size_t id_len = uint8_t(blob[3]);
  if (id_len == 0 || id_len > kMaxKeyIdLength) return std::nullopt;
  size_t header_len = kFixedHeader + id_len;
  if (blob.size() < header_len + crypto::kAesGcmTagSize) return std::nullopt;
  ParsedCiphertext p;
  p.key_id = std::string(blob.substr(4, id_len));
  for (char c : p.key_id)
    if (uint8_t(c) < 0x21 || uint8_t(c) > 0x7e) return std::nullopt;
  p.key_version = get_u32(blob.substr(4 + id_len, 4));
  if (p.key_version == 0) return std::nullopt;
  p.nonce = blob.substr(8 + id_len, crypto::kAesGcmNonceSize);
  p.header = blob.substr(0, header_len);
  p.sealed = blob.substr(header_len);
  return p;
}

std::optional<std::string> open_ciphertext(std::string_view material, const ParsedCiphertext& parsed,
                                           const EncryptionContext& context) {
  return crypto::aes_gcm_open(material, parsed.nonce, parsed.sealed, aad_of(parsed.header, context));
}

}  // namespace podbucket::kms
