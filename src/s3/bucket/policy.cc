#include "s3/bucket/policy.h"

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "core/encoding.h"
#include "policy/policy.h"
#include "s3/bucket/bucket.h"
#include "s3/errors.h"
#include "s3/headers.h"
#include "wire/xml_writer.h"

namespace podbucket::s3::bucket {
namespace {

constexpr size_t kMaxPolicyBytes = 20 * 1024;  // S3's bucket policy size limit
constexpr size_t kMaxXmlBytes = 64 * 1024;

constexpr core::ErrorCode kMalformedPolicy{"MalformedPolicy", 400};
constexpr core::ErrorCode kNoSuchBucketPolicy{"NoSuchBucketPolicy", 404};
constexpr core::ErrorCode kNoSuchPublicAccessBlockConfiguration{"NoSuchPublicAccessBlockConfiguration", 404};

core::AwsError malformed_xml() {
  return core::AwsError(kMalformedXML,
                        "The XML you provided was not well-formed or did not validate against our published schema");
}

std::vector<const nlohmann::json*> as_list(const nlohmann::json& v) {
  std::vector<const nlohmann::json*> out;
  if (v.is_array()) {
    for (const auto& e : v) out.push_back(&e);
  } else if (!v.is_null()) {
    out.push_back(&v);
  }
  return out;
}

bool is_wildcard_principal(const nlohmann::json& statement) {
  if (!statement.contains("Principal")) return false;
  const auto& p = statement["Principal"];
  if (p.is_string()) return p == "*";
  if (!p.is_object()) return false;
  for (auto it = p.begin(); it != p.end(); ++it) {
    for (const auto* v : as_list(it.value()))
      if (v->is_string() && v->get<std::string>().find('*') != std::string::npos) return true;
  }
  return false;
}

// An aws:SourceIp range counts as narrow when every CIDR is at least /8 (IPv4) or /32 (IPv6).
bool narrow_cidrs(const nlohmann::json& values) {
  for (const auto* v : as_list(values)) {
    if (!v->is_string()) return false;
    std::string cidr = v->get<std::string>();
    auto slash = cidr.find('/');
    if (slash == std::string::npos) continue;
    int bits = std::atoi(cidr.c_str() + slash + 1);
    bool v6 = cidr.find(':') != std::string::npos;
    if (bits < (v6 ? 32 : 8)) return false;
  }
  return true;
}

bool has_fixed_value(const nlohmann::json& values) {
  for (const auto* v : as_list(values)) {
    if (!v->is_string()) continue;
    const auto& s = v->get_ref<const std::string&>();
    if (s.find('*') != std::string::npos || s.find('?') != std::string::npos) return false;
  }
  return !as_list(values).empty();
}

// Whether the statement's conditions pin it to a fixed, non-public audience.
bool pinned_by_condition(const nlohmann::json& statement) {
  static const char* kPinningKeys[] = {"aws:sourcearn",      "aws:sourcevpc",       "aws:sourcevpce",
                                       "aws:sourceowner",    "aws:sourceaccount",   "aws:principalaccount",
                                       "aws:principalorgid", "aws:userid",
                                       "s3:x-amz-server-side-encryption-aws-kms-key-id"};
  if (!statement.contains("Condition") || !statement["Condition"].is_object()) return false;
  for (auto op = statement["Condition"].begin(); op != statement["Condition"].end(); ++op) {
    std::string name = op.key();
    bool positive = name.rfind("String", 0) == 0 ? name.find("Not") == std::string::npos
                                                 : name.rfind("Arn", 0) == 0 ? name.find("Not") == std::string::npos
                                                                             : name == "IpAddress";
    if (!positive || name.find("IfExists") != std::string::npos || !op.value().is_object()) continue;
    for (auto kv = op.value().begin(); kv != op.value().end(); ++kv) {
      std::string key = core::to_lower(kv.key());
      if (key == "aws:sourceip" && name == "IpAddress" && narrow_cidrs(kv.value())) return true;
      for (const char* pin : kPinningKeys)
        if (key == pin && has_fixed_value(kv.value())) return true;
    }
  }
  return false;
}

// Every Resource of the policy must name this bucket or its objects.
bool resources_in_bucket(const nlohmann::json& doc, std::string_view bucket) {
  std::string bucket_arn = "arn:aws:s3:::" + std::string(bucket);
  const nlohmann::json statements = doc.value("Statement", nlohmann::json());  // keep alive across the loop
  for (const auto* st : as_list(statements)) {
    for (const char* field : {"Resource", "NotResource"}) {
      if (!st->contains(field)) continue;
      for (const auto* r : as_list((*st)[field])) {
        if (!r->is_string()) return false;
        const auto& arn = r->get_ref<const std::string&>();
        if (arn == "*") continue;
        if (arn.compare(0, bucket_arn.size(), bucket_arn) != 0) return false;
        std::string_view rest = std::string_view(arn).substr(bucket_arn.size());
        if (!rest.empty() && rest.front() != '/' && rest.front() != '*') return false;
      }
    }
  }
  return true;
}

http::Response no_content() {
  http::Response r;
  r.status = 204;
  return r;
}

}  // namespace

bool is_public_policy(std::string_view json) {
  auto doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return false;
  const nlohmann::json statements = doc.value("Statement", nlohmann::json());  // keep alive across the loop
  for (const auto* st : as_list(statements)) {
    if (!st->is_object() || st->value("Effect", "") != "Allow") continue;
    if (is_wildcard_principal(*st) && !pinned_by_condition(*st)) return true;
  }
  return false;
}

core::Result<PublicAccessBlock> parse_public_access_block(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return malformed_xml();
  auto root = doc.document_element();
  if (std::string_view(root.name()) != "PublicAccessBlockConfiguration") return malformed_xml();
  auto flag = [&](const char* name) -> std::optional<bool> {
    auto node = root.child(name);
    if (!node) return false;
    std::string_view v = node.child_value();
    if (v == "true" || v == "TRUE" || v == "True") return true;
    if (v == "false" || v == "FALSE" || v == "False") return false;
    return std::nullopt;
  };
  auto a = flag("BlockPublicAcls"), b = flag("IgnorePublicAcls"), c = flag("BlockPublicPolicy"),
       d = flag("RestrictPublicBuckets");
  if (!a || !b || !c || !d) return malformed_xml();
  return PublicAccessBlock{*a, *b, *c, *d};
}

std::string render_public_access_block(const PublicAccessBlock& pab) {
  wire::XmlWriter w;
  w.open("PublicAccessBlockConfiguration", wire::kS3Namespace);
  w.element("BlockPublicAcls", pab.block_public_acls ? "true" : "false");
  w.element("IgnorePublicAcls", pab.ignore_public_acls ? "true" : "false");
  w.element("BlockPublicPolicy", pab.block_public_policy ? "true" : "false");
  w.element("RestrictPublicBuckets", pab.restrict_public_buckets ? "true" : "false");
  w.close();
  return w.str();
}

std::optional<PublicAccessBlock> load_public_access_block(Context& ctx, std::string_view bucket) {
  return load_public_access_block_of(ctx.meta, bucket);
}

std::optional<PublicAccessBlock> load_public_access_block_of(store::Metadata& meta, std::string_view bucket) {
  auto doc = meta.get_bucket_config(bucket, kPublicAccessBlockConfig);
  if (!doc) return std::nullopt;
  auto pab = parse_public_access_block(*doc);
  if (!pab) return PublicAccessBlock::all_on();  // unreadable: fail closed
  return *pab;
}

core::Result<http::Response> get_bucket_policy(Context& ctx, const Operation& op, http::Request&) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  auto doc = ctx.meta.get_bucket_config(op.bucket, kPolicyConfig);
  if (!doc) return core::AwsError(kNoSuchBucketPolicy, "The bucket policy does not exist", op.bucket);
  http::Response r;
  r.headers.set("Content-Type", "application/json");
  r.body = *doc;
  return r;
}

