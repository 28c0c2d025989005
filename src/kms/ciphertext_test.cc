#include "kms/ciphertext.h"

#include <gtest/gtest.h>

namespace podbucket::kms {
namespace {

const std::string kMaterial(32, '\x11');
const std::string kNonce = "nonce-12byte";
const std::string kKeyId = "1234abcd-12ab-34cd-56ef-1234567890ab";

TEST(CiphertextTest, RoundTripsAndCarriesKeyIdAndVersion) {
  EncryptionContext ctx{{"aws:s3:arn", "arn:aws:s3:::bucket/key"}};
  std::string blob = seal_ciphertext(kMaterial, kKeyId, 7, kNonce, "data key bytes", ctx);
  EXPECT_EQ(blob.size(), 4 + kKeyId.size() + 4 + 12 + 14 + 16);
  EXPECT_EQ(blob.substr(0, 3), std::string("PB\x01"));
  EXPECT_EQ(blob.find("data key bytes"), std::string::npos);
  auto parsed = parse_ciphertext(blob);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->key_id, kKeyId);
  EXPECT_EQ(parsed->key_version, 7u);
  EXPECT_EQ(parsed->nonce, kNonce);
  EXPECT_EQ(open_ciphertext(kMaterial, *parsed, ctx), "data key bytes");
}

TEST(CiphertextTest, TheEncryptionContextIsBound) {
  EncryptionContext ctx{{"purpose", "test"}, {"tenant", "a"}};
  std::string blob = seal_ciphertext(kMaterial, kKeyId, 1, kNonce, "secret", ctx);
  auto parsed = parse_ciphertext(blob);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(open_ciphertext(kMaterial, *parsed, ctx));
  for (const EncryptionContext& other : std::vector<EncryptionContext>{
           {}, {{"purpose", "test"}}, {{"purpose", "test"}, {"tenant", "b"}},
           {{"purpose", "test"}, {"tenant", "a"}, {"x", ""}}, {{"Purpose", "test"}, {"tenant", "a"}}})
    EXPECT_FALSE(open_ciphertext(kMaterial, *parsed, other));
}

TEST(CiphertextTest, CanonicalContextIsUnambiguous) {
  EXPECT_EQ(canonical_context({}), "");
  EXPECT_NE(canonical_context({{"a", "bc"}}), canonical_context({{"ab", "c"}}));
  EXPECT_NE(canonical_context({{"a", ""}, {"b", ""}}), canonical_context({{"a", std::string("\0\0\0\1b\0\0\0\0", 9)}}));
  EXPECT_EQ(canonical_context({{"k", "v"}}), std::string("\0\0\0\1k\0\0\0\1v", 10));
}

TEST(CiphertextTest, EveryChangedByteFailsToOpen) {
  std::string blob = seal_ciphertext(kMaterial, kKeyId, 1, kNonce, "secret", {});
  for (size_t i = 0; i < blob.size(); ++i) {
    std::string bad = blob;
    bad[i] ^= 0x20;
    auto parsed = parse_ciphertext(bad);
    if (!parsed) continue;  // header damage the parser already refuses
    EXPECT_FALSE(open_ciphertext(kMaterial, *parsed, {})) << "byte " << i;
  }
  auto parsed = parse_ciphertext(blob);
  ASSERT_TRUE(parsed);
  EXPECT_FALSE(open_ciphertext(std::string(32, '\x12'), *parsed, {}));
}

TEST(CiphertextTest, ParseRejectsForeignBlobs) {
  std::string blob = seal_ciphertext(kMaterial, kKeyId, 1, kNonce, "", {});
  EXPECT_TRUE(parse_ciphertext(blob));
  EXPECT_FALSE(parse_ciphertext(""));
  EXPECT_FALSE(parse_ciphertext("PB"));
  EXPECT_FALSE(parse_ciphertext(blob.substr(0, blob.size() - 1)));  // shorter than the tag needs
  std::string bad_version = blob;
  bad_version[2] = 2;
  EXPECT_FALSE(parse_ciphertext(bad_version));
  std::string zero_id = blob;
  zero_id[3] = 0;
  EXPECT_FALSE(parse_ciphertext(zero_id));
  std::string long_id = blob;
  long_id[3] = char(200);
  EXPECT_FALSE(parse_ciphertext(long_id));
  EXPECT_FALSE(parse_ciphertext(std::string(200, 'x')));
  EXPECT_THROW(seal_ciphertext(kMaterial, "", 1, kNonce, "x", {}), std::invalid_argument);
  EXPECT_THROW(seal_ciphertext(kMaterial, std::string(65, 'k'), 1, kNonce, "x", {}), std::invalid_argument);
}

}  // namespace
}  // namespace podbucket::kms
