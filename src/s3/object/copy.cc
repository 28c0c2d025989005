// CopyObject: server-side copy of a whole object (≤ 5 GiB) into a new version, with COPY/REPLACE directives.
#include "core/encoding.h"
#include "core/time_format.h"
#include "crypto/hash.h"
#include "s3/body/body.h"
#include "s3/bucket/bucket.h"
#include "s3/encryption/bucket_default.h"
#include "s3/encryption/data_keys.h"
#include "s3/encryption/response.h"
#include "s3/errors.h"
#include "s3/headers.h"
#include "s3/object/commit.h"
#include "s3/object/conditional.h"
#include "s3/copy_source.h"
#include "s3/object/object.h"
#include "s3/object/object_headers.h"
#include "wire/xml_writer.h"

namespace podbucket::s3::object {
namespace {

constexpr std::string_view kDefaultChecksum = "CRC64NVME";

core::Result<bool> replace_directive(const http::Headers& headers, std::string_view name) {
  auto v = headers.get(name);
  if (!v) return false;
  std::string_view d = core::trim(*v);
  if (d == "COPY") return false;
  if (d == "REPLACE") return true;
  return core::AwsError(kInvalidArgument, name == "x-amz-metadata-directive" ? "Unknown metadata directive."
                                                                            : "Unknown tagging directive.")
      .with_field("ArgumentName", std::string(name))
      .with_field("ArgumentValue", std::string(d));
}

}  // namespace

core::Result<http::Response> copy_object(Context& ctx, const Operation& op, http::Request& req) {
  auto source = parse_copy_source(req.headers.get("x-amz-copy-source").value_or(""));
  if (!source) return source.error();
  auto replace_metadata = replace_directive(req.headers, "x-amz-metadata-directive");
  if (!replace_metadata) return replace_metadata.error();
  auto replace_tags = replace_directive(req.headers, "x-amz-tagging-directive");
  if (!replace_tags) return replace_tags.error();
  if (auto ok = check_object_acl(req.headers); !ok) return ok.error();
  auto sc = storage_class(req.headers);
  if (!sc) return sc.error();
  auto sse = encryption::parse_write_request(req.headers);
  if (!sse) return sse.error();
  auto source_key =
      encryption::parse_customer_key(req.headers, encryption::KeyOf::kCopySource, encryption::KeyUse::kRead);
  if (!source_key) return source_key.error();

  auto dest_bucket = bucket::require_bucket(ctx, op.bucket);
  if (!dest_bucket) return dest_bucket.error();
  auto src_bucket = bucket::require_bucket(ctx, source->bucket);
  if (!src_bucket) return src_bucket.error();
  auto src = ctx.meta.find_object(source->bucket, source->key, source->version_id);
  if (!src) {
    if (!source->version_id.empty()) {
      return core::AwsError(kNoSuchVersion, "The specified version does not exist.")
          .with_field("Key", source->key)
          .with_field("VersionId", source->version_id);
    }
    return no_such_key(source->bucket, source->key);
  }
  if (src->delete_marker) {
    if (!source->version_id.empty()) {
      return core::AwsError(kInvalidRequest,
                            "The source of a copy request may not specifically refer to a delete marker by version id.");
    }
    return no_such_key(source->bucket, source->key);
  }

  // The source is decrypted with its own key (its SSE-C key from x-amz-copy-source-server-side-encryption-customer-*);
  // the copy gets the encryption the request or the destination bucket's default asks for, never the source's.
  auto source_sealed = encryption::from_json(src->encryption);
  if (!source_sealed) return source_sealed.error();
  if (auto ok = encryption::check_read(*source_sealed, *source_key); !ok) return ok.error();

  auto cond = evaluate_conditions(read_conditions(req.headers, "x-amz-copy-source-"), src->etag,
                                  core::from_unix_millis(src->last_modified_ms));
  if (cond.outcome != ConditionOutcome::kProceed) {
    return core::AwsError(kPreconditionFailed, "At least one of the pre-conditions you specified did not hold")
        .with_field("Condition", "x-amz-copy-source-" + core::to_lower(cond.header));
  }

  const bool same_object = source->bucket == op.bucket && source->key == op.key && source->version_id.empty();
  // Naming any encryption, or a bucket with an explicit default encryption, makes a copy onto itself legal (it may
  // re-encrypt), as in S3.
  const bool changes_something = *replace_metadata || req.headers.has("x-amz-storage-class") ||
                                 req.headers.has("x-amz-website-redirect-location") ||
                                 encryption::names_encryption(req.headers) ||
                                 (same_object && encryption::load_bucket_default(ctx.meta, op.bucket).configured);
  if (same_object && !changes_something) {
    return core::AwsError(kInvalidRequest,
                          "This copy request is illegal because it is trying to copy an object to itself without "
                          "changing the object's metadata, storage class, website redirect location or encryption "
                          "attributes.");
  }
  if (src->size > kMaxSinglePutBytes) {
    return core::AwsError(kInvalidRequest,
                          "The specified copy source is larger than the maximum allowable size for a copy source: " +
                              std::to_string(kMaxSinglePutBytes));
  }

  store::ObjectRecord record;
  if (*replace_metadata) {
    auto stored = collect_stored_headers(req.headers);
    if (!stored) return stored.error();
    record.headers = std::move(*stored);
  } else {
    record.headers = src->headers;
  }
  if (*replace_tags) {
    auto tags = parse_tagging(req.headers.get("x-amz-tagging").value_or(""));
    if (!tags) return tags.error();
    record.tags = std::move(*tags);
  } else {
    record.tags = src->tags;
  }

  std::string algorithm = src->checksum_algorithm.empty() ? std::string(kDefaultChecksum) : src->checksum_algorithm;
  if (auto a = req.headers.get("x-amz-checksum-algorithm")) {
    auto parsed = crypto::parse_checksum_algorithm(core::trim(*a));
    if (!parsed) {
      return core::AwsError(kInvalidRequest, "Value for x-amz-checksum-algorithm header is invalid.");
    }
    algorithm = std::string(crypto::checksum_name(*parsed));
  }
  auto plan = encryption::resolve_write(ctx, op.bucket, op.key, *sse, "s3:PutObject");
  if (!plan) return plan.error();
  auto data_key = encryption::new_data_key(ctx, *plan);
  if (!data_key) return data_key.error();
  auto blobs = encryption::sealing_blobs(ctx, *data_key);
  if (auto ok = encryption::load_read_keys(ctx, *blobs, *src, *source_sealed, *source_key, 0, src->size); !ok) {
    return ok.error();
  }
  auto copied = body::copy_range(*blobs, src->segments, 0, src->size, algorithm);
  if (!copied) return copied.error();

  record.bucket = op.bucket;
  record.key = op.key;
  record.version_id = new_version_id(ctx, dest_bucket->versioning);
  record.last_modified_ms = core::to_unix_millis(ctx.clock.now());
  record.size = copied->size;
  record.etag = "\"" + copied->md5_hex + "\"";
  record.storage_class = *sc;
  record.checksum_algorithm = copied->checksum_algorithm;
  record.checksum_value = copied->checksum_value;
  if (!copied->checksum_algorithm.empty()) record.checksum_type = "FULL_OBJECT";
  record.segments.push_back({copied->blob_id, copied->size});
  record.encryption = encryption::stored_envelope(*plan, *data_key);
  store::PutOptions options;
  options.versioning = dest_bucket->versioning;
  if (auto ok = commit_object(ctx, record, options); !ok) return ok.error();

  wire::XmlWriter w;
  w.open("CopyObjectResult", wire::kS3Namespace)
      .element("LastModified", core::format_iso8601_ms(core::from_unix_millis(record.last_modified_ms)))
      .element("ETag", record.etag);
  if (!record.checksum_value.empty() && req.headers.has("x-amz-checksum-algorithm")) {
    std::string name = "Checksum" + record.checksum_algorithm;
    w.element(name, record.checksum_value);
  }
  w.close();
  auto r = xml_response(w.str());
  if (shows_version_ids(dest_bucket->versioning)) r.headers.set("x-amz-version-id", record.version_id);
  if (shows_version_ids(src_bucket->versioning)) r.headers.set("x-amz-copy-source-version-id", src->version_id);
  encryption::add_response_headers(r.headers, plan->envelope, plan->customer, encryption::Echo::kWrite);
  return r;
}

}  // namespace podbucket::s3::object
