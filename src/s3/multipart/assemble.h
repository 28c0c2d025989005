#pragma once
// The pure heart of CompleteMultipartUpload: parsing the part list and turning the stored parts into the final
// object's segments, ETag and checksum. Sources: CompleteMultipartUpload API reference; S3 user guide "Checking
// object integrity" (composite and full-object checksums); the multipart ETag is MD5 of the concatenated raw part
// MD5s followed by "-N".
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "store/records.h"

namespace podbucket::s3::multipart {

/// One <Part> of the request body.
struct ListedPart {
  int part_number = 0;
  std::string etag;  // as sent (quotes optional)
  /// Checksum elements of the part, e.g. {"CRC32", "base64"}.
  std::vector<std::pair<std::string, std::string>> checksums;
};

/// Parses <CompleteMultipartUpload><Part><PartNumber/><ETag/>[<ChecksumCRC32/>...]</Part>...</...>.
/// Errors: MalformedXML (not XML, another root element, no parts, a part without a numeric PartNumber or ETag).
core::Result<std::vector<ListedPart>> parse_complete_request(std::string_view xml);

/// What the completed object is made of.
struct Assembly {
  std::vector<store::Segment> segments;   // the parts' blobs, in order
  std::vector<store::PartSummary> parts;
  uint64_t size = 0;                      // bytes
  std::string etag;                       // quoted "<hex>-N"
  std::string checksum_algorithm;         // the upload's, empty if none or if a part lacks its checksum
  std::string checksum_value;             // base64; composite values end in "-N"
  std::string checksum_type;              // "COMPOSITE" or "FULL_OBJECT", empty with no checksum
};

/// Checks the listed parts against the stored ones (`stored` ascending by part number) and assembles the object.
/// Errors: InvalidPartOrder (part numbers not strictly ascending), InvalidPart (absent, ETag or checksum
/// differs), EntityTooSmall (a part other than the last under 5 MiB; fields ProposedSize, MinSizeAllowed,
/// PartNumber, ETag).
core::Result<Assembly> assemble(const std::vector<ListedPart>& listed, const std::vector<store::PartRecord>& stored,
                                const store::UploadRecord& upload, uint64_t min_part_size);

}  // namespace podbucket::s3::multipart
