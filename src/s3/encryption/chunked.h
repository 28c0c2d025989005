#pragma once
// The at-rest format of an encrypted blob: the plaintext is cut into fixed 64 KiB chunks, each sealed with
// AES-256-GCM under the blob's own data key and stored as ciphertext || 16-byte tag, back to back:
//
//   chunk i  =  AES-256-GCM(key, nonce = 0x00000000 || BE64(i),
//                           aad = "PBS3" || 0x01 || BE64(i) || final?0x01:0x00,  plaintext[i*64K, (i+1)*64K))
//
// The last chunk holds 0..64K bytes (an empty blob is one empty final chunk, 16 bytes on disk), so the stored
// size is plaintext + 16 * max(1, ceil(plaintext / 64K)) and the plaintext size follows from the stored one.
// Binding the index and the final flag into the AAD makes reordered, duplicated, dropped or truncated chunks fail
// authentication; a nonce from the index is safe because every blob has a fresh key (never reused: a re-upload,
// a copy and each multipart part get their own). A range read opens only the chunks it covers.
// Memory use is constant: at most one chunk in each direction.
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>

#include "crypto/aes_gcm.h"
#include "store/blobs.h"

namespace podbucket::s3::encryption {

inline constexpr size_t kChunkPlainSize = 64 * 1024;                            // bytes of plaintext per chunk
inline constexpr size_t kChunkTagSize = crypto::kAesGcmTagSize;                  // 16
inline constexpr size_t kChunkStoredSize = kChunkPlainSize + kChunkTagSize;      // a full chunk on disk

/// Number of chunks for `plain` plaintext bytes (at least 1).
uint64_t chunk_count(uint64_t plain);
/// Bytes on disk for `plain` plaintext bytes.
uint64_t stored_size(uint64_t plain);
inline constexpr uint64_t kInvalidSize = UINT64_MAX;
/// The plaintext size of a well-formed blob of `stored` bytes, or kInvalidSize when no plaintext size maps to it
/// (fewer than 16 bytes, a last chunk shorter than a tag, an empty chunk after a full one).
uint64_t plain_size(uint64_t stored);

/// The 12-byte nonce and the AAD of chunk `index` (see the file comment).
std::string chunk_nonce(uint64_t index);
std::string chunk_aad(uint64_t index, bool final_chunk);

/// Thrown when an encrypted blob does not authenticate (a changed, truncated, swapped or reordered chunk, or the
/// wrong key). Callers never see unauthenticated plaintext: the read that meets it throws instead of returning.
/// Not a store::Unavailable: the store is up, the data is not what was written, so the edge answers 500.
class TamperedBlob : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A buffer of a fixed size taken from, and given back to, a small per-thread pool. Requests reuse the pages of
/// earlier ones instead of faulting fresh ones in (a fresh 1 MiB buffer costs 256 page faults, which a VM makes
/// expensive). Each thread keeps at most a few spare buffers; a buffer returns to the pool of the thread that
/// destroys it. Contents are not cleared: holders overwrite before reading.
class PooledBuffer {
 public:
  explicit PooledBuffer(size_t size);
  ~PooledBuffer();
  PooledBuffer(const PooledBuffer&) = delete;
  PooledBuffer& operator=(const PooledBuffer&) = delete;
  char* get() const { return data_.get(); }

 private:
  size_t size_;
  std::unique_ptr<char[]> data_;
};

/// A BlobWriter that encrypts what it is given into `inner` (see the file comment). size() is the plaintext
/// written so far; commit() seals the final chunk and commits `inner`, returning its blob id. Destroying it
/// without commit() drops the temp file as `inner` does. Not thread-safe. Throws store::Unavailable as `inner`.
class EncryptingWriter final : public store::BlobWriter {
 public:
  /// `key` is the blob's 32-byte data key (std::invalid_argument otherwise).
  EncryptingWriter(std::unique_ptr<store::BlobWriter> inner, std::string_view key);
  void write(const char* data, size_t n) override;
  uint64_t size() const override { return plain_; }
  std::string commit() override;

 private:
  void seal(const char* data, size_t n, bool final_chunk);
  void flush();

  std::unique_ptr<store::BlobWriter> inner_;
  crypto::AesGcm gcm_;
  PooledBuffer pending_;  // plaintext of the chunk not yet known to be final
  size_t pending_size_ = 0;
  PooledBuffer out_;      // sealed chunks waiting for one write to `inner_`
  size_t out_size_ = 0;
  uint64_t next_index_ = 0;
  uint64_t plain_ = 0;
};

/// A BlobReader presenting the plaintext of an encrypted blob: size() is the plaintext size and read_at takes
/// plaintext offsets, decrypting whole chunks (one cached). Thread-safe (one lock per read). Throws TamperedBlob
/// when a chunk does not authenticate or the blob's size is impossible, store::Unavailable as `inner`.
class DecryptingReader final : public store::BlobReader {
 public:
  /// `key` is the blob's 32-byte data key; `expected_plain` the plaintext size the record says it holds
  /// (kInvalidSize: take it from the stored size). A blob whose stored size does not match throws TamperedBlob
  /// here, so a truncation at a chunk boundary is caught before any read.
  DecryptingReader(std::unique_ptr<store::BlobReader> inner, std::string_view key,
                   uint64_t expected_plain = kInvalidSize);
  uint64_t size() const override { return plain_; }
  size_t read_at(uint64_t offset, char* buf, size_t n) const override;

 private:
  static constexpr uint64_t kReadBatch = 16;  // whole chunks fetched with one read (1 MiB of plaintext)
  /// Reads the stored chunks [first, first+count) into scratch_ (count <= kReadBatch). Caller holds mu_.
  void load(uint64_t first, uint64_t count) const;
  /// Authenticates and decrypts chunk `index`, loaded by load(first, ...), into `out` (its plaintext length bytes).
  /// Caller holds mu_.
  void open_loaded(uint64_t first, uint64_t index, char* out) const;
  size_t chunk_plain(uint64_t index) const;

  std::unique_ptr<store::BlobReader> inner_;
  uint64_t plain_;
  mutable std::mutex mu_;
  mutable crypto::AesGcm gcm_;                  // guarded by mu_
  PooledBuffer scratch_;                        // up to kReadBatch stored chunks; guarded by mu_
  PooledBuffer cache_;                          // plaintext of chunk cached_; guarded by mu_
  mutable uint64_t cached_ = UINT64_MAX;        // guarded by mu_
};

}  // namespace podbucket::s3::encryption
