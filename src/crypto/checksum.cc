// The S3 additional checksums (x-amz-checksum-*): CRC32, CRC32C, CRC64NVME, SHA1, SHA256, and CRC combination.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
#include <zlib.h>

#include <array>
#include <atomic>
#include <bit>
#include <cstring>

#include "crypto/crc64nvme.h"
#include "crypto/evp.h"
#include "crypto/hash.h"

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace podbucket::crypto {
namespace {

static_assert(std::endian::native == std::endian::little, "the table-driven CRCs assume a little-endian host");

constexpr uint32_t kCrc32cPoly = 0x82f63b78;             // reflected Castagnoli
constexpr uint32_t kCrc32Poly = 0xedb88320;              // reflected ISO-HDLC
constexpr uint64_t kCrc64NvmePoly = detail::kCrc64NvmePolyReflected;  // reflected NVMe

// ---- GF(2) operators on a reflected CRC register (up to 64 bits) ----------------------------------------------

// mat[j] is the image of register bit j.
using Gf2Matrix = std::array<uint64_t, 64>;

uint64_t gf2_times(const Gf2Matrix& mat, uint64_t vec) {
  uint64_t sum = 0;
  for (int j = 0; vec != 0; ++j, vec >>= 1) {
    if (vec & 1) sum ^= mat[j];
  }
  return sum;
}

Gf2Matrix gf2_square(const Gf2Matrix& mat, int width) {
  Gf2Matrix sq{};
  for (int j = 0; j < width; ++j) sq[j] = gf2_times(mat, mat[j]);
  return sq;
}

// The operator that feeds one zero byte through a reflected CRC register of `width` bits.
Gf2Matrix zero_byte_operator(uint64_t poly, int width) {
  Gf2Matrix bit{};
  bit[0] = poly;
  for (int j = 1; j < width; ++j) bit[j] = uint64_t(1) << (j - 1);
  Gf2Matrix two = gf2_square(bit, width);
  Gf2Matrix four = gf2_square(two, width);
  return gf2_square(four, width);
}

// Polynomial arithmetic modulo the CRC polynomial in the reflected representation, where x^0 is the top bit
// (the method of zlib's crc32_combine): a*b mod p in `width` iterations.
uint64_t mult_mod_p(uint64_t a, uint64_t b, uint64_t poly, int width) {
  uint64_t m = uint64_t(1) << (width - 1);
  uint64_t p = 0;
  while (true) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) == 0) break;
    }
    m >>= 1;
    b = (b & 1) ? (b >> 1) ^ poly : b >> 1;
  }
  return p;
}

// x^(2^k) mod p for k = 0..66, enough for 8 * (any 64-bit byte count).
struct PowerTable {
  std::array<uint64_t, 67> x2n;
  PowerTable(uint64_t poly, int width) {
    uint64_t p = uint64_t(1) << (width - 2);  // x^1
    x2n[0] = p;
    for (size_t k = 1; k < x2n.size(); ++k) x2n[k] = p = mult_mod_p(p, p, poly, width);
  }
};

// crc * x^(8 * len) mod p: feeds `len` zero bytes through the register value `crc`.
uint64_t shift_zeros(uint64_t crc, uint64_t len, uint64_t poly, int width, const PowerTable& table) {
  uint64_t p = uint64_t(1) << (width - 1);  // x^0
  for (size_t k = 3; len != 0; len >>= 1, ++k) {
    if (len & 1) p = mult_mod_p(table.x2n[k], p, poly, width);
  }
  return mult_mod_p(p, crc, poly, width);
}

// ---- table-driven (slicing-by-8) software CRCs -------------------------------------------------------------

template <typename T>
struct SliceTables {
  std::array<std::array<T, 256>, 8> t;
  explicit SliceTables(T poly) {
    for (unsigned i = 0; i < 256; ++i) {
      T c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ poly : c >> 1;
      t[0][i] = c;
    }
    for (unsigned i = 0; i < 256; ++i) {
      for (int k = 1; k < 8; ++k) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
    }
  }
};

