#include "s3/encryption/chunked.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace podbucket::s3::encryption {
namespace {

constexpr size_t kOutChunks = 16;  // sealed chunks batched per write to the inner blob (~1 MiB)
constexpr std::string_view kAadMagic = "PBS3\x01";

constexpr size_t kSpareBuffers = 4;  // per thread

struct Spare {
  size_t size;
  std::unique_ptr<char[]> data;
};
thread_local std::vector<Spare> spares;

void put_be64(char* out, uint64_t v) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
}

}  // namespace

PooledBuffer::PooledBuffer(size_t size) : size_(size) {
  for (auto it = spares.begin(); it != spares.end(); ++it) {
    if (it->size == size) {
      data_ = std::move(it->data);
      spares.erase(it);
      return;
    }
  }
  data_.reset(new char[size]);
}

PooledBuffer::~PooledBuffer() {
  if (data_ && spares.size() < kSpareBuffers) spares.push_back({size_, std::move(data_)});
}

uint64_t chunk_count(uint64_t plain) { return plain == 0 ? 1 : (plain + kChunkPlainSize - 1) / kChunkPlainSize; }

uint64_t stored_size(uint64_t plain) { return plain + kChunkTagSize * chunk_count(plain); }

uint64_t plain_size(uint64_t stored) {
  if (stored < kChunkTagSize) return kInvalidSize;
  uint64_t chunks = (stored + kChunkStoredSize - 1) / kChunkStoredSize;
  uint64_t plain = stored - kChunkTagSize * chunks;
  return stored_size(plain) == stored ? plain : kInvalidSize;
}

std::string chunk_nonce(uint64_t index) {
  std::string nonce(crypto::kAesGcmNonceSize, '\0');
  put_be64(nonce.data() + 4, index);
  return nonce;
}

std::string chunk_aad(uint64_t index, bool final_chunk) {
  std::string aad(kAadMagic);
  aad.resize(kAadMagic.size() + 9);
  put_be64(aad.data() + kAadMagic.size(), index);
  aad.back() = final_chunk ? '\x01' : '\x00';
  return aad;
}

EncryptingWriter::EncryptingWriter(std::unique_ptr<store::BlobWriter> inner, std::string_view key)
    : inner_(std::move(inner)),
      gcm_(key),
      pending_(kChunkPlainSize),
      out_(kOutChunks * kChunkStoredSize) {}

void EncryptingWriter::seal(const char* data, size_t n, bool final_chunk) {
  if (out_size_ + n + kChunkTagSize > kOutChunks * kChunkStoredSize) flush();
  gcm_.begin_encrypt(chunk_nonce(next_index_), chunk_aad(next_index_, final_chunk));
  gcm_.update(data, n, out_.get() + out_size_);
  std::string tag = gcm_.finish_encrypt();
  std::memcpy(out_.get() + out_size_ + n, tag.data(), kChunkTagSize);
  out_size_ += n + kChunkTagSize;
  ++next_index_;
}

void EncryptingWriter::flush() {
  if (out_size_ == 0) return;
  inner_->write(out_.get(), out_size_);
  out_size_ = 0;
}

void EncryptingWriter::write(const char* data, size_t n) {
  plain_ += n;
  while (n > 0) {
    // A full pending chunk is not the last one once more bytes arrive.
    if (pending_size_ == kChunkPlainSize) {
      seal(pending_.get(), pending_size_, /*final_chunk=*/false);
      pending_size_ = 0;
    }
    // Whole chunks with more bytes behind them are sealed straight from the caller's buffer.
    if (pending_size_ == 0 && n > kChunkPlainSize) {
      seal(data, kChunkPlainSize, /*final_chunk=*/false);
      data += kChunkPlainSize;
      n -= kChunkPlainSize;
      continue;
    }
    size_t take = std::min(n, kChunkPlainSize - pending_size_);
    std::memcpy(pending_.get() + pending_size_, data, take);
    pending_size_ += take;
    data += take;
    n -= take;
  }
}

std::string EncryptingWriter::commit() {
  seal(pending_.get(), pending_size_, /*final_chunk=*/true);
  pending_size_ = 0;
  flush();
  return inner_->commit();
}

DecryptingReader::DecryptingReader(std::unique_ptr<store::BlobReader> inner, std::string_view key,
                                   uint64_t expected_plain)
    : inner_(std::move(inner)),
      plain_(plain_size(inner_->size())),
      gcm_(key),
      scratch_(kReadBatch * kChunkStoredSize),
      cache_(kChunkPlainSize) {
  if (plain_ == kInvalidSize) throw TamperedBlob("encrypted blob has an impossible size");
  if (expected_plain != kInvalidSize && plain_ != expected_plain) {
    throw TamperedBlob("encrypted blob holds " + std::to_string(plain_) + " bytes, its record says " +
                       std::to_string(expected_plain));
  }
}

size_t DecryptingReader::chunk_plain(uint64_t index) const {
  return size_t(std::min<uint64_t>(kChunkPlainSize, plain_ - index * kChunkPlainSize));
}

void DecryptingReader::load(uint64_t first, uint64_t count) const {
  const uint64_t at = first * kChunkStoredSize;
  const size_t want = size_t(std::min(stored_size(plain_), (first + count) * kChunkStoredSize) - at);
  size_t got = 0;
  while (got < want) {
    size_t n = inner_->read_at(at + got, scratch_.get() + got, want - got);
    if (n == 0) throw TamperedBlob("encrypted blob is shorter than its size");
    got += n;
  }
}

void DecryptingReader::open_loaded(uint64_t first, uint64_t index, char* out) const {
  const size_t plain = chunk_plain(index);
  const char* sealed = scratch_.get() + (index - first) * kChunkStoredSize;
  const bool final_chunk = index + 1 == chunk_count(plain_);
  gcm_.begin_decrypt(chunk_nonce(index), chunk_aad(index, final_chunk));
  gcm_.update(sealed, plain, out);
  if (!gcm_.finish_decrypt(std::string_view(sealed + plain, kChunkTagSize))) {
    throw TamperedBlob("encrypted blob chunk " + std::to_string(index) + " does not authenticate");
  }
}

size_t DecryptingReader::read_at(uint64_t offset, char* buf, size_t n) const {
  std::lock_guard lock(mu_);
  size_t done = 0;
  while (done < n && offset < plain_) {
    const uint64_t index = offset / kChunkPlainSize;
    const size_t within = size_t(offset % kChunkPlainSize);
    const size_t plain = chunk_plain(index);
    const size_t take = std::min(n - done, plain - within);
    if (within == 0 && take == plain && cached_ != index) {
      // Whole chunks: read as many as the request covers (up to a batch) with one read, and decrypt each straight
      // into the caller's buffer. On failure open_loaded throws, so the caller never returns unauthenticated bytes.
      uint64_t count = 1;
      size_t bytes = plain;
      while (count < kReadBatch && index + count < chunk_count(plain_) &&
             n - done >= bytes + chunk_plain(index + count)) {
        bytes += chunk_plain(index + count);
        ++count;
      }
      load(index, count);
      for (uint64_t i = index; i < index + count; ++i) {
        open_loaded(index, i, buf + done);
        done += chunk_plain(i);
      }
      offset += bytes;
      continue;
    }
    if (cached_ != index) {
      cached_ = UINT64_MAX;  // cache_ is overwritten below; valid again only once authenticated
      load(index, 1);
      open_loaded(index, index, cache_.get());
      cached_ = index;
    }
    std::memcpy(buf + done, cache_.get() + within, take);
    done += take;
    offset += take;
  }
  return done;
}

}  // namespace podbucket::s3::encryption
