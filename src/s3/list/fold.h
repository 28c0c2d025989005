#pragma once
// Prefix/delimiter folding for ListObjects(V2) and ListObjectVersions, as a pure function over a row source.
// When a key folds into a common prefix, the next fetch starts past the whole prefix (at prefix + "\xff", which
// sorts after every UTF-8 key that starts with the prefix), so a prefix holding millions of keys costs one fetch.
#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace podbucket::s3::list {

/// Where a fetch starts: strictly after (key, version). `version` is used by version listings only (empty =
/// after every version of `key`).
struct Cursor {
  std::string key;
  std::string version;
};

struct FoldParams {
  std::string prefix;
  std::string delimiter;  // empty = no folding
  size_t max_keys = 1000;  // rows + common prefixes per page; 0 allowed
  Cursor start;            // marker / start-after / continuation position
};

template <typename Row>
struct FoldedPage {
  std::vector<Row> rows;                     // in listing order
  std::vector<std::string> common_prefixes;  // ascending
  bool truncated = false;
  /// The last row key or common prefix put on the page (NextMarker / continuation), with `last_version` the
  /// version of that row (empty when the last entry was a common prefix).
  std::string last_key;
  std::string last_version;
  bool last_was_prefix = false;
};

/// The smallest cursor after every key starting with `prefix`.
inline Cursor cursor_past_prefix(const std::string& prefix) { return Cursor{prefix + '\xff', {}}; }

/// The common prefix `key` folds into (prefix + up to and including the first delimiter after it), or empty.
inline std::string_view common_prefix_of(std::string_view key, std::string_view prefix, std::string_view delimiter) {
  if (delimiter.empty() || key.size() < prefix.size()) return {};
  auto pos = key.find(delimiter, prefix.size());
  if (pos == std::string_view::npos) return {};
  return key.substr(0, pos + delimiter.size());
}

/// Builds one page. `fetch(const Cursor&, size_t limit)` returns up to `limit` rows strictly after the cursor
/// that start with params.prefix, in listing order; `key_of(row)` / `version_of(row)` read a row.
/// A common prefix equal to the start marker is skipped (it ended the previous page); a marker inside a prefix
/// lists that prefix again when keys after the marker fold into it.
template <typename Row, typename Fetch, typename KeyOf, typename VersionOf>
FoldedPage<Row> fold_listing(const FoldParams& params, Fetch&& fetch, KeyOf&& key_of, VersionOf&& version_of) {
  FoldedPage<Row> page;
  if (params.max_keys == 0) return page;
  Cursor cursor = params.start;
  size_t count = 0;
  for (;;) {
    const size_t want = std::min<size_t>(params.max_keys - count + 1, 1001);
    std::vector<Row> rows = fetch(cursor, want);
    if (rows.empty()) return page;
    bool jumped = false;
    for (auto& row : rows) {
      const std::string key(key_of(row));
      std::string_view cp = common_prefix_of(key, params.prefix, params.delimiter);
      if (!cp.empty() && params.start.key == cp) {
        // The marker is this common prefix: it ended the previous page, so it was listed there.
        cursor = cursor_past_prefix(std::string(cp));
        jumped = true;
        break;
      }
      if (count == params.max_keys) {
        page.truncated = true;
        return page;
      }
      ++count;
      if (!cp.empty()) {
        page.common_prefixes.emplace_back(cp);
        page.last_key = std::string(cp);
        page.last_version.clear();
        page.last_was_prefix = true;
        cursor = cursor_past_prefix(page.last_key);
        jumped = true;
        break;
      }
      page.last_key = key;
      page.last_version = std::string(version_of(row));
      page.last_was_prefix = false;
      cursor = Cursor{key, page.last_version};
      page.rows.push_back(std::move(row));
    }
    if (!jumped && rows.size() < want) return page;
  }
}

}  // namespace podbucket::s3::list
