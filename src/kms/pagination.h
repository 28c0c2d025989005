#pragma once
// Limit/Marker paging as the KMS List* operations do it: up to Limit entries, then Truncated=true and a
// NextMarker to pass back as Marker. podbucket's marker is the sort key of the next entry, base64url-encoded.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "core/result.h"
#include "kms/errors.h"
#include "kms/json_input.h"

namespace podbucket::kms {

struct Page {
  int64_t limit = 100;
  std::optional<std::string> start;  // decoded Marker: the first sort key to return
};

struct PageOut {
  bool truncated = false;
  std::string next_marker;
};

/// Reads Limit (1..`max`, default `fallback`) and Marker. Errors: ValidationException, InvalidMarkerException.
inline core::Result<Page> read_page(const Json& in, int64_t max = 1000, int64_t fallback = 100) {
  auto limit = optional_int(in, "Limit", 1, max);
  if (!limit) return limit.error();
  auto marker = optional_string(in, "Marker", 1024, 1);
  if (!marker) return marker.error();
  Page page;
  page.limit = limit->value_or(fallback);
  if (*marker) {
    auto start = core::base64url_decode(**marker);
    if (!start || start->empty()) return core::AwsError(kInvalidMarkerException, "Invalid marker");
    page.start = std::move(*start);
  }
  return page;
}

/// Emits the entries of `items` (sorted by `sort_key`) that belong on `page`.
template <class T, class KeyFn, class EmitFn>
core::Result<PageOut> paginate(const std::vector<T>& items, const Page& page, KeyFn sort_key, EmitFn emit) {
  PageOut out;
  int64_t n = 0;
  for (const T& item : items) {
    std::string key = sort_key(item);
    if (page.start && key < *page.start) continue;
    if (n == page.limit) {
      out.truncated = true;
      out.next_marker = core::base64url_encode(key);
      break;
    }
    emit(item);
    ++n;
  }
  return out;
}

/// Adds Truncated (and NextMarker when truncated) to a List* response.
inline void add_page_fields(nlohmann::ordered_json& res, const PageOut& out) {
  if (out.truncated) res["NextMarker"] = out.next_marker;
  res["Truncated"] = out.truncated;
}

}  // namespace podbucket::kms
