// The filesystem blob store: atomic visibility, cleanup, orphan sweep, streaming with flat memory.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "store/blobs.h"

namespace podbucket::store {
namespace {

namespace fs = std::filesystem;

size_t count_files(const fs::path& dir) {
  size_t n = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) n += entry.is_regular_file() ? 1 : 0;
  return n;
}

/// Resident set size in bytes.
size_t rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

std::string read_all(BlobReader& reader) {
  std::string out(reader.size(), '\0');
  EXPECT_EQ(reader.read_at(0, out.data(), out.size()), out.size());
  return out;
}

class FsBlobsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/podbucket-blobs-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    root_ = dir_ / "data";
    blobs_ = make_fs_blobs(root_);
  }
  void TearDown() override {
    blobs_.reset();
    fs::remove_all(dir_);
  }

  std::string put(const std::string& bytes) {
    auto writer = blobs_->create();
    writer->write(bytes.data(), bytes.size());
    return writer->commit();
  }

  fs::path dir_;
  fs::path root_;
  std::unique_ptr<Blobs> blobs_;
};

TEST_F(FsBlobsTest, VisibleOnlyAfterCommit) {
  auto writer = blobs_->create();
  writer->write("hello ", 6);
  writer->write("world", 5);
  EXPECT_EQ(writer->size(), 11u);
  EXPECT_EQ(count_files(root_ / "blobs"), 0u);
  EXPECT_EQ(count_files(root_ / "tmp"), 1u);
  std::string id = writer->commit();
  EXPECT_EQ(id.size(), 32u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_TRUE(fs::exists(root_ / "blobs" / id.substr(0, 2) / id.substr(2, 2) / id));
  EXPECT_EQ(count_files(root_ / "tmp"), 0u);
  writer.reset();  // destroying after commit keeps the blob
  auto reader = blobs_->open(id);
  EXPECT_EQ(reader->size(), 11u);
  EXPECT_EQ(read_all(*reader), "hello world");
  char buf[8];
  EXPECT_EQ(reader->read_at(6, buf, sizeof buf), 5u);
  EXPECT_EQ(std::string(buf, 5), "world");
  EXPECT_EQ(reader->read_at(11, buf, sizeof buf), 0u);
  EXPECT_EQ(reader->read_at(1000, buf, sizeof buf), 0u);
}

TEST_F(FsBlobsTest, EmptyBlob) {
  std::string id = put("");
  auto reader = blobs_->open(id);
  EXPECT_EQ(reader->size(), 0u);
  char c;
  EXPECT_EQ(reader->read_at(0, &c, 1), 0u);
}

TEST_F(FsBlobsTest, DestroyWithoutCommitLeavesNothing) {
  {
    auto writer = blobs_->create();
    std::string data(3 << 20, 'x');
    writer->write(data.data(), data.size());
  }
  EXPECT_EQ(count_files(root_), 0u);
}

TEST_F(FsBlobsTest, IdsAreUnique) {
  std::set<std::string> ids;
  for (int i = 0; i < 50; ++i) ids.insert(put("x"));
  EXPECT_EQ(ids.size(), 50u);
}

TEST_F(FsBlobsTest, RemoveAndMissing) {
  std::string id = put("abc");
  blobs_->remove(id);
  EXPECT_THROW(blobs_->open(id), Unavailable);
  EXPECT_NO_THROW(blobs_->remove(id));
  EXPECT_THROW(blobs_->open("0123456789abcdef0123456789abcdef"), Unavailable);
}

TEST_F(FsBlobsTest, RejectsIdsThatAreNotBlobIds) {
  std::ofstream(dir_ / "secret") << "outside";
  for (std::string bad : {"../../secret", "", "..", "0123456789ABCDEF0123456789ABCDEF", "/etc/passwd",
                          "0123456789abcdef0123456789abcde/", "0123456789abcdef0123456789abcdef0"}) {
    EXPECT_THROW(blobs_->open(bad), Unavailable) << bad;
    EXPECT_NO_THROW(blobs_->remove(bad)) << bad;
  }
  EXPECT_TRUE(fs::exists(dir_ / "secret"));
}

TEST_F(FsBlobsTest, WritesOfEverySizeRoundTrip) {
  // Chunk sizes straddle the 1 MiB write buffer.
  std::mt19937 rng(42);
  std::string expected;
  auto writer = blobs_->create();
  for (size_t chunk : {size_t{1}, size_t{4095}, size_t{1 << 20}, size_t{(1 << 20) - 1}, size_t{3 << 20},
                       size_t{17}, size_t{(1 << 20) + 1}, size_t{100}}) {
    std::string data(chunk, '\0');
    for (auto& c : data) c = static_cast<char>(rng());
    writer->write(data.data(), data.size());
    expected += data;
  }
  EXPECT_EQ(writer->size(), expected.size());
  std::string id = writer->commit();
  auto reader = blobs_->open(id);
  EXPECT_EQ(reader->size(), expected.size());
  EXPECT_TRUE(read_all(*reader) == expected);
}

TEST_F(FsBlobsTest, SweepOrphans) {
  std::string keep = put("keep");
  std::string drop1 = put("drop1");
  std::string drop2 = put("drop2");
  auto pending = blobs_->create();  // an unfinished write from a "previous run"
  pending->write("x", 1);
  std::ofstream(root_ / "blobs" / keep.substr(0, 2) / keep.substr(2, 2) / "junk") << "not a blob";
  size_t removed = blobs_->sweep_orphans([&](std::string_view id) { return id == keep; });
  EXPECT_EQ(removed, 4u);  // drop1, drop2, the temp file, junk
  EXPECT_EQ(read_all(*blobs_->open(keep)), "keep");
  EXPECT_THROW(blobs_->open(drop1), Unavailable);
  EXPECT_THROW(blobs_->open(drop2), Unavailable);
  EXPECT_EQ(count_files(root_ / "tmp"), 0u);
  EXPECT_EQ(count_files(root_), 1u);
}

TEST_F(FsBlobsTest, SweepNeverLeavesRoot) {
  std::ofstream(dir_ / "outside") << "x";
  fs::create_directory_symlink(dir_, root_ / "blobs" / "ab");
  blobs_->sweep_orphans([](std::string_view) { return false; });
  EXPECT_TRUE(fs::exists(dir_ / "outside"));
}

TEST_F(FsBlobsTest, BigBlobStreamsWithFlatMemory) {
  constexpr size_t kChunk = 64 * 1024;
  constexpr size_t kTotal = size_t{128} << 20;
  std::string chunk(kChunk, '\0');
  auto fill = [&](size_t offset) {
    for (size_t i = 0; i < kChunk; i += 8) {
      uint64_t v = offset + i;
      std::memcpy(chunk.data() + i, &v, 8);
    }
  };
  size_t before = rss_bytes();
  auto writer = blobs_->create();
  for (size_t offset = 0; offset < kTotal; offset += kChunk) {
    fill(offset);
    writer->write(chunk.data(), chunk.size());
  }
  std::string id = writer->commit();
  writer.reset();
  size_t after_write = rss_bytes();
  auto reader = blobs_->open(id);
  ASSERT_EQ(reader->size(), kTotal);
  std::string buf(kChunk, '\0');
  for (size_t offset = 0; offset < kTotal; offset += kChunk) {
    ASSERT_EQ(reader->read_at(offset, buf.data(), kChunk), kChunk);
    fill(offset);
    ASSERT_TRUE(buf == chunk) << "mismatch at " << offset;
  }
  size_t after_read = rss_bytes();
  // The whole blob is 128 MiB; a buffering implementation would grow by that much.
  EXPECT_LT(after_write, before + (8u << 20));
  EXPECT_LT(after_read, before + (8u << 20));
}

}  // namespace
}  // namespace podbucket::store