// `reg` is the raw (already inverted) register.
template <typename T>
T crc_slice8(const SliceTables<T>& tab, T reg, const unsigned char* p, size_t n) {
  const auto& t = tab.t;
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    v ^= reg;
    reg = t[7][v & 0xff] ^ t[6][(v >> 8) & 0xff] ^ t[5][(v >> 16) & 0xff] ^ t[4][(v >> 24) & 0xff] ^
          t[3][(v >> 32) & 0xff] ^ t[2][(v >> 40) & 0xff] ^ t[1][(v >> 48) & 0xff] ^ t[0][v >> 56];
    p += 8;
    n -= 8;
  }
  while (n-- != 0) reg = (reg >> 8) ^ t[0][(reg ^ *p++) & 0xff];
  return reg;
}

const SliceTables<uint32_t>& crc32c_tables() {
  static const SliceTables<uint32_t> tables(kCrc32cPoly);
  return tables;
}

const SliceTables<uint64_t>& crc64_tables() {
  static const SliceTables<uint64_t> tables(kCrc64NvmePoly);
  return tables;
}

// ---- CRC32C with SSE4.2 -------------------------------------------------------------------------------------

#if defined(__x86_64__)
// Three independent streams hide the 3-cycle latency of the crc32 instruction; their results are joined by
// shifting through kLong/kShort zero bytes with 4x256 lookup tables (built from the GF(2) operator above).
constexpr size_t kLong = 8192;
constexpr size_t kShort = 256;

struct ShiftTable {
  std::array<std::array<uint32_t, 256>, 4> t;
  explicit ShiftTable(size_t len) {
    Gf2Matrix op = zero_byte_operator(kCrc32cPoly, 32);
    Gf2Matrix acc{};
    bool have = false;
    for (size_t n = len; n != 0; n >>= 1) {
      if (n & 1) {
        if (!have) {
          acc = op;
          have = true;
        } else {
          Gf2Matrix next{};
          for (int j = 0; j < 32; ++j) next[j] = gf2_times(op, acc[j]);
          acc = next;
        }
      }
      op = gf2_square(op, 32);
    }
    for (int k = 0; k < 4; ++k) {
      for (uint32_t i = 0; i < 256; ++i) t[k][i] = uint32_t(gf2_times(acc, uint64_t(i) << (8 * k)));
    }
  }
  uint32_t shift(uint32_t crc) const {
    return t[0][crc & 0xff] ^ t[1][(crc >> 8) & 0xff] ^ t[2][(crc >> 16) & 0xff] ^ t[3][crc >> 24];
  }
};

// Runs three interleaved streams of `block` bytes while at least 3 * block bytes remain; advances p and n.
__attribute__((target("sse4.2"))) uint64_t crc32c_hw_3way(uint64_t c0, const unsigned char*& p, size_t& n,
                                                           size_t block, const ShiftTable& table) {
  while (n >= 3 * block) {
    uint64_t c1 = 0, c2 = 0;
    const unsigned char* end = p + block;
    do {
      uint64_t a, b, c;
      std::memcpy(&a, p, 8);
      std::memcpy(&b, p + block, 8);
      std::memcpy(&c, p + 2 * block, 8);
      c0 = _mm_crc32_u64(c0, a);
      c1 = _mm_crc32_u64(c1, b);
      c2 = _mm_crc32_u64(c2, c);
      p += 8;
    } while (p < end);
    c0 = table.shift(uint32_t(c0)) ^ c1;
    c0 = table.shift(uint32_t(c0)) ^ c2;
    p += 2 * block;
    n -= 3 * block;
  }
  return c0;
}

