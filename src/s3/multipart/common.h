#pragma once
// Pieces the multipart operations share: upload lookup with AWS's errors, part-number parsing, checksum names,
// ETag quoting, listing encodings. Private to s3/multipart.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "crypto/hash.h"
#include "http/message.h"
#include "s3/context.h"
#include "s3/operation.h"
#include "store/records.h"
#include "wire/query.h"
#include "wire/xml_writer.h"

namespace podbucket::s3::multipart {

inline constexpr uint64_t kMaxPartSize = 5ull << 30;  // 5 GiB, UploadPart and UploadPartCopy
inline constexpr uint64_t kMinPartSize = 5ull << 20;  // 5 MiB, every part but the last at Complete
inline constexpr int kMaxPartNumber = 10000;

/// NoSuchUpload with AWS's message and the UploadId field.
core::AwsError no_such_upload(std::string_view upload_id);

/// The bucket record, or NoSuchBucket.
core::Result<store::BucketRecord> require_bucket(Context& ctx, std::string_view bucket);

/// The `uploadId` query parameter and its upload for op.bucket/op.key. Errors: NoSuchBucket, NoSuchUpload
/// (also when uploadId is missing or names an upload of another key).
struct UploadRef {
  store::BucketRecord bucket;
  store::UploadRecord upload;
};
core::Result<UploadRef> require_upload(Context& ctx, const Operation& op, const wire::QueryParams& query);

/// The `partNumber` query parameter. Errors: InvalidArgument unless an integer in 1..10000.
core::Result<int> parse_part_number(const wire::QueryParams& query);

/// The algorithm named by an upload's checksum_algorithm, nullopt when empty or unknown.
std::optional<crypto::ChecksumAlgorithm> upload_algorithm(const store::UploadRecord& upload);

/// "ChecksumCRC32", "ChecksumCRC32C", "ChecksumCRC64NVME", "ChecksumSHA1", "ChecksumSHA256": the XML element name.
std::string checksum_element(crypto::ChecksumAlgorithm algorithm);

/// `"hex"` from hex; leaves an already-quoted value as is.
std::string quote_etag(std::string_view etag);
/// The ETag without surrounding double quotes.
std::string_view unquote_etag(std::string_view etag);

/// The listing form of a key or prefix: percent-encoded (keeping '/') when `url` (encoding-type=url), else as is.
std::string list_text(std::string_view text, bool url);

/// Writes <name><ID>id</ID><DisplayName>id</DisplayName></name>.
void write_owner(wire::XmlWriter& xml, std::string_view name, std::string_view id);

}  // namespace podbucket::s3::multipart
