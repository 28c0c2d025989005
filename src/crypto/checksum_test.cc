#include <gtest/gtest.h>

#include <random>

#include "core/encoding.h"
#include "crypto/evp.h"
#include "crypto/hash.h"

namespace podbucket::crypto {
namespace {

using core::base64_encode;
using core::hex_encode;

std::string digest_of(ChecksumAlgorithm a, std::string_view data) {
  auto h = make_checksum(a);
  h->update(data);
  return h->finish();
}

std::string random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = char(rng());
  return s;
}

// The "check" values of the CRC catalogue for the input "123456789".
TEST(ChecksumTest, PublishedCheckValues) {
  EXPECT_EQ(crc32("123456789"), 0xcbf43926u);
  EXPECT_EQ(crc32c("123456789"), 0xe3069283u);
  EXPECT_EQ(crc32c_software("123456789"), 0xe3069283u);
  EXPECT_EQ(crc64nvme("123456789"), 0xae8b14860a799888ull);
  EXPECT_EQ(hex_encode(digest_of(ChecksumAlgorithm::kCRC32, "123456789")), "cbf43926");
  EXPECT_EQ(hex_encode(digest_of(ChecksumAlgorithm::kCRC32C, "123456789")), "e3069283");
  EXPECT_EQ(hex_encode(digest_of(ChecksumAlgorithm::kCRC64NVME, "123456789")), "ae8b14860a799888");
}

TEST(ChecksumTest, EmptyInputs) {
  EXPECT_EQ(crc32(""), 0u);
  EXPECT_EQ(crc32c(""), 0u);
  EXPECT_EQ(crc64nvme(""), 0u);
  // What S3 reports for an empty object.
  EXPECT_EQ(base64_encode(digest_of(ChecksumAlgorithm::kCRC32, "")), "AAAAAA==");
  EXPECT_EQ(base64_encode(digest_of(ChecksumAlgorithm::kSHA256, "")), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  EXPECT_EQ(base64_encode(digest_of(ChecksumAlgorithm::kSHA1, "")), "2jmj7l5rSw0yVb/vlWAYkK/YBwk=");
}

// iSCSI (RFC 3720 B.4) CRC32C vectors: 32 bytes of zeros and of 0xff.
TEST(ChecksumTest, Crc32cRfc3720) {
  EXPECT_EQ(crc32c(std::string(32, '\0')), 0x8a9136aau);
  EXPECT_EQ(crc32c(std::string(32, '\xff')), 0x62a8ab43u);
  std::string inc;
  for (int i = 0; i < 32; ++i) inc += char(i);
  EXPECT_EQ(crc32c(inc), 0x46dd794eu);
}

TEST(ChecksumTest, HardwareMatchesSoftwareAtEveryAlignmentAndLength) {
  std::string data = random_bytes(3 * 8192 * 2 + 1000, 1);
  for (size_t off : {0, 1, 3, 7}) {
    for (size_t len : {0, 1, 7, 8, 9, 255, 256, 767, 768, 769, 3 * 8192 - 1, 3 * 8192, 3 * 8192 + 5, 40000}) {
      std::string_view v(data.data() + off, len);
      ASSERT_EQ(crc32c(v), crc32c_software(v)) << off << " " << len;
    }
  }
}

TEST(ChecksumTest, IncrementalAnySplit) {
  std::string data = random_bytes(5000, 2);
  for (size_t cut : {0, 1, 13, 2500, 4999, 5000}) {
    EXPECT_EQ(crc32c(data.substr(cut), crc32c(data.substr(0, cut))), crc32c(data));
    EXPECT_EQ(crc64nvme(data.substr(cut), crc64nvme(data.substr(0, cut))), crc64nvme(data));
    EXPECT_EQ(crc32(data.substr(cut), crc32(data.substr(0, cut))), crc32(data));
  }
}

TEST(ChecksumTest, CombineAllCrcs) {
  std::string data = random_bytes(70000, 3);
  for (auto alg : {ChecksumAlgorithm::kCRC32, ChecksumAlgorithm::kCRC32C, ChecksumAlgorithm::kCRC64NVME}) {
    for (size_t cut : {0, 1, 100, 65536, 69999, 70000}) {
      std::string a = digest_of(alg, data.substr(0, cut));
      std::string b = digest_of(alg, data.substr(cut));
      EXPECT_EQ(hex_encode(combine_crc(alg, a, b, data.size() - cut)), hex_encode(digest_of(alg, data)))
          << checksum_name(alg) << " cut " << cut;
    }
  }
  // Three parts, folded left to right as a multipart full-object checksum is.
  auto alg = ChecksumAlgorithm::kCRC64NVME;
  std::string acc = digest_of(alg, data.substr(0, 10));
  acc = combine_crc(alg, acc, digest_of(alg, data.substr(10, 20000)), 20000);
  acc = combine_crc(alg, acc, digest_of(alg, data.substr(20010)), data.size() - 20010);
  EXPECT_EQ(acc, digest_of(alg, data));
}

TEST(ChecksumTest, CombineLongZeroRunsAndHugeLengths) {
  std::string a = random_bytes(100, 4);
  std::string zeros(3 << 20, '\0');
  for (auto alg : {ChecksumAlgorithm::kCRC32, ChecksumAlgorithm::kCRC32C, ChecksumAlgorithm::kCRC64NVME}) {
    EXPECT_EQ(combine_crc(alg, digest_of(alg, a), digest_of(alg, zeros), zeros.size()), digest_of(alg, a + zeros));
    // Associativity at lengths far beyond what can be hashed here (multipart objects of terabytes).
    std::string x = digest_of(alg, "x"), y = digest_of(alg, "y"), z = digest_of(alg, "z");
    uint64_t ly = (uint64_t(5) << 40) + 12345, lz = (uint64_t(1) << 62) + 7;
    EXPECT_EQ(combine_crc(alg, combine_crc(alg, x, y, ly), z, lz),
              combine_crc(alg, x, combine_crc(alg, y, z, lz), ly + lz))
        << checksum_name(alg);
  }
}

TEST(ChecksumTest, CombineRejectsBadInput) {
  EXPECT_EQ(combine_crc(ChecksumAlgorithm::kSHA256, std::string(32, 'a'), std::string(32, 'b'), 1), "");
  EXPECT_EQ(combine_crc(ChecksumAlgorithm::kCRC32, "abc", "abcd", 1), "");
}

TEST(ChecksumTest, NamesAndSizes) {
  EXPECT_EQ(parse_checksum_algorithm("crc32c"), ChecksumAlgorithm::kCRC32C);
  EXPECT_EQ(parse_checksum_algorithm("CRC64NVME"), ChecksumAlgorithm::kCRC64NVME);
  EXPECT_EQ(parse_checksum_algorithm("Sha256"), ChecksumAlgorithm::kSHA256);
  EXPECT_EQ(parse_checksum_algorithm("md5"), std::nullopt);
  EXPECT_EQ(parse_checksum_algorithm("CRC32X"), std::nullopt);
  for (auto alg : {ChecksumAlgorithm::kCRC32, ChecksumAlgorithm::kCRC32C, ChecksumAlgorithm::kCRC64NVME,
                   ChecksumAlgorithm::kSHA1, ChecksumAlgorithm::kSHA256}) {
    EXPECT_EQ(parse_checksum_algorithm(checksum_name(alg)), alg);
    EXPECT_EQ(digest_of(alg, "x").size(), checksum_size(alg));
    EXPECT_EQ(checksum_header(alg), "x-amz-checksum-" + core::to_lower(checksum_name(alg)));
  }
  EXPECT_TRUE(is_crc(ChecksumAlgorithm::kCRC32));
  EXPECT_FALSE(is_crc(ChecksumAlgorithm::kSHA1));
}

}  // namespace
}  // namespace podbucket::crypto
