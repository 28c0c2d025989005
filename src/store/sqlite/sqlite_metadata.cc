// The SQLite Metadata backend. WAL mode with synchronous=NORMAL: a returned write survives a crash of the process
// (not necessarily a power loss). One writer connection behind a mutex does every write in a BEGIN IMMEDIATE
// transaction; reads use a small pool of reader connections, which WAL lets run alongside the writer.
// Semantics are pinned by store/conformance/ and match the memory backend.
#include <mutex>
#include <set>

#include "store/metadata.h"
#include "store/preconditions.h"
#include "store/sqlite/codec.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/reader_pool.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/schema.h"
#include "store/timing.h"

namespace podbucket::store {
namespace {

using sqlite::Connection;
using sqlite::ReaderPool;
using sqlite::Statement;
using sqlite::Transaction;
using sqlite::read_bucket;
using sqlite::read_object;
using sqlite::read_objects;
using sqlite::read_part;
using sqlite::read_upload;

constexpr size_t kMaxReaders = 4;
constexpr std::string_view kNullVersion = "null";

/// The smallest string greater than every string starting with `prefix`, or nullopt if there is none (empty or
/// all 0xFF bytes).
std::optional<std::string> prefix_end(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xff) end.pop_back();
  if (end.empty()) return std::nullopt;
  end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return end;
}

/// The inclusive lower key bound for "key > after (if non-empty) and key >= prefix".
std::string lower_bound_key(std::string_view after, std::string_view prefix) {
  if (after.empty()) return std::string(prefix);
  std::string next(after);
  next.push_back('\0');  // the immediate successor of `after` in byte order
  return next >= prefix ? next : std::string(prefix);
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }


class SqliteMetadata final : public Metadata {
 public:
  explicit SqliteMetadata(const std::string& path) : writer_(path), readers_(path, kMaxReaders) { sqlite::migrate(writer_); }

  CreateOutcome create_bucket(const BucketRecord& bucket) override {
    std::lock_guard lock(write_mu_);
    auto s = writer_.prepare(
        "INSERT INTO buckets(name, region, created_ms, owner_id, versioning) VALUES (?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT(name) DO NOTHING");
    s.bind_text(1, bucket.name).bind_text(2, bucket.region).bind_int(3, bucket.created_ms);
    s.bind_text(4, bucket.owner_id).bind_int(5, static_cast<int>(bucket.versioning));
    if (!s.run()) throw Unavailable("sqlite: create_bucket: constraint failed");
    return writer_.changes() > 0 ? CreateOutcome::kCreated : CreateOutcome::kAlreadyExists;
  }

  std::optional<BucketRecord> find_bucket(std::string_view name) override {
    auto conn = readers_.acquire();
    auto s = conn->prepare("SELECT name, region, created_ms, owner_id, versioning FROM buckets WHERE name = ?1");
    s.bind_text(1, name);
    if (!s.step()) return std::nullopt;
    return read_bucket(s);
  }

  std::vector<BucketRecord> list_buckets() override {
    auto conn = readers_.acquire();
    auto s = conn->prepare("SELECT name, region, created_ms, owner_id, versioning FROM buckets ORDER BY name");
    std::vector<BucketRecord> out;
    while (s.step()) out.push_back(read_bucket(s));
    return out;
  }

  bool update_bucket(const BucketRecord& bucket) override {
    std::lock_guard lock(write_mu_);
    auto s = writer_.prepare(
        "UPDATE buckets SET region = ?2, created_ms = ?3, owner_id = ?4, versioning = ?5 WHERE name = ?1");
    s.bind_text(1, bucket.name).bind_text(2, bucket.region).bind_int(3, bucket.created_ms);
    s.bind_text(4, bucket.owner_id).bind_int(5, static_cast<int>(bucket.versioning));
    if (!s.run()) throw Unavailable("sqlite: update_bucket: constraint failed");
    return writer_.changes() > 0;
  }

  DeleteBucketOutcome delete_bucket(std::string_view name) override {
    std::lock_guard lock(write_mu_);
    Transaction tx(writer_, true);
    if (!bucket_exists(writer_, name)) return DeleteBucketOutcome::kNotFound;
    if (exists(writer_.prepare("SELECT 1 FROM objects WHERE bucket = ?1 LIMIT 1"), name) ||
        exists(writer_.prepare("SELECT 1 FROM uploads WHERE bucket = ?1 LIMIT 1"), name)) {
      return DeleteBucketOutcome::kNotEmpty;
    }
    writer_.prepare("DELETE FROM bucket_configs WHERE bucket = ?1").bind_text(1, name).run();
    if (!writer_.prepare("DELETE FROM buckets WHERE name = ?1").bind_text(1, name).run()) {
      throw Unavailable("sqlite: delete_bucket: constraint failed");
    }
    tx.commit();
    return DeleteBucketOutcome::kDeleted;
  }