__attribute__((target("sse4.2"))) uint32_t crc32c_hw(uint32_t reg, const unsigned char* p, size_t n) {
  static const ShiftTable long_shift(kLong);
  static const ShiftTable short_shift(kShort);
  uint64_t c0 = reg;
  while (n != 0 && (reinterpret_cast<uintptr_t>(p) & 7) != 0) {
    c0 = _mm_crc32_u8(uint32_t(c0), *p++);
    --n;
  }
  c0 = crc32c_hw_3way(c0, p, n, kLong, long_shift);
  c0 = crc32c_hw_3way(c0, p, n, kShort, short_shift);
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    c0 = _mm_crc32_u64(c0, v);
    p += 8;
    n -= 8;
  }
  while (n-- != 0) c0 = _mm_crc32_u8(uint32_t(c0), *p++);
  return uint32_t(c0);
}

bool cpu_has_sse42() {
  static const bool has = __builtin_cpu_supports("sse4.2");
  return has;
}

bool cpu_has_pclmul() {
  static const bool has = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
  return has;
}
#endif

std::atomic<bool> crc64_force_table{false};

// ---- Hashers ---------------------------------------------------------------------------------------------------

std::string be_bytes(uint64_t v, int n) {
  std::string out(size_t(n), '\0');
  for (int i = n - 1; i >= 0; --i, v >>= 8) out[size_t(i)] = char(v & 0xff);
  return out;
}

uint64_t from_be_bytes(std::string_view s) {
  uint64_t v = 0;
  for (char c : s) v = (v << 8) | uint8_t(c);
  return v;
}

class Crc32Hasher final : public Hasher {
 public:
  using Hasher::update;
  void update(const char* data, size_t n) override { crc_ = crc32({data, n}, crc_); }
  std::string finish() override { return be_bytes(crc_, 4); }

 private:
  uint32_t crc_ = 0;
};

class Crc32cHasher final : public Hasher {
 public:
  using Hasher::update;
  void update(const char* data, size_t n) override { crc_ = crc32c({data, n}, crc_); }
  std::string finish() override { return be_bytes(crc_, 4); }

 private:
  uint32_t crc_ = 0;
};

class Crc64NvmeHasher final : public Hasher {
 public:
  using Hasher::update;
  void update(const char* data, size_t n) override { crc_ = crc64nvme({data, n}, crc_); }
  std::string finish() override { return be_bytes(crc_, 8); }

 private:
  uint64_t crc_ = 0;
};

}  // namespace

uint32_t crc32(std::string_view data, uint32_t crc) {
  return uint32_t(::crc32_z(crc, reinterpret_cast<const Bytef*>(data.data()), data.size()));
}

uint32_t crc32c(std::string_view data, uint32_t crc) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
#if defined(__x86_64__)
  if (cpu_has_sse42()) return ~crc32c_hw(~crc, p, data.size());
#endif
  return ~crc_slice8<uint32_t>(crc32c_tables(), ~crc, p, data.size());
}

/// Software-only CRC32C, exposed for tests of the fallback path.
uint32_t crc32c_software(std::string_view data, uint32_t crc) {
  return ~crc_slice8<uint32_t>(crc32c_tables(), ~crc, reinterpret_cast<const unsigned char*>(data.data()),
                               data.size());
}

uint64_t crc64nvme(std::string_view data, uint64_t crc) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  size_t n = data.size();
  uint64_t reg = ~crc;
  if (crc64nvme_uses_clmul()) {
    size_t done = detail::crc64nvme_clmul(reg, p, n);
    p += done;
    n -= done;
  }
  return ~crc_slice8<uint64_t>(crc64_tables(), reg, p, n);
}

uint64_t crc64nvme_table(std::string_view data, uint64_t crc) {
  return ~crc_slice8<uint64_t>(crc64_tables(), ~crc, reinterpret_cast<const unsigned char*>(data.data()),
                               data.size());
}

void crc64nvme_force_table(bool force) { crc64_force_table.store(force, std::memory_order_relaxed); }

bool crc64nvme_uses_clmul() {
#if defined(__x86_64__)
  return cpu_has_pclmul() && !crc64_force_table.load(std::memory_order_relaxed);
#else
  return false;
#endif
}

