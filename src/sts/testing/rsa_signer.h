#pragma once
// Test helper: an RSA key pair generated with OpenSSL, signing JWTs (RS256) and publishing its JWKS. Header-only so
// both sts_tests and (later) EKS tests can mint tokens without a fixture file.
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/encoding.h"

namespace podbucket::sts::testing {

class RsaSigner {
 public:
  explicit RsaSigner(std::string kid, unsigned bits = 2048) : kid_(std::move(kid)), key_(EVP_RSA_gen(bits)) {
    if (key_ == nullptr) throw std::runtime_error("EVP_RSA_gen failed");
  }
  ~RsaSigner() { EVP_PKEY_free(key_); }
  RsaSigner(const RsaSigner&) = delete;
  RsaSigner& operator=(const RsaSigner&) = delete;

  const std::string& kid() const { return kid_; }

  /// Raw RSASSA-PKCS1-v1_5 SHA-256 signature of `data`.
  std::string sign(std::string_view data) const {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    size_t len = 0;
    std::string sig;
    if (EVP_DigestSignInit_ex(ctx, nullptr, "SHA256", nullptr, nullptr, key_, nullptr) == 1 &&
        EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1) {
      sig.resize(len);
      if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                         reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
        sig.clear();
      sig.resize(len);
    }
    EVP_MD_CTX_free(ctx);
    if (sig.empty()) throw std::runtime_error("EVP_DigestSign failed");
    return sig;
  }

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
            {"n", core::base64url_encode(param(OSSL_PKEY_PARAM_RSA_N))},
            {"e", core::base64url_encode(param(OSSL_PKEY_PARAM_RSA_E))}};
  }

  /// {"keys":[jwk()]} as text.
  std::string jwks() const { return nlohmann::json{{"keys", {jwk()}}}.dump(); }

 private:
  std::string param(const char* name) const {
    BIGNUM* bn = nullptr;
    if (EVP_PKEY_get_bn_param(key_, name, &bn) != 1) throw std::runtime_error("EVP_PKEY_get_bn_param failed");
    std::string out(size_t(BN_num_bytes(bn)), '\0');
    BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
    BN_free(bn);
    return out;
  }

  std::string kid_;
  EVP_PKEY* key_;
};

}  // namespace podbucket::sts::testing
