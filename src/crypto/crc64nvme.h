#pragma once
// Private to crypto/: the two CRC-64/NVME paths (slicing-by-8 tables and PCLMULQDQ folding) and the GF(2)
// constants the folding path needs, derived here at compile time from the polynomial alone.
//
// Representation: a 64-bit "reflected" value holds the coefficient of x^(63-i) in bit i, the bit order of the
// reflected CRC register and of a little-endian load of the message bytes. A 128-bit lane loaded from 16 message
// bytes holds the coefficient of x^(127-j) in bit j; its low qword is the high-degree half.
//
// PCLMULQDQ of two reflected 64-bit values a, b returns bits k = 0..126 holding the coefficient of x^(126-k) of
// a*b, i.e. the reflected 128-bit value of a*b*x. Every constant below absorbs that extra factor x.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace podbucket::crypto {

/// CRC-64/NVME through the slicing-by-8 tables only: the reference implementation and the fallback on CPUs without
/// PCLMULQDQ. Same conventions as crc64nvme() (`crc` is a previous result, 0 to start). Never fails.
uint64_t crc64nvme_table(std::string_view data, uint64_t crc = 0);

/// Forces crc64nvme() onto the table path (true) or back to CPU detection (false). Process-wide and atomic; meant
/// for tests of the fallback path and for benchmarks, not for production switches.
void crc64nvme_force_table(bool force);

/// True when crc64nvme() currently takes the PCLMULQDQ path: the CPU has PCLMULQDQ and SSE4.1 (cpuid, through
/// __builtin_cpu_supports) and crc64nvme_force_table(true) is not in effect.
bool crc64nvme_uses_clmul();

namespace detail {

/// The reflected CRC-64/NVME polynomial without its x^64 term (bit i = coefficient of x^(63-i)).
inline constexpr uint64_t kCrc64NvmePolyReflected = 0x9a6c9329ac4bc9b5;

/// x^n mod P, reflected: multiplies x^0 by x n times (a right shift; the x^64 that falls out is replaced by the
/// polynomial's lower terms). O(n); used at compile time only.
constexpr uint64_t crc64nvme_xpow(unsigned n) {
  uint64_t r = uint64_t(1) << 63;  // x^0
  for (; n != 0; --n) r = (r & 1) ? (r >> 1) ^ kCrc64NvmePolyReflected : r >> 1;
  return r;
}

/// Bit i of v moved to bit 63-i: converts between the reflected and the normal (bit i = x^i) representation.
constexpr uint64_t reflect64(uint64_t v) {
  uint64_t r = 0;
  for (int i = 0; i < 64; ++i, v >>= 1) r = (r << 1) | (v & 1);
  return r;
}

/// floor(x^127 / P), reflected (degree 63): the Barrett constant. floor(x^128 / P) = mu*x + c0 with c0 in {0, 1},
/// and for a remainder input z of degree < 64 floor(z*x^64 / P) = floor(z*mu*x / x^64), which is the low qword of
/// PCLMULQDQ(z, mu). Computed by long division in the normal representation.
constexpr uint64_t crc64nvme_barrett_mu() {
  const uint64_t poly_normal = reflect64(kCrc64NvmePolyReflected);
  uint64_t rem = 0, quotient = 0;
  for (int e = 127; e >= 0; --e) {
    const bool carry = (rem >> 63) != 0;
    rem = (rem << 1) | (e == 127 ? 1 : 0);
    if (carry) {
      rem ^= poly_normal;
      quotient |= uint64_t(1) << e;  // e <= 63 here: the quotient has degree 127 - 64
    }
  }
  return reflect64(quotient);
}

/// P / x rounded down (the full polynomial including x^64, shifted down by one), reflected: q*P = q*(P/x)*x + q
/// because P's constant term is 1, so the low 64 coefficients of q*P are the high qword of PCLMULQDQ(q, this) ^ q.
inline constexpr uint64_t kCrc64NvmePolyOverX = (kCrc64NvmePolyReflected << 1) | 1;

/// The pair that moves a 128-bit lane `bits` bits further along the message: its low qword (coefficients
/// x^127..x^64) is multiplied by `low` = x^(bits+63) mod P and its high qword (x^63..x^0) by `high` =
/// x^(bits-1) mod P, the -1 cancelling the factor x of PCLMULQDQ. The sum is congruent mod P to lane*x^bits and
/// has degree < 128, so it is XORed onto the lane that starts `bits` bits later.
struct Crc64FoldConstant {
  uint64_t low;
  uint64_t high;
};

constexpr Crc64FoldConstant crc64nvme_fold_constant(unsigned bits) {
  return {crc64nvme_xpow(bits + 63), crc64nvme_xpow(bits - 1)};
}

/// The PCLMULQDQ kernel (x86-64 only): consumes a whole number of 16-byte blocks from the start of p[0, n) when
/// n >= 64 (none otherwise), updating `reg`, the raw (already inverted) CRC register, and returns the number of
/// bytes consumed; the caller finishes the remaining < 16 bytes with the tables. Any alignment. The caller must have
/// checked that the CPU has PCLMULQDQ and SSE4.1.
size_t crc64nvme_clmul(uint64_t& reg, const unsigned char* p, size_t n);

}  // namespace detail
}  // namespace podbucket::crypto
