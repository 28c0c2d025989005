#pragma once
// Digests, MACs and checksums. crypto/ is the only module that includes OpenSSL or zlib.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/random.h"

namespace podbucket::crypto {

/// Raw 32-byte SHA-256 digest.
std::string sha256(std::string_view data);
/// Raw 32-byte HMAC-SHA256.
std::string hmac_sha256(std::string_view key, std::string_view data);
/// Raw 20-byte HMAC-SHA1 (only for S3 Signature Version 2).
std::string hmac_sha1(std::string_view key, std::string_view data);
/// Raw 16-byte MD5 digest.
std::string md5(std::string_view data);
/// Raw 20-byte SHA-1 digest (only for the S3 x-amz-checksum-sha1 checksum).
std::string sha1(std::string_view data);
/// Compares in time independent of where the inputs differ (lengths may leak).
bool constant_time_equals(std::string_view a, std::string_view b);

/// An incremental digest. Not thread-safe.
class Hasher {
 public:
  virtual ~Hasher() = default;
  virtual void update(const char* data, size_t n) = 0;
  void update(std::string_view s) { update(s.data(), s.size()); }
  /// The raw digest (big-endian bytes for CRCs). Call once.
  virtual std::string finish() = 0;
};

std::unique_ptr<Hasher> make_md5();
std::unique_ptr<Hasher> make_sha256();
std::unique_ptr<Hasher> make_sha1();

/// CRC-32 (ISO-HDLC, as zlib and x-amz-checksum-crc32) of `data`, continuing from a previous result `crc`
/// (0 to start): crc32(b, crc32(a)) == crc32(a + b).
uint32_t crc32(std::string_view data, uint32_t crc = 0);
/// CRC-32C (Castagnoli, iSCSI), same conventions. Uses SSE4.2 when the CPU has it.
uint32_t crc32c(std::string_view data, uint32_t crc = 0);
/// CRC-64/NVME (reflected poly 0x9a6c9329ac4bc9b5, init and xorout all ones), same conventions. Folds 16-byte
/// lanes with PCLMULQDQ when the CPU has it (and SSE4.1), else (and for the last < 16 bytes) uses 8x256 tables.
uint64_t crc64nvme(std::string_view data, uint64_t crc = 0);

/// The S3 additional checksum algorithms (x-amz-checksum-*).
enum class ChecksumAlgorithm { kCRC32, kCRC32C, kCRC64NVME, kSHA1, kSHA256 };

/// Parses "CRC32", "crc32c", "CRC64NVME", "SHA1", "SHA256" (case-insensitive). nullopt if unknown.
std::optional<ChecksumAlgorithm> parse_checksum_algorithm(std::string_view name);
/// "CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256".
std::string_view checksum_name(ChecksumAlgorithm algorithm);
/// "x-amz-checksum-crc32", ... (lower case).
std::string_view checksum_header(ChecksumAlgorithm algorithm);
/// Digest size in bytes: 4, 4, 8, 20, 32.
size_t checksum_size(ChecksumAlgorithm algorithm);
std::unique_ptr<Hasher> make_checksum(ChecksumAlgorithm algorithm);
/// True for the CRC algorithms, whose values can be combined into a full-object checksum.
bool is_crc(ChecksumAlgorithm algorithm);
/// CRC of A||B from crc(A) and crc(B) (raw big-endian bytes) and len(B) in bytes. Only for is_crc() algorithms:
/// returns an empty string for another algorithm or when an input has the wrong size.
std::string combine_crc(ChecksumAlgorithm algorithm, std::string_view crc_a, std::string_view crc_b, uint64_t len_b);

/// Cryptographically secure randomness over OpenSSL's RAND_bytes. Thread-safe.
class SecureRandom final : public core::Random {
 public:
  std::string bytes(size_t n) override;
};

}  // namespace podbucket::crypto
