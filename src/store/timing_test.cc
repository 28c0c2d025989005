#include "store/timing.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "store/blobs.h"

namespace podbucket::store {
namespace {

TEST(StoreTiming, TimedMetadataTimesEachCallUnderItsMethodName) {
  auto meta = timed(make_memory_metadata(), "memory");
  auto& find = operation_seconds("metadata", "memory", "find_bucket");
  auto& create = operation_seconds("metadata", "memory", "create_bucket");
  uint64_t finds = find.count(), creates = create.count();
  BucketRecord bucket;
  bucket.name = "b";
  EXPECT_EQ(meta->create_bucket(bucket), CreateOutcome::kCreated);
  EXPECT_TRUE(meta->find_bucket("b").has_value());
  EXPECT_FALSE(meta->find_bucket("c").has_value());
  EXPECT_EQ(create.count(), creates + 1);
  EXPECT_EQ(find.count(), finds + 2);
}

TEST(StoreTiming, TimedDocumentsTimesEachCall) {
  auto docs = timed(make_memory_documents(), "memory");
  auto& commit = operation_seconds("documents", "memory", "commit");
  auto& get = operation_seconds("documents", "memory", "get");
  uint64_t commits = commit.count(), gets = get.count();
  docs->commit({{"users", "alice", std::string("{}")}});
  EXPECT_EQ(docs->get("users", "alice").value_or(""), "{}");
  EXPECT_EQ(commit.count(), commits + 1);
  EXPECT_EQ(get.count(), gets + 1);
}

TEST(StoreTiming, SqliteBackendsAreTimed) {
  auto dir = std::filesystem::temp_directory_path() / ("podbucket-timing-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto& list = operation_seconds("metadata", "sqlite", "list_buckets");
  uint64_t lists = list.count();
  {
    auto meta = make_sqlite_metadata((dir / "meta.db").string());
    meta->list_buckets();
  }
  EXPECT_EQ(list.count(), lists + 1);
  std::filesystem::remove_all(dir);
}

TEST(StoreTiming, FsBlobCommitsCountTheirWritesAndSyncs) {
  auto dir = std::filesystem::temp_directory_path() / ("podbucket-timing-blobs-" + std::to_string(::getpid()));
  auto blobs = make_fs_blobs(dir);
  auto& commit = operation_seconds("blobs", "fs", "commit");
  auto& write = operation_seconds("blobs", "fs", "write");
  auto& read = operation_seconds("blobs", "fs", "read");
  auto& file_sync = disk_sync_seconds("file");
  auto& dir_sync = disk_sync_seconds("directory");
  uint64_t commits = commit.count(), writes = write.count(), reads = read.count(), file_syncs = file_sync.count(),
           dir_syncs = dir_sync.count();
  auto writer = blobs->create();
  writer->write("hello", 5);
  std::string id = writer->commit();
  char buf[5];
  EXPECT_EQ(blobs->open(id)->read_at(0, buf, 5), 5u);
  EXPECT_EQ(commit.count(), commits + 1);
  EXPECT_EQ(write.count(), writes + 1);  // the buffered bytes go out in one write at commit
  EXPECT_EQ(read.count(), reads + 1);
  EXPECT_EQ(file_sync.count(), file_syncs + 1);
  EXPECT_GE(dir_sync.count(), dir_syncs + 1);  // the blob's directory, plus any fan-out directory it created
  std::filesystem::remove_all(dir);
}

TEST(StoreTiming, TheFamiliesRenderAsHistograms) {
  operation_seconds("metadata", "memory", "find_bucket");
  std::string text = observe::metrics().render();
  EXPECT_NE(text.find("# TYPE podbucket_store_operation_duration_seconds histogram\n"), std::string::npos);
  EXPECT_NE(text.find("podbucket_store_operation_duration_seconds_count{store=\"metadata\",backend=\"memory\","
                      "op=\"find_bucket\"}"),
            std::string::npos);
}

}  // namespace
}  // namespace podbucket::store
