#pragma once
// Object bytes in and out: streaming a request body into a committed blob with every integrity check S3 makes
// (Content-MD5, x-amz-checksum-*, declared length, size limit), and reading byte ranges back out of an object's
// segments. Memory use is constant in the object size. Sources: S3 API reference PutObject / UploadPart
// ("Content-MD5", "x-amz-checksum-*", "x-amz-sdk-checksum-algorithm", "x-amz-trailer") and the S3 user guide
// "Checking object integrity".
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "http/message.h"
#include "store/blobs.h"

namespace podbucket::s3::body {

/// A blob that passed every check and is committed.
struct Ingested {
  std::string blob_id;
  uint64_t size = 0;               // bytes
  std::string md5_hex;             // lower-case hex MD5 of the bytes
  std::string checksum_algorithm;  // "CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256", or empty
  std::string checksum_value;      // base64 of the raw checksum, empty if none
};

/// The additional checksum a request declares, read from its headers before the body.
struct ChecksumRequest {
  std::string algorithm;  // canonical name ("CRC32", ...), empty if the request declares none
  std::string value;      // base64 from the x-amz-checksum-<alg> header; empty when it comes as a trailer
  bool trailer = false;   // the value arrives as a trailer (x-amz-trailer), readable only after the body
};

/// Reads the checksum declaration from x-amz-checksum-<alg>, x-amz-sdk-checksum-algorithm and x-amz-trailer.
/// Errors: InvalidRequest (several checksum headers, an unknown algorithm, algorithms that disagree, a header
/// value that is not base64 of the algorithm's digest size).
core::Result<ChecksumRequest> parse_checksum_request(const http::Headers& headers);

/// Streams req.body (1 MiB at a time) into a new blob and commits it only when every check passed:
/// Content-MD5 (InvalidDigest when not base64 of 16 bytes, BadDigest on mismatch), the x-amz-checksum-* header or
/// trailer (BadDigest on mismatch; InvalidRequest as parse_checksum_request), the declared length
/// (x-amz-decoded-content-length, else Content-Length: IncompleteBody when short, InvalidRequest when long) and
/// `max_size` bytes (EntityTooLarge). `required_checksum` names an algorithm to compute when the client sent
/// none (may be empty). Errors thrown by the body source (core::AwsException) are returned as values. On any
/// failure no blob is left behind. Throws store::Unavailable on blob I/O failure.
core::Result<Ingested> ingest_body(store::Blobs& blobs, http::Request& req, uint64_t max_size,
                                   std::string_view required_checksum = {});

/// A BodyStream over bytes [offset, offset+length) of the concatenated segments, clamped to their total size.
/// Constant memory: blobs are opened one at a time and read with read_at. The stream throws store::Unavailable
/// when a blob is missing or shorter than its segment says.
std::unique_ptr<http::BodyStream> open_segments(store::Blobs& blobs, const std::vector<store::Segment>& segments,
                                                uint64_t offset, uint64_t length);

/// Copies bytes [offset, offset+length) of the segments into a new committed blob, computing its MD5 and, when
/// `checksum_algorithm` is non-empty, that checksum. Errors: InvalidRequest for an unknown algorithm. Throws
/// store::Unavailable on blob I/O failure or when the range extends past the segments (nothing is left behind).
core::Result<Ingested> copy_range(store::Blobs& blobs, const std::vector<store::Segment>& segments, uint64_t offset,
                                  uint64_t length, std::string_view checksum_algorithm = {});

/// Total size of the segments in bytes.
uint64_t total_size(const std::vector<store::Segment>& segments);

}  // namespace podbucket::s3::body
