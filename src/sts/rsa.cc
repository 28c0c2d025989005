#include "sts/rsa.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>

namespace podbucket::sts {

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

}  // namespace podbucket::sts
