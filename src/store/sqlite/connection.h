#pragma once
// A thin RAII layer over one sqlite3 connection: prepared-statement cache, typed binds and columns, and the error
// policy of store/ (a constraint violation is reported to the caller; every other failure throws Unavailable with
// the SQLite message, which is for logs only and never reaches a client).
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace podbucket::store::sqlite {

/// Throws store::Unavailable describing `what` and the connection's last error.
[[noreturn]] void throw_unavailable(sqlite3* db, std::string_view what);

/// A cached prepared statement in use. Resets and clears its bindings on destruction so it can be reused.
/// Bind indexes are 1-based; column indexes 0-based (as in the SQLite C API). Not thread-safe.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  Statement& bind_text(int index, std::string_view value);
  /// Binds bytes as a BLOB (keys: compared with memcmp, so listing is in binary order). Empty is a zero-length
  /// blob, not NULL.
  Statement& bind_blob(int index, std::string_view value);
  Statement& bind_int(int index, int64_t value);
  /// Binds NULL when `value` is empty, else TEXT.
  Statement& bind_text_or_null(int index, std::string_view value);
  /// Binds NULL when `value` is empty, else BLOB.
  Statement& bind_blob_or_null(int index, std::string_view value);

  /// Steps once. Returns true if a row is available, false when done. Throws Unavailable on failure, except that
  /// a constraint violation returns false and sets constraint_failed().
  bool step();
  /// Steps to completion expecting no rows. Returns false on a constraint violation.
  bool run();
  bool constraint_failed() const { return constraint_failed_; }

  int64_t column_int(int index) const { return sqlite3_column_int64(stmt_, index); }
  bool column_is_null(int index) const { return sqlite3_column_type(stmt_, index) == SQLITE_NULL; }
  /// TEXT or BLOB column as bytes ("" for NULL).
  std::string column_string(int index) const;
  std::string_view column_view(int index) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  bool constraint_failed_ = false;
};

/// One open database connection with its statement cache. Not thread-safe: the owner serialises use.
class Connection {
 public:
  /// Opens (creating if missing) the database at `path`, sets WAL, synchronous=NORMAL, foreign_keys and
  /// busy_timeout. Throws Unavailable.
  explicit Connection(const std::string& path);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  /// A prepared statement for `sql`, compiled once per connection and cached by its text.
  Statement prepare(std::string_view sql);
  /// Runs one or more statements without results (DDL, pragmas, BEGIN/COMMIT). Throws Unavailable.
  void exec(const char* sql);
  int64_t changes() const { return sqlite3_changes64(db_); }
  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

/// BEGIN (IMMEDIATE for writers, DEFERRED for multi-statement reads) on construction; ROLLBACK on destruction
/// unless commit() was called.
class Transaction {
 public:
  Transaction(Connection& conn, bool write);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  /// Throws Unavailable if the commit fails (the transaction is then rolled back).
  void commit();

 private:
  Connection& conn_;
  bool open_ = true;
};

}  // namespace podbucket::store::sqlite
