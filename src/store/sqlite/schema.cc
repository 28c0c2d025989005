#include "store/sqlite/schema.h"

#include <iterator>
#include <string>

#include "store/metadata.h"

namespace podbucket::store::sqlite {
namespace {

// Keys are BLOBs so that comparisons are plain memcmp (binary, UTF-8 byte order). `seq` orders the versions of
// one key: a new version gets the key's highest seq + 1, so the highest seq is the current version. The table is
// clustered on (bucket, key, seq DESC), which serves "current version", version listings and ListObjects in
// unversioned buckets from one B-tree. `latest` mirrors "highest seq of its key" so that a partial index can serve
// ListObjects in versioned buckets without visiting old versions or delete markers.
constexpr const char* kMigrations[] = {
    // 1: initial schema.
    R"sql(
CREATE TABLE buckets(
  name TEXT PRIMARY KEY,
  region TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  owner_id TEXT NOT NULL,
  versioning INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE bucket_configs(
  bucket TEXT NOT NULL REFERENCES buckets(name) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  document BLOB NOT NULL,
  PRIMARY KEY(bucket, kind)
) WITHOUT ROWID;

CREATE TABLE objects(
  bucket TEXT NOT NULL REFERENCES buckets(name),
  key BLOB NOT NULL,
  seq INTEGER NOT NULL,
  version_id TEXT NOT NULL,
  latest INTEGER NOT NULL,
  delete_marker INTEGER NOT NULL,
  last_modified_ms INTEGER NOT NULL,
  size INTEGER NOT NULL,
  etag TEXT NOT NULL,
  storage_class TEXT NOT NULL,
  checksum_algorithm TEXT,
  checksum_value TEXT,
  checksum_type TEXT,
  headers BLOB,
  segments BLOB,
  parts BLOB,
  tags BLOB,
  encryption TEXT,
  PRIMARY KEY(bucket, key, seq DESC)
) WITHOUT ROWID;
CREATE UNIQUE INDEX objects_by_version ON objects(bucket, key, version_id);
CREATE INDEX objects_live ON objects(bucket, key) WHERE latest = 1 AND delete_marker = 0;

CREATE TABLE uploads(
  seq INTEGER PRIMARY KEY,
  upload_id TEXT NOT NULL UNIQUE,
  bucket TEXT NOT NULL REFERENCES buckets(name),
  key BLOB NOT NULL,
  initiated_ms INTEGER NOT NULL,
  storage_class TEXT NOT NULL,
  checksum_algorithm TEXT,
  checksum_type TEXT,
  headers BLOB,
  tags BLOB,
  encryption TEXT,
  owner_id TEXT
);
CREATE INDEX uploads_by_key ON uploads(bucket, key, seq);

CREATE TABLE parts(
  upload_id TEXT NOT NULL REFERENCES uploads(upload_id) ON DELETE CASCADE,
  part_number INTEGER NOT NULL,
  last_modified_ms INTEGER NOT NULL,
  size INTEGER NOT NULL,
  etag TEXT NOT NULL,
  checksum_value TEXT,
  blob_id TEXT NOT NULL,
  encryption TEXT,
  PRIMARY KEY(upload_id, part_number)
) WITHOUT ROWID;
)sql",
};

int read_version(Connection& conn) {
  auto stmt = conn.prepare("SELECT version FROM schema_version");
  return stmt.step() ? static_cast<int>(stmt.column_int(0)) : 0;
}

}  // namespace

int current_schema_version() { return static_cast<int>(std::size(kMigrations)); }

void migrate(Connection& conn) {
  conn.exec("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)");
  for (;;) {
    Transaction tx(conn, /*write=*/true);
    int version = read_version(conn);
    if (version > current_schema_version()) {
      throw Unavailable("sqlite: database schema version " + std::to_string(version) +
                        " is newer than this binary (" + std::to_string(current_schema_version()) + ")");
    }
    if (version == current_schema_version()) return;
    conn.exec(kMigrations[version]);
    if (version == 0) {
      conn.exec("INSERT INTO schema_version(version) VALUES (1)");
    } else {
      conn.prepare("UPDATE schema_version SET version = ?1").bind_int(1, version + 1).run();
    }
    tx.commit();
  }
}

}  // namespace podbucket::store::sqlite
