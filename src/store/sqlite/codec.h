#pragma once
// Encodings of the list-valued record fields kept in single SQLite BLOB columns: MessagePack (nlohmann-json's
// binary form), which keeps header and tag bytes exact even when they are not valid UTF-8, and parses faster than
// JSON text. Empty values encode as "" (stored as NULL). Decoding throws store::Unavailable on bytes that are not
// what encode wrote (a corrupt row).
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/records.h"

namespace podbucket::store::sqlite {

using Headers = std::vector<std::pair<std::string, std::string>>;
using Tags = std::map<std::string, std::string>;

std::string encode_headers(const Headers& headers);
Headers decode_headers(std::string_view text);
std::string encode_segments(const std::vector<Segment>& segments);
std::vector<Segment> decode_segments(std::string_view text);
std::string encode_parts(const std::vector<PartSummary>& parts);
std::vector<PartSummary> decode_parts(std::string_view text);
std::string encode_tags(const Tags& tags);
Tags decode_tags(std::string_view text);

}  // namespace podbucket::store::sqlite
