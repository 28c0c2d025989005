#pragma once
// Domain records the metadata store keeps. Plain data, no AWS error codes: handlers decide what absence means.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace podbucket::store {

/// S3 bucket versioning state (GetBucketVersioning). kUnversioned = never enabled.
enum class Versioning { kUnversioned, kEnabled, kSuspended };

struct BucketRecord {
  std::string name;
  std::string region;          // LocationConstraint; "us-east-1" for the default
  int64_t created_ms = 0;      // Unix milliseconds
  std::string owner_id;        // canonical owner id (account)
  Versioning versioning = Versioning::kUnversioned;
};

/// One stored byte range of an object: a blob (file) in the blob store. A simple PUT has one segment; a completed
/// multipart upload has one per part, in part order, so Complete never copies bytes.
struct Segment {
  std::string blob_id;
  uint64_t size = 0;  // bytes
};

/// Per-part facts kept after CompleteMultipartUpload, for GET ?partNumber and GetObjectAttributes.
struct PartSummary {
  int part_number = 0;
  uint64_t size = 0;  // bytes
  std::string etag;   // quoted hex MD5 of the part
  std::string checksum;  // base64 of the part's additional checksum, empty if none
};

/// One version of an object, or a delete marker.
struct ObjectRecord {
  std::string bucket;
  std::string key;
  std::string version_id;  // "null" when written while unversioned/suspended
  bool delete_marker = false;
  bool is_latest = false;  // filled by reads; ignored on writes
  int64_t last_modified_ms = 0;
  uint64_t size = 0;       // bytes
  std::string etag;        // quoted, e.g. "\"9b2cf535f27731c974343645a3985328\"" or "\"...-3\""
  std::string storage_class = "STANDARD";
  /// Stored response headers: Content-Type, Content-Encoding, Content-Disposition, Content-Language,
  /// Cache-Control, Expires, x-amz-meta-*, x-amz-website-redirect-location. Names as received (lower case).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string checksum_algorithm;  // "CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256" or empty
  std::string checksum_value;      // base64; for composite multipart checksums ends in "-N"
  std::string checksum_type;       // "FULL_OBJECT" or "COMPOSITE", empty if none
  std::vector<Segment> segments;   // the bytes, in order; their sizes sum to `size`
  std::vector<PartSummary> parts;  // non-empty only for objects made by CompleteMultipartUpload
  std::map<std::string, std::string> tags;
  std::string encryption;  // opaque JSON owned by s3/encryption (SSE parameters, wrapped data keys); empty = none
};

struct UploadRecord {
  std::string bucket;
  std::string key;
  std::string upload_id;
  int64_t initiated_ms = 0;
  std::string storage_class = "STANDARD";
  std::vector<std::pair<std::string, std::string>> headers;  // as ObjectRecord::headers, applied at Complete
  std::string checksum_algorithm;  // from CreateMultipartUpload's x-amz-checksum-algorithm
  std::string checksum_type;       // "COMPOSITE" or "FULL_OBJECT"
  std::map<std::string, std::string> tags;
  std::string encryption;
  std::string owner_id;
};

struct PartRecord {
  std::string upload_id;
  int part_number = 0;  // 1..10000
  int64_t last_modified_ms = 0;
  uint64_t size = 0;
  std::string etag;  // quoted hex MD5
  std::string checksum_value;  // base64 of the part's checksum in the upload's algorithm, empty if none
  std::string blob_id;
  std::string encryption;
};

}  // namespace podbucket::store