  bool put_bucket_config(std::string_view bucket, std::string_view kind, std::string_view document) override {
    std::lock_guard lock(write_mu_);
    auto s = writer_.prepare(
        "INSERT INTO bucket_configs(bucket, kind, document) VALUES (?1, ?2, ?3) "
        "ON CONFLICT(bucket, kind) DO UPDATE SET document = excluded.document");
    s.bind_text(1, bucket).bind_text(2, kind).bind_blob(3, document);
    return s.run();  // a foreign-key failure means the bucket does not exist
  }

  std::optional<std::string> get_bucket_config(std::string_view bucket, std::string_view kind) override {
    auto conn = readers_.acquire();
    auto s = conn->prepare("SELECT document FROM bucket_configs WHERE bucket = ?1 AND kind = ?2");
    s.bind_text(1, bucket).bind_text(2, kind);
    if (!s.step()) return std::nullopt;
    return s.column_string(0);
  }

  bool delete_bucket_config(std::string_view bucket, std::string_view kind) override {
    std::lock_guard lock(write_mu_);
    auto s = writer_.prepare("DELETE FROM bucket_configs WHERE bucket = ?1 AND kind = ?2");
    s.bind_text(1, bucket).bind_text(2, kind);
    s.run();
    return writer_.changes() > 0;
  }

  PutOutcome put_object(const ObjectRecord& object, const PutOptions& options) override {
    std::lock_guard lock(write_mu_);
    Transaction tx(writer_, true);
    PutOutcome out = put_in_tx(object, options);
    if (out.status == PutStatus::kStored) tx.commit();
    return out;
  }

  std::optional<ObjectRecord> find_object(std::string_view bucket, std::string_view key,
                                          std::string_view version_id) override {
    auto conn = readers_.acquire();
    if (version_id.empty()) {
      auto s = conn->prepare("SELECT " OBJECT_COLUMNS
                             " FROM objects WHERE bucket = ?1 AND key = ?2 ORDER BY seq DESC LIMIT 1");
      s.bind_text(1, bucket).bind_blob(2, key);
      if (!s.step()) return std::nullopt;
      return read_object(s);
    }
    auto s = conn->prepare("SELECT " OBJECT_COLUMNS
                           " FROM objects WHERE bucket = ?1 AND key = ?2 AND version_id = ?3");
    s.bind_text(1, bucket).bind_blob(2, key).bind_text(3, version_id);
    if (!s.step()) return std::nullopt;
    return read_object(s);
  }

  std::optional<ObjectRecord> delete_object_version(std::string_view bucket, std::string_view key,
                                                    std::string_view version_id) override {
    std::lock_guard lock(write_mu_);
    Transaction tx(writer_, true);
    int64_t seq = 0;
    ObjectRecord removed;
    {
      auto s = writer_.prepare("SELECT " OBJECT_COLUMNS
                               " FROM objects WHERE bucket = ?1 AND key = ?2 AND version_id = ?3");
      s.bind_text(1, bucket).bind_blob(2, key).bind_text(3, version_id);
      if (!s.step()) return std::nullopt;
      seq = s.column_int(0);
      removed = read_object(s);
    }
    writer_.prepare("DELETE FROM objects WHERE bucket = ?1 AND key = ?2 AND seq = ?3")
        .bind_text(1, bucket)
        .bind_blob(2, key)
        .bind_int(3, seq)
        .run();
    if (removed.is_latest) mark_newest_latest(bucket, key);
    tx.commit();
    return removed;
  }

