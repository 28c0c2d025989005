#include "store/sqlite/connection.h"

#include "store/metadata.h"

namespace podbucket::store::sqlite {
namespace {

constexpr int kBusyTimeoutMs = 5000;
// "unix-excl" holds a process-wide exclusive lock on the database file (a second server on the same data dir
// fails to open it instead of corrupting it), lets every connection of this process share it, and keeps the
// WAL index in heap memory, which saves the shared-memory lock system calls on every transaction.
constexpr const char* kVfs = "unix-excl";
// Non-null pointer for empty binds: a NULL data pointer would bind SQL NULL.
constexpr char kEmpty[] = "";

bool is_constraint(int rc) { return (rc & 0xff) == SQLITE_CONSTRAINT; }

/// Turns off SQLite's memory statistics before its first use, once per process. With them on (the default), every
/// allocation inside SQLite takes one process-wide mutex, which the reader connections of concurrent requests then
/// queue on. podbucket never reads the statistics. A no-op if SQLite was initialized elsewhere first.
void configure_sqlite_once() {
  static const bool done = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)done;
}

}  // namespace

void throw_unavailable(sqlite3* db, std::string_view what) {
  std::string message = "sqlite: ";
  message += what;
  if (db != nullptr) {
    message += ": ";
    message += sqlite3_errmsg(db);
  }
  throw Unavailable(message);
}

Statement& Statement::bind_text(int index, std::string_view value) {
  const char* data = value.empty() ? kEmpty : value.data();
  if (sqlite3_bind_text64(stmt_, index, data, value.size(), SQLITE_TRANSIENT, SQLITE_UTF8) != SQLITE_OK) {
    throw_unavailable(db_, "bind");
  }
  return *this;
}

Statement& Statement::bind_blob(int index, std::string_view value) {
  const char* data = value.empty() ? kEmpty : value.data();
  if (sqlite3_bind_blob64(stmt_, index, data, value.size(), SQLITE_TRANSIENT) != SQLITE_OK) {
    throw_unavailable(db_, "bind");
  }
  return *this;
}

Statement& Statement::bind_int(int index, int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) throw_unavailable(db_, "bind");
  return *this;
}

Statement& Statement::bind_text_or_null(int index, std::string_view value) {
  if (value.empty()) {
    if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) throw_unavailable(db_, "bind");
    return *this;
  }
  return bind_text(index, value);
}

Statement& Statement::bind_blob_or_null(int index, std::string_view value) {
  if (value.empty()) {
    if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) throw_unavailable(db_, "bind");
    return *this;
  }
  return bind_blob(index, value);
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  if (is_constraint(rc)) {
    constraint_failed_ = true;
    return false;
  }
  throw_unavailable(db_, sqlite3_sql(stmt_));
}

bool Statement::run() {
  while (step()) {
  }
  return !constraint_failed_;
}

std::string Statement::column_string(int index) const { return std::string(column_view(index)); }

std::string_view Statement::column_view(int index) const {
  const void* data = sqlite3_column_blob(stmt_, index);
  int n = sqlite3_column_bytes(stmt_, index);
  if (data == nullptr || n <= 0) return {};
  return {static_cast<const char*>(data), static_cast<size_t>(n)};
}

Connection::Connection(const std::string& path) {
  configure_sqlite_once();
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db_, flags, kVfs) != SQLITE_OK) {
    std::string what = "open " + path;
    sqlite3* db = db_;
    db_ = nullptr;
    try {
      throw_unavailable(db, what);
    } catch (...) {
      sqlite3_close(db);
      throw;
    }
  }
  try {
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    sqlite3_extended_result_codes(db_, 1);
    // synchronous=NORMAL in WAL mode: a commit is in the WAL (OS page cache) when it returns, so it survives a
    // crash of the process; only a power loss or kernel crash can roll back the last commits.
    exec(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; "
        "PRAGMA cache_size=-8192; PRAGMA journal_size_limit=67108864;");
  } catch (...) {
    sqlite3_close(db_);
    throw;
  }
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Statement Connection::prepare(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                           nullptr) != SQLITE_OK) {
      throw_unavailable(db_, "prepare");
    }
    it = cache_.emplace(std::string(sql), stmt).first;
  }
  return Statement(db_, it->second);
}

void Connection::exec(const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error != nullptr ? error : "unknown error";
    sqlite3_free(error);
    throw Unavailable("sqlite: " + std::string(sql) + ": " + message);
  }
}

Transaction::Transaction(Connection& conn, bool write) : conn_(conn) {
  conn_.prepare(write ? "BEGIN IMMEDIATE" : "BEGIN").run();
}

Transaction::~Transaction() {
  if (!open_) return;
  try {
    conn_.prepare("ROLLBACK").run();
  } catch (...) {
    // The connection rolls back by itself when the statement fails; nothing more to do.
  }
}

void Transaction::commit() {
  open_ = false;
  try {
    conn_.prepare("COMMIT").run();
  } catch (...) {
    if (!sqlite3_get_autocommit(conn_.handle())) sqlite3_exec(conn_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

}  // namespace podbucket::store::sqlite
