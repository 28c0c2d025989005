// DeleteObjects (POST /bucket?delete): up to 1000 keys per request, each deleted as DeleteObject would.
#include <pugixml.hpp>

#include "core/encoding.h"
#include "crypto/hash.h"
#include "s3/body/body.h"
#include "s3/bucket/bucket.h"
#include "s3/errors.h"
#include "s3/headers.h"
#include "s3/object/delete_one.h"
#include "s3/object/object.h"
#include "wire/xml_writer.h"

namespace podbucket::s3::object {
namespace {

constexpr size_t kMaxObjects = 1000;
constexpr size_t kMaxBodyBytes = 2 * 1024 * 1024;
constexpr size_t kMaxKeyBytes = 1024;

core::AwsError malformed() {
  return core::AwsError(kMalformedXML,
                        "The XML you provided was not well-formed or did not validate against our published schema");
}

struct Entry {
  std::string key;
  std::string version_id;
  // Result:
  std::optional<core::AwsError> error;
  DeleteOutcome outcome;
};

// Content-MD5 / x-amz-checksum-* over the whole (small) body. S3 requires one of them for this operation.
core::Result<void> check_integrity(const http::Headers& headers, const std::string& body) {
  auto declared = body::parse_checksum_request(headers);
  if (!declared) return declared.error();
  auto md5_header = headers.get("content-md5");
  if (!md5_header && declared->algorithm.empty()) {
    return core::AwsError(kInvalidRequest, "Missing required header for this request: Content-MD5");
  }
  if (md5_header) {
    auto want = core::base64_decode(core::trim(*md5_header));
    if (!want || want->size() != 16) {
      return core::AwsError(kInvalidDigest, "The Content-MD5 you specified was invalid.");
    }
    if (crypto::md5(body) != *want) {
      return core::AwsError(kBadDigest, "The Content-MD5 you specified did not match what we received.");
    }
  }
  if (!declared->algorithm.empty() && !declared->value.empty()) {
    auto algorithm = crypto::parse_checksum_algorithm(declared->algorithm);
    if (algorithm) {
      auto hasher = crypto::make_checksum(*algorithm);
      hasher->update(body);
      if (core::base64_encode(hasher->finish()) != declared->value) {
        return core::AwsError(kBadDigest, "The " + declared->algorithm +
                                              " you specified did not match the calculated checksum.");
      }
    }
  }
  return {};
}

core::Result<std::pair<std::vector<Entry>, bool>> parse_delete(const std::string& body) {
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return malformed();
  auto root = doc.document_element();
  if (std::string_view(root.name()) != "Delete") return malformed();
  std::vector<Entry> entries;
  for (auto o : root.children("Object")) {
    auto key = o.child("Key");
    if (!key) return malformed();
    Entry e;
    e.key = key.text().as_string();
    e.version_id = o.child("VersionId").text().as_string();
    entries.push_back(std::move(e));
    if (entries.size() > kMaxObjects) return malformed();
  }
  if (entries.empty()) return malformed();
  bool quiet = core::iequals(core::trim(root.child("Quiet").text().as_string()), "true");
  return std::make_pair(std::move(entries), quiet);
}

std::string render_delete_result(const std::vector<Entry>& entries, bool quiet) {
  wire::XmlWriter w;
  w.open("DeleteResult", wire::kS3Namespace);
  for (const auto& e : entries) {
    if (e.error) {
      w.open("Error").element("Key", e.key);
      if (!e.version_id.empty()) w.element("VersionId", e.version_id);
      w.element("Code", e.error->code()).element("Message", e.error->message()).close();
      continue;
    }
    if (quiet) continue;
    w.open("Deleted").element("Key", e.key);
    if (!e.version_id.empty()) w.element("VersionId", e.version_id);
    if (e.outcome.delete_marker) {
      w.element("DeleteMarker", "true");
      w.element("DeleteMarkerVersionId", e.outcome.version_id.empty() ? e.version_id : e.outcome.version_id);
    }
    w.close();
  }
  w.close();
  return w.str();
}

}  // namespace

core::Result<http::Response> delete_objects(Context& ctx, const Operation& op, http::Request& req) {
  auto bucket = bucket::require_bucket(ctx, op.bucket);
  if (!bucket) return bucket.error();
  auto body = http::read_all(*req.body, kMaxBodyBytes);
  if (!body) return malformed();
  if (auto ok = check_integrity(req.headers, *body); !ok) return ok.error();
  auto parsed = parse_delete(*body);
  if (!parsed) return parsed.error();
  auto& [entries, quiet] = *parsed;

  for (auto& e : entries) {
    if (e.key.empty() || e.key.size() > kMaxKeyBytes || !core::is_valid_utf8(e.key)) {
      e.error = core::AwsError(e.key.size() > kMaxKeyBytes ? kKeyTooLongError : kInvalidArgument,
                               e.key.size() > kMaxKeyBytes ? "Your key is too long" : "Invalid key");
      continue;
    }
    // AWS answers a malformed VersionId here with a per-key NoSuchVersion (DeleteObject says InvalidArgument);
    // a well-formed VersionId that names no version is <Deleted>, as for a missing key. An empty one means none.
    if (!e.version_id.empty() && !is_valid_version_id(e.version_id)) {
      e.error = no_such_version(op.bucket, e.key, e.version_id);
      continue;
    }
    if (ctx.authorize) {
      // Each key is authorized on its own; a denied key is a per-key AccessDenied in a 200 response.
      std::string resource = "arn:aws:s3:::" + op.bucket + "/" + e.key;
      std::string_view action = e.version_id.empty() ? "s3:DeleteObject" : "s3:DeleteObjectVersion";
      if (auto ok = ctx.authorize(action, resource, op.bucket); !ok) {
        e.error = core::AwsError(core::kAccessDenied, "Access Denied");
        continue;
      }
    }
    auto outcome = delete_one(ctx, *bucket, e.key, e.version_id);
    if (!outcome) {
      e.error = outcome.error();
    } else {
      e.outcome = *outcome;
    }
  }
  return xml_response(render_delete_result(entries, quiet));
}

}  // namespace podbucket::s3::object