std::optional<ChecksumAlgorithm> parse_checksum_algorithm(std::string_view name) {
  auto eq = [&](std::string_view want) {
    if (name.size() != want.size()) return false;
    for (size_t i = 0; i < name.size(); ++i) {
      char c = name[i];
      if (c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
      if (c != want[i]) return false;
    }
    return true;
  };
  if (eq("CRC32")) return ChecksumAlgorithm::kCRC32;
  if (eq("CRC32C")) return ChecksumAlgorithm::kCRC32C;
  if (eq("CRC64NVME")) return ChecksumAlgorithm::kCRC64NVME;
  if (eq("SHA1")) return ChecksumAlgorithm::kSHA1;
  if (eq("SHA256")) return ChecksumAlgorithm::kSHA256;
  return std::nullopt;
}

std::string_view checksum_name(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::kCRC32: return "CRC32";
    case ChecksumAlgorithm::kCRC32C: return "CRC32C";
    case ChecksumAlgorithm::kCRC64NVME: return "CRC64NVME";
    case ChecksumAlgorithm::kSHA1: return "SHA1";
    case ChecksumAlgorithm::kSHA256: return "SHA256";
  }
  return "";
}

std::string_view checksum_header(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::kCRC32: return "x-amz-checksum-crc32";
    case ChecksumAlgorithm::kCRC32C: return "x-amz-checksum-crc32c";
    case ChecksumAlgorithm::kCRC64NVME: return "x-amz-checksum-crc64nvme";
    case ChecksumAlgorithm::kSHA1: return "x-amz-checksum-sha1";
    case ChecksumAlgorithm::kSHA256: return "x-amz-checksum-sha256";
  }
  return "";
}

size_t checksum_size(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::kCRC32: return 4;
    case ChecksumAlgorithm::kCRC32C: return 4;
    case ChecksumAlgorithm::kCRC64NVME: return 8;
    case ChecksumAlgorithm::kSHA1: return 20;
    case ChecksumAlgorithm::kSHA256: return 32;
  }
  return 0;
}

std::unique_ptr<Hasher> make_checksum(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::kCRC32: return std::make_unique<Crc32Hasher>();
    case ChecksumAlgorithm::kCRC32C: return std::make_unique<Crc32cHasher>();
    case ChecksumAlgorithm::kCRC64NVME: return std::make_unique<Crc64NvmeHasher>();
    case ChecksumAlgorithm::kSHA1: return make_sha1();
    case ChecksumAlgorithm::kSHA256: return make_sha256();
  }
  return nullptr;
}

bool is_crc(ChecksumAlgorithm algorithm) {
  return algorithm == ChecksumAlgorithm::kCRC32 || algorithm == ChecksumAlgorithm::kCRC32C ||
         algorithm == ChecksumAlgorithm::kCRC64NVME;
}

std::string combine_crc(ChecksumAlgorithm algorithm, std::string_view crc_a, std::string_view crc_b, uint64_t len_b) {
  if (!is_crc(algorithm)) return {};
  size_t size = checksum_size(algorithm);
  if (crc_a.size() != size || crc_b.size() != size) return {};
  uint64_t poly = algorithm == ChecksumAlgorithm::kCRC32    ? kCrc32Poly
                  : algorithm == ChecksumAlgorithm::kCRC32C ? kCrc32cPoly
                                                            : kCrc64NvmePoly;
  int width = int(size * 8);
  static const PowerTable kCrc32Powers(kCrc32Poly, 32);
  static const PowerTable kCrc32cPowers(kCrc32cPoly, 32);
  static const PowerTable kCrc64Powers(kCrc64NvmePoly, 64);
  const PowerTable& powers = algorithm == ChecksumAlgorithm::kCRC32    ? kCrc32Powers
                             : algorithm == ChecksumAlgorithm::kCRC32C ? kCrc32cPowers
                                                                       : kCrc64Powers;
  // With init == xorout == all ones, crc(A||B) = zeros_shift(crc(A), len(B)) ^ crc(B).
  uint64_t combined = shift_zeros(from_be_bytes(crc_a), len_b, poly, width, powers) ^ from_be_bytes(crc_b);
  return be_bytes(combined, int(size));
}

}  // namespace podbucket::crypto
