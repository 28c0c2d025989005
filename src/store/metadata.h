#pragma once
// The metadata store: buckets, bucket configurations, object versions, multipart uploads. One narrow interface,
// several backends (memory/, sqlite/), one conformance suite (conformance/) that all of them pass.
//
// Contract for every method: thread-safe; returns facts (optional, outcome enums), never AWS errors; throws
// store::Unavailable when the backend itself fails (I/O error, corrupt database).
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "store/records.h"

namespace podbucket::store {

/// The backend cannot serve the request (disk or database failure). Rendered as 503 ServiceUnavailable.
class Unavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class CreateOutcome { kCreated, kAlreadyExists };
enum class DeleteBucketOutcome { kDeleted, kNotFound, kNotEmpty };

/// How a new object version is placed (from the bucket's versioning state at write time).
struct PutOptions {
  Versioning versioning = Versioning::kUnversioned;
  /// If true, the write succeeds only when the key has no current version, or its current version is a delete
  /// marker (S3 `If-None-Match: *`).
  bool if_none_match_star = false;
  /// If set, the write succeeds only when the current version exists, is not a delete marker, and has this ETag
  /// (S3 conditional `If-Match` on PUT). Surrounding quotes are optional; "*" matches any ETag.
  std::optional<std::string> if_match_etag;
};

enum class PutStatus { kStored, kPreconditionFailed, kNoSuchBucket };

/// What a write did. `replaced` holds versions that were removed for good (the old "null" version), so the
/// caller can delete their blobs after the commit.
struct PutOutcome {
  PutStatus status = PutStatus::kStored;
  std::vector<ObjectRecord> replaced;
};

/// Paging for ListObjects: current, non-delete-marker versions with key > `after`, key starting with `prefix`,
/// in binary key order, at most `limit` rows.
struct ObjectListQuery {
  std::string prefix;
  std::string after;  // exclusive; empty = from the start
  size_t limit = 1000;
};

/// Paging for ListObjectVersions: all versions and delete markers, key ascending, newest first within a key,
/// starting strictly after (`key_marker`, `version_id_marker`). An empty version_id_marker with a key_marker
/// starts after every version of key_marker. A version_id_marker that no longer exists restarts key_marker at
/// its newest version.
struct VersionListQuery {
  std::string prefix;
  std::string key_marker;
  std::string version_id_marker;
  size_t limit = 1000;
};

/// Paging for ListMultipartUploads: key ascending, then initiation order; strictly after the markers. An empty
/// upload_id_marker skips every upload of key_marker; one that no longer exists restarts key_marker.
struct UploadListQuery {
  std::string prefix;
  std::string key_marker;
  std::string upload_id_marker;
  size_t limit = 1000;
};

class Metadata {
 public:
  virtual ~Metadata() = default;

  // Buckets.
  virtual CreateOutcome create_bucket(const BucketRecord& bucket) = 0;
  virtual std::optional<BucketRecord> find_bucket(std::string_view name) = 0;
  /// All buckets, by name ascending.
  virtual std::vector<BucketRecord> list_buckets() = 0;
  /// Replaces the record (versioning state). Returns false if the bucket does not exist.
  virtual bool update_bucket(const BucketRecord& bucket) = 0;
  /// Deletes an empty bucket with its configurations. Not empty = any object version, delete marker or
  /// in-progress multipart upload.
  virtual DeleteBucketOutcome delete_bucket(std::string_view name) = 0;

  /// Bucket configuration documents (tagging, cors, policy, lifecycle, encryption, ...), keyed by `kind`.
  /// put returns false if the bucket does not exist.
  virtual bool put_bucket_config(std::string_view bucket, std::string_view kind, std::string_view document) = 0;
  virtual std::optional<std::string> get_bucket_config(std::string_view bucket, std::string_view kind) = 0;
  /// Returns true if something was deleted.
  virtual bool delete_bucket_config(std::string_view bucket, std::string_view kind) = 0;

