// ListBuckets, CreateBucket, DeleteBucket, HeadBucket, GetBucketLocation.
#include <algorithm>
#include <array>

#include <pugixml.hpp>

#include "core/encoding.h"
#include "core/time_format.h"
#include "s3/bucket/bucket.h"
#include "s3/bucket/policy.h"
#include "s3/errors.h"
#include "s3/headers.h"
#include "wire/query.h"
#include "wire/xml_writer.h"

namespace podbucket::s3::bucket {
namespace {

constexpr std::string_view kUsEast1 = "us-east-1";
constexpr size_t kMaxConfigurationBody = 64 * 1024;
constexpr std::string_view kMalformedXmlMessage =
    "The XML you provided was not well-formed or did not validate against our published schema";

// Regions a LocationConstraint may name ("EU" is the legacy alias of eu-west-1).
constexpr std::array<std::string_view, 36> kKnownRegions = {
    "af-south-1",     "ap-east-1",      "ap-east-2",      "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ap-south-1",     "ap-south-2",     "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
    "ap-southeast-5", "ap-southeast-7", "ca-central-1",   "ca-west-1",      "cn-north-1",     "cn-northwest-1",
    "eu-central-1",   "eu-central-2",   "eu-north-1",     "eu-south-1",     "eu-south-2",     "eu-west-1",
    "eu-west-2",      "eu-west-3",      "il-central-1",   "me-central-1",   "me-south-1",     "mx-central-1",
    "sa-east-1",      "us-east-2",      "us-west-1",      "us-west-2",      "us-gov-west-1",  "EU"};

// Canned ACLs a bucket with ObjectOwnership=BucketOwnerEnforced (the default since April 2023) accepts.
bool acl_allowed(const http::Request& req) {
  if (auto acl = req.headers.get("x-amz-acl")) {
    if (*acl != "private" && *acl != "bucket-owner-full-control") return false;
  }
  for (std::string_view g : {"x-amz-grant-full-control", "x-amz-grant-read", "x-amz-grant-read-acp",
                             "x-amz-grant-write", "x-amz-grant-write-acp"}) {
    if (req.headers.has(g)) return false;
  }
  return true;
}

core::Result<std::string> read_location_constraint(http::Request& req) {
  auto body = http::read_all(*req.body, kMaxConfigurationBody);
  if (!body) return core::AwsError(kMalformedXML, std::string(kMalformedXmlMessage));
  if (body->find_first_not_of(" \t\r\n") == std::string::npos) return std::string();
  pugi::xml_document doc;
  if (!doc.load_buffer(body->data(), body->size())) {
    return core::AwsError(kMalformedXML, std::string(kMalformedXmlMessage));
  }
  auto root = doc.document_element();
  if (std::string_view(root.name()) != "CreateBucketConfiguration") {
    return core::AwsError(kMalformedXML, std::string(kMalformedXmlMessage));
  }
  return std::string(root.child("LocationConstraint").text().as_string());
}

}  // namespace

core::Result<void> check_location_constraint(std::string_view constraint, std::string_view server_region) {
  if (constraint.empty()) {
    if (server_region == kUsEast1) return {};
    return core::AwsError(kIllegalLocationConstraintException,
                          "The unspecified location constraint is incompatible for the region specific endpoint "
                          "this request was sent to.");
  }
  if (constraint == server_region && server_region != kUsEast1) return {};
  bool known = std::find(kKnownRegions.begin(), kKnownRegions.end(), constraint) != kKnownRegions.end();
  if (!known || constraint == kUsEast1) {
    return core::AwsError(kInvalidLocationConstraint, "The specified location-constraint is not valid")
        .with_field("LocationConstraint", std::string(constraint));
  }
  if (constraint == "EU" && server_region == "eu-west-1") return {};
  return core::AwsError(kIllegalLocationConstraintException,
                        "The " + std::string(constraint) +
                            " location constraint is incompatible for the region specific endpoint this request "
                            "was sent to.");
}

core::Result<store::BucketRecord> require_bucket(Context& ctx, std::string_view name) {
  auto b = ctx.meta.find_bucket(name);
  if (!b) return no_such_bucket(name);
  return *std::move(b);
}

std::string render_list_buckets(std::string_view owner_id, const std::vector<store::BucketRecord>& buckets,
                                std::string_view next_token, const std::string* prefix) {
  wire::XmlWriter w;
  w.open("ListAllMyBucketsResult", wire::kS3Namespace);
  w.open("Owner").element("ID", owner_id).element("DisplayName", owner_id).close();
  w.open("Buckets");
  for (const auto& b : buckets) {
    w.open("Bucket")
        .element("Name", b.name)
        .element("CreationDate", core::format_iso8601_ms(core::from_unix_millis(b.created_ms)))
        .element("BucketRegion", b.region)
        .close();
  }
  w.close();
  if (!next_token.empty()) w.element("ContinuationToken", next_token);
  if (prefix) w.element("Prefix", *prefix);
  w.close();
  return w.str();
}

std::string render_location(std::string_view region) {
  std::string out = wire::XmlWriter().str();  // the XML declaration
  out += "<LocationConstraint xmlns=\"";
  out += wire::kS3Namespace;
  if (region == kUsEast1) return out + "\"/>";
  out += "\">" + wire::xml_escape(region) + "</LocationConstraint>";
  return out;
}

core::Result<http::Response> list_buckets(Context& ctx, const Operation&, http::Request& req) {
  auto q = wire::QueryParams::parse(req.raw_query);
  long long max_buckets = 10000;
  if (auto mb = q.get("max-buckets"); mb && !parse_int(*mb, 1, 10000, max_buckets)) {
    return core::AwsError(kInvalidArgument, "Argument max-buckets must be an integer between 1 and 10000.")
        .with_field("ArgumentName", "max-buckets")
        .with_field("ArgumentValue", std::string(*mb));
  }
  std::string after;
  if (auto token = q.get("continuation-token")) {
    auto decoded = core::base64url_decode(*token);
    if (!decoded) {
      return core::AwsError(kInvalidArgument, "The continuation token provided is incorrect")
          .with_field("ArgumentName", "continuation-token");
    }
    after = *decoded;
  }
  std::optional<std::string> prefix;
  if (auto p = q.get("prefix")) prefix = std::string(*p);

  std::string owner = owner_id(ctx);
  std::vector<store::BucketRecord> mine;
  std::string next_token;
  for (auto& b : ctx.meta.list_buckets()) {
    if (b.owner_id != owner || b.name <= after) continue;
    if (prefix && b.name.compare(0, prefix->size(), *prefix) != 0) continue;
    if (mine.size() == static_cast<size_t>(max_buckets)) {
      next_token = core::base64url_encode(mine.back().name);
      break;
    }
    mine.push_back(std::move(b));
  }
  return xml_response(render_list_buckets(owner, mine, next_token, prefix ? &*prefix : nullptr));
}

core::Result<http::Response> create_bucket(Context& ctx, const Operation& op, http::Request& req) {
  if (auto ok = validate_bucket_name(op.bucket); !ok) return ok.error();
  if (!acl_allowed(req)) {
    return core::AwsError(kInvalidBucketAclWithObjectOwnership,
                          "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting");
  }
  auto constraint = read_location_constraint(req);
  if (!constraint) return constraint.error();
  if (auto ok = check_location_constraint(*constraint, ctx.config.region); !ok) return ok.error();

  store::BucketRecord record;
  record.name = op.bucket;
  record.region = ctx.config.region;
  record.created_ms = core::to_unix_millis(ctx.clock.now());
  record.owner_id = owner_id(ctx);
  if (ctx.meta.create_bucket(record) == store::CreateOutcome::kCreated) {
    // New buckets block public access, as S3 does since April 2023.
    ctx.meta.put_bucket_config(op.bucket, kPublicAccessBlockConfig,
                               render_public_access_block(PublicAccessBlock::all_on()));
  } else {
    auto existing = ctx.meta.find_bucket(op.bucket);
    bool ours = existing && existing->owner_id == record.owner_id;
    if (!ours) {
      return core::AwsError(kBucketAlreadyExists,
                            "The requested bucket name is not available. The bucket namespace is shared by all "
                            "users of the system. Please select a different name and try again.",
                            "/" + op.bucket)
          .with_field("BucketName", op.bucket);
    }
    // AWS: in us-east-1 re-creating an own bucket answers 200 (legacy compatibility); elsewhere 409.
    if (ctx.config.region != kUsEast1) {
      return core::AwsError(kBucketAlreadyOwnedByYou,
                            "Your previous request to create the named bucket succeeded and you already own it.",
                            "/" + op.bucket)
          .with_field("BucketName", op.bucket);
    }
  }
  http::Response r;
  r.headers.set("Location", "/" + op.bucket);
  return r;
}

core::Result<http::Response> delete_bucket(Context& ctx, const Operation& op, http::Request&) {
  switch (ctx.meta.delete_bucket(op.bucket)) {
    case store::DeleteBucketOutcome::kDeleted: {
      http::Response r;
      r.status = 204;
      return r;
    }
    case store::DeleteBucketOutcome::kNotFound:
      return no_such_bucket(op.bucket);
    case store::DeleteBucketOutcome::kNotEmpty:
      break;
  }
  return core::AwsError(kBucketNotEmpty, "The bucket you tried to delete is not empty", "/" + op.bucket)
      .with_field("BucketName", op.bucket);
}

core::Result<http::Response> head_bucket(Context& ctx, const Operation& op, http::Request&) {
  auto b = require_bucket(ctx, op.bucket);
  if (!b) return b.error();
  http::Response r;
  r.head = true;
  r.headers.set("x-amz-bucket-region", b->region);
  r.headers.set("x-amz-access-point-alias", "false");
  return r;
}

core::Result<http::Response> get_bucket_location(Context& ctx, const Operation& op, http::Request&) {
  auto b = require_bucket(ctx, op.bucket);
  if (!b) return b.error();
  return xml_response(render_location(b->region));
}

}  // namespace podbucket::s3::bucket
