#pragma once
// Bucket tagging: GetBucketTagging, PutBucketTagging, DeleteBucketTagging.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketTagging.html
// Limits from the S3 user guide "Using cost allocation S3 bucket tags" and the tagging best-practices page: at most
// 50 tags, keys of 1-128 and values of 0-256 Unicode characters, keys unique, the "aws:" prefix reserved.
#include <map>
#include <string>
#include <string_view>

#include "core/result.h"
#include "http/message.h"
#include "s3/context.h"
#include "s3/operation.h"

namespace podbucket::s3::bucket {

inline constexpr std::string_view kTaggingConfig = "tagging";
inline constexpr size_t kMaxBucketTags = 50;

/// Parses a <Tagging><TagSet><Tag><Key/><Value/></Tag>...</TagSet></Tagging> document (pure).
/// Errors: MalformedXML (not a Tagging document, no TagSet, a Tag without Key or Value), InvalidTag (more than 50
/// tags, a duplicate key, an empty or over-long key, an over-long value, characters outside letters, digits,
/// white space and `_ . : / = + - @`, a key starting with "aws:").
core::Result<std::map<std::string, std::string>> parse_bucket_tagging(std::string_view xml);
/// The GetBucketTagging document, tags in key order (pure).
std::string render_bucket_tagging(const std::map<std::string, std::string>& tags);

/// GET ?tagging → <Tagging>. Errors: NoSuchBucket, NoSuchTagSet (404, never tagged or tags deleted).
core::Result<http::Response> get_bucket_tagging(Context& ctx, const Operation& op, http::Request& req);
/// PUT ?tagging → 204, replacing the whole tag set (an empty TagSet removes it). Errors: NoSuchBucket,
/// MalformedXML, InvalidTag, InvalidDigest, BadDigest.
core::Result<http::Response> put_bucket_tagging(Context& ctx, const Operation& op, http::Request& req);
/// DELETE ?tagging → 204, also when there were none. Errors: NoSuchBucket.
core::Result<http::Response> delete_bucket_tagging(Context& ctx, const Operation& op, http::Request& req);

}  // namespace podbucket::s3::bucket