  // Objects.
  /// Stores a new version (or delete marker) and makes it current, atomically with the precondition checks.
  /// Unversioned/Suspended: replaces any "null" version of the key (returned in `replaced`). Enabled: keeps all.
  virtual PutOutcome put_object(const ObjectRecord& object, const PutOptions& options) = 0;
  /// The current version of a key (which may be a delete marker) when `version_id` is empty, else that version.
  virtual std::optional<ObjectRecord> find_object(std::string_view bucket, std::string_view key,
                                                  std::string_view version_id = {}) = 0;
  /// Removes one version for good (data or delete marker). Returns the removed record so that the caller can
  /// delete its blobs, or nullopt if absent. The next-newest version becomes current.
  virtual std::optional<ObjectRecord> delete_object_version(std::string_view bucket, std::string_view key,
                                                            std::string_view version_id) = 0;
  /// Replaces the tags of one version (empty version_id = current). Returns false if absent.
  virtual bool set_object_tags(std::string_view bucket, std::string_view key, std::string_view version_id,
                               const std::map<std::string, std::string>& tags) = 0;
  virtual std::vector<ObjectRecord> list_objects(std::string_view bucket, const ObjectListQuery& query) = 0;
  virtual std::vector<ObjectRecord> list_versions(std::string_view bucket, const VersionListQuery& query) = 0;

  // Multipart uploads.
  /// Throws Unavailable if the bucket does not exist (a lost race with DeleteBucket) or upload_id is taken.
  virtual void create_upload(const UploadRecord& upload) = 0;
  virtual std::optional<UploadRecord> find_upload(std::string_view bucket, std::string_view key,
                                                  std::string_view upload_id) = 0;
  /// Stores or replaces a part. Returns the replaced part (so its blob can be deleted), or nullopt. Returns
  /// nullopt and stores nothing if the upload no longer exists; check with find_upload first and treat a
  /// concurrent abort as a lost race (the caller deletes the new blob when `stored` is false).
  struct PutPartOutcome {
    bool stored = false;
    std::optional<PartRecord> replaced;
  };
  virtual PutPartOutcome put_part(const PartRecord& part) = 0;
  /// Parts with part_number > `after`, ascending, at most `limit`.
  virtual std::vector<PartRecord> list_parts(std::string_view upload_id, int after, size_t limit) = 0;
  virtual std::vector<UploadRecord> list_uploads(std::string_view bucket, const UploadListQuery& query) = 0;
  /// What complete_upload decided. kPartsChanged: the parts the caller built `object` from are no longer the
  /// upload's current parts (see complete_upload); nothing was changed.
  enum class CompleteStatus { kCompleted, kPartsChanged };
  /// Atomically: removes the upload and all its parts, and stores `object` as put_object would. Parts not
  /// referenced by `object.segments` are returned in `unused_parts` for blob deletion. Returns nullopt if the
  /// upload is gone. Otherwise, checked in this order, each failure leaving the upload and its parts intact:
  ///  - status kPartsChanged (with `put` and `unused_parts` left empty and meaningless) unless every segment of
  ///    `object.segments` names the blob_id of a current part of the upload and has that part's size. This
  ///    catches an UploadPart that replaced a part (and whose caller then deleted the old blob) between the
  ///    caller's list_parts and this call; the caller lists the parts again and retries, or answers InvalidPart.
  ///  - status kCompleted with put.status kPreconditionFailed per `options`.
  struct CompleteOutcome {
    PutOutcome put;
    std::vector<PartRecord> unused_parts;
    CompleteStatus status = CompleteStatus::kCompleted;
  };
  virtual std::optional<CompleteOutcome> complete_upload(std::string_view upload_id, const ObjectRecord& object,
                                                         const PutOptions& options) = 0;
  /// Removes the upload and returns its parts (for blob deletion), or nullopt if it did not exist.
  virtual std::optional<std::vector<PartRecord>> abort_upload(std::string_view upload_id) = 0;

  /// Calls `visit` with every blob id referenced by any object version or part (for the start-up orphan sweep).
  virtual void for_each_blob_id(const std::function<void(const std::string&)>& visit) = 0;
};

/// The in-memory backend (tests, `--ephemeral`).
std::unique_ptr<Metadata> make_memory_metadata();
/// The SQLite backend in WAL mode at `path` (created if missing, schema migrated). Throws Unavailable. Only one
/// process may have the database open (any number of backends within that process may share it); another process
/// gets Unavailable after a 5 s busy timeout.
std::unique_ptr<Metadata> make_sqlite_metadata(const std::string& path);

}  // namespace podbucket::store
