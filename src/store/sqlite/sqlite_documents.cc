// The SQLite Documents backend: one table (collection, id) -> body in its own database file, one connection
// behind a mutex (control-plane traffic is small). synchronous=FULL: a committed write is on disk before
// commit() returns.
#include <mutex>

#include "store/documents.h"
#include "store/sqlite/connection.h"
#include "store/timing.h"

namespace podbucket::store {
namespace {

using sqlite::Connection;
using sqlite::Transaction;

class SqliteDocuments final : public Documents {
 public:
  explicit SqliteDocuments(const std::string& path) : conn_(path) {
    conn_.exec(
        "PRAGMA synchronous=FULL;"
        "CREATE TABLE IF NOT EXISTS documents(collection TEXT NOT NULL, id BLOB NOT NULL, body BLOB NOT NULL,"
        " PRIMARY KEY(collection, id)) WITHOUT ROWID;");
  }

  std::optional<std::string> get(std::string_view collection, std::string_view id) override {
    std::lock_guard lock(mu_);
    auto s = conn_.prepare("SELECT body FROM documents WHERE collection = ?1 AND id = ?2");
    s.bind_text(1, collection).bind_blob(2, id);
    if (!s.step()) return std::nullopt;
    return s.column_string(0);
  }

  std::vector<std::pair<std::string, std::string>> list(std::string_view collection,
                                                        std::string_view prefix) override {
    std::lock_guard lock(mu_);
    std::vector<std::pair<std::string, std::string>> out;
    auto s = conn_.prepare("SELECT id, body FROM documents WHERE collection = ?1 AND id >= ?2 ORDER BY id");
    s.bind_text(1, collection).bind_blob(2, prefix);
    while (s.step()) {
      std::string id = s.column_string(0);
      if (id.compare(0, prefix.size(), prefix) != 0) break;
      out.emplace_back(std::move(id), s.column_string(1));
    }
    return out;
  }

  void commit(const std::vector<Write>& writes) override {
    if (writes.empty()) return;
    std::lock_guard lock(mu_);
    Transaction tx(conn_, true);
    for (const auto& w : writes) {
      if (w.body) {
        auto s = conn_.prepare("INSERT OR REPLACE INTO documents(collection, id, body) VALUES (?1, ?2, ?3)");
        s.bind_text(1, w.collection).bind_blob(2, w.id).bind_blob(3, *w.body);
        s.run();
      } else {
        auto s = conn_.prepare("DELETE FROM documents WHERE collection = ?1 AND id = ?2");
        s.bind_text(1, w.collection).bind_blob(2, w.id);
        s.run();
      }
    }
    tx.commit();
  }

  bool insert(std::string_view collection, std::string_view id, std::string_view body) override {
    std::lock_guard lock(mu_);
    auto s = conn_.prepare("INSERT OR IGNORE INTO documents(collection, id, body) VALUES (?1, ?2, ?3)");
    s.bind_text(1, collection).bind_blob(2, id).bind_blob(3, body);
    s.run();
    return conn_.changes() == 1;
  }

 private:
  std::mutex mu_;
  Connection conn_;  // GUARDED_BY(mu_)
};

}  // namespace

std::unique_ptr<Documents> make_sqlite_documents(const std::string& path) {
  return timed(std::make_unique<SqliteDocuments>(path), "sqlite");
}

}  // namespace podbucket::store
