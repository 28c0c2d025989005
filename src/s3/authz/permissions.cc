#include "s3/authz/permissions.h"

#include "core/encoding.h"
#include "s3/copy_source.h"
#include "wire/query.h"

namespace podbucket::s3::authz {
namespace {

bool acl_needs_permission(const http::Request& req) {
  auto acl = req.headers.get("x-amz-acl");
  if (!acl) return req.headers.has("x-amz-grant-read") || req.headers.has("x-amz-grant-full-control") ||
                   req.headers.has("x-amz-grant-read-acp") || req.headers.has("x-amz-grant-write-acp");
  return *acl != "private" && *acl != "bucket-owner-full-control";
}

std::string versioned(std::string_view action, bool with_version) {
  // s3:GetObject -> s3:GetObjectVersion; s3:GetObjectTagging -> s3:GetObjectVersionTagging.
  std::string a(action);
  if (!with_version) return a;
  if (a.size() > 7 && a.compare(a.size() - 7, 7, "Tagging") == 0) return a.insert(a.size() - 7, "Version");
  return a + "Version";
}

}  // namespace

std::string bucket_arn(std::string_view bucket) { return "arn:aws:s3:::" + std::string(bucket); }

std::string object_arn(std::string_view bucket, std::string_view key) {
  return "arn:aws:s3:::" + std::string(bucket) + "/" + std::string(key);
}

std::string_view delete_entry_action(std::string_view version_id) {
  return version_id.empty() ? "s3:DeleteObject" : "s3:DeleteObjectVersion";
}

core::Result<std::vector<Permission>> required_permissions(const Operation& op, const http::Request& req) {
  const auto q = wire::QueryParams::parse(req.raw_query);
  const bool has_version = q.get("versionId").has_value();
  std::vector<Permission> out;
  auto on_bucket = [&](std::string_view action) {
    out.push_back({std::string(action), bucket_arn(op.bucket), op.bucket});
  };
  auto on_object = [&](std::string_view action) {
    out.push_back({std::string(action), object_arn(op.bucket, op.key), op.bucket});
  };
  auto copy_source = [&]() -> core::Result<void> {
    auto header = req.headers.get("x-amz-copy-source");
    if (!header) return {};
    auto src = parse_copy_source(*header);
    if (!src) return src.error();
    out.push_back({versioned("s3:GetObject", !src->version_id.empty()), object_arn(src->bucket, src->key),
                   src->bucket});
    return {};
  };
  auto put_extras = [&]() {
    if (req.headers.has("x-amz-tagging")) on_object("s3:PutObjectTagging");
    if (acl_needs_permission(req)) on_object("s3:PutObjectAcl");
  };

  switch (op.kind) {
    case OpKind::kListBuckets: out.push_back({"s3:ListAllMyBuckets", "arn:aws:s3:::*", ""}); break;
    case OpKind::kCreateBucket: on_bucket("s3:CreateBucket"); break;
    case OpKind::kDeleteBucket: on_bucket("s3:DeleteBucket"); break;
    case OpKind::kHeadBucket: on_bucket("s3:ListBucket"); break;
    case OpKind::kGetBucketLocation: on_bucket("s3:GetBucketLocation"); break;
    case OpKind::kGetBucketVersioning: on_bucket("s3:GetBucketVersioning"); break;
    case OpKind::kPutBucketVersioning: on_bucket("s3:PutBucketVersioning"); break;
    case OpKind::kGetBucketPolicy: on_bucket("s3:GetBucketPolicy"); break;
    case OpKind::kPutBucketPolicy: on_bucket("s3:PutBucketPolicy"); break;
    case OpKind::kDeleteBucketPolicy: on_bucket("s3:DeleteBucketPolicy"); break;
    case OpKind::kGetBucketPolicyStatus: on_bucket("s3:GetBucketPolicyStatus"); break;
    case OpKind::kGetBucketEncryption: on_bucket("s3:GetEncryptionConfiguration"); break;
    case OpKind::kPutBucketEncryption:
    case OpKind::kDeleteBucketEncryption: on_bucket("s3:PutEncryptionConfiguration"); break;
    case OpKind::kGetPublicAccessBlock: on_bucket("s3:GetBucketPublicAccessBlock"); break;
    case OpKind::kPutPublicAccessBlock:
    case OpKind::kDeletePublicAccessBlock: on_bucket("s3:PutBucketPublicAccessBlock"); break;
    case OpKind::kPutObject:
      on_object("s3:PutObject");
      put_extras();
      break;
    case OpKind::kGetObject:
    case OpKind::kHeadObject: on_object(versioned("s3:GetObject", has_version)); break;
    case OpKind::kDeleteObject: on_object(versioned("s3:DeleteObject", has_version)); break;
    case OpKind::kDeleteObjects: break;  // per key, in the handler
    case OpKind::kCopyObject: {
      if (auto ok = copy_source(); !ok) return ok.error();
      on_object("s3:PutObject");
      auto directive = req.headers.get("x-amz-tagging-directive");
      if (req.headers.has("x-amz-tagging") && directive && *directive == "REPLACE") on_object("s3:PutObjectTagging");
      if (acl_needs_permission(req)) on_object("s3:PutObjectAcl");
      break;
    }
    case OpKind::kListObjects:
    case OpKind::kListObjectsV2: on_bucket("s3:ListBucket"); break;
    case OpKind::kListObjectVersions: on_bucket("s3:ListBucketVersions"); break;
    case OpKind::kGetObjectTagging: on_object(versioned("s3:GetObjectTagging", has_version)); break;
    case OpKind::kPutObjectTagging: on_object(versioned("s3:PutObjectTagging", has_version)); break;
    case OpKind::kDeleteObjectTagging: on_object(versioned("s3:DeleteObjectTagging", has_version)); break;
    case OpKind::kCreateMultipartUpload:
      on_object("s3:PutObject");
      put_extras();
      break;
    case OpKind::kUploadPart:
    case OpKind::kCompleteMultipartUpload: on_object("s3:PutObject"); break;
    case OpKind::kUploadPartCopy:
      if (auto ok = copy_source(); !ok) return ok.error();
      on_object("s3:PutObject");
      break;
    case OpKind::kAbortMultipartUpload: on_object("s3:AbortMultipartUpload"); break;
    case OpKind::kListParts: on_object("s3:ListMultipartUploadParts"); break;
    case OpKind::kListMultipartUploads: on_bucket("s3:ListBucketMultipartUploads"); break;
    case OpKind::kGetBucketTagging: on_bucket("s3:GetBucketTagging"); break;
    case OpKind::kPutBucketTagging:
    case OpKind::kDeleteBucketTagging: on_bucket("s3:PutBucketTagging"); break;
    case OpKind::kGetBucketCors: on_bucket("s3:GetBucketCORS"); break;
    case OpKind::kPutBucketCors:
    case OpKind::kDeleteBucketCors: on_bucket("s3:PutBucketCORS"); break;
    case OpKind::kGetBucketAcl: on_bucket("s3:GetBucketAcl"); break;
    case OpKind::kPutBucketAcl: on_bucket("s3:PutBucketAcl"); break;
    case OpKind::kGetBucketOwnershipControls: on_bucket("s3:GetBucketOwnershipControls"); break;
    case OpKind::kPutBucketOwnershipControls:
    case OpKind::kDeleteBucketOwnershipControls: on_bucket("s3:PutBucketOwnershipControls"); break;
    case OpKind::kGetBucketWebsite: on_bucket("s3:GetBucketWebsite"); break;
    case OpKind::kPutBucketWebsite: on_bucket("s3:PutBucketWebsite"); break;
    case OpKind::kDeleteBucketWebsite: on_bucket("s3:DeleteBucketWebsite"); break;
    case OpKind::kGetBucketLogging: on_bucket("s3:GetBucketLogging"); break;
    case OpKind::kPutBucketLogging: on_bucket("s3:PutBucketLogging"); break;
    case OpKind::kGetBucketNotificationConfiguration: on_bucket("s3:GetBucketNotification"); break;
    case OpKind::kPutBucketNotificationConfiguration: on_bucket("s3:PutBucketNotification"); break;
    case OpKind::kGetBucketAccelerateConfiguration: on_bucket("s3:GetAccelerateConfiguration"); break;
    case OpKind::kPutBucketAccelerateConfiguration: on_bucket("s3:PutAccelerateConfiguration"); break;
    case OpKind::kGetBucketRequestPayment: on_bucket("s3:GetBucketRequestPayment"); break;
    case OpKind::kPutBucketRequestPayment: on_bucket("s3:PutBucketRequestPayment"); break;
    case OpKind::kGetBucketReplication: on_bucket("s3:GetReplicationConfiguration"); break;
    case OpKind::kPutBucketReplication:
    case OpKind::kDeleteBucketReplication: on_bucket("s3:PutReplicationConfiguration"); break;
    case OpKind::kGetObjectLockConfiguration: on_bucket("s3:GetBucketObjectLockConfiguration"); break;
    case OpKind::kPutObjectLockConfiguration: on_bucket("s3:PutBucketObjectLockConfiguration"); break;
    case OpKind::kGetBucketLifecycleConfiguration: on_bucket("s3:GetLifecycleConfiguration"); break;
    case OpKind::kPutBucketLifecycleConfiguration:
    case OpKind::kDeleteBucketLifecycle: on_bucket("s3:PutLifecycleConfiguration"); break;
    case OpKind::kGetObjectAcl: on_object(has_version ? "s3:GetObjectVersionAcl" : "s3:GetObjectAcl"); break;
    case OpKind::kPutObjectAcl: on_object(has_version ? "s3:PutObjectVersionAcl" : "s3:PutObjectAcl"); break;
    case OpKind::kGetObjectAttributes:
      // S3 API reference GetObjectAttributes, "Permissions": read access plus the attributes action.
      on_object(versioned("s3:GetObject", has_version));
      on_object(has_version ? "s3:GetObjectVersionAttributes" : "s3:GetObjectAttributes");
      break;
    case OpKind::kCorsPreflight: break;  // unauthenticated by design: answers only from the bucket's CORS rules
    case OpKind::kUnsupported: break;
    default:
      // Fail closed for an operation added without an entry here: only the root user (or a policy naming this
      // made-up action) passes.
      on_bucket("s3:" + std::string(op_name(op.kind)));
      break;
  }
  return out;
}

void add_s3_condition_keys(policy::Context& context, const Operation& op, const http::Request& req,
                           const SigningFacts& signing, std::string_view resource_account) {
  const auto q = wire::QueryParams::parse(req.raw_query);
  bool list = op.kind == OpKind::kListObjects || op.kind == OpKind::kListObjectsV2 ||
              op.kind == OpKind::kListObjectVersions || op.kind == OpKind::kListMultipartUploads;
  if (list) {
    if (auto v = q.get("prefix")) context.set("s3:prefix", std::string(*v));
    if (auto v = q.get("delimiter")) context.set("s3:delimiter", std::string(*v));
    if (auto v = q.get("max-keys")) context.set("s3:max-keys", std::string(*v));
  }
  if (auto v = q.get("versionId")) context.set("s3:VersionId", std::string(*v));
  for (const char* header : {"x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id",
                             "x-amz-acl", "x-amz-copy-source", "x-amz-metadata-directive", "x-amz-storage-class",
                             "x-amz-content-sha256", "x-amz-server-side-encryption-customer-algorithm"}) {
    if (auto v = req.headers.get(header)) context.set(std::string("s3:") + header, std::string(*v));
  }
  if (auto tagging = req.headers.get("x-amz-tagging")) {
    auto tags = wire::QueryParams::parse(*tagging, /*form=*/false);
    std::vector<std::string> keys;
    for (const auto& [k, v] : tags.entries()) {
      context.set("s3:RequestObjectTag/" + k, v);
      keys.push_back(k);
    }
    context.set_multi("s3:RequestObjectTagKeys", std::move(keys));
  }
  if (!signing.anonymous) {
    context.set("s3:authType", signing.presigned ? "REST-QUERY-STRING" : "REST-HEADER");
    context.set("s3:signatureversion", signing.sigv2 ? "AWS" : "AWS4-HMAC-SHA256");
  }
  context.set("s3:ResourceAccount", std::string(resource_account));
}

}  // namespace podbucket::s3::authz
