// The PCLMULQDQ path of CRC-64/NVME against the table reference, and the derivation of its constants.
#include "crypto/crc64nvme.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "crypto/hash.h"

namespace podbucket::crypto {
namespace {

using detail::kCrc64NvmePolyReflected;
using detail::reflect64;

std::string random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = char(rng());
  return s;
}

// Restores CPU detection when a test that forced the table path ends, even on failure.
struct ForceTable {
  ForceTable() { crc64nvme_force_table(true); }
  ~ForceTable() { crc64nvme_force_table(false); }
};

// ---- the constants, checked by an independent method in the normal representation ---------------------------

// The 128-bit carry-less product of two normal-representation polynomials, bit by bit.
struct U128 {
  uint64_t lo = 0, hi = 0;
};
U128 clmul_normal(uint64_t a, uint64_t b) {
  U128 r;
  for (int i = 0; i < 64; ++i) {
    if ((b >> i) & 1) {
      r.lo ^= a << i;
      if (i != 0) r.hi ^= a >> (64 - i);
    }
  }
  return r;
}

// x^n mod P with bit i = x^i: multiplies by x with a left shift, replacing x^64 by P's lower terms.
uint64_t xpow_normal(unsigned n) {
  const uint64_t poly = reflect64(kCrc64NvmePolyReflected);
  uint64_t r = 1;
  for (unsigned k = 0; k < n; ++k) r = (r >> 63) ? (r << 1) ^ poly : r << 1;
  return r;
}

TEST(Crc64NvmeClmulTest, PowersOfXMatchTheNormalRepresentation) {
  for (unsigned n : {0u, 1u, 63u, 64u, 65u, 127u, 191u, 255u, 1023u, 1087u, 8 * 128u + 63}) {
    EXPECT_EQ(detail::crc64nvme_xpow(n), reflect64(xpow_normal(n))) << n;
  }
  // x^64 mod P is P's lower terms.
  EXPECT_EQ(detail::crc64nvme_xpow(64), kCrc64NvmePolyReflected);
  // Feeding 8 zero bytes through a register holding x^0 multiplies it by x^64: the table path agrees.
  static_assert(detail::crc64nvme_xpow(0) == uint64_t(1) << 63);
  EXPECT_EQ(~crc64nvme_table(std::string(8, '\0'), ~(uint64_t(1) << 63)), detail::crc64nvme_xpow(64));
}

TEST(Crc64NvmeClmulTest, FoldConstantsAreShiftedPowers) {
  for (unsigned bits : {128u, 256u, 896u, 1024u}) {
    auto k = detail::crc64nvme_fold_constant(bits);
    EXPECT_EQ(k.low, reflect64(xpow_normal(bits + 63))) << bits;
    EXPECT_EQ(k.high, reflect64(xpow_normal(bits - 1))) << bits;
  }
}

TEST(Crc64NvmeClmulTest, BarrettConstantIsTheQuotientOfXTo127) {
  // x^127 = mu * P + r with deg r < 64: mu * P agrees with x^127 in every coefficient from x^64 up.
  const uint64_t mu = reflect64(detail::crc64nvme_barrett_mu());
  const uint64_t poly_low = reflect64(kCrc64NvmePolyReflected);
  U128 prod = clmul_normal(mu, poly_low);
  prod.hi ^= mu;  // mu * x^64
  EXPECT_EQ(prod.hi, uint64_t(1) << 63);
  EXPECT_EQ(mu >> 63, 1u);  // degree 63
  // P / x: the polynomial with x^64 shifted down one place, reflected.
  EXPECT_EQ(reflect64(detail::kCrc64NvmePolyOverX), (uint64_t(1) << 63) | (poly_low >> 1));
}

// ---- the results ------------------------------------------------------------------------------------------------

TEST(Crc64NvmeClmulTest, CheckValueOnBothPaths) {
  EXPECT_EQ(crc64nvme("123456789"), 0xae8b14860a799888ull);
  EXPECT_EQ(crc64nvme_table("123456789"), 0xae8b14860a799888ull);
  // Long enough for the folding path (128 bytes, ending in the same 9): both paths agree.
  std::string s = std::string(119, 'a') + "123456789";
  EXPECT_EQ(crc64nvme(s), crc64nvme_table(s));
  ForceTable force;
  EXPECT_FALSE(crc64nvme_uses_clmul());
  EXPECT_EQ(crc64nvme("123456789"), 0xae8b14860a799888ull);
}

TEST(Crc64NvmeClmulTest, DetectsTheCpu) {
#if defined(__x86_64__)
  EXPECT_EQ(crc64nvme_uses_clmul(), __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1"));
  if (!crc64nvme_uses_clmul()) GTEST_SKIP() << "no PCLMULQDQ: the other tests only check the table path";
#else
  EXPECT_FALSE(crc64nvme_uses_clmul());
#endif
}

TEST(Crc64NvmeClmulTest, EveryLengthUpTo4096AndUnalignedStarts) {
  std::string data = random_bytes(4096 + 16, 11);
  for (size_t off = 0; off < 16; off += (off < 3 ? 1 : 5)) {
    for (size_t len = 0; len <= 4096; ++len) {
      std::string_view v(data.data() + off, len);
      ASSERT_EQ(crc64nvme(v), crc64nvme_table(v)) << "offset " << off << " length " << len;
    }
  }
}

TEST(Crc64NvmeClmulTest, RandomLengthsAndPreviousValues) {
  std::mt19937_64 rng(12);
  std::string data = random_bytes(5 << 20, 13);
  for (int i = 0; i < 200; ++i) {
    size_t off = rng() % 64;
    size_t len = (i % 4 == 0) ? rng() % (data.size() - 64) : rng() % 4097;
    uint64_t prev = (i % 2 == 0) ? 0 : rng();
    std::string_view v(data.data() + off, len);
    ASSERT_EQ(crc64nvme(v, prev), crc64nvme_table(v, prev)) << off << " " << len;
  }
  EXPECT_EQ(crc64nvme(data), crc64nvme_table(data));
  EXPECT_EQ(crc64nvme(std::string(3 << 20, '\0')), crc64nvme_table(std::string(3 << 20, '\0')));
  EXPECT_EQ(crc64nvme(std::string(3 << 20, '\xff')), crc64nvme_table(std::string(3 << 20, '\xff')));
}

TEST(Crc64NvmeClmulTest, IncrementalAtRandomSplitsEqualsOneShot) {
  std::mt19937_64 rng(14);
  std::string data = random_bytes(3 << 20, 15);
  const uint64_t whole = crc64nvme_table(data);
  ASSERT_EQ(crc64nvme(data), whole);
  for (int round = 0; round < 20; ++round) {
    auto hasher = make_checksum(ChecksumAlgorithm::kCRC64NVME);
    uint64_t crc = 0;
    size_t at = 0;
    while (at < data.size()) {
      // Mostly short and odd pieces, sometimes large ones, so both paths and every tail length are crossed.
      size_t piece = rng() % 8 == 0 ? rng() % (1 << 18) : rng() % 300;
      piece = std::min(piece, data.size() - at);
      std::string_view v(data.data() + at, piece);
      crc = crc64nvme(v, crc);
      hasher->update(v);
      at += piece;
    }
    ASSERT_EQ(crc, whole) << "round " << round;
    std::string digest = hasher->finish();
    uint64_t from_hasher = 0;
    for (char c : digest) from_hasher = (from_hasher << 8) | uint8_t(c);
    ASSERT_EQ(from_hasher, whole) << "round " << round;
  }
}

TEST(Crc64NvmeClmulTest, ForcedFallbackMatchesAndCombines) {
  std::string data = random_bytes(1 << 20, 16);
  const uint64_t fast = crc64nvme(data);
  {
    ForceTable force;
    EXPECT_FALSE(crc64nvme_uses_clmul());
    EXPECT_EQ(crc64nvme(data), fast);
    EXPECT_EQ(crc64nvme(data.substr(1000), crc64nvme(data.substr(0, 1000))), fast);
  }
  // combine_crc over values from the folding path.
  auto alg = ChecksumAlgorithm::kCRC64NVME;
  auto digest = [&](std::string_view v) {
    auto h = make_checksum(alg);
    h->update(v);
    return h->finish();
  };
  const size_t cut = 333333;
  std::string combined = combine_crc(alg, digest(std::string_view(data).substr(0, cut)),
                                     digest(std::string_view(data).substr(cut)), data.size() - cut);
  EXPECT_EQ(combined, digest(data));
}

}  // namespace
}  // namespace podbucket::crypto
