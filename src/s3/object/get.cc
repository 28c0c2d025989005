// GetObject and HeadObject: version resolution, conditionals, partNumber / Range, response-* overrides.
#include <array>

#include "core/encoding.h"
#include "core/time_format.h"
#include "s3/body/body.h"
#include "s3/bucket/bucket.h"
#include "s3/encryption/data_keys.h"
#include "s3/encryption/response.h"
#include "s3/errors.h"
#include "s3/headers.h"
#include "s3/object/conditional.h"
#include "s3/object/object.h"
#include "s3/object/object_headers.h"
#include "s3/object/range.h"
#include "wire/query.h"

namespace podbucket::s3::object {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kResponseOverrides = {{
    {"response-content-type", "Content-Type"},
    {"response-content-language", "Content-Language"},
    {"response-expires", "Expires"},
    {"response-cache-control", "Cache-Control"},
    {"response-content-disposition", "Content-Disposition"},
    {"response-content-encoding", "Content-Encoding"},
}};

// The version addressed by the request, or the AWS error for a missing one / a delete marker.
core::Result<store::ObjectRecord> find_readable(Context& ctx, const Operation& op, const wire::QueryParams& q,
                                                bool show_versions) {
  std::string version_id(q.get("versionId").value_or(""));
  auto obj = ctx.meta.find_object(op.bucket, op.key, version_id);
  if (!obj) {
    if (!version_id.empty()) {
      return core::AwsError(kNoSuchVersion, "The specified version does not exist.",
                            "/" + op.bucket + "/" + op.key)
          .with_field("Key", op.key)
          .with_field("VersionId", version_id);
    }
    return no_such_key(op.bucket, op.key);
  }
  if (obj->delete_marker) {
    if (!version_id.empty()) {
      return core::AwsError(kMethodNotAllowed, "The specified method is not allowed against this resource.")
          .with_field("Method", "GET")
          .with_field("ResourceType", "DeleteMarker")
          .with_header("x-amz-delete-marker", "true")
          .with_header("x-amz-version-id", obj->version_id)
          .with_header("Allow", "DELETE")
          .with_header("Last-Modified", core::format_http_date(core::from_unix_millis(obj->last_modified_ms)));
    }
    auto err = no_such_key(op.bucket, op.key);
    err.with_header("x-amz-delete-marker", "true");
    if (show_versions) err.with_header("x-amz-version-id", obj->version_id);
    return err;
  }
  return *std::move(obj);
}

// The byte window of ?partNumber=N: [offset, offset+length), with the part count for x-amz-mp-parts-count.
struct PartWindow {
  uint64_t offset = 0;
  uint64_t length = 0;
  size_t parts_count = 0;  // 0 for a simple object
};

core::Result<PartWindow> part_window(const store::ObjectRecord& obj, long long n) {
  auto unsatisfiable = [] {
    return core::AwsError(kInvalidPartNumber, "The requested partnumber is not satisfiable");
  };
  if (obj.parts.empty()) {
    if (n != 1) return unsatisfiable();
    return PartWindow{0, obj.size, 0};
  }
  if (static_cast<size_t>(n) > obj.parts.size()) return unsatisfiable();
  uint64_t offset = 0;
  for (long long i = 0; i + 1 < n; ++i) offset += obj.parts[i].size;
  return PartWindow{offset, obj.parts[n - 1].size, obj.parts.size()};
}

core::Result<http::Response> read_object(Context& ctx, const Operation& op, http::Request& req, bool head) {
  auto q = wire::QueryParams::parse(req.raw_query);
  auto bucket = bucket::require_bucket(ctx, op.bucket);
  if (!bucket) return bucket.error();
  const bool show_versions = shows_version_ids(bucket->versioning);

  // Parameter checks come before the lookup, as in S3.
  std::optional<long long> part_number;
  if (auto pn = q.get("partNumber")) {
    long long n = 0;
    if (!parse_int(*pn, 1, 10000, n)) {
      return core::AwsError(kInvalidArgument, "Part number must be an integer between 1 and 10000, inclusive")
          .with_field("ArgumentName", "partNumber")
          .with_field("ArgumentValue", std::string(*pn));
    }
    if (req.headers.has("range")) {
      return core::AwsError(kInvalidRequest, "Cannot specify both Range header and partNumber query parameter");
    }
    part_number = n;
  }
  bool has_overrides = false;
  for (auto [param, header] : kResponseOverrides) has_overrides = has_overrides || q.has(param);
  if (has_overrides && ctx.caller.anonymous) {
    return core::AwsError(kInvalidRequest,
                          "Request specific response headers cannot be used for anonymous GET requests.");
  }
  if (auto ok = encryption::reject_write_headers(req.headers); !ok) return ok.error();
  auto customer = encryption::parse_customer_key(req.headers, encryption::KeyOf::kRequest, encryption::KeyUse::kRead);
  if (!customer) return customer.error();

  auto obj = find_readable(ctx, op, q, show_versions);
  if (!obj) return obj.error();
  // SSE-C objects are readable (even their headers) only with their key; HEAD of an SSE-KMS object needs no KMS.
  auto sealed = encryption::from_json(obj->encryption);
  if (!sealed) return sealed.error();
  if (auto ok = encryption::check_read(*sealed, *customer); !ok) return ok.error();
  const auto last_modified = core::from_unix_millis(obj->last_modified_ms);

  auto cond = evaluate_conditions(read_conditions(req.headers), obj->etag, last_modified);
  if (cond.outcome == ConditionOutcome::kPreconditionFailed) {
    return core::AwsError(kPreconditionFailed, "At least one of the pre-conditions you specified did not hold")
        .with_field("Condition", cond.header);
  }
  if (cond.outcome == ConditionOutcome::kNotModified) {
    http::Response r;
    r.status = 304;
    r.head = true;
    r.headers.set("ETag", obj->etag);
    r.headers.set("Last-Modified", core::format_http_date(last_modified));
    if (show_versions) r.headers.set("x-amz-version-id", obj->version_id);
    return r;
  }

  http::Response r;
  uint64_t offset = 0;
  uint64_t length = obj->size;
  bool whole = true;
  if (part_number) {
    auto w = part_window(*obj, *part_number);
    if (!w) return w.error();
    offset = w->offset;
    length = w->length;
    if (w->parts_count > 0) r.headers.set("x-amz-mp-parts-count", std::to_string(w->parts_count));
    if (obj->size > 0) {
      r.status = 206;
      whole = w->parts_count <= 1;
    }
  } else {
    auto range = resolve_range(req.headers.get("range"), obj->size);
    if (range.kind == RangeKind::kUnsatisfiable) {
      return core::AwsError(kInvalidRange, "The requested range is not satisfiable")
          .with_field("RangeRequested", std::string(req.headers.get("range").value_or("")))
          .with_field("ActualObjectSize", std::to_string(obj->size))
          .with_header("Content-Range", "bytes */" + std::to_string(obj->size));
    }
    if (range.kind == RangeKind::kPartial) {
      r.status = 206;
      offset = range.offset;
      length = range.length;
      whole = false;
    }
  }
  if (r.status == 206) {
    r.headers.set("Content-Range", "bytes " + std::to_string(offset) + "-" + std::to_string(offset + length - 1) +
                                       "/" + std::to_string(obj->size));
  }

  ObjectHeaderOptions options;
  options.show_version_id = show_versions;
  auto mode = req.headers.get("x-amz-checksum-mode");
  options.checksum_mode = whole && mode && core::iequals(core::trim(*mode), "ENABLED");
  add_object_headers(r.headers, *obj, options);
  encryption::add_response_headers(r.headers, *sealed, *customer, encryption::Echo::kRead);
  r.headers.set("Accept-Ranges", "bytes");
  for (auto [param, header] : kResponseOverrides) {
    if (auto v = q.get(param)) r.headers.set(std::string(header), std::string(*v));
  }

  r.stream_length = length;
  if (head) {
    r.head = true;
  } else {
    auto stream = encryption::open_object(ctx, *obj, *sealed, *customer, offset, length);
    if (!stream) return stream.error();
    r.stream = std::move(*stream);
  }
  return r;
}

}  // namespace

core::Result<http::Response> get_object(Context& ctx, const Operation& op, http::Request& req) {
  return read_object(ctx, op, req, /*head=*/false);
}

core::Result<http::Response> head_object(Context& ctx, const Operation& op, http::Request& req) {
  return read_object(ctx, op, req, /*head=*/true);
}

}  // namespace podbucket::s3::object
