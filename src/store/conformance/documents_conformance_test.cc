// One suite for every Documents backend.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "store/documents.h"

namespace podbucket::store {
namespace {

enum class Backend { kMemory, kSqlite };

class DocumentsConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pb-docs-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    docs_ = open();
  }
  void TearDown() override {
    docs_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::unique_ptr<Documents> open() {
    return GetParam() == Backend::kMemory ? make_memory_documents()
                                          : make_sqlite_documents((dir_ / "control.db").string());
  }

  std::filesystem::path dir_;
  std::unique_ptr<Documents> docs_;
};

TEST_P(DocumentsConformance, GetMissingIsNullopt) { EXPECT_FALSE(docs_->get("users", "alice")); }

TEST_P(DocumentsConformance, CommitInsertsReplacesAndDeletes) {
  docs_->commit({{"users", "alice", "{\"a\":1}"}, {"users", "bob", "{}"}});
  EXPECT_EQ(docs_->get("users", "alice"), "{\"a\":1}");
  docs_->commit({{"users", "alice", "{\"a\":2}"}, {"users", "bob", std::nullopt}});
  EXPECT_EQ(docs_->get("users", "alice"), "{\"a\":2}");
  EXPECT_FALSE(docs_->get("users", "bob"));
  docs_->commit({{"users", "nobody", std::nullopt}});  // deleting the absent is fine
}

TEST_P(DocumentsConformance, CollectionsAreSeparate) {
  docs_->commit({{"users", "x", "u"}, {"roles", "x", "r"}});
  EXPECT_EQ(docs_->get("users", "x"), "u");
  EXPECT_EQ(docs_->get("roles", "x"), "r");
  EXPECT_EQ(docs_->list("roles").size(), 1u);
}

TEST_P(DocumentsConformance, ListFiltersByPrefixInBinaryOrder) {
  docs_->commit({{"k", "b/2", "2"}, {"k", "a", "0"}, {"k", "b/1", "1"}, {"k", "b0", "x"}, {"k", "c", "3"}});
  auto all = docs_->list("k");
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[0].first, "a");
  EXPECT_EQ(all[4].first, "c");
  auto b = docs_->list("k", "b/");
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0], (std::pair<std::string, std::string>{"b/1", "1"}));
  EXPECT_EQ(b[1], (std::pair<std::string, std::string>{"b/2", "2"}));
  EXPECT_TRUE(docs_->list("k", "zz").empty());
  EXPECT_TRUE(docs_->list("none").empty());
}

TEST_P(DocumentsConformance, InsertOnlyWhenAbsent) {
  EXPECT_TRUE(docs_->insert("keys", "k1", "first"));
  EXPECT_FALSE(docs_->insert("keys", "k1", "second"));
  EXPECT_EQ(docs_->get("keys", "k1"), "first");
}

TEST_P(DocumentsConformance, BinaryBodiesRoundTrip) {
  std::string body("a\0b\xff", 4);
  docs_->commit({{"bin", "id", body}});
  EXPECT_EQ(docs_->get("bin", "id"), body);
}

TEST_P(DocumentsConformance, SqliteSurvivesReopen) {
  if (GetParam() != Backend::kSqlite) GTEST_SKIP() << "only the SQLite backend persists";
  docs_->commit({{"roles", "r1", "trust"}});
  docs_.reset();
  docs_ = open();
  EXPECT_EQ(docs_->get("roles", "r1"), "trust");
}

INSTANTIATE_TEST_SUITE_P(Backends, DocumentsConformance, ::testing::Values(Backend::kMemory, Backend::kSqlite),
                         [](const auto& info) { return info.param == Backend::kMemory ? "Memory" : "Sqlite"; });

}  // namespace
}  // namespace podbucket::store
