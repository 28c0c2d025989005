// RS256 keys: generation, signing that the verifier accepts, and PKCS#8 round trips.
#include "crypto/rsa.h"

#include <gtest/gtest.h>

namespace podbucket::crypto {
namespace {

TEST(RsaKeyTest, SignsWhatTheVerifierAccepts) {
  RsaKey key = RsaKey::generate();
  EXPECT_EQ(key.modulus().size(), 256u);                // 2048 bits
  EXPECT_EQ(key.exponent(), std::string("\x01\x00\x01", 3));  // 65537
  std::string sig = key.sign_rs256("hello");
  EXPECT_EQ(sig.size(), 256u);
  EXPECT_TRUE(rsa_sha256_verify(key.modulus(), key.exponent(), "hello", sig));
  EXPECT_FALSE(rsa_sha256_verify(key.modulus(), key.exponent(), "hellO", sig));
}

TEST(RsaKeyTest, Pkcs8RoundTrip) {
  RsaKey key = RsaKey::generate();
  auto again = RsaKey::from_pkcs8_der(key.to_pkcs8_der());
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->modulus(), key.modulus());
  EXPECT_TRUE(rsa_sha256_verify(key.modulus(), key.exponent(), "x", again->sign_rs256("x")));
  EXPECT_FALSE(RsaKey::from_pkcs8_der("not a key").has_value());
  EXPECT_FALSE(RsaKey::from_pkcs8_der("").has_value());
}

}  // namespace
}  // namespace podbucket::crypto