core::Result<http::Response> put_bucket_policy(Context& ctx, const Operation& op, http::Request& req) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  auto body = http::read_all(*req.body, kMaxPolicyBytes);
  if (!body) return core::AwsError(kMalformedPolicy, "Policies must be less than 20 KB");
  auto parsed = policy::parse_resource_policy(*body, kMalformedPolicy);
  if (!parsed) return parsed.error();
  auto json = nlohmann::json::parse(*body, nullptr, false);
  if (json.is_discarded() || !resources_in_bucket(json, op.bucket)) {
    return core::AwsError(kMalformedPolicy, "Policy has invalid resource");
  }
  if (auto pab = load_public_access_block(ctx, op.bucket); pab && pab->block_public_policy && is_public_policy(*body)) {
    return core::AwsError(core::kAccessDenied,
                          "User is not authorized to perform this action: the bucket's BlockPublicPolicy setting "
                          "refuses public bucket policies");
  }
  if (!ctx.meta.put_bucket_config(op.bucket, kPolicyConfig, *body)) return no_such_bucket(op.bucket);
  return no_content();
}

core::Result<http::Response> delete_bucket_policy(Context& ctx, const Operation& op, http::Request&) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  ctx.meta.delete_bucket_config(op.bucket, kPolicyConfig);
  return no_content();
}

core::Result<http::Response> get_bucket_policy_status(Context& ctx, const Operation& op, http::Request&) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  auto doc = ctx.meta.get_bucket_config(op.bucket, kPolicyConfig);
  if (!doc) return core::AwsError(kNoSuchBucketPolicy, "The bucket policy does not exist", op.bucket);
  wire::XmlWriter w;
  w.open("PolicyStatus", wire::kS3Namespace);
  w.element("IsPublic", is_public_policy(*doc) ? "true" : "false");
  w.close();
  return xml_response(w.str());
}

core::Result<http::Response> get_public_access_block(Context& ctx, const Operation& op, http::Request&) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  auto pab = load_public_access_block(ctx, op.bucket);
  if (!pab) {
    return core::AwsError(kNoSuchPublicAccessBlockConfiguration,
                          "The public access block configuration was not found", op.bucket)
        .with_field("BucketName", op.bucket);
  }
  return xml_response(render_public_access_block(*pab));
}

core::Result<http::Response> put_public_access_block(Context& ctx, const Operation& op, http::Request& req) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  auto body = http::read_all(*req.body, kMaxXmlBytes);
  if (!body) return malformed_xml();
  auto pab = parse_public_access_block(*body);
  if (!pab) return pab.error();
  if (!ctx.meta.put_bucket_config(op.bucket, kPublicAccessBlockConfig, render_public_access_block(*pab))) {
    return no_such_bucket(op.bucket);
  }
  return http::Response{};
}

core::Result<http::Response> delete_public_access_block(Context& ctx, const Operation& op, http::Request&) {
  if (auto b = require_bucket(ctx, op.bucket); !b) return b.error();
  ctx.meta.delete_bucket_config(op.bucket, kPublicAccessBlockConfig);
  return no_content();
}

}  // namespace podbucket::s3::bucket
