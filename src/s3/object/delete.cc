// DeleteObject and the per-key deletion it shares with DeleteObjects.
#include "core/time_format.h"
#include "s3/bucket/bucket.h"
#include "s3/errors.h"
#include "s3/headers.h"
#include "s3/object/commit.h"
#include "s3/object/delete_one.h"
#include "s3/object/object.h"
#include "wire/query.h"

namespace podbucket::s3::object {

core::Result<DeleteOutcome> delete_one(Context& ctx, const store::BucketRecord& bucket, const std::string& key,
                                       const std::string& version_id) {
  DeleteOutcome out;
  if (!version_id.empty() || bucket.versioning == store::Versioning::kUnversioned) {
    std::string id = version_id.empty() ? "null" : version_id;
    auto removed = ctx.meta.delete_object_version(bucket.name, key, id);
    if (removed) {
      remove_blobs(ctx.blobs, {*removed});
      out.delete_marker = removed->delete_marker;
    }
    if (!version_id.empty()) out.version_id = version_id;
    return out;
  }
  store::ObjectRecord marker;
  marker.bucket = bucket.name;
  marker.key = key;
  marker.version_id = new_version_id(ctx, bucket.versioning);
  marker.delete_marker = true;
  marker.last_modified_ms = core::to_unix_millis(ctx.clock.now());
  store::PutOptions options;
  options.versioning = bucket.versioning;
  if (auto ok = commit_object(ctx, marker, options); !ok) return ok.error();
  out.delete_marker = true;
  out.version_id = marker.version_id;
  return out;
}

core::Result<http::Response> delete_object(Context& ctx, const Operation& op, http::Request& req) {
  auto bucket = bucket::require_bucket(ctx, op.bucket);
  if (!bucket) return bucket.error();
  auto q = wire::QueryParams::parse(req.raw_query);
  std::string version_id(q.get("versionId").value_or(""));
  // S3 rejects a versionId that cannot be a version id (400), but a well-formed one that names no version is a
  // successful no-op, like deleting a missing key.
  if (q.has("versionId") && !is_valid_version_id(version_id)) return invalid_version_id(version_id);
  auto outcome = delete_one(ctx, *bucket, op.key, version_id);
  if (!outcome) return outcome.error();
  // AWS answers DeleteObject on a missing key with 204; SDKs depend on it.
  http::Response r;
  r.status = 204;
  if (outcome->delete_marker) r.headers.set("x-amz-delete-marker", "true");
  if (!outcome->version_id.empty()) r.headers.set("x-amz-version-id", outcome->version_id);
  return r;
}

}  // namespace podbucket::s3::object
