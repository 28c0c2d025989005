#pragma once
// Small pieces every S3 operation family shares: XML responses, the owner identity, version ids, blob cleanup.
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"
#include "s3/context.h"
#include "store/records.h"

namespace podbucket::s3 {

/// A 200 response with `xml` as body and Content-Type application/xml.
http::Response xml_response(std::string xml, int status = 200);

/// The canonical owner id of the caller's account (the account id; config.account_id for anonymous callers).
std::string owner_id(const Context& ctx);

/// A new version id for a write into a bucket in `versioning` state: 32 random URL-safe characters when Enabled,
/// "null" otherwise (unversioned and Suspended buckets write the null version).
std::string new_version_id(Context& ctx, store::Versioning versioning);

/// True when `version_id` has the form of a version id podbucket can have issued: "null", or exactly 32
/// characters of new_version_id's alphabet (A-Z a-z 0-9 . _). Anything else cannot name a version, and S3 answers
/// it with 400 InvalidArgument "Invalid version id specified" (DeleteObject, the tagging operations) rather than
/// treating it as a missing version (S3 API reference DeleteObject; behaviour observed against AWS).
bool is_valid_version_id(std::string_view version_id);

/// True when responses for objects of this bucket carry x-amz-version-id (versioning was ever enabled).
inline bool shows_version_ids(store::Versioning v) { return v != store::Versioning::kUnversioned; }

/// Deletes the blobs of records that left the metadata store for good. Never throws: a blob that cannot be
/// removed now is collected by the start-up orphan sweep.
void remove_blobs(store::Blobs& blobs, const std::vector<store::ObjectRecord>& records);
/// Deletes one blob, never throws.
void remove_blob(store::Blobs& blobs, std::string_view blob_id);

/// Parses a decimal integer in [min, max]. Returns false on anything else.
bool parse_int(std::string_view text, long long min, long long max, long long& out);

}  // namespace podbucket::s3
