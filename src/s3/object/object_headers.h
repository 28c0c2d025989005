#pragma once
// What a PUT-like request stores about an object beyond its bytes (Content-* headers, user metadata, tags,
// storage class), and the headers GET/HEAD answer with. Sources: S3 API reference PutObject / GetObject /
// HeadObject; S3 user guide "Working with object metadata" (2 KB user-metadata limit) and "Categorizing your
// storage using tags" (10 tags, 128/256 characters).
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "http/message.h"
#include "store/records.h"

namespace podbucket::s3::object {

using StoredHeaders = std::vector<std::pair<std::string, std::string>>;

/// Content-Type (default binary/octet-stream), Content-Encoding (without the transport token aws-chunked),
/// Content-Disposition, Content-Language, Cache-Control, Expires, x-amz-website-redirect-location and every
/// x-amz-meta-* header, with lower-case names. Errors: MetadataTooLarge (user metadata over 2 KB, counted as
/// the bytes of names without the prefix plus values).
core::Result<StoredHeaders> collect_stored_headers(const http::Headers& headers);

/// Parses x-amz-tagging ("k1=v1&k2=v2", URL-encoded). Errors: InvalidTag (more than 10 tags, duplicate keys,
/// key over 128 or value over 256 characters, empty key), InvalidArgument (undecodable).
core::Result<std::map<std::string, std::string>> parse_tagging(std::string_view header);

/// x-amz-storage-class, default STANDARD. Errors: InvalidStorageClass.
core::Result<std::string> storage_class(const http::Headers& headers);

/// Object ACL headers on a bucket with ObjectOwnership=BucketOwnerEnforced: canned `private` and
/// `bucket-owner-full-control` are accepted (the registry sends `private`); any other canned ACL or x-amz-grant-*
/// header fails. Errors: AccessControlListNotSupported.
core::Result<void> check_object_acl(const http::Headers& headers);

struct ObjectHeaderOptions {
  bool show_version_id = false;  // the bucket has (had) versioning
  bool checksum_mode = false;    // x-amz-checksum-mode: ENABLED and the whole object is returned
};

/// Adds the object's headers to a GET/HEAD (or 304) response: ETag, Last-Modified, stored Content-* headers and
/// x-amz-meta-*, x-amz-version-id, x-amz-storage-class (omitted for STANDARD), x-amz-tagging-count,
/// x-amz-mp-parts-count is added by the caller, checksums when requested.
void add_object_headers(http::Headers& out, const store::ObjectRecord& object, const ObjectHeaderOptions& options);

/// The response header name for a stored lower-case header ("content-type" → "Content-Type").
std::string response_header_name(std::string_view stored_name);

/// The x-amz-checksum-<alg> header name for an algorithm ("CRC64NVME" → "x-amz-checksum-crc64nvme").
std::string checksum_header_name(std::string_view algorithm);

}  // namespace podbucket::s3::object
