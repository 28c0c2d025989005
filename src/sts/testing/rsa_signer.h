#pragma once
// Test helper: an RSA key pair (crypto::RsaKey), signing JWTs (RS256) and publishing its JWKS. Header-only so
// both sts_tests and EKS tests can mint tokens without a fixture file.
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "crypto/rsa.h"

namespace podbucket::sts::testing {

class RsaSigner {
 public:
  explicit RsaSigner(std::string kid, unsigned bits = 2048)
      : kid_(std::move(kid)), key_(crypto::RsaKey::generate(static_cast<int>(bits))) {}

  const std::string& kid() const { return kid_; }

  /// Raw RSASSA-PKCS1-v1_5 SHA-256 signature of `data`.
  std::string sign(std::string_view data) const { return key_.sign_rs256(data); }

  /// A compact JWS of `claims` with header {"alg": alg, "kid": kid (unless empty), "typ": "JWT"}.
  std::string token(const nlohmann::json& claims, std::string alg = "RS256", bool with_kid = true) const {
    nlohmann::json header = {{"alg", alg}, {"typ", "JWT"}};
    if (with_kid) header["kid"] = kid_;
    std::string input = core::base64url_encode(header.dump()) + "." + core::base64url_encode(claims.dump());
    return input + "." + core::base64url_encode(sign(input));
  }

  /// This key as a JWK object.
  nlohmann::json jwk() const {
    return {{"kty", "RSA"}, {"alg", "RS256"}, {"use", "sig"}, {"kid", kid_},
            {"n", core::base64url_encode(key_.modulus())},
            {"e", core::base64url_encode(key_.exponent())}};
  }

  /// {"keys":[jwk()]} as text.
  std::string jwks() const { return nlohmann::json{{"keys", {jwk()}}}.dump(); }

 private:
  std::string kid_;
  crypto::RsaKey key_;
};

}  // namespace podbucket::sts::testing
