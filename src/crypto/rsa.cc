#include "crypto/rsa.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <stdexcept>

namespace podbucket::crypto {

namespace {

struct Free {
  void operator()(BIGNUM* p) const { BN_free(p); }
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, Free>;

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

Owned<EVP_PKEY> public_key(std::string_view modulus, std::string_view exponent) {
  Owned<BIGNUM> n(BN_bin2bn(bytes(modulus), int(modulus.size()), nullptr));
  Owned<BIGNUM> e(BN_bin2bn(bytes(exponent), int(exponent.size()), nullptr));
  if (!n || !e || BN_num_bits(n.get()) < kMinRsaBits || BN_is_zero(e.get())) return nullptr;
  Owned<OSSL_PARAM_BLD> bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1)
    return nullptr;
  Owned<OSSL_PARAM> params(OSSL_PARAM_BLD_to_param(bld.get()));
  Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) return nullptr;
  EVP_PKEY* key = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) return nullptr;
  return Owned<EVP_PKEY>(key);
}

}  // namespace

bool rsa_sha256_verify(std::string_view modulus, std::string_view exponent, std::string_view data,
                       std::string_view signature) {
  // Strip leading zero bytes: some encoders pad "n" to a byte boundary with a 0x00.
  while (!modulus.empty() && modulus.front() == '\0') modulus.remove_prefix(1);
  auto key = public_key(modulus, exponent);
  if (!key) return false;
  // PKCS#1 v1.5 signatures are exactly as long as the modulus.
  if (signature.size() != modulus.size()) return false;
  Owned<EVP_MD_CTX> md(EVP_MD_CTX_new());
  if (!md || EVP_DigestVerifyInit_ex(md.get(), nullptr, "SHA256", nullptr, nullptr, key.get(), nullptr) != 1)
    return false;
  return EVP_DigestVerify(md.get(), bytes(signature), signature.size(), bytes(data), data.size()) == 1;
}

// --- RsaKey ---

struct RsaKey::Impl {
  EVP_PKEY* key = nullptr;
  ~Impl() { EVP_PKEY_free(key); }
};

RsaKey::RsaKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RsaKey::~RsaKey() = default;
RsaKey::RsaKey(RsaKey&& other) noexcept = default;
RsaKey& RsaKey::operator=(RsaKey&& other) noexcept = default;

RsaKey RsaKey::generate(int bits) {
  auto impl = std::make_unique<Impl>();
  impl->key = EVP_RSA_gen(static_cast<unsigned>(bits));
  if (impl->key == nullptr) throw std::runtime_error("RSA key generation failed");
  return RsaKey(std::move(impl));
}

std::optional<RsaKey> RsaKey::from_pkcs8_der(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  PKCS8_PRIV_KEY_INFO* info = d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size()));
  if (info == nullptr) return std::nullopt;
  EVP_PKEY* key = EVP_PKCS82PKEY(info);
  PKCS8_PRIV_KEY_INFO_free(info);
  if (key == nullptr) return std::nullopt;
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
    EVP_PKEY_free(key);
    return std::nullopt;
  }
  auto impl = std::make_unique<Impl>();
  impl->key = key;
  return RsaKey(std::move(impl));
}

std::string RsaKey::to_pkcs8_der() const {
  PKCS8_PRIV_KEY_INFO* info = EVP_PKEY2PKCS8(impl_->key);
  if (info == nullptr) throw std::runtime_error("PKCS#8 encoding failed");
  unsigned char* buf = nullptr;
  int len = i2d_PKCS8_PRIV_KEY_INFO(info, &buf);
  PKCS8_PRIV_KEY_INFO_free(info);
  if (len <= 0) throw std::runtime_error("PKCS#8 encoding failed");
  std::string out(reinterpret_cast<char*>(buf), static_cast<size_t>(len));
  OPENSSL_clear_free(buf, static_cast<size_t>(len));
  return out;
}

namespace {

std::string bn_param(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) throw std::runtime_error("reading an RSA parameter failed");
  std::string out(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  BN_free(bn);
  return out;
}

}  // namespace

std::string RsaKey::modulus() const { return bn_param(impl_->key, OSSL_PKEY_PARAM_RSA_N); }
std::string RsaKey::exponent() const { return bn_param(impl_->key, OSSL_PKEY_PARAM_RSA_E); }

std::string RsaKey::sign_rs256(std::string_view data) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) throw std::runtime_error("EVP_MD_CTX_new failed");
  std::string sig;
  size_t len = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(data.data());
  bool ok = EVP_DigestSignInit_ex(ctx, nullptr, "SHA256", nullptr, nullptr, impl_->key, nullptr) == 1 &&
            EVP_DigestSign(ctx, nullptr, &len, in, data.size()) == 1;
  if (ok) {
    sig.resize(len);
    ok = EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len, in, data.size()) == 1;
    sig.resize(len);
  }
  EVP_MD_CTX_free(ctx);
  if (!ok) throw std::runtime_error("RS256 signing failed");
  return sig;
}

}  // namespace podbucket::crypto
