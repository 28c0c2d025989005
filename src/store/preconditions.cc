#include "store/preconditions.h"

#include <map>

namespace podbucket::store {
namespace {

std::string_view unquote(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') return etag.substr(1, etag.size() - 2);
  return etag;
}

}  // namespace

bool etag_equals(std::string_view a, std::string_view b) { return unquote(a) == unquote(b); }

bool segments_are_parts(const std::vector<Segment>& segments, const std::vector<PartRecord>& parts) {
  std::map<std::string_view, uint64_t> sizes;  // blob_id -> part size
  for (const auto& part : parts) sizes.emplace(part.blob_id, part.size);
  for (const auto& segment : segments) {
    auto it = sizes.find(segment.blob_id);
    if (it == sizes.end() || it->second != segment.size) return false;
  }
  return true;
}

bool preconditions_hold(const ObjectRecord* current, const PutOptions& options) {
  const bool live = current != nullptr && !current->delete_marker;
  if (options.if_none_match_star && live) return false;
  if (options.if_match_etag) {
    if (!live) return false;
    if (*options.if_match_etag != "*" && !etag_equals(current->etag, *options.if_match_etag)) return false;
  }
  return true;
}

}  // namespace podbucket::store
