#pragma once
// The pure parts of the object tagging operations: the <Tagging> document in both directions. Sources: S3 API
// reference PutObjectTagging / GetObjectTagging; S3 user guide "Categorizing your storage using tags" (10 tags per
// object, keys up to 128 and values up to 256 Unicode characters, keys unique).
#include <map>
#include <string>
#include <string_view>

#include "core/result.h"

namespace podbucket::s3::object {

/// Most tags one object version may carry.
inline constexpr size_t kMaxObjectTags = 10;
/// Longest tag key / value, in Unicode characters.
inline constexpr size_t kMaxTagKeyChars = 128;
inline constexpr size_t kMaxTagValueChars = 256;

/// Parses a PutObjectTagging body: <Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag>...</TagSet></Tagging>
/// (the S3 namespace is optional). An empty <TagSet/> gives no tags. Errors: MalformedXML (not well-formed, root
/// not Tagging, no TagSet, a Tag without Key or Value, text not UTF-8), InvalidTag (more than 10 tags, a
/// duplicate key, an empty key, key over 128 / value over 256 characters).
core::Result<std::map<std::string, std::string>> parse_tagging_xml(std::string_view body);

/// The GetObjectTagging response body for `tags`, in key order.
std::string render_tagging_xml(const std::map<std::string, std::string>& tags);

}  // namespace podbucket::s3::object
