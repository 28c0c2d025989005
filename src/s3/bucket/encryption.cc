#include "s3/bucket/encryption.h"

#include <pugixml.hpp>

#include <vector>

#include "core/encoding.h"
#include "s3/bucket/bucket.h"
#include "s3/encryption/errors.h"
#include "s3/errors.h"
#include "s3/headers.h"
#include "wire/xml_writer.h"

namespace podbucket::s3::bucket {
namespace {

constexpr size_t kMaxBodyBytes = 64 * 1024;

core::AwsError malformed() {
  return core::AwsError(kMalformedXML,
                        "The XML you provided was not well-formed or did not validate against our published schema");
}

std::string_view local_name(const pugi::xml_node& node) {
  std::string_view name = node.name();
  size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

/// The element children of `node` named `name` (namespace prefixes ignored).
std::vector<pugi::xml_node> children(const pugi::xml_node& node, std::string_view name) {
  std::vector<pugi::xml_node> out;
  for (pugi::xml_node c : node.children()) {
    if (c.type() == pugi::node_element && local_name(c) == name) out.push_back(c);
  }
  return out;
}

std::string_view text(const pugi::xml_node& node) { return core::trim(node.text().get()); }

}  // namespace

core::Result<encryption::BucketDefault> parse_encryption_configuration(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return malformed();
  pugi::xml_node root = doc.document_element();
  if (local_name(root) != "ServerSideEncryptionConfiguration") return malformed();
  auto rules = children(root, "Rule");
  if (rules.size() != 1) return malformed();
  const pugi::xml_node rule = rules[0];

  encryption::BucketDefault out;
  out.configured = true;
  auto defaults = children(rule, "ApplyServerSideEncryptionByDefault");
  auto blocked = children(rule, "BlockedEncryptionTypes");
  if (defaults.size() > 1 || blocked.size() > 1 || (defaults.empty() && blocked.empty())) return malformed();
  if (!defaults.empty()) {
    auto algorithm = children(defaults[0], "SSEAlgorithm");
    auto key = children(defaults[0], "KMSMasterKeyID");
    if (algorithm.size() != 1 || key.size() > 1) return malformed();
    std::string_view alg = text(algorithm[0]);
    if (alg == "aws:kms:dsse") {
      return core::AwsError(kNotImplemented,
                            "Dual-layer server-side encryption (aws:kms:dsse) is not implemented by this server.");
    }
    if (alg != "AES256" && alg != "aws:kms") return malformed();
    out.algorithm = std::string(alg);
    if (!key.empty()) {
      if (alg != "aws:kms") {
        return encryption::invalid_argument(
            "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse",
            "ApplyServerSideEncryptionByDefault", "null");
      }
      out.kms_key_id = std::string(text(key[0]));
    }
  }
  if (auto bke = children(rule, "BucketKeyEnabled"); !bke.empty()) {
    std::string_view v = text(bke[0]);
    if (bke.size() > 1 || (v != "true" && v != "false")) return malformed();
    out.bucket_key = v == "true";
  }
  if (!blocked.empty()) {
    for (const auto& type : children(blocked[0], "EncryptionType")) {
      std::string_view v = text(type);
      if (v != "NONE" && v != "SSE-C") return malformed();
      out.blocked.emplace_back(v);
    }
    if (out.blocked.empty()) return malformed();
  }
  return out;
}

std::string render_encryption_configuration(const encryption::BucketDefault& config) {
  wire::XmlWriter w;
  w.open("ServerSideEncryptionConfiguration", wire::kS3Namespace).open("Rule");
  w.open("ApplyServerSideEncryptionByDefault").element("SSEAlgorithm", config.algorithm);
  if (!config.kms_key_id.empty()) w.element("KMSMasterKeyID", config.kms_key_id);
  w.close();
  w.element("BucketKeyEnabled", config.bucket_key ? "true" : "false");
  if (!config.blocked.empty()) {
    w.open("BlockedEncryptionTypes");
    for (const auto& t : config.blocked) w.element("EncryptionType", t);
    w.close();
  }
  w.close().close();
  return w.str();
}

core::Result<http::Response> get_bucket_encryption(Context& ctx, const Operation& op, http::Request&) {
  auto b = require_bucket(ctx, op.bucket);
  if (!b) return b.error();
  return xml_response(render_encryption_configuration(encryption::load_bucket_default(ctx.meta, op.bucket)));
}

core::Result<http::Response> put_bucket_encryption(Context& ctx, const Operation& op, http::Request& req) {
  auto b = require_bucket(ctx, op.bucket);
  if (!b) return b.error();
  auto body = http::read_all(*req.body, kMaxBodyBytes);
  if (!body) return malformed();
  auto config = parse_encryption_configuration(*body);
  if (!config) return config.error();
  if (!ctx.meta.put_bucket_config(op.bucket, encryption::kBucketConfigKind, encryption::to_json(*config))) {
    return no_such_bucket(op.bucket);
  }
  return http::Response{};
}

core::Result<http::Response> delete_bucket_encryption(Context& ctx, const Operation& op, http::Request&) {
  auto b = require_bucket(ctx, op.bucket);
  if (!b) return b.error();
  ctx.meta.delete_bucket_config(op.bucket, encryption::kBucketConfigKind);
  http::Response r;
  r.status = 204;
  return r;
}

}  // namespace podbucket::s3::bucket
