#include "observe/audit_writer.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <thread>
#include <vector>

#include "observe/metrics.h"

namespace podbucket::observe {
namespace {

namespace fs = std::filesystem;

class AuditWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("audit-writer-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::vector<std::string> lines(const fs::path& p) {
    std::ifstream in(p);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }
  static mode_t mode_of(const fs::path& p) {
    struct stat st {};
    ::stat(p.c_str(), &st);
    return st.st_mode & 07777;
  }

  fs::path dir_;
};

TEST_F(AuditWriterTest, CreatesAPrivateDirectoryAndFileAndAppendsLines) {
  fs::path path = dir_ / "audit" / "trail.jsonl";
  {
    AuditWriter w({path.string(), 1 << 20, 3, 0, false});
    EXPECT_TRUE(w.append(R"({"n":1})"));
    EXPECT_TRUE(w.append(R"({"n":2})"));
  }
  EXPECT_EQ(mode_of(dir_ / "audit"), 0700u);
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_EQ(lines(path), (std::vector<std::string>{R"({"n":1})", R"({"n":2})"}));
  // A new writer appends to what is there.
  AuditWriter again({path.string(), 1 << 20, 3, 0, false});
  EXPECT_TRUE(again.append(R"({"n":3})"));
  EXPECT_EQ(lines(path).size(), 3u);
}

TEST_F(AuditWriterTest, RotatesBySizeKeepingMaxFilesAndNeverSplittingAnEvent) {
  fs::path path = dir_ / "trail.jsonl";
  AuditWriter w({path.string(), 20, 2, 0, false});
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(w.append("event-" + std::to_string(i) + "-xxxx"));  // 13 bytes + \n
  // One 14-byte event per file: the current file and two rotated ones are left, newest first in .1.
  EXPECT_EQ(lines(path), std::vector<std::string>{"event-9-xxxx"});
  EXPECT_EQ(lines(dir_ / "trail.jsonl.1"), std::vector<std::string>{"event-8-xxxx"});
  EXPECT_EQ(lines(dir_ / "trail.jsonl.2"), std::vector<std::string>{"event-7-xxxx"});
  EXPECT_FALSE(fs::exists(dir_ / "trail.jsonl.3"));
}

TEST_F(AuditWriterTest, AnEventLargerThanMaxBytesStillGetsWritten) {
  fs::path path = dir_ / "trail.jsonl";
  AuditWriter w({path.string(), 8, 1, 0, false});
  ASSERT_TRUE(w.append("a-rather-long-event"));
  ASSERT_TRUE(w.append("next"));
  EXPECT_EQ(lines(dir_ / "trail.jsonl.1"), std::vector<std::string>{"a-rather-long-event"});
  EXPECT_EQ(lines(path), std::vector<std::string>{"next"});
}

TEST_F(AuditWriterTest, ConcurrentAppendsStayWholeLines) {
  fs::path path = dir_ / "trail.jsonl";
  {
    AuditWriter w({path.string(), 4096, 100, 0.01, false});
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)  // 2000 events of 47 bytes: about 23 rotations while all four threads append
      threads.emplace_back([&w, t] {
        for (int i = 0; i < 500; ++i)
          w.append("t" + std::to_string(t) + "-" + std::to_string(i) + std::string(40, 'x'));
      });
    for (auto& th : threads) th.join();
  }
  std::regex whole("t[0-3]-[0-9]+x{40}");
  std::set<std::string> seen;
  for (const auto& f : fs::directory_iterator(dir_)) {
    // Appends share the lock and reserve their bytes before writing: rotation still keeps every file in bounds.
    EXPECT_LE(fs::file_size(f.path()), 4096u) << f.path();
    for (const auto& line : lines(f.path())) {
      EXPECT_TRUE(std::regex_match(line, whole)) << line;
      seen.insert(line);
    }
  }
  EXPECT_EQ(seen.size(), 2000u);
}

TEST_F(AuditWriterTest, IoErrorsAreCountedNotThrown) {
  std::ofstream(dir_ / "not-a-dir") << "x";
  Counter& errors = audit_write_errors();
  double before = errors.value();
  AuditWriter w({(dir_ / "not-a-dir" / "trail.jsonl").string(), 1 << 20, 1, 0, false});
  EXPECT_FALSE(w.append("lost"));
  EXPECT_FALSE(w.append("lost too"));
  EXPECT_GE(errors.value(), before + 3);  // the failed open at start-up and one per append
}

TEST_F(AuditWriterTest, SyncEveryEventAndExplicitSyncWork) {
  fs::path path = dir_ / "trail.jsonl";
  AuditWriter w({path.string(), 1 << 20, 1, 0, true});
  EXPECT_TRUE(w.append("durable"));
  w.sync();
  EXPECT_EQ(lines(path), std::vector<std::string>{"durable"});
}

}  // namespace
}  // namespace podbucket::observe
