#include "crypto/hash.h"

#include <gtest/gtest.h>

#include <set>

#include "core/encoding.h"

namespace podbucket::crypto {
namespace {

using core::hex_encode;

TEST(HashTest, Sha256KnownVectors) {
  EXPECT_EQ(hex_encode(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex_encode(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(HashTest, Md5AndSha1KnownVectors) {
  EXPECT_EQ(hex_encode(md5("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(hex_encode(md5("abc")), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(hex_encode(sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

// RFC 4231 test cases 1, 2 and 6 (key longer than the block size).
TEST(HashTest, HmacSha256Rfc4231) {
  EXPECT_EQ(hex_encode(hmac_sha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hex_encode(hmac_sha256(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

// RFC 2202 test cases 1 and 2.
TEST(HashTest, HmacSha1Rfc2202) {
  EXPECT_EQ(hex_encode(hmac_sha1(std::string(20, '\x0b'), "Hi There")), "b617318655057264e28bc0b6fb378c8ef146be00");
  EXPECT_EQ(hex_encode(hmac_sha1("Jefe", "what do ya want for nothing?")), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

TEST(HashTest, IncrementalMatchesOneShot) {
  std::string data;
  for (int i = 0; i < 10000; ++i) data += char(i * 7);
  auto h = make_sha256();
  h->update(data.substr(0, 1));
  h->update(data.substr(1, 4095));
  h->update(data.substr(4096));
  EXPECT_EQ(h->finish(), sha256(data));
  auto m = make_md5();
  m->update(data.substr(0, 333));
  m->update(data.substr(333));
  EXPECT_EQ(m->finish(), md5(data));
}

TEST(HashTest, ConstantTimeEquals) {
  EXPECT_TRUE(constant_time_equals("", ""));
  EXPECT_TRUE(constant_time_equals("abc", "abc"));
  EXPECT_FALSE(constant_time_equals("abc", "abd"));
  EXPECT_FALSE(constant_time_equals("abc", "ab"));
}

TEST(HashTest, SecureRandomGivesDistinctBytes) {
  SecureRandom r;
  std::set<std::string> seen;
  for (int i = 0; i < 16; ++i) {
    std::string b = r.bytes(16);
    ASSERT_EQ(b.size(), 16u);
    seen.insert(b);
  }
  EXPECT_EQ(seen.size(), 16u);
  EXPECT_EQ(r.bytes(0), "");
}

}  // namespace
}  // namespace podbucket::crypto
