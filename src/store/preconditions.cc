#include "store/preconditions.h"

namespace podbucket::store {
namespace {

std::string_view unquote(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') return etag.substr(1, etag.size() - 2);
  return etag;
}

}  // namespace

bool etag_equals(std::string_view a, std::string_view b) { return unquote(a) == unquote(b); }

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