  bool set_object_tags(std::string_view bucket, std::string_view key, std::string_view version_id,
                       const std::map<std::string, std::string>& tags) override {
    std::lock_guard lock(write_mu_);
    std::string encoded = sqlite::encode_tags(tags);
    if (version_id.empty()) {
      auto s = writer_.prepare(
          "UPDATE objects SET tags = ?1 WHERE bucket = ?2 AND key = ?3 AND seq = "
          "(SELECT seq FROM objects WHERE bucket = ?2 AND key = ?3 ORDER BY seq DESC LIMIT 1)");
      s.bind_blob_or_null(1, encoded).bind_text(2, bucket).bind_blob(3, key);
      s.run();
    } else {
      auto s = writer_.prepare("UPDATE objects SET tags = ?1 WHERE bucket = ?2 AND key = ?3 AND version_id = ?4");
      s.bind_blob_or_null(1, encoded).bind_text(2, bucket).bind_blob(3, key).bind_text(4, version_id);
      s.run();
    }
    return writer_.changes() > 0;
  }

  std::vector<ObjectRecord> list_objects(std::string_view bucket, const ObjectListQuery& query) override {
    std::vector<ObjectRecord> out;
    if (query.limit == 0) return out;
    auto conn = readers_.acquire();
    std::string from = lower_bound_key(query.after, query.prefix);
    auto to = prefix_end(query.prefix);
    auto s = to ? conn->prepare("SELECT " OBJECT_COLUMNS
                                " FROM objects INDEXED BY objects_live WHERE bucket = ?1 AND latest = 1 AND "
                                "delete_marker = 0 AND key >= ?2 AND key < ?4 ORDER BY key LIMIT ?3")
                : conn->prepare("SELECT " OBJECT_COLUMNS
                                " FROM objects INDEXED BY objects_live WHERE bucket = ?1 AND latest = 1 AND "
                                "delete_marker = 0 AND key >= ?2 ORDER BY key LIMIT ?3");
    s.bind_text(1, bucket).bind_blob(2, from).bind_int(3, static_cast<int64_t>(query.limit));
    if (to) s.bind_blob(4, *to);
    read_objects(s, out, query.limit);
    return out;
  }

  std::vector<ObjectRecord> list_versions(std::string_view bucket, const VersionListQuery& query) override {
    std::vector<ObjectRecord> out;
    if (query.limit == 0) return out;
    auto conn = readers_.acquire();
    Transaction tx(*conn, false);
    if (!query.key_marker.empty() && !query.version_id_marker.empty() &&
        starts_with(query.key_marker, query.prefix)) {
      // The rest of the marker key, newest first after the marker version; a vanished marker restarts the key.
      int64_t after_seq = INT64_MAX;
      {
        auto s = conn->prepare("SELECT seq FROM objects WHERE bucket = ?1 AND key = ?2 AND version_id = ?3");
        s.bind_text(1, bucket).bind_blob(2, query.key_marker).bind_text(3, query.version_id_marker);
        if (s.step()) after_seq = s.column_int(0);
      }
      auto s = conn->prepare("SELECT " OBJECT_COLUMNS
                             " FROM objects WHERE bucket = ?1 AND key = ?2 AND seq < ?3 "
                             "ORDER BY seq DESC LIMIT ?4");
      s.bind_text(1, bucket).bind_blob(2, query.key_marker).bind_int(3, after_seq);
      s.bind_int(4, static_cast<int64_t>(query.limit));
      read_objects(s, out, query.limit);
    }
    if (out.size() < query.limit) {
      std::string from = lower_bound_key(query.key_marker, query.prefix);
      auto to = prefix_end(query.prefix);
      auto s = to ? conn->prepare("SELECT " OBJECT_COLUMNS
                                  " FROM objects WHERE bucket = ?1 AND key >= ?2 "
                                  "AND key < ?4 ORDER BY key, seq DESC LIMIT ?3")
                  : conn->prepare("SELECT " OBJECT_COLUMNS
                                  " FROM objects WHERE bucket = ?1 AND key >= ?2 "
                                  "ORDER BY key, seq DESC LIMIT ?3");
      s.bind_text(1, bucket).bind_blob(2, from).bind_int(3, static_cast<int64_t>(query.limit - out.size()));
      if (to) s.bind_blob(4, *to);
      read_objects(s, out, query.limit - out.size());
    }
    tx.commit();
    return out;
  }

