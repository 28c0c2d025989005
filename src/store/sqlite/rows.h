#pragma once
// Row layouts of the SQLite tables and their decoders. The column lists are macros so that they can be pasted
// into SQL string literals; the decoders read them by position.
#include <vector>

#include "store/records.h"
#include "store/sqlite/connection.h"

namespace podbucket::store::sqlite {

#define OBJECT_COLUMNS                                                                                         \
  "seq, bucket, key, version_id, delete_marker, latest, last_modified_ms, size, etag, storage_class, "         \
  "checksum_algorithm, checksum_value, checksum_type, headers, segments, parts, tags, encryption"
#define UPLOAD_COLUMNS                                                                                         \
  "bucket, key, upload_id, initiated_ms, storage_class, headers, checksum_algorithm, checksum_type, tags, "    \
  "encryption, owner_id"
#define PART_COLUMNS "upload_id, part_number, last_modified_ms, size, etag, checksum_value, blob_id, encryption"

/// Fills `r` from a row of OBJECT_COLUMNS (in place: the records are large, so rows are decoded into their final
/// slot rather than moved there).
void read_object_into(const Statement& s, ObjectRecord& r);
ObjectRecord read_object(const Statement& s);
/// Appends every remaining row of OBJECT_COLUMNS to `out`; `expected` (rows) sizes the reservation.
void read_objects(Statement& s, std::vector<ObjectRecord>& out, size_t expected);
/// A row of UPLOAD_COLUMNS.
UploadRecord read_upload(const Statement& s);
/// A row of PART_COLUMNS.
PartRecord read_part(const Statement& s);
/// A row of (name, region, created_ms, owner_id, versioning) from buckets.
BucketRecord read_bucket(const Statement& s);

}  // namespace podbucket::store::sqlite
