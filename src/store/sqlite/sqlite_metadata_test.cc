// SQLite-only behaviour: durability across a killed process, schema versioning, corrupt files.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "store/metadata.h"
#include "store/sqlite/schema.h"

namespace podbucket::store {
namespace {

namespace fs = std::filesystem;

class SqliteMetadataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/podbucket-sqlite-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = (dir_ / "meta.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  static ObjectRecord object(const std::string& key) {
    ObjectRecord o;
    o.bucket = "b";
    o.key = key;
    o.version_id = "null";
    o.etag = "\"e\"";
    o.size = 4096;
    o.headers = {{"content-type", "application/octet-stream"}};
    o.segments = {{"0123456789abcdef0123456789abcdef", 4096}};
    return o;
  }

  static BucketRecord bucket() {
    BucketRecord b;
    b.name = "b";
    b.region = "us-east-1";
    return b;
  }

  void exec_raw(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
  }

  int64_t query_int(const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK);
    int64_t value = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return value;
  }

  fs::path dir_;
  std::string path_;
};

TEST_F(SqliteMetadataTest, AcknowledgedPutsSurviveKill9) {
  int acks[2];
  ASSERT_EQ(pipe(acks), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Child: put forever, acknowledging each returned put by its index; the parent kills us mid-stream.
    close(acks[0]);
    try {
      auto db = make_sqlite_metadata(path_);
      db->create_bucket(bucket());
      for (uint32_t i = 0;; ++i) {
        if (db->put_object(object("k" + std::to_string(i)), {}).status != PutStatus::kStored) _exit(2);
        if (write(acks[1], &i, sizeof i) != sizeof i) _exit(3);
      }
    } catch (...) {
      _exit(4);
    }
  }
  close(acks[1]);
  uint32_t last = 0;
  bool any = false;
  for (;;) {
    uint32_t i = 0;
    if (read(acks[0], &i, sizeof i) != sizeof i) break;
    last = i;
    any = true;
    if (i >= 300) {
      kill(child, SIGKILL);
      break;
    }
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  close(acks[0]);
  ASSERT_TRUE(any) << "child made no progress, status " << status;
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "status " << status;

  auto db = make_sqlite_metadata(path_);
  for (uint32_t i = 0; i <= last; ++i) {
    auto found = db->find_object("b", "k" + std::to_string(i));
    ASSERT_TRUE(found) << "acknowledged put " << i << " lost";
    EXPECT_EQ(found->segments.size(), 1u);
  }
  // The database is usable after the crash.
  EXPECT_EQ(db->put_object(object("after"), {}).status, PutStatus::kStored);
}

TEST_F(SqliteMetadataTest, SecondProcessCannotOpenTheSameDatabase) {
  // A second server on the same data dir would sweep the first one's in-flight blobs; it must fail to start.
  // Fork before this process touches SQLite, so the child inherits no lock state.
  int go[2];
  ASSERT_EQ(pipe(go), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(go[1]);
    char c;
    if (read(go[0], &c, 1) != 1) _exit(9);
    try {
      auto other = make_sqlite_metadata(path_);
      other->list_buckets();
      _exit(0);
    } catch (const Unavailable&) {
      _exit(7);
    } catch (...) {
      _exit(8);
    }
  }
  close(go[0]);
  auto db = make_sqlite_metadata(path_);
  ASSERT_EQ(db->create_bucket(bucket()), CreateOutcome::kCreated);
  ASSERT_EQ(write(go[1], "x", 1), 1);
  close(go[1]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 7);
  // Connections within this process still share it.
  auto same_process = make_sqlite_metadata(path_);
  EXPECT_TRUE(same_process->find_bucket("b"));
}

TEST_F(SqliteMetadataTest, DataPersistsAcrossReopen) {
  {
    auto db = make_sqlite_metadata(path_);
    ASSERT_EQ(db->create_bucket(bucket()), CreateOutcome::kCreated);
    ASSERT_EQ(db->put_object(object("k"), {}).status, PutStatus::kStored);
  }
  auto db = make_sqlite_metadata(path_);
  EXPECT_TRUE(db->find_bucket("b"));
  EXPECT_EQ(db->find_object("b", "k")->size, 4096u);
}

TEST_F(SqliteMetadataTest, RecordsSchemaVersionAndWal) {
  { auto db = make_sqlite_metadata(path_); }
  EXPECT_EQ(query_int("SELECT version FROM schema_version"), sqlite::current_schema_version());
  EXPECT_EQ(query_int("SELECT count(*) FROM schema_version"), 1);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "wal");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST_F(SqliteMetadataTest, RefusesNewerSchema) {
  { auto db = make_sqlite_metadata(path_); }
  exec_raw("UPDATE schema_version SET version = 999");
  EXPECT_THROW(make_sqlite_metadata(path_), Unavailable);
}

TEST_F(SqliteMetadataTest, CorruptFileIsUnavailable) {
  {
    std::ofstream out(path_, std::ios::binary);
    for (int i = 0; i < 1000; ++i) out << "this is not a database ";
  }
  EXPECT_THROW(make_sqlite_metadata(path_), Unavailable);
}

TEST_F(SqliteMetadataTest, UnopenablePathIsUnavailable) {
  EXPECT_THROW(make_sqlite_metadata((dir_ / "no" / "such" / "dir" / "meta.db").string()), Unavailable);
}

/// User + system CPU seconds used by this process so far.
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// Not a pass/fail test: prints the put_object rate. Run with --gtest_also_run_disabled_tests.
TEST_F(SqliteMetadataTest, DISABLED_PutObjectRate) {
  auto db = make_sqlite_metadata(path_);
  db->create_bucket(bucket());
  constexpr int kPuts = 20000;
  double cpu_start = cpu_seconds();
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kPuts; ++i) db->put_object(object("dir/key-" + std::to_string(i)), {});
  double put_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double put_cpu_s = cpu_seconds() - cpu_start;
  start = std::chrono::steady_clock::now();
  for (int i = 0; i < kPuts; ++i) db->put_object(object("dir/key-" + std::to_string(i)), {});
  double overwrite_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  start = std::chrono::steady_clock::now();
  double list_cpu_start = cpu_seconds();
  size_t listed = 0;
  std::string after;
  for (;;) {
    auto page = db->list_objects("b", {"dir/", after, 1000});
    if (page.empty()) break;
    listed += page.size();
    after = page.back().key;
  }
  double list_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("list: %.2f us CPU per key\n", (cpu_seconds() - list_cpu_start) * 1e6 / static_cast<double>(listed));
  std::printf("new puts: %.1f us CPU each\n", put_cpu_s * 1e6 / kPuts);
  std::printf("new puts: %.0f/s (%.1f us each); overwrites: %.0f/s (%.1f us each); list %zu keys in %.1f ms\n",
              kPuts / put_s, put_s * 1e6 / kPuts, kPuts / overwrite_s, overwrite_s * 1e6 / kPuts, listed,
              list_s * 1e3);
}

}  // namespace
}  // namespace podbucket::store
