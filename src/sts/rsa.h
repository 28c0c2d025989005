#pragma once
// RSA signature verification for JWTs (JWS "RS256": RSASSA-PKCS1-v1_5 with SHA-256, RFC 7518 section 3.3).
// The only file of sts/ that includes OpenSSL; it belongs in crypto/ once a second user (EKS token signing) appears.
#include <string_view>

namespace podbucket::sts {

/// The smallest RSA modulus accepted, in bits (RFC 7518 requires 2048 for RS256).
inline constexpr int kMinRsaBits = 2048;

/// True if `signature` is a valid RSASSA-PKCS1-v1_5 SHA-256 signature of `data` under the public key whose
/// modulus and public exponent are `modulus` and `exponent` (unsigned big-endian bytes, as a JWK's "n" and "e"
/// decode to). False for a bad signature, a malformed key, or a modulus shorter than kMinRsaBits. Thread-safe;
/// never throws.
bool rsa_sha256_verify(std::string_view modulus, std::string_view exponent, std::string_view data,
                       std::string_view signature);

}  // namespace podbucket::sts
