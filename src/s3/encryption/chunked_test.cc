// The chunked at-rest format: sizes, round trips through every write pattern, reads at every awkward offset,
// and tampering of every kind failing instead of returning bytes.
#include "s3/encryption/chunked.h"

#include <gtest/gtest.h>

#include <random>

#include "s3/body/memory_blobs_for_test.h"
#include "s3/encryption/cipher_blobs.h"

namespace podbucket::s3::encryption {
namespace {

constexpr size_t C = kChunkPlainSize;

std::string pattern(size_t n, unsigned seed = 1) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

const std::string kKey(32, '\x42');

/// Writes `data` through an EncryptingWriter in pieces of `step` bytes; returns the blob id.
std::string write_blob(body::testing::MemoryBlobs& blobs, const std::string& data, size_t step,
                       const std::string& key = kKey) {
  EncryptingWriter w(blobs.create(), key);
  for (size_t at = 0; at < data.size(); at += step) w.write(data.data() + at, std::min(step, data.size() - at));
  EXPECT_EQ(w.size(), data.size());
  return w.commit();
}

std::string read_range(store::Blobs& blobs, const std::string& id, uint64_t offset, size_t n,
                       const std::string& key = kKey) {
  DecryptingReader r(blobs.open(id), key);
  std::string out(n, '\0');
  size_t got = r.read_at(offset, out.data(), n);
  out.resize(got);
  return out;
}

TEST(ChunkedFormat, Sizes) {
  EXPECT_EQ(stored_size(0), 16u);
  EXPECT_EQ(stored_size(1), 17u);
  EXPECT_EQ(stored_size(C), C + 16);
  EXPECT_EQ(stored_size(C + 1), C + 1 + 32);
  EXPECT_EQ(stored_size(3 * C), 3 * C + 48);
  for (uint64_t p : std::initializer_list<uint64_t>{0, 1, 100, C - 1, C, C + 1, 5 * C + 7}) {
    EXPECT_EQ(plain_size(stored_size(p)), p) << p;
  }
  EXPECT_EQ(plain_size(0), kInvalidSize);
  EXPECT_EQ(plain_size(15), kInvalidSize);
  EXPECT_EQ(plain_size(C + 16 + 5), kInvalidSize);   // a last chunk shorter than a tag
  EXPECT_EQ(plain_size(C + 16 + 16), kInvalidSize);  // an empty chunk after a full one is never written
  EXPECT_NE(chunk_aad(3, true), chunk_aad(3, false));
  EXPECT_NE(chunk_nonce(1), chunk_nonce(2));
  EXPECT_EQ(chunk_nonce(0).size(), 12u);
}

TEST(ChunkedFormat, RoundTripEveryWritePattern) {
  for (size_t size : {size_t(0), size_t(1), C - 1, C, C + 1, 3 * C, 3 * C + 5, size_t(1 << 20) + 3}) {
    for (size_t step : {size_t(1), size_t(7), C - 1, C, C + 1, size_t(1 << 20)}) {
      if (step == 1 && size > 3 * C) continue;  // slow and adds nothing
      body::testing::MemoryBlobs blobs;
      std::string data = pattern(size, unsigned(size + step));
      std::string id = write_blob(blobs, data, step);
      EXPECT_EQ(blobs.content(id).size(), stored_size(size)) << size << "/" << step;
      EXPECT_EQ(read_range(blobs, id, 0, size + 10), data) << size << "/" << step;
    }
  }
}

TEST(ChunkedFormat, RangesAcrossChunkBoundaries) {
  body::testing::MemoryBlobs blobs;
  const std::string data = pattern(4 * C + 123);
  const std::string id = write_blob(blobs, data, 1 << 20);
  struct Case {
    uint64_t offset;
    size_t n;
  };
  const Case cases[] = {
      {0, 1},          {C - 1, 1},         {C, 1},         {C - 1, 2},     // first/last byte of a chunk, straddling
      {C - 10, 2 * C + 20},                                                 // spans 3 chunks
      {2 * C, C},      {2 * C, C + 1},     {4 * C, 123},   {4 * C + 122, 1},  // aligned, last chunk, last byte
      {data.size() - 5, 5}, {data.size() - 5, 100},                         // suffix, and past the end
      {data.size(), 10},                                                    // at the end: nothing
  };
  for (const auto& c : cases) {
    std::string want = c.offset >= data.size() ? "" : data.substr(c.offset, c.n);
    EXPECT_EQ(read_range(blobs, id, c.offset, c.n), want) << c.offset << "+" << c.n;
  }
  // One reader, many small reads in order (the cached-chunk path) and out of order.
  DecryptingReader r(blobs.open(id), kKey);
  EXPECT_EQ(r.size(), data.size());
  std::string out;
  char buf[1000];
  for (uint64_t at = 0; at < data.size();) {
    size_t n = r.read_at(at, buf, sizeof buf);
    out.append(buf, n);
    at += n;
  }
  EXPECT_EQ(out, data);
  EXPECT_EQ(r.read_at(3 * C + 7, buf, 10), 10u);
  EXPECT_EQ(std::string(buf, 10), data.substr(3 * C + 7, 10));
  EXPECT_EQ(r.read_at(5, buf, 10), 10u);
  EXPECT_EQ(std::string(buf, 10), data.substr(5, 10));
}

TEST(ChunkedFormat, StoredBytesDoNotContainThePlaintext) {
  body::testing::MemoryBlobs blobs;
  std::string data;
  for (int i = 0; i < 20000; ++i) data += "PLAINTEXT-PATTERN-";
  std::string id = write_blob(blobs, data, 4096);
  EXPECT_EQ(blobs.content(id).find("PLAINTEXT-PATTERN"), std::string::npos);
  // The same plaintext under another key gives other bytes.
  std::string id2 = write_blob(blobs, data, 4096, std::string(32, '\x43'));
  EXPECT_NE(blobs.content(id).substr(0, 64), blobs.content(id2).substr(0, 64));
}

class Tampering : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = pattern(3 * C + 50);
    id_ = write_blob(blobs_, data_, 1 << 20);
    stored_ = blobs_.content(id_);
  }
  /// Reading the whole blob must throw, and must not hand out a byte of a chunk that does not authenticate.
  void expect_rejected(const std::string& tampered, const std::string& key = kKey) {
    blobs_.set_content(id_, tampered);
    EXPECT_THROW(
        {
          DecryptingReader r(blobs_.open(id_), key);
          std::string out(data_.size(), '\0');
          size_t at = 0;
          while (at < out.size()) {
            size_t n = r.read_at(at, out.data() + at, out.size() - at);
            if (n == 0) break;
            at += n;
          }
        },
        TamperedBlob);
  }
  body::testing::MemoryBlobs blobs_;
  std::string data_, id_, stored_;
};

