#include "crypto/aes_gcm.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "core/encoding.h"

namespace podbucket::crypto {
namespace {

std::string unhex(std::string_view h) { return core::hex_decode(h).value(); }

struct Vector {
  const char* name;
  const char* key;
  const char* nonce;
  const char* plaintext;
  const char* aad;
  const char* ciphertext;
  const char* tag;
};

// The AES-256 test cases 13-16 of the GCM specification (McGrew & Viega), as NIST SP 800-38D validation uses them.
constexpr const char* kKey15 = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
constexpr Vector kVectors[] = {
    {"case13", "0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000", "",
     "", "", "530f8afbc74536b9a963b4f1c4cb738b"},
    {"case14", "0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000",
     "00000000000000000000000000000000", "", "cea7403d4d606b6e074ec5d3baf39d18",
     "d0d1c8a799996bf0265b98b5d48ab919"},
    {"case15", kKey15, "cafebabefacedbaddecaf888",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de65"
     "7ba637b391aafd255",
     "",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0"
     "abcc9f662898015ad",
     "b094dac5d93471bdec1a502270e3cc6c"},
    {"case16", kKey15, "cafebabefacedbaddecaf888",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de65"
     "7ba637b39",
     "feedfacedeadbeeffeedfacedeadbeefabaddad2",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0"
     "abcc9f662",
     "76fc6ece0f4e1768cddf8853bb2d551b"},
};

TEST(AesGcmTest, SealMatchesSpecificationVectors) {
  for (const Vector& v : kVectors) {
    SCOPED_TRACE(v.name);
    std::string sealed = aes_gcm_seal(unhex(v.key), unhex(v.nonce), unhex(v.plaintext), unhex(v.aad));
    EXPECT_EQ(core::hex_encode(sealed), std::string(v.ciphertext) + v.tag);
  }
}

TEST(AesGcmTest, OpenMatchesSpecificationVectors) {
  for (const Vector& v : kVectors) {
    SCOPED_TRACE(v.name);
    auto opened = aes_gcm_open(unhex(v.key), unhex(v.nonce), unhex(std::string(v.ciphertext) + v.tag), unhex(v.aad));
    ASSERT_TRUE(opened.has_value());
    EXPECT_EQ(core::hex_encode(*opened), v.plaintext);
  }
}

TEST(AesGcmTest, OpenRefusesAnyChange) {
  const Vector& v = kVectors[3];
  std::string key = unhex(v.key), nonce = unhex(v.nonce), aad = unhex(v.aad);
  std::string sealed = unhex(std::string(v.ciphertext) + v.tag);
  for (size_t i = 0; i < sealed.size(); ++i) {
    std::string bad = sealed;
    bad[i] ^= 0x01;
    EXPECT_FALSE(aes_gcm_open(key, nonce, bad, aad).has_value()) << "byte " << i;
  }
  std::string bad_aad = aad;
  bad_aad.back() ^= 0x80;
  EXPECT_FALSE(aes_gcm_open(key, nonce, sealed, bad_aad).has_value());
  EXPECT_FALSE(aes_gcm_open(key, nonce, sealed, "").has_value());
  std::string bad_nonce = nonce;
  bad_nonce[0] ^= 1;
  EXPECT_FALSE(aes_gcm_open(key, bad_nonce, sealed, aad).has_value());
  std::string bad_key = key;
  bad_key[31] ^= 1;
  EXPECT_FALSE(aes_gcm_open(bad_key, nonce, sealed, aad).has_value());
  EXPECT_FALSE(aes_gcm_open(key, nonce, sealed.substr(0, sealed.size() - 1), aad).has_value());
  EXPECT_FALSE(aes_gcm_open(key, nonce, sealed.substr(0, 15), aad).has_value());
  EXPECT_TRUE(aes_gcm_open(key, nonce, sealed, aad).has_value());
}

TEST(AesGcmTest, RejectsWrongKeyAndNonceSizes) {
  EXPECT_THROW(aes_gcm_seal(std::string(16, 'k'), std::string(12, 'n'), "x"), std::invalid_argument);
  EXPECT_THROW(aes_gcm_seal(std::string(32, 'k'), std::string(16, 'n'), "x"), std::invalid_argument);
  EXPECT_THROW(aes_gcm_open(std::string(32, 'k'), std::string(8, 'n'), std::string(20, 'x')), std::invalid_argument);
  EXPECT_THROW(AesGcm(std::string(31, 'k')), std::invalid_argument);
}

// The streaming API in pieces gives the same bytes as one shot, and one context serves many messages in both
// directions without re-keying.
TEST(AesGcmTest, StreamingInPiecesMatchesOneShotAndContextIsReusable) {
  const Vector& v = kVectors[3];
  std::string plaintext = unhex(v.plaintext), nonce = unhex(v.nonce), aad = unhex(v.aad);
  AesGcm gcm(unhex(v.key));
  for (size_t piece : {1u, 7u, 16u, 17u, 59u}) {
    SCOPED_TRACE(piece);
    gcm.begin_encrypt(nonce, aad);
    std::string out(plaintext.size(), '\0');
    for (size_t off = 0; off < plaintext.size(); off += piece) {
      size_t n = std::min(piece, plaintext.size() - off);
      gcm.update(plaintext.data() + off, n, out.data() + off);
    }
    std::string tag = gcm.finish_encrypt();
    EXPECT_EQ(core::hex_encode(out), v.ciphertext);
    EXPECT_EQ(core::hex_encode(tag), v.tag);

    gcm.begin_decrypt(nonce, aad);
    std::string back = out;  // in place
    for (size_t off = 0; off < back.size(); off += piece) {
      size_t n = std::min(piece, back.size() - off);
      gcm.update(back.data() + off, n, back.data() + off);
    }
    EXPECT_TRUE(gcm.finish_decrypt(tag));
    EXPECT_EQ(back, plaintext);

    tag[0] ^= 1;
    gcm.begin_decrypt(nonce, aad);
    gcm.update(out.data(), out.size(), back.data());
    EXPECT_FALSE(gcm.finish_decrypt(tag));
    EXPECT_FALSE(gcm.finish_decrypt(""));
  }
}

TEST(AesGcmTest, RoundTripsLargeMessagesAndDifferentNoncesDiffer) {
  std::string key(32, '\x42');
  std::string data(1 << 20, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31 + 7);
  AesGcm gcm(key);
  std::string a = gcm.seal(std::string(12, '\x01'), data, "ctx");
  std::string b = gcm.seal(std::string(12, '\x02'), data, "ctx");
  EXPECT_EQ(a.size(), data.size() + kAesGcmTagSize);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find(data.substr(1000, 64)), std::string::npos);
  EXPECT_EQ(gcm.open(std::string(12, '\x01'), a, "ctx").value(), data);
  EXPECT_EQ(gcm.open(std::string(12, '\x02'), b, "ctx").value(), data);
  AesGcm moved = std::move(gcm);
  EXPECT_EQ(moved.open(std::string(12, '\x01'), a, "ctx").value(), data);
}

}  // namespace
}  // namespace podbucket::crypto
