// PutObject, and commit_object which every new version goes through.
#include "core/encoding.h"
#include "core/time_format.h"
#include "s3/body/body.h"
#include "s3/bucket/bucket.h"
#include "s3/encryption/data_keys.h"
#include "s3/encryption/response.h"
#include "s3/errors.h"
#include "s3/headers.h"
#include "s3/object/commit.h"
#include "s3/object/object.h"
#include "s3/object/object_headers.h"

namespace podbucket::s3::object {
namespace {

// AWS computes a CRC64NVME full-object checksum for uploads that carry none (since December 2024).
constexpr std::string_view kDefaultChecksum = "CRC64NVME";

core::AwsError precondition_failed(std::string_view condition) {
  return core::AwsError(kPreconditionFailed, "At least one of the pre-conditions you specified did not hold")
      .with_field("Condition", std::string(condition));
}

}  // namespace

std::string quote_etag(std::string_view etag) {
  etag = core::trim(etag);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') return std::string(etag);
  return "\"" + std::string(etag) + "\"";
}

bool declares_checksum(const http::Headers& headers) {
  for (const auto& [name, value] : headers.entries()) {
    std::string n = core::to_lower(name);
    if (n.rfind("x-amz-checksum-", 0) == 0 && n != "x-amz-checksum-mode" && n != "x-amz-checksum-type") return true;
    if (n == "x-amz-sdk-checksum-algorithm" || n == "x-amz-trailer") return true;
  }
  return false;
}

core::Result<void> commit_object(Context& ctx, const store::ObjectRecord& record, const store::PutOptions& options,
                                 std::string_view condition) {
  store::PutOutcome outcome;
  try {
    outcome = ctx.meta.put_object(record, options);
  } catch (...) {
    remove_blobs(ctx.blobs, {record});
    throw;
  }
  switch (outcome.status) {
    case store::PutStatus::kStored:
      remove_blobs(ctx.blobs, outcome.replaced);
      return {};
    case store::PutStatus::kNoSuchBucket:
      remove_blobs(ctx.blobs, {record});
      return no_such_bucket(record.bucket);
    case store::PutStatus::kPreconditionFailed:
      remove_blobs(ctx.blobs, {record});
      return precondition_failed(condition);
  }
  return {};
}

core::Result<http::Response> put_object(Context& ctx, const Operation& op, http::Request& req) {
  auto bucket = bucket::require_bucket(ctx, op.bucket);
  if (!bucket) return bucket.error();
  if (auto ok = check_object_acl(req.headers); !ok) return ok.error();
  auto sc = storage_class(req.headers);
  if (!sc) return sc.error();
  auto stored = collect_stored_headers(req.headers);
  if (!stored) return stored.error();
  std::map<std::string, std::string> tags;
  if (auto t = req.headers.get("x-amz-tagging")) {
    auto parsed = parse_tagging(*t);
    if (!parsed) return parsed.error();
    tags = std::move(*parsed);
  }

  auto sse = encryption::parse_write_request(req.headers);
  if (!sse) return sse.error();

  store::PutOptions options;
  options.versioning = bucket->versioning;
  std::string condition = "If-None-Match";
  if (auto inm = req.headers.get("if-none-match")) {
    if (core::trim(*inm) != "*") {
      return core::AwsError(kNotImplemented, "A header you provided implies functionality that is not implemented")
          .with_field("Header", "If-None-Match");
    }
    options.if_none_match_star = true;
  }
  if (auto im = req.headers.get("if-match")) {
    auto current = ctx.meta.find_object(op.bucket, op.key);
    if (!current || current->delete_marker) return no_such_key(op.bucket, op.key);
    options.if_match_etag = quote_etag(*im);
    condition = "If-Match";
  }
  if (!req.content_length && !req.headers.has("transfer-encoding") &&
      !req.headers.has("x-amz-decoded-content-length")) {
    return core::AwsError(kMissingContentLength, "You must provide the Content-Length HTTP header.");
  }

  // A fresh data key for this object's one blob (a KMS GenerateDataKey for SSE-KMS), then the body streams
  // through AES-256-GCM into the blob.
  auto plan = encryption::resolve_write(ctx, op.bucket, op.key, *sse, "s3:PutObject");
  if (!plan) return plan.error();
  auto data_key = encryption::new_data_key(ctx, *plan);
  if (!data_key) return data_key.error();
  auto in = body::ingest_body(*encryption::sealing_blobs(ctx, *data_key), req, kMaxSinglePutBytes, kDefaultChecksum);
  if (!in) return in.error();

  store::ObjectRecord record;
  record.bucket = op.bucket;
  record.key = op.key;
  record.version_id = new_version_id(ctx, bucket->versioning);
  record.last_modified_ms = core::to_unix_millis(ctx.clock.now());
  record.size = in->size;
  record.etag = "\"" + in->md5_hex + "\"";
  record.storage_class = *sc;
  record.headers = std::move(*stored);
  record.checksum_algorithm = in->checksum_algorithm;
  record.checksum_value = in->checksum_value;
  if (!in->checksum_algorithm.empty()) record.checksum_type = "FULL_OBJECT";
  record.segments.push_back({in->blob_id, in->size});
  record.tags = std::move(tags);
  record.encryption = encryption::stored_envelope(*plan, *data_key);
  if (auto ok = commit_object(ctx, record, options, condition); !ok) return ok.error();

  http::Response r;
  r.headers.set("ETag", record.etag);
  if (shows_version_ids(bucket->versioning)) r.headers.set("x-amz-version-id", record.version_id);
  encryption::add_response_headers(r.headers, plan->envelope, plan->customer, encryption::Echo::kWrite);
  if (declares_checksum(req.headers) && !record.checksum_value.empty()) {
    r.headers.set(checksum_header_name(record.checksum_algorithm), record.checksum_value);
    r.headers.set("x-amz-checksum-type", record.checksum_type);
  }
  return r;
}

}  // namespace podbucket::s3::object