TEST_F(Tampering, FlippedByteInEveryRegion) {
  for (size_t at : {size_t(0), C / 2, C + 3 /* tag of chunk 0 */, C + 16 + 1, stored_.size() - 1}) {
    std::string t = stored_;
    t[at] ^= 0x01;
    expect_rejected(t);
  }
}

TEST_F(Tampering, TruncatedAtAChunkBoundary) {
  expect_rejected(stored_.substr(0, 3 * (C + 16)));  // drops the final chunk: chunk 2 is not marked final
  expect_rejected(stored_.substr(0, stored_.size() - 1));
}

TEST_F(Tampering, SwappedAndDuplicatedChunks) {
  const size_t S = C + 16;
  std::string swapped = stored_.substr(S, S) + stored_.substr(0, S) + stored_.substr(2 * S);
  expect_rejected(swapped);
  std::string duplicated = stored_.substr(0, S) + stored_.substr(0, S) + stored_.substr(2 * S);
  expect_rejected(duplicated);
}

TEST_F(Tampering, WrongKey) { expect_rejected(stored_, std::string(32, '\x01')); }

TEST_F(Tampering, ARangeReadOfAnIntactChunkStillWorks) {
  std::string t = stored_;
  t[2 * (C + 16) + 5] ^= 0x01;  // damage chunk 2 only
  blobs_.set_content(id_, t);
  EXPECT_EQ(read_range(blobs_, id_, 10, 100), data_.substr(10, 100));  // chunk 0 is fine
  EXPECT_THROW(read_range(blobs_, id_, 2 * C + 1, 10), TamperedBlob);
}

TEST(CipherBlobs, EncryptsWithTheWriteKeyAndDecryptsKnownBlobsOnly) {
  body::testing::MemoryBlobs inner;
  CipherBlobs blobs(inner);
  auto plain_writer = blobs.create();
  plain_writer->write("legacy", 6);
  std::string legacy = plain_writer->commit();
  blobs.set_write_key(kKey);
  auto writer = blobs.create();
  writer->write("secret", 6);
  EXPECT_EQ(writer->size(), 6u);
  std::string sealed = writer->commit();
  EXPECT_EQ(inner.content(legacy), "legacy");
  EXPECT_EQ(inner.content(sealed).size(), 6u + 16u);

  blobs.add_read_key(sealed, kKey, 6);
  char buf[16];
  auto r = blobs.open(sealed);
  EXPECT_EQ(r->size(), 6u);
  EXPECT_EQ(std::string(buf, r->read_at(0, buf, sizeof buf)), "secret");
  auto l = blobs.open(legacy);
  EXPECT_EQ(std::string(buf, l->read_at(0, buf, sizeof buf)), "legacy");
  blobs.add_read_key(sealed, kKey, 5);  // a record that disagrees with the blob's size
  EXPECT_THROW(blobs.open(sealed), TamperedBlob);
}

TEST(CipherBlobs, AnUncommittedWriterLeavesNothing) {
  body::testing::MemoryBlobs inner;
  CipherBlobs blobs(inner);
  blobs.set_write_key(kKey);
  {
    auto w = blobs.create();
    w->write("x", 1);
    EXPECT_EQ(inner.open_writers(), 1u);
  }
  EXPECT_EQ(inner.open_writers(), 0u);
  EXPECT_EQ(inner.count(), 0u);
}

}  // namespace
}  // namespace podbucket::s3::encryption
