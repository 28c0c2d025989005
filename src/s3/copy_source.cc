#include "s3/copy_source.h"

#include <charconv>

#include "core/encoding.h"
#include "s3/errors.h"

namespace podbucket::s3 {
namespace {

std::optional<uint64_t> parse_u64(std::string_view text) {
  if (text.empty()) return std::nullopt;
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return v;
}

core::AwsError bad_source(std::string_view header) {
  return core::AwsError(kInvalidArgument, "Copy Source must mention the source bucket and key: sourcebucket/sourcekey")
      .with_field("ArgumentName", "x-amz-copy-source")
      .with_field("ArgumentValue", std::string(header));
}

}  // namespace

core::Result<CopySource> parse_copy_source(std::string_view header) {
  header = core::trim(header);
  const std::string_view original = header;
  CopySource out;
  // The versionId separator is a literal '?': a '?' inside the key arrives percent-encoded.
  if (size_t q = header.find('?'); q != std::string_view::npos) {
    std::string_view query = header.substr(q + 1);
    header = header.substr(0, q);
    if (!query.starts_with("versionId=") || query.size() == std::string_view("versionId=").size()) {
      return core::AwsError(kInvalidArgument, "Invalid version id specified")
          .with_field("ArgumentName", "x-amz-copy-source");
    }
    auto version = core::percent_decode(query.substr(std::string_view("versionId=").size()));
    if (!version) return bad_source(original);
    out.version_id = std::move(*version);
  }
  if (header.starts_with('/')) header.remove_prefix(1);
  auto decoded = core::percent_decode(header);
  if (!decoded) return bad_source(original);
  if (!core::is_valid_utf8(*decoded)) return core::AwsError(kInvalidArgument, "Invalid copy source encoding");
  size_t slash = decoded->find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == decoded->size()) return bad_source(original);
  out.bucket = decoded->substr(0, slash);
  out.key = decoded->substr(slash + 1);
  return out;
}

core::Result<CopyRange> resolve_copy_range(std::optional<std::string_view> header, uint64_t size) {
  if (!header) return CopyRange{0, size};
  auto invalid = [] {
    return core::AwsError(kInvalidArgument,
                          "The x-amz-copy-source-range value must be of the form bytes=first-last where first and "
                          "last are the zero-based offsets of the first and last bytes to copy")
        .with_field("ArgumentName", "x-amz-copy-source-range");
  };
  std::string_view spec = core::trim(*header);
  if (!spec.starts_with("bytes=")) return invalid();
  spec.remove_prefix(6);
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return invalid();
  auto first = parse_u64(spec.substr(0, dash));
  auto last = parse_u64(spec.substr(dash + 1));
  if (!first || !last || *first > *last) return invalid();
  if (*last >= size) {
    return core::AwsError(kInvalidRange, "The requested range is not satisfiable")
        .with_field("ActualObjectSize", std::to_string(size))
        .with_field("RangeRequested", std::string(*header));
  }
  return CopyRange{*first, *last - *first + 1};
}

}  // namespace podbucket::s3
