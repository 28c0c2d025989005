#pragma once
// Listing: ListObjects (v1), ListObjectsV2, ListObjectVersions. Sources: the S3 API reference pages of each
// operation (marker / continuation-token / key-marker paging, delimiter folding, encoding-type=url).
#include <string>
#include <string_view>

#include "core/result.h"
#include "http/message.h"
#include "s3/context.h"
#include "s3/operation.h"
#include "wire/query.h"

namespace podbucket::s3::list {

/// GET /bucket (prefix, delimiter, marker, max-keys, encoding-type) → ListBucketResult. NextMarker only with a
/// delimiter, as AWS. Errors: NoSuchBucket, InvalidArgument (max-keys, encoding-type).
core::Result<http::Response> list_objects(Context& ctx, const Operation& op, http::Request& req);

/// GET /bucket?list-type=2 (prefix, delimiter, continuation-token, start-after, max-keys, fetch-owner,
/// encoding-type) → ListBucketResult with KeyCount. Errors: NoSuchBucket, InvalidArgument (max-keys,
/// encoding-type, continuation-token).
core::Result<http::Response> list_objects_v2(Context& ctx, const Operation& op, http::Request& req);

/// GET /bucket?versions (prefix, delimiter, key-marker, version-id-marker, max-keys, encoding-type) →
/// ListVersionsResult with Version and DeleteMarker entries. Errors: NoSuchBucket, InvalidArgument.
core::Result<http::Response> list_object_versions(Context& ctx, const Operation& op, http::Request& req);

/// Common listing parameters.
struct ListParams {
  std::string prefix;
  std::string delimiter;
  size_t max_keys = 1000;
  bool url_encode = false;  // encoding-type=url
};

/// Reads prefix, delimiter, max-keys (default 1000, values above are capped) and encoding-type. Errors:
/// InvalidArgument.
core::Result<ListParams> read_list_params(const wire::QueryParams& q);

/// `text` as the response shows it: URL-encoded (slashes kept, space as %20) when `url_encode`.
std::string encode_name(std::string_view text, bool url_encode);

/// The opaque ListObjectsV2 continuation token for a position, and its inverse (nullopt when invalid).
std::string make_continuation_token(std::string_view last_key);
std::optional<std::string> parse_continuation_token(std::string_view token);

}  // namespace podbucket::s3::list
