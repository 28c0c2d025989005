#include "store/sqlite/rows.h"

#include <algorithm>

#include "store/sqlite/codec.h"

namespace podbucket::store::sqlite {

void read_object_into(const Statement& s, ObjectRecord& r) {
  r.bucket = s.column_string(1);
  r.key = s.column_string(2);
  r.version_id = s.column_string(3);
  r.delete_marker = s.column_int(4) != 0;
  r.is_latest = s.column_int(5) != 0;
  r.last_modified_ms = s.column_int(6);
  r.size = static_cast<uint64_t>(s.column_int(7));
  r.etag = s.column_string(8);
  r.storage_class = s.column_string(9);
  r.checksum_algorithm = s.column_string(10);
  r.checksum_value = s.column_string(11);
  r.checksum_type = s.column_string(12);
  r.headers = decode_headers(s.column_view(13));
  r.segments = decode_segments(s.column_view(14));
  r.parts = decode_parts(s.column_view(15));
  r.tags = decode_tags(s.column_view(16));
  r.encryption = s.column_string(17);
}

ObjectRecord read_object(const Statement& s) {
  ObjectRecord r;
  read_object_into(s, r);
  return r;
}

void read_objects(Statement& s, std::vector<ObjectRecord>& out, size_t expected) {
  out.reserve(out.size() + std::min<size_t>(expected, 1000));
  while (s.step()) read_object_into(s, out.emplace_back());
}

UploadRecord read_upload(const Statement& s) {
  UploadRecord r;
  r.bucket = s.column_string(0);
  r.key = s.column_string(1);
  r.upload_id = s.column_string(2);
  r.initiated_ms = s.column_int(3);
  r.storage_class = s.column_string(4);
  r.headers = decode_headers(s.column_view(5));
  r.checksum_algorithm = s.column_string(6);
  r.checksum_type = s.column_string(7);
  r.tags = decode_tags(s.column_view(8));
  r.encryption = s.column_string(9);
  r.owner_id = s.column_string(10);
  return r;
}

PartRecord read_part(const Statement& s) {
  PartRecord r;
  r.upload_id = s.column_string(0);
  r.part_number = static_cast<int>(s.column_int(1));
  r.last_modified_ms = s.column_int(2);
  r.size = static_cast<uint64_t>(s.column_int(3));
  r.etag = s.column_string(4);
  r.checksum_value = s.column_string(5);
  r.blob_id = s.column_string(6);
  r.encryption = s.column_string(7);
  return r;
}

BucketRecord read_bucket(const Statement& s) {
  BucketRecord r;
  r.name = s.column_string(0);
  r.region = s.column_string(1);
  r.created_ms = s.column_int(2);
  r.owner_id = s.column_string(3);
  r.versioning = static_cast<Versioning>(s.column_int(4));
  return r;
}

}  // namespace podbucket::store::sqlite