  void create_upload(const UploadRecord& upload) override {
    std::lock_guard lock(write_mu_);
    auto s = writer_.prepare(
        "INSERT INTO uploads(upload_id, bucket, key, initiated_ms, storage_class, checksum_algorithm, "
        "checksum_type, headers, tags, encryption, owner_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
    s.bind_text(1, upload.upload_id).bind_text(2, upload.bucket).bind_blob(3, upload.key);
    s.bind_int(4, upload.initiated_ms).bind_text(5, upload.storage_class);
    s.bind_text_or_null(6, upload.checksum_algorithm).bind_text_or_null(7, upload.checksum_type);
    s.bind_blob_or_null(8, sqlite::encode_headers(upload.headers));
    s.bind_blob_or_null(9, sqlite::encode_tags(upload.tags));
    s.bind_text_or_null(10, upload.encryption).bind_text_or_null(11, upload.owner_id);
    if (!s.run()) throw Unavailable("create_upload: bucket vanished or duplicate upload id");
  }

  std::optional<UploadRecord> find_upload(std::string_view bucket, std::string_view key,
                                          std::string_view upload_id) override {
    auto conn = readers_.acquire();
    auto s = conn->prepare("SELECT " UPLOAD_COLUMNS " FROM uploads WHERE upload_id = ?1 AND bucket = ?2 AND key = ?3");
    s.bind_text(1, upload_id).bind_text(2, bucket).bind_blob(3, key);
    if (!s.step()) return std::nullopt;
    return read_upload(s);
  }

  PutPartOutcome put_part(const PartRecord& part) override {
    std::lock_guard lock(write_mu_);
    Transaction tx(writer_, true);
    PutPartOutcome out;
    {
      auto s = writer_.prepare("SELECT 1 FROM uploads WHERE upload_id = ?1");
      s.bind_text(1, part.upload_id);
      if (!s.step()) return out;
    }
    {
      auto s = writer_.prepare("SELECT " PART_COLUMNS " FROM parts WHERE upload_id = ?1 AND part_number = ?2");
      s.bind_text(1, part.upload_id).bind_int(2, part.part_number);
      if (s.step()) out.replaced = read_part(s);
    }
    auto s = writer_.prepare(
        "INSERT OR REPLACE INTO parts(upload_id, part_number, last_modified_ms, size, etag, checksum_value, "
        "blob_id, encryption) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    s.bind_text(1, part.upload_id).bind_int(2, part.part_number).bind_int(3, part.last_modified_ms);
    s.bind_int(4, static_cast<int64_t>(part.size)).bind_text(5, part.etag);
    s.bind_text_or_null(6, part.checksum_value).bind_text(7, part.blob_id).bind_text_or_null(8, part.encryption);
    if (!s.run()) throw Unavailable("sqlite: put_part: constraint failed");
    tx.commit();
    out.stored = true;
    return out;
  }

  std::vector<PartRecord> list_parts(std::string_view upload_id, int after, size_t limit) override {
    std::vector<PartRecord> out;
    if (limit == 0) return out;
    auto conn = readers_.acquire();
    auto s = conn->prepare("SELECT " PART_COLUMNS
                           " FROM parts WHERE upload_id = ?1 AND part_number > ?2 ORDER BY part_number LIMIT ?3");
    s.bind_text(1, upload_id).bind_int(2, after).bind_int(3, static_cast<int64_t>(limit));
    while (s.step()) out.push_back(read_part(s));
    return out;
  }

  std::vector<UploadRecord> list_uploads(std::string_view bucket, const UploadListQuery& query) override {
    std::vector<UploadRecord> out;
    if (query.limit == 0) return out;
    auto conn = readers_.acquire();
    Transaction tx(*conn, false);
    if (!query.key_marker.empty() && !query.upload_id_marker.empty() &&
        starts_with(query.key_marker, query.prefix)) {
      // The rest of the marker key after the marker upload; a vanished marker restarts the key.
      int64_t after_seq = 0;
      {
        auto s = conn->prepare("SELECT seq FROM uploads WHERE upload_id = ?1 AND bucket = ?2 AND key = ?3");
        s.bind_text(1, query.upload_id_marker).bind_text(2, bucket).bind_blob(3, query.key_marker);
        if (s.step()) after_seq = s.column_int(0);
      }
      auto s = conn->prepare("SELECT " UPLOAD_COLUMNS
                             " FROM uploads WHERE bucket = ?1 AND key = ?2 AND seq > ?3 ORDER BY seq LIMIT ?4");
      s.bind_text(1, bucket).bind_blob(2, query.key_marker).bind_int(3, after_seq);
      s.bind_int(4, static_cast<int64_t>(query.limit));
      while (s.step()) out.push_back(read_upload(s));
    }
    if (out.size() < query.limit) {
      std::string from = lower_bound_key(query.key_marker, query.prefix);
      auto to = prefix_end(query.prefix);
      auto s = to ? conn->prepare("SELECT " UPLOAD_COLUMNS
                                  " FROM uploads WHERE bucket = ?1 AND key >= ?2 AND key < ?4 "
                                  "ORDER BY key, seq LIMIT ?3")
                  : conn->prepare("SELECT " UPLOAD_COLUMNS
                                  " FROM uploads WHERE bucket = ?1 AND key >= ?2 ORDER BY key, seq LIMIT ?3");
      s.bind_text(1, bucket).bind_blob(2, from).bind_int(3, static_cast<int64_t>(query.limit - out.size()));
      if (to) s.bind_blob(4, *to);
      while (s.step()) out.push_back(read_upload(s));
    }
    tx.commit();
    return out;
  }

  std::optional<CompleteOutcome> complete_upload(std::string_view upload_id, const ObjectRecord& object,
                                                 const PutOptions& options) override {
    std::lock_guard lock(write_mu_);
    Transaction tx(writer_, true);
    if (!exists(writer_.prepare("SELECT 1 FROM uploads WHERE upload_id = ?1"), upload_id)) return std::nullopt;
    CompleteOutcome out;
    std::vector<PartRecord> current;
    {
      auto s = writer_.prepare("SELECT " PART_COLUMNS " FROM parts WHERE upload_id = ?1");
      s.bind_text(1, upload_id);
      while (s.step()) current.push_back(read_part(s));
    }
    if (!segments_are_parts(object.segments, current)) {
      out.status = CompleteStatus::kPartsChanged;
      return out;  // rolls back: nothing was written
    }
    out.put = put_in_tx(object, options);
    if (out.put.status != PutStatus::kStored) return out;  // rolls back: the upload stays intact
    std::set<std::string_view> used;
    for (const auto& segment : object.segments) used.insert(segment.blob_id);
    for (auto& part : take_parts(upload_id)) {
      if (!used.contains(part.blob_id)) out.unused_parts.push_back(std::move(part));
    }
    tx.commit();
    return out;
  }

  std::optional<std::vector<PartRecord>> abort_upload(std::string_view upload_id) override {
    std::lock_guard lock(write_mu_);
    Transaction tx(writer_, true);
    if (!exists(writer_.prepare("SELECT 1 FROM uploads WHERE upload_id = ?1"), upload_id)) return std::nullopt;
    auto parts = take_parts(upload_id);
    tx.commit();
    return parts;
  }

  void for_each_blob_id(const std::function<void(const std::string&)>& visit) override {
    auto conn = readers_.acquire();
    Transaction tx(*conn, false);
    {
      auto s = conn->prepare("SELECT segments FROM objects WHERE segments IS NOT NULL");
      while (s.step()) {
        for (const auto& segment : sqlite::decode_segments(s.column_view(0))) visit(segment.blob_id);
      }
    }
    {
      auto s = conn->prepare("SELECT blob_id FROM parts");
      while (s.step()) visit(s.column_string(0));
    }
    tx.commit();
  }

 private:
  static bool exists(Statement&& s, std::string_view value) {
    s.bind_text(1, value);
    return s.step();
  }

  static bool bucket_exists(Connection& conn, std::string_view name) {
    return exists(conn.prepare("SELECT 1 FROM buckets WHERE name = ?1"), name);
  }

  /// Sets `latest` on the newest remaining version of the key, if any. Caller holds write_mu_ in a transaction.
  void mark_newest_latest(std::string_view bucket, std::string_view key) {
    auto s = writer_.prepare(
        "UPDATE objects SET latest = 1 WHERE bucket = ?1 AND key = ?2 AND seq = "
        "(SELECT seq FROM objects WHERE bucket = ?1 AND key = ?2 ORDER BY seq DESC LIMIT 1)");
    s.bind_text(1, bucket).bind_blob(2, key).run();
  }

  /// Removes an upload with its parts; returns the parts. Caller holds write_mu_ in a transaction.
  std::vector<PartRecord> take_parts(std::string_view upload_id) {
    std::vector<PartRecord> parts;
    {
      auto s = writer_.prepare("SELECT " PART_COLUMNS " FROM parts WHERE upload_id = ?1 ORDER BY part_number");
      s.bind_text(1, upload_id);
      while (s.step()) parts.push_back(read_part(s));
    }
    writer_.prepare("DELETE FROM parts WHERE upload_id = ?1").bind_text(1, upload_id).run();
    writer_.prepare("DELETE FROM uploads WHERE upload_id = ?1").bind_text(1, upload_id).run();
    return parts;
  }

  /// put_object's body. Caller holds write_mu_ inside a write transaction and commits only on kStored.
  PutOutcome put_in_tx(const ObjectRecord& object, const PutOptions& options) {
    PutOutcome out;
    if (!bucket_exists(writer_, object.bucket)) {
      out.status = PutStatus::kNoSuchBucket;
      return out;
    }
    std::optional<int64_t> current_seq;
    {
      auto s = writer_.prepare(
          "SELECT seq, delete_marker, etag FROM objects WHERE bucket = ?1 AND key = ?2 ORDER BY seq DESC LIMIT 1");
      s.bind_text(1, object.bucket).bind_blob(2, object.key);
      ObjectRecord current;
      if (s.step()) {
        current_seq = s.column_int(0);
        current.delete_marker = s.column_int(1) != 0;
        current.etag = s.column_string(2);
      }
      if (!preconditions_hold(current_seq ? &current : nullptr, options)) {
        out.status = PutStatus::kPreconditionFailed;
        return out;
      }
    }
    // A version with the same id is always replaced; unversioned and suspended writes also replace "null".
    std::string_view other = options.versioning == Versioning::kEnabled ? std::string_view(object.version_id)
                                                                        : kNullVersion;
    bool current_replaced = false;
    {
      auto s = writer_.prepare("SELECT " OBJECT_COLUMNS
                               " FROM objects WHERE bucket = ?1 AND key = ?2 AND version_id IN (?3, ?4)");
      s.bind_text(1, object.bucket).bind_blob(2, object.key).bind_text(3, object.version_id).bind_text(4, other);
      while (s.step()) {
        if (current_seq && s.column_int(0) == *current_seq) current_replaced = true;
        out.replaced.push_back(read_object(s));
      }
    }
    if (!out.replaced.empty()) {
      auto s = writer_.prepare("DELETE FROM objects WHERE bucket = ?1 AND key = ?2 AND version_id IN (?3, ?4)");
      s.bind_text(1, object.bucket).bind_blob(2, object.key).bind_text(3, object.version_id).bind_text(4, other);
      s.run();
    }
    if (current_seq && !current_replaced) {
      auto s = writer_.prepare("UPDATE objects SET latest = 0 WHERE bucket = ?1 AND key = ?2 AND seq = ?3");
      s.bind_text(1, object.bucket).bind_blob(2, object.key).bind_int(3, *current_seq).run();
    }
    auto s = writer_.prepare(
        "INSERT INTO objects(bucket, key, version_id, latest, delete_marker, last_modified_ms, size, etag, "
        "storage_class, checksum_algorithm, checksum_value, checksum_type, headers, segments, parts, tags, "
        "encryption, seq) VALUES (?1, ?2, ?3, 1, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)");
    s.bind_text(1, object.bucket).bind_blob(2, object.key).bind_text(3, object.version_id);
    s.bind_int(4, object.delete_marker ? 1 : 0).bind_int(5, object.last_modified_ms);
    s.bind_int(6, static_cast<int64_t>(object.size)).bind_text(7, object.etag).bind_text(8, object.storage_class);
    s.bind_text_or_null(9, object.checksum_algorithm).bind_text_or_null(10, object.checksum_value);
    s.bind_text_or_null(11, object.checksum_type);
    s.bind_blob_or_null(12, sqlite::encode_headers(object.headers));
    s.bind_blob_or_null(13, sqlite::encode_segments(object.segments));
    s.bind_blob_or_null(14, sqlite::encode_parts(object.parts));
    s.bind_blob_or_null(15, sqlite::encode_tags(object.tags));
    s.bind_text_or_null(16, object.encryption).bind_int(17, current_seq ? *current_seq + 1 : 1);
    if (!s.run()) throw Unavailable("sqlite: put_object: constraint failed");
    return out;
  }

  std::mutex write_mu_;
  Connection writer_;  // GUARDED_BY(write_mu_)
  ReaderPool readers_;
};

}  // namespace

std::unique_ptr<Metadata> make_sqlite_metadata(const std::string& path) {
  return timed(std::make_unique<SqliteMetadata>(path), "sqlite");
}

}  // namespace podbucket::store
