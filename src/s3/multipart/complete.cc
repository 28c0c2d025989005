// CompleteMultipartUpload (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html).
// AWS may answer late failures with 200 and an <Error> body; podbucket checks everything before the commit and
// answers failures with their own status instead, which every SDK handles.
#include <map>

#include "core/encoding.h"
#include "core/time_format.h"
#include "s3/encryption/data_keys.h"
#include "s3/encryption/response.h"
#include "s3/errors.h"
#include "s3/headers.h"
#include "s3/multipart/assemble.h"
#include "s3/multipart/common.h"
#include "s3/multipart/multipart.h"

namespace podbucket::s3::multipart {
namespace {

constexpr size_t kMaxRequestBytes = 16 << 20;  // 10000 parts with SHA-256 checksums fit in ~2 MiB
/// How often Complete lists the parts and commits when UploadParts keep replacing listed parts meanwhile.
constexpr int kCompleteAttempts = 3;

/// Every stored part of the upload, ascending.
std::vector<store::PartRecord> all_parts(store::Metadata& meta, const std::string& upload_id) {
  std::vector<store::PartRecord> out;
  int after = 0;
  for (;;) {
    auto page = meta.list_parts(upload_id, after, 1000);
    if (page.empty()) return out;
    after = page.back().part_number;
    out.insert(out.end(), std::make_move_iterator(page.begin()), std::make_move_iterator(page.end()));
    if (page.size() < 1000) return out;
  }
}

/// The request body, verified against Content-MD5 when sent. Errors: MalformedXML (too large), InvalidDigest,
/// BadDigest, and what the body source throws.
core::Result<std::string> read_request(http::Request& req) {
  std::optional<std::string> text;
  try {
    text = http::read_all(*req.body, kMaxRequestBytes);
  } catch (const core::AwsException& e) {
    return e.error();
  }
  if (!text) return core::AwsError(kMalformedXML, "The XML you provided was too large");
  if (auto md5 = req.headers.get("content-md5")) {
    auto sent = core::base64_decode(core::trim(*md5));
    if (!sent || sent->size() != 16) return core::AwsError(kInvalidDigest, "The Content-MD5 you specified was not valid.");
    if (*sent != crypto::md5(*text)) {
      return core::AwsError(kBadDigest, "The Content-MD5 you specified did not match what we received.");
    }
  }
  return std::move(*text);
}

/// The whole-object checksum headers a client may send with Complete must agree with the upload and with the
/// assembled value. Errors: InvalidRequest, BadDigest.
core::Result<void> check_object_checksum(const http::Headers& headers, const store::UploadRecord& upload,
                                         const Assembly& assembly) {
  if (auto type = headers.get("x-amz-checksum-type");
      type && !upload.checksum_type.empty() && !core::iequals(core::trim(*type), upload.checksum_type)) {
    return core::AwsError(kInvalidRequest, "The upload was created using the " + upload.checksum_type +
                                               " checksum mode. The complete request must use the same checksum "
                                               "mode.");
  }
  for (auto alg : {crypto::ChecksumAlgorithm::kCRC32, crypto::ChecksumAlgorithm::kCRC32C,
                   crypto::ChecksumAlgorithm::kCRC64NVME, crypto::ChecksumAlgorithm::kSHA1,
                   crypto::ChecksumAlgorithm::kSHA256}) {
    auto sent = headers.get(crypto::checksum_header(alg));
    if (!sent) continue;
    std::string_view name = crypto::checksum_name(alg);
    if (upload.checksum_algorithm.empty() || !core::iequals(name, upload.checksum_algorithm)) {
      return core::AwsError(kInvalidRequest, "The upload was created using " +
                                                 (upload.checksum_algorithm.empty()
                                                      ? std::string("no")
                                                      : "a " + core::to_lower(upload.checksum_algorithm)) +
                                                 " checksum. The complete request must use the same checksum.");
    }
    // A composite value may be sent with or without its "-N" suffix.
    std::string_view want = assembly.checksum_value;
    std::string_view got = core::trim(*sent);
    if (size_t dash = want.find('-'); dash != std::string_view::npos && got.find('-') == std::string_view::npos) {
      want = want.substr(0, dash);
    }
    if (!assembly.checksum_value.empty() && got != want) {
      return core::AwsError(kBadDigest,
                            "The " + std::string(name) + " you specified did not match the calculated checksum.");
    }
  }
  return {};
}

/// Where the object can be fetched: virtual-host or path style, as the client addressed us.
std::string location(const Context& ctx, const http::Request& req, const Operation& op) {
  std::string host(req.headers.get("host").value_or(""));
  std::string scheme = req.secure ? "https://" : "http://";
  std::string key = core::uri_encode(op.key, /*encode_slash=*/false);
  std::string host_no_port = host.substr(0, host.rfind(':') == std::string::npos ? host.size() : host.rfind(':'));
  if (!ctx.config.domain.empty() && core::iequals(host_no_port, op.bucket + "." + ctx.config.domain)) {
    return scheme + host + "/" + key;
  }
  return scheme + host + "/" + op.bucket + "/" + key;
}

/// The success response for a completed object.
http::Response completed_response(const Context& ctx, const http::Request& req, const Operation& op,
                                  const store::ObjectRecord& object, store::Versioning versioning) {
  wire::XmlWriter xml;
  xml.open("CompleteMultipartUploadResult", wire::kS3Namespace)
      .element("Location", location(ctx, req, op))
      .element("Bucket", op.bucket)
      .element("Key", op.key)
      .element("ETag", object.etag);
  if (auto alg = crypto::parse_checksum_algorithm(object.checksum_algorithm); alg && !object.checksum_value.empty()) {
    xml.element(checksum_element(*alg), object.checksum_value).element("ChecksumType", object.checksum_type);
  }
  xml.close();
  http::Response resp = xml_response(xml.str());
  if (shows_version_ids(versioning)) resp.headers.set("x-amz-version-id", object.version_id);
  if (auto sealed = encryption::from_json(object.encryption)) {
    encryption::add_response_headers(resp.headers, *sealed, std::nullopt, encryption::Echo::kComplete);
  }
  return resp;
}

/// The completed object's encryption: the upload's, with the wrapped data key of each part it is made of, in
/// segment order. Errors: InternalError (a part sealed differently from its upload).
core::Result<std::string> object_encryption(const store::UploadRecord& upload,
                                            const std::vector<store::Segment>& segments,
                                            const std::vector<store::PartRecord>& stored) {
  std::map<std::string_view, const std::string*> by_blob;
  for (const auto& p : stored) by_blob[p.blob_id] = &p.encryption;
  std::vector<std::string> parts;
  parts.reserve(segments.size());
  for (const auto& seg : segments) {
    auto it = by_blob.find(seg.blob_id);
    parts.push_back(it == by_blob.end() ? std::string() : *it->second);
  }
  return encryption::assemble_envelope(upload.encryption, parts);
}

/// An SDK retrying a Complete whose first answer it never received finds the upload gone. Like S3, answer
/// success again when the key's current object was made from exactly the listed parts; otherwise NoSuchUpload.
core::Result<http::Response> retried_complete(Context& ctx, const Operation& op, http::Request& req,
                                              const std::string& upload_id) {
  auto bucket = ctx.meta.find_bucket(op.bucket);
  if (!bucket) return no_such_bucket(op.bucket);
  auto body = read_request(req);
  if (!body) return no_such_upload(upload_id);
  auto listed = parse_complete_request(*body);
  auto object = ctx.meta.find_object(op.bucket, op.key);
  if (!listed || !object || object->delete_marker || object->parts.size() != listed->size()) {
    return no_such_upload(upload_id);
  }
  for (size_t i = 0; i < listed->size(); ++i) {
    const auto& want = (*listed)[i];
    const auto& have = object->parts[i];
    if (want.part_number != have.part_number || unquote_etag(want.etag) != unquote_etag(have.etag)) {
      return no_such_upload(upload_id);
    }
  }
  return completed_response(ctx, req, op, *object, bucket->versioning);
}

}  // namespace

core::Result<http::Response> complete_multipart_upload(Context& ctx, const Operation& op, http::Request& req) {
  auto query = wire::QueryParams::parse(req.raw_query);
  auto ref = require_upload(ctx, op, query);
  if (!ref) {
    if (!ref.error().is(kNoSuchUpload)) return ref.error();
    return retried_complete(ctx, op, req, std::string(query.get("uploadId").value_or("")));
  }
  const store::UploadRecord& upload = ref->upload;

  store::PutOptions options;
  options.versioning = ref->bucket.versioning;
  if (auto inm = req.headers.get("if-none-match")) {
    if (core::trim(*inm) != "*") {
      return core::AwsError(kNotImplemented, "A header you provided implies functionality that is not implemented")
          .with_field("Header", "If-None-Match");
    }
    options.if_none_match_star = true;
  }
  if (auto im = req.headers.get("if-match")) options.if_match_etag = std::string(core::trim(*im));

  auto body = read_request(req);
  if (!body) return body.error();
  auto listed = parse_complete_request(*body);
  if (!listed) return listed.error();
  // The object is assembled from a listing of the parts; an UploadPart that replaces one of them before the
  // commit makes the store refuse (kPartsChanged) rather than point the object at the replaced, deleted blob.
  // Then list and assemble again: the new part either still matches the request's ETag or fails as InvalidPart.
  store::ObjectRecord object;
  std::optional<store::Metadata::CompleteOutcome> outcome;
  const std::string version_id = new_version_id(ctx, ref->bucket.versioning);
  for (int attempt = 1;; ++attempt) {
    const auto stored = all_parts(ctx.meta, upload.upload_id);
    auto assembly = assemble(*listed, stored, upload, kMinPartSize);
    if (!assembly) return assembly.error();
    auto sealed = object_encryption(upload, assembly->segments, stored);
    if (!sealed) return sealed.error();
    if (auto ok = check_object_checksum(req.headers, upload, *assembly); !ok) return ok.error();

    object = store::ObjectRecord{};
    object.bucket = op.bucket;
    object.key = op.key;
    object.version_id = version_id;
    object.last_modified_ms = core::to_unix_millis(ctx.clock.now());
    object.size = assembly->size;
    object.etag = assembly->etag;
    object.storage_class = upload.storage_class;
    object.headers = upload.headers;
    object.checksum_algorithm = assembly->checksum_algorithm;
    object.checksum_value = assembly->checksum_value;
    object.checksum_type = assembly->checksum_type;
    object.segments = assembly->segments;
    object.parts = assembly->parts;
    object.tags = upload.tags;
    object.encryption = std::move(*sealed);

    outcome = ctx.meta.complete_upload(upload.upload_id, object, options);
    if (!outcome) return no_such_upload(upload.upload_id);
    if (outcome->status != store::Metadata::CompleteStatus::kPartsChanged) break;
    if (attempt == kCompleteAttempts) {
      return core::AwsError(kInvalidPart,
                            "One or more of the specified parts could not be found.  The part may not have been "
                            "uploaded, or the specified entity tag may not match the part's entity tag.")
          .with_field("UploadId", upload.upload_id);
    }
  }
  switch (outcome->put.status) {
    case store::PutStatus::kStored:
      break;
    case store::PutStatus::kPreconditionFailed:
      return core::AwsError(kPreconditionFailed, "At least one of the pre-conditions you specified did not hold")
          .with_field("Condition", options.if_none_match_star ? "If-None-Match" : "If-Match");
    case store::PutStatus::kNoSuchBucket:
      return no_such_bucket(op.bucket);
  }
  for (const auto& part : outcome->unused_parts) remove_blob(ctx.blobs, part.blob_id);
  remove_blobs(ctx.blobs, outcome->put.replaced);

  return completed_response(ctx, req, op, object, ref->bucket.versioning);
}

}  // namespace podbucket::s3::multipart
