#pragma once
// RSA for JWTs (JWS "RS256": RSASSA-PKCS1-v1_5 with SHA-256, RFC 7518 section 3.3): verification under a JWK's
// modulus and exponent (STS AssumeRoleWithWebIdentity, EKS Auth), and the signing keys of local clusters' token
// issuers: generation, PKCS#8 serialization and signing (EKS).
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace podbucket::crypto {

/// The smallest RSA modulus accepted, in bits (RFC 7518 requires 2048 for RS256).
inline constexpr int kMinRsaBits = 2048;

/// True if `signature` is a valid RSASSA-PKCS1-v1_5 SHA-256 signature of `data` under the public key whose
/// modulus and public exponent are `modulus` and `exponent` (unsigned big-endian bytes, as a JWK's "n" and "e"
/// decode to). False for a bad signature, a malformed key, or a modulus shorter than kMinRsaBits. Thread-safe;
/// never throws.
bool rsa_sha256_verify(std::string_view modulus, std::string_view exponent, std::string_view data,
                       std::string_view signature);

/// An RSA private key. Immutable after construction; signing is thread-safe. Movable, not copyable.
class RsaKey {
 public:
  /// A fresh key of `bits` bits (public exponent 65537) from OpenSSL's CSPRNG. Throws std::runtime_error if
  /// OpenSSL fails.
  static RsaKey generate(int bits = 2048);
  /// Parses a DER-encoded PKCS#8 PrivateKeyInfo holding an RSA key, as `to_pkcs8_der` writes it. nullopt when
  /// the bytes are not one.
  static std::optional<RsaKey> from_pkcs8_der(std::string_view der);

  ~RsaKey();
  RsaKey(RsaKey&& other) noexcept;
  RsaKey& operator=(RsaKey&& other) noexcept;
  RsaKey(const RsaKey&) = delete;
  RsaKey& operator=(const RsaKey&) = delete;

  /// DER-encoded PKCS#8 PrivateKeyInfo. Secret: never log it.
  std::string to_pkcs8_der() const;
  /// The modulus, unsigned big-endian bytes (a JWK's "n" before base64url).
  std::string modulus() const;
  /// The public exponent, unsigned big-endian bytes (a JWK's "e" before base64url).
  std::string exponent() const;
  /// The RS256 signature of `data`: raw bytes, as long as the modulus. Throws std::runtime_error if OpenSSL fails.
  std::string sign_rs256(std::string_view data) const;

 private:
  struct Impl;
  explicit RsaKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace podbucket::crypto
