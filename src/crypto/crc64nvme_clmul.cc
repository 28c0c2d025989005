// CRC-64/NVME by carry-less multiplication: eight 16-byte lanes are folded forward 128 bytes at a time, joined
// into one lane, folded down to 64 + 64 bits and reduced mod P with a Barrett step. The method is the one Intel
// describes for reflected CRCs ("Fast CRC Computation for Generic Polynomials Using PCLMULQDQ Instruction", 2009);
// the constants come from crypto/crc64nvme.h, which derives them from the polynomial.
#include "crypto/crc64nvme.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include <array>

namespace podbucket::crypto::detail {
namespace {

constexpr size_t kLanes = 8;
constexpr size_t kStride = 16 * kLanes;

constexpr Crc64FoldConstant kFoldStride = crc64nvme_fold_constant(8 * kStride);
constexpr Crc64FoldConstant kFold16 = crc64nvme_fold_constant(128);
// kJoin[i] moves lane i onto the last lane, (kLanes - 1 - i) * 16 bytes further on.
constexpr std::array<Crc64FoldConstant, kLanes - 1> kJoin = [] {
  std::array<Crc64FoldConstant, kLanes - 1> out{};
  for (size_t i = 0; i + 1 < kLanes; ++i) out[i] = crc64nvme_fold_constant(unsigned(128 * (kLanes - 1 - i)));
  return out;
}();
// Moves the high-degree qword of a lane by 64 bits onto the other one (x^(64+64) mod P, less the factor x).
constexpr uint64_t kFold64 = crc64nvme_xpow(127);
constexpr uint64_t kMu = crc64nvme_barrett_mu();

#define PODBUCKET_CLMUL __attribute__((target("pclmul,sse4.1")))

PODBUCKET_CLMUL inline __m128i constant(const Crc64FoldConstant& k) {
  return _mm_set_epi64x(int64_t(k.high), int64_t(k.low));
}

PODBUCKET_CLMUL inline __m128i load(const unsigned char* p) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}

// lane * x^bits (congruent mod P, degree < 128) for the constant of that distance.
PODBUCKET_CLMUL inline __m128i shift(__m128i lane, __m128i k) {
  return _mm_xor_si128(_mm_clmulepi64_si128(lane, k, 0x00), _mm_clmulepi64_si128(lane, k, 0x11));
}

// The CRC register for a message whose remaining (already register-adjusted) polynomial is the 128-bit `lane`:
// lane * x^64 mod P, reflected.
PODBUCKET_CLMUL inline uint64_t reduce(__m128i lane) {
  // z = lane_hi * x^128 + lane_lo * x^64 (mod P): low qword z_hi, high qword z_lo.
  __m128i z = _mm_xor_si128(_mm_clmulepi64_si128(lane, _mm_cvtsi64_si128(int64_t(kFold64)), 0x00),
                            _mm_srli_si128(lane, 8));
  // Barrett: q = floor(z_hi * x^64 / P), then z_hi * x^64 mod P = (q * P) mod x^64.
  __m128i q = _mm_clmulepi64_si128(z, _mm_cvtsi64_si128(int64_t(kMu)), 0x00);
  __m128i qp = _mm_clmulepi64_si128(q, _mm_cvtsi64_si128(int64_t(kCrc64NvmePolyOverX)), 0x00);
  return uint64_t(_mm_extract_epi64(qp, 1)) ^ uint64_t(_mm_cvtsi128_si64(q)) ^ uint64_t(_mm_extract_epi64(z, 1));
}

}  // namespace

PODBUCKET_CLMUL size_t crc64nvme_clmul(uint64_t& reg, const unsigned char* p, size_t n) {
  if (n < 64) return 0;
  const unsigned char* const start = p;
  const __m128i first = _mm_cvtsi64_si128(int64_t(reg));  // the register joins the first 8 message bytes
  __m128i acc;
  if (n >= kStride) {
    __m128i x[kLanes];
    for (size_t i = 0; i < kLanes; ++i) x[i] = load(p + 16 * i);
    x[0] = _mm_xor_si128(x[0], first);
    p += kStride;
    n -= kStride;
    const __m128i k_stride = constant(kFoldStride);
    while (n >= kStride) {
      for (size_t i = 0; i < kLanes; ++i) x[i] = _mm_xor_si128(shift(x[i], k_stride), load(p + 16 * i));
      p += kStride;
      n -= kStride;
    }
    acc = x[kLanes - 1];
    for (size_t i = 0; i + 1 < kLanes; ++i) acc = _mm_xor_si128(acc, shift(x[i], constant(kJoin[i])));
  } else {
    acc = _mm_xor_si128(load(p), first);
    p += 16;
    n -= 16;
  }
  const __m128i k16 = constant(kFold16);
  while (n >= 16) {
    acc = _mm_xor_si128(shift(acc, k16), load(p));
    p += 16;
    n -= 16;
  }
  reg = reduce(acc);
  return size_t(p - start);
}

}  // namespace podbucket::crypto::detail

#else

namespace podbucket::crypto::detail {
size_t crc64nvme_clmul(uint64_t&, const unsigned char*, size_t) { return 0; }
}  // namespace podbucket::crypto::detail

#endif
