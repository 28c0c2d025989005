// ListObjects (v1) and ListObjectsV2.
#include "core/encoding.h"
#include "core/time_format.h"
#include "s3/bucket/bucket.h"
#include "s3/errors.h"
#include "s3/headers.h"
#include "s3/list/fold.h"
#include "s3/list/list.h"
#include "wire/xml_writer.h"

namespace podbucket::s3::list {
namespace {

constexpr size_t kMaxKeysCap = 1000;
constexpr std::string_view kTokenVersion = "1:";

using Page = FoldedPage<store::ObjectRecord>;

Page fetch_page(Context& ctx, const std::string& bucket, const FoldParams& params) {
  auto fetch = [&](const Cursor& c, size_t limit) {
    store::ObjectListQuery q;
    q.prefix = params.prefix;
    q.after = c.key;
    q.limit = limit;
    return ctx.meta.list_objects(bucket, q);
  };
  return fold_listing<store::ObjectRecord>(
      params, fetch, [](const store::ObjectRecord& r) -> std::string_view { return r.key; },
      [](const store::ObjectRecord&) { return std::string_view(); });
}

void write_contents(wire::XmlWriter& w, const store::ObjectRecord& o, bool url_encode, bool with_owner,
                    std::string_view owner) {
  w.open("Contents")
      .element("Key", encode_name(o.key, url_encode))
      .element("LastModified", core::format_iso8601_ms(core::from_unix_millis(o.last_modified_ms)))
      .element("ETag", o.etag);
  if (!o.checksum_algorithm.empty()) {
    w.element("ChecksumAlgorithm", o.checksum_algorithm);
    if (!o.checksum_type.empty()) w.element("ChecksumType", o.checksum_type);
  }
  w.element("Size", std::to_string(o.size));
  if (with_owner) w.open("Owner").element("ID", owner).element("DisplayName", owner).close();
  w.element("StorageClass", o.storage_class.empty() ? "STANDARD" : o.storage_class);
  w.close();
}

void write_prefixes(wire::XmlWriter& w, const Page& page, bool url_encode) {
  for (const auto& p : page.common_prefixes) {
    w.open("CommonPrefixes").element("Prefix", encode_name(p, url_encode)).close();
  }
}

core::AwsError invalid_argument(std::string message, std::string name, std::string value) {
  return core::AwsError(kInvalidArgument, std::move(message))
      .with_field("ArgumentName", std::move(name))
      .with_field("ArgumentValue", std::move(value));
}

}  // namespace

std::string encode_name(std::string_view text, bool url_encode) {
  return url_encode ? core::uri_encode(text, /*encode_slash=*/false) : std::string(text);
}

std::string make_continuation_token(std::string_view last_key) {
  return core::base64url_encode(std::string(kTokenVersion) + std::string(last_key));
}

std::optional<std::string> parse_continuation_token(std::string_view token) {
  auto raw = core::base64url_decode(token);
  if (!raw || raw->rfind(kTokenVersion, 0) != 0) return std::nullopt;
  return raw->substr(kTokenVersion.size());
}

core::Result<ListParams> read_list_params(const wire::QueryParams& q) {
  ListParams p;
  p.prefix = std::string(q.get("prefix").value_or(""));
  p.delimiter = std::string(q.get("delimiter").value_or(""));
  if (auto mk = q.get("max-keys")) {
    long long n = 0;
    if (!parse_int(*mk, 0, INT32_MAX, n)) {
      return invalid_argument("Provided max-keys not an integer or within integer range", "max-keys",
                              std::string(*mk));
    }
    p.max_keys = std::min<size_t>(n, kMaxKeysCap);
  }
  if (auto et = q.get("encoding-type")) {
    if (*et != "url") {
      return invalid_argument("Invalid Encoding Method specified in Request", "encoding-type", std::string(*et));
    }
    p.url_encode = true;
  }
  return p;
}

core::Result<http::Response> list_objects(Context& ctx, const Operation& op, http::Request& req) {
  auto q = wire::QueryParams::parse(req.raw_query);
  auto params = read_list_params(q);
  if (!params) return params.error();
  auto bucket = bucket::require_bucket(ctx, op.bucket);
  if (!bucket) return bucket.error();
  std::string marker(q.get("marker").value_or(""));

  FoldParams fp{params->prefix, params->delimiter, params->max_keys, Cursor{marker, {}}};
  Page page = fetch_page(ctx, op.bucket, fp);
  const bool enc = params->url_encode;
  const std::string owner = bucket->owner_id;

  wire::XmlWriter w;
  w.open("ListBucketResult", wire::kS3Namespace)
      .element("Name", op.bucket)
      .element("Prefix", encode_name(params->prefix, enc))
      .element("Marker", encode_name(marker, enc));
  if (page.truncated && !params->delimiter.empty()) w.element("NextMarker", encode_name(page.last_key, enc));
  w.element("MaxKeys", std::to_string(params->max_keys));
  if (!params->delimiter.empty()) w.element("Delimiter", encode_name(params->delimiter, enc));
  w.element("IsTruncated", page.truncated ? "true" : "false");
  if (enc) w.element("EncodingType", "url");
  for (const auto& o : page.rows) write_contents(w, o, enc, /*with_owner=*/true, owner);
  write_prefixes(w, page, enc);
  w.close();
  return xml_response(w.str());
}

core::Result<http::Response> list_objects_v2(Context& ctx, const Operation& op, http::Request& req) {
  auto q = wire::QueryParams::parse(req.raw_query);
  auto params = read_list_params(q);
  if (!params) return params.error();
  auto token = q.get("continuation-token");
  std::string start_after(q.get("start-after").value_or(""));
  std::string after = start_after;
  if (token) {
    auto decoded = parse_continuation_token(*token);
    if (!decoded) {
      return invalid_argument("The continuation token provided is incorrect", "continuation-token",
                              std::string(*token));
    }
    after = *decoded;
  }
  auto bucket = bucket::require_bucket(ctx, op.bucket);
  if (!bucket) return bucket.error();
  const bool fetch_owner = q.get("fetch-owner") == "true";

  FoldParams fp{params->prefix, params->delimiter, params->max_keys, Cursor{after, {}}};
  Page page = fetch_page(ctx, op.bucket, fp);
  const bool enc = params->url_encode;

  wire::XmlWriter w;
  w.open("ListBucketResult", wire::kS3Namespace)
      .element("Name", op.bucket)
      .element("Prefix", encode_name(params->prefix, enc));
  if (token) w.element("ContinuationToken", *token);
  if (page.truncated) w.element("NextContinuationToken", make_continuation_token(page.last_key));
  w.element("KeyCount", std::to_string(page.rows.size() + page.common_prefixes.size()))
      .element("MaxKeys", std::to_string(params->max_keys));
  if (!params->delimiter.empty()) w.element("Delimiter", encode_name(params->delimiter, enc));
  w.element("IsTruncated", page.truncated ? "true" : "false");
  if (q.has("start-after")) w.element("StartAfter", encode_name(start_after, enc));
  if (enc) w.element("EncodingType", "url");
  for (const auto& o : page.rows) write_contents(w, o, enc, fetch_owner, bucket->owner_id);
  write_prefixes(w, page, enc);
  w.close();
  return xml_response(w.str());
}

}  // namespace podbucket::s3::list
