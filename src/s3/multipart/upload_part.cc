// UploadPart (https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPart.html) and UploadPartCopy
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPartCopy.html).
#include "core/encoding.h"
#include "core/time_format.h"
#include "s3/body/body.h"
#include "s3/encryption/data_keys.h"
#include "s3/encryption/response.h"
#include "s3/errors.h"
#include "s3/headers.h"
#include "s3/multipart/common.h"
#include "s3/copy_source.h"
#include "s3/multipart/multipart.h"
#include "s3/object/conditional.h"

namespace podbucket::s3::multipart {
namespace {

/// A part in another algorithm than the upload's would make the composite checksum meaningless; AWS refuses it.
core::Result<void> check_part_algorithm(const store::UploadRecord& upload, std::string_view part_algorithm) {
  if (upload.checksum_algorithm.empty() || part_algorithm.empty() ||
      core::iequals(upload.checksum_algorithm, part_algorithm)) {
    return {};
  }
  return core::AwsError(kInvalidRequest, "Checksum Type mismatch occurred, expected checksum Type: " +
                                             core::to_lower(upload.checksum_algorithm) +
                                             ", actual checksum Type: " + core::to_lower(part_algorithm));
}

/// Records a committed blob as part `number`, with its wrapped data key in `encryption`. Deletes the blob of the
/// part it replaces, or the new blob when the upload vanished meanwhile (NoSuchUpload).
core::Result<store::PartRecord> store_part(Context& ctx, const store::UploadRecord& upload, int number,
                                          const body::Ingested& blob, std::string encryption) {
  store::PartRecord part;
  part.upload_id = upload.upload_id;
  part.part_number = number;
  part.last_modified_ms = core::to_unix_millis(ctx.clock.now());
  part.size = blob.size;
  part.etag = quote_etag(blob.md5_hex);
  // Only a checksum in the upload's own algorithm takes part in Complete.
  if (!upload.checksum_algorithm.empty() && core::iequals(blob.checksum_algorithm, upload.checksum_algorithm)) {
    part.checksum_value = blob.checksum_value;
  }
  part.blob_id = blob.blob_id;
  part.encryption = std::move(encryption);
  store::Metadata::PutPartOutcome outcome;
  try {
    outcome = ctx.meta.put_part(part);
  } catch (...) {
    remove_blob(ctx.blobs, blob.blob_id);
    throw;
  }
  if (!outcome.stored) {
    remove_blob(ctx.blobs, blob.blob_id);
    return no_such_upload(upload.upload_id);
  }
  if (outcome.replaced && outcome.replaced->blob_id != part.blob_id) remove_blob(ctx.blobs, outcome.replaced->blob_id);
  return part;
}

/// The upload's encryption and a fresh data key for one part under it, once the part request's SSE-C key (if any)
/// matches the upload's. Errors: check_part_key's, parse_customer_key's, new_data_key's.
struct PartSealing {
  encryption::Plan plan;
  encryption::DataKey key;
};
core::Result<PartSealing> seal_part(Context& ctx, const store::UploadRecord& upload, const http::Headers& headers) {
  auto sealed = encryption::from_json(upload.encryption);
  if (!sealed) return sealed.error();
  auto customer = encryption::parse_customer_key(headers, encryption::KeyOf::kRequest, encryption::KeyUse::kWrite);
  if (!customer) return customer.error();
  if (auto ok = encryption::check_part_key(*sealed, *customer); !ok) return ok.error();
  encryption::Plan plan{std::move(*sealed), std::move(*customer)};
  auto key = encryption::new_data_key(ctx, plan);
  if (!key) return key.error();
  return PartSealing{std::move(plan), std::move(*key)};
}

void add_checksum_header(http::Headers& headers, const body::Ingested& blob) {
  if (blob.checksum_algorithm.empty()) return;
  if (auto alg = crypto::parse_checksum_algorithm(blob.checksum_algorithm)) {
    headers.set(std::string(crypto::checksum_header(*alg)), blob.checksum_value);
  }
}

}  // namespace

core::Result<http::Response> upload_part(Context& ctx, const Operation& op, http::Request& req) {
  auto query = wire::QueryParams::parse(req.raw_query);
  auto number = parse_part_number(query);
  if (!number) return number.error();
  auto ref = require_upload(ctx, op, query);
  if (!ref) return ref.error();
  const store::UploadRecord& upload = ref->upload;

  // Refuse a mismatching checksum before reading a byte of the body.
  auto declared = body::parse_checksum_request(req.headers);
  if (!declared) return declared.error();
  if (auto ok = check_part_algorithm(upload, declared->algorithm); !ok) return ok.error();
  auto sealing = seal_part(ctx, upload, req.headers);
  if (!sealing) return sealing.error();

  auto blob = body::ingest_body(*encryption::sealing_blobs(ctx, sealing->key), req, kMaxPartSize,
                                upload.checksum_algorithm);
  if (!blob) return blob.error();
  auto part = store_part(ctx, upload, *number, *blob, encryption::stored_envelope(sealing->plan, sealing->key));
  if (!part) return part.error();

  http::Response resp;
  resp.headers.set("ETag", part->etag);
  add_checksum_header(resp.headers, *blob);
  encryption::add_response_headers(resp.headers, sealing->plan.envelope, sealing->plan.customer,
                                   encryption::Echo::kRead);
  return resp;
}

core::Result<http::Response> upload_part_copy(Context& ctx, const Operation& op, http::Request& req) {
  auto query = wire::QueryParams::parse(req.raw_query);
  auto number = parse_part_number(query);
  if (!number) return number.error();
  auto ref = require_upload(ctx, op, query);
  if (!ref) return ref.error();
  const store::UploadRecord& upload = ref->upload;

  auto source = parse_copy_source(req.headers.get("x-amz-copy-source").value_or(""));
  if (!source) return source.error();
  auto source_key =
      encryption::parse_customer_key(req.headers, encryption::KeyOf::kCopySource, encryption::KeyUse::kRead);
  if (!source_key) return source_key.error();
  auto sealing = seal_part(ctx, upload, req.headers);
  if (!sealing) return sealing.error();
  auto source_bucket = ctx.meta.find_bucket(source->bucket);
  if (!source_bucket) return no_such_bucket(source->bucket);
  auto object = ctx.meta.find_object(source->bucket, source->key, source->version_id);
  if (!object) {
    if (source->version_id.empty()) return no_such_key(source->bucket, source->key);
    return core::AwsError(kNoSuchVersion, "The specified version does not exist.")
        .with_field("Key", source->key)
        .with_field("VersionId", source->version_id);
  }
  if (object->delete_marker) {
    if (source->version_id.empty()) return no_such_key(source->bucket, source->key);
    return core::AwsError(kInvalidRequest,
                          "The source of a copy request may not specifically refer to a delete marker by version id.");
  }

  auto source_sealed = encryption::from_json(object->encryption);
  if (!source_sealed) return source_sealed.error();
  if (auto ok = encryption::check_read(*source_sealed, *source_key); !ok) return ok.error();

  // Copies answer every failed copy-source condition with 412, including the ones GET answers with 304.
  auto conditions = object::read_conditions(req.headers, "x-amz-copy-source-");
  auto verdict = object::evaluate_conditions(conditions, object->etag, core::from_unix_millis(object->last_modified_ms));
  if (verdict.outcome != object::ConditionOutcome::kProceed) {
    return core::AwsError(kPreconditionFailed, "At least one of the pre-conditions you specified did not hold")
        .with_field("Condition", "x-amz-copy-source-" + verdict.header);
  }

  auto range = resolve_copy_range(req.headers.get("x-amz-copy-source-range"), object->size);
  if (!range) return range.error();
  if (range->length > kMaxPartSize) {
    return core::AwsError(kInvalidRequest,
                          "The specified copy source is larger than the maximum allowable size for a copy source: " +
                              std::to_string(kMaxPartSize));
  }

  // Only the source segments the range touches are unwrapped.
  auto blobs = encryption::sealing_blobs(ctx, sealing->key);
  if (auto ok = encryption::load_read_keys(ctx, *blobs, *object, *source_sealed, *source_key, range->offset,
                                           range->length);
      !ok) {
    return ok.error();
  }
  auto blob = body::copy_range(*blobs, object->segments, range->offset, range->length, upload.checksum_algorithm);
  if (!blob) return blob.error();
  auto part = store_part(ctx, upload, *number, *blob, encryption::stored_envelope(sealing->plan, sealing->key));
  if (!part) return part.error();

  wire::XmlWriter xml;
  xml.open("CopyPartResult", wire::kS3Namespace)
      .element("ETag", part->etag)
      .element("LastModified", core::format_iso8601_ms(core::from_unix_millis(part->last_modified_ms)));
  if (auto alg = upload_algorithm(upload); alg && !part->checksum_value.empty()) {
    xml.element(checksum_element(*alg), part->checksum_value);
  }
  xml.close();
  http::Response resp = xml_response(xml.str());
  if (shows_version_ids(source_bucket->versioning)) {
    resp.headers.set("x-amz-copy-source-version-id", object->version_id);
  }
  encryption::add_response_headers(resp.headers, sealing->plan.envelope, sealing->plan.customer,
                                   encryption::Echo::kRead);
  return resp;
}

}  // namespace podbucket::s3::multipart
