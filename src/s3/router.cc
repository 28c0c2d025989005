// Request → Operation. One table per resource level (service, bucket, object); the sub-resource keywords follow
// the S3 API reference. Sub-resources podbucket does not serve yet become kUnsupported with `detail` set, which the
// service answers with NotImplemented.
#include <array>
#include <optional>

#include "core/encoding.h"
#include "s3/errors.h"
#include "s3/service.h"
#include "wire/query.h"

namespace podbucket::s3 {
namespace {

constexpr size_t kMaxKeyBytes = 1024;

// Bucket sub-resources that exist in S3 but are not served here (yet).
constexpr std::array kBucketSubresources = {
    "accelerate", "acl",          "analytics",        "cors",        "intelligent-tiering",
    "inventory",  "lifecycle",    "logging",          "metrics",     "notification",     "object-lock",
    "ownershipControls", "replication", "requestPayment",
    "tagging",    "website",          "metadataTable", "session"};

// Object sub-resources that exist in S3 but are not served here (yet).
constexpr std::array kObjectSubresources = {"acl",     "attributes", "retention", "legal-hold",
                                            "torrent", "restore",    "select",    "renameObject"};

// Bucket configuration sub-resources served here: the operation for GET, PUT and DELETE (kUnsupported where S3
// has no such operation; those fall through to NotImplemented below).
struct ConfigRoute {
  const char* subresource;
  OpKind get, put, del;
};
constexpr ConfigRoute kConfigRoutes[] = {
    {"tagging", OpKind::kGetBucketTagging, OpKind::kPutBucketTagging, OpKind::kDeleteBucketTagging},
    {"cors", OpKind::kGetBucketCors, OpKind::kPutBucketCors, OpKind::kDeleteBucketCors},
    {"acl", OpKind::kGetBucketAcl, OpKind::kPutBucketAcl, OpKind::kUnsupported},
    {"ownershipControls", OpKind::kGetBucketOwnershipControls, OpKind::kPutBucketOwnershipControls,
     OpKind::kDeleteBucketOwnershipControls},
    {"website", OpKind::kGetBucketWebsite, OpKind::kPutBucketWebsite, OpKind::kDeleteBucketWebsite},
    {"logging", OpKind::kGetBucketLogging, OpKind::kPutBucketLogging, OpKind::kUnsupported},
    {"notification", OpKind::kGetBucketNotificationConfiguration, OpKind::kPutBucketNotificationConfiguration,
     OpKind::kUnsupported},
    {"accelerate", OpKind::kGetBucketAccelerateConfiguration, OpKind::kPutBucketAccelerateConfiguration,
     OpKind::kUnsupported},
    {"requestPayment", OpKind::kGetBucketRequestPayment, OpKind::kPutBucketRequestPayment, OpKind::kUnsupported},
    {"replication", OpKind::kGetBucketReplication, OpKind::kPutBucketReplication, OpKind::kDeleteBucketReplication},
    {"object-lock", OpKind::kGetObjectLockConfiguration, OpKind::kPutObjectLockConfiguration, OpKind::kUnsupported},
    {"lifecycle", OpKind::kGetBucketLifecycleConfiguration, OpKind::kPutBucketLifecycleConfiguration,
     OpKind::kDeleteBucketLifecycle},
};

std::optional<OpKind> config_route(const std::string& method, const wire::QueryParams& q) {
  for (const auto& r : kConfigRoutes) {
    if (!q.has(r.subresource)) continue;
    OpKind k = method == "GET" ? r.get : method == "PUT" ? r.put : method == "DELETE" ? r.del : OpKind::kUnsupported;
    if (k != OpKind::kUnsupported) return k;
  }
  return std::nullopt;
}

template <size_t N>
std::string find_subresource(const wire::QueryParams& q, const std::array<const char*, N>& names) {
  for (const char* n : names) {
    if (q.has(n)) return n;
  }
  return {};
}

core::AwsError method_not_allowed(std::string_view method) {
  return core::AwsError(kMethodNotAllowed, "The specified method is not allowed against this resource.")
      .with_field("Method", std::string(method))
      .with_field("ResourceType", "OBJECT");
}

Operation unsupported(std::string bucket, std::string key, std::string detail) {
  return Operation{OpKind::kUnsupported, std::move(bucket), std::move(key), std::move(detail)};
}

core::Result<Operation> route_service(const http::Request& req) {
  if (req.method == "GET") return Operation{OpKind::kListBuckets, {}, {}, {}};
  return method_not_allowed(req.method);
}

core::Result<Operation> route_bucket(const http::Request& req, const wire::QueryParams& q, std::string bucket) {
  const std::string& m = req.method;
  auto op = [&](OpKind k) { return Operation{k, bucket, {}, {}}; };
  if (auto k = config_route(m, q)) return op(*k);
  if (m == "OPTIONS") return op(OpKind::kCorsPreflight);
  if (m == "GET") {
    if (q.has("location")) return op(OpKind::kGetBucketLocation);
    if (q.has("versioning")) return op(OpKind::kGetBucketVersioning);
    if (q.has("versions")) return op(OpKind::kListObjectVersions);
    if (q.has("uploads")) return op(OpKind::kListMultipartUploads);
    if (q.has("policy")) return op(OpKind::kGetBucketPolicy);
    if (q.has("policyStatus")) return op(OpKind::kGetBucketPolicyStatus);
    if (q.has("publicAccessBlock")) return op(OpKind::kGetPublicAccessBlock);
    if (q.has("encryption")) return op(OpKind::kGetBucketEncryption);
    if (auto s = find_subresource(q, kBucketSubresources); !s.empty()) return unsupported(bucket, {}, s);
    if (q.get("list-type") == "2") return op(OpKind::kListObjectsV2);
    return op(OpKind::kListObjects);
  }
  if (m == "HEAD") return op(OpKind::kHeadBucket);
  if (m == "PUT") {
    if (q.has("versioning")) return op(OpKind::kPutBucketVersioning);
    if (q.has("policy")) return op(OpKind::kPutBucketPolicy);
    if (q.has("publicAccessBlock")) return op(OpKind::kPutPublicAccessBlock);
    if (q.has("encryption")) return op(OpKind::kPutBucketEncryption);
    if (auto s = find_subresource(q, kBucketSubresources); !s.empty()) return unsupported(bucket, {}, s);
    return op(OpKind::kCreateBucket);
  }
  if (m == "DELETE") {
    // There is no DeleteBucketVersioning: never let "?versioning" fall through to DeleteBucket.
    if (q.has("versioning")) return method_not_allowed(m);
    if (q.has("policy")) return op(OpKind::kDeleteBucketPolicy);
    if (q.has("publicAccessBlock")) return op(OpKind::kDeletePublicAccessBlock);
    if (q.has("encryption")) return op(OpKind::kDeleteBucketEncryption);
    if (auto s = find_subresource(q, kBucketSubresources); !s.empty()) return unsupported(bucket, {}, s);
    return op(OpKind::kDeleteBucket);
  }
  if (m == "POST") {
    if (q.has("delete")) return op(OpKind::kDeleteObjects);
    // Browser-based POST uploads (multipart/form-data to the bucket).
    return unsupported(bucket, {}, "post");
  }
  return method_not_allowed(m);
}

core::Result<Operation> route_object(const http::Request& req, const wire::QueryParams& q, std::string bucket,
                                     std::string key) {
  const std::string& m = req.method;
  auto op = [&](OpKind k) { return Operation{k, bucket, key, {}}; };
  if (m == "OPTIONS") return op(OpKind::kCorsPreflight);
  if (m == "GET") {
    if (q.has("uploadId")) return op(OpKind::kListParts);
    if (q.has("tagging")) return op(OpKind::kGetObjectTagging);
    if (q.has("acl")) return op(OpKind::kGetObjectAcl);
    if (q.has("attributes")) return op(OpKind::kGetObjectAttributes);
    if (auto s = find_subresource(q, kObjectSubresources); !s.empty()) return unsupported(bucket, key, s);
    return op(OpKind::kGetObject);
  }
  if (m == "HEAD") return op(OpKind::kHeadObject);
  if (m == "PUT") {
    bool copy = req.headers.has("x-amz-copy-source");
    if (q.has("uploadId") || q.has("partNumber")) return op(copy ? OpKind::kUploadPartCopy : OpKind::kUploadPart);
    if (q.has("tagging")) return op(OpKind::kPutObjectTagging);
    if (q.has("acl")) return op(OpKind::kPutObjectAcl);
    if (auto s = find_subresource(q, kObjectSubresources); !s.empty()) return unsupported(bucket, key, s);
    return op(copy ? OpKind::kCopyObject : OpKind::kPutObject);
  }
  if (m == "DELETE") {
    if (q.has("uploadId")) return op(OpKind::kAbortMultipartUpload);
    if (q.has("tagging")) return op(OpKind::kDeleteObjectTagging);
    if (auto s = find_subresource(q, kObjectSubresources); !s.empty()) return unsupported(bucket, key, s);
    return op(OpKind::kDeleteObject);
  }
  if (m == "POST") {
    if (q.has("uploads")) return op(OpKind::kCreateMultipartUpload);
    if (q.has("uploadId")) return op(OpKind::kCompleteMultipartUpload);
    if (auto s = find_subresource(q, kObjectSubresources); !s.empty()) return unsupported(bucket, key, s);
    return method_not_allowed(m);
  }
  return method_not_allowed(m);
}

// The bucket named by a virtual-host Host header, or empty for path-style.
std::string virtual_host_bucket(const http::Request& req, const Config& config) {
  if (config.domain.empty()) return {};
  auto host_header = req.headers.get("host");
  if (!host_header) return {};
  std::string host = core::to_lower(core::trim(*host_header));
  if (!host.empty() && host.front() != '[') {
    if (auto colon = host.rfind(':'); colon != std::string::npos) host.resize(colon);
  }
  if (!host.empty() && host.back() == '.') host.pop_back();
  std::string suffix = "." + core::to_lower(config.domain);
  if (host.size() <= suffix.size() || host.compare(host.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return {};
  }
  return host.substr(0, host.size() - suffix.size());
}

core::Result<void> check_key(std::string_view key) {
  if (key.size() > kMaxKeyBytes) {
    return core::AwsError(kKeyTooLongError, "Your key is too long")
        .with_field("MaxSizeAllowed", std::to_string(kMaxKeyBytes))
        .with_field("Size", std::to_string(key.size()));
  }
  if (!core::is_valid_utf8(key)) {
    return core::AwsError(kInvalidArgument, "Object key is not valid UTF-8");
  }
  return {};
}

}  // namespace

core::Result<Operation> route(const http::Request& req, const Config& config) {
  auto decoded = core::percent_decode(req.path.empty() ? "/" : req.path, /*plus_as_space=*/false);
  if (!decoded) return core::AwsError(kInvalidURI, "Couldn't parse the specified URI.", req.path);
  std::string_view path = *decoded;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);

  const auto query = wire::QueryParams::parse(req.raw_query);
  std::string bucket = virtual_host_bucket(req, config);
  std::string key;
  if (bucket.empty()) {
    auto slash = path.find('/');
    bucket = std::string(path.substr(0, slash));
    if (slash != std::string_view::npos) key = std::string(path.substr(slash + 1));
    if (bucket.empty()) return route_service(req);
  } else {
    key = std::string(path);
  }
  if (key.empty()) return route_bucket(req, query, std::move(bucket));
  if (auto ok = check_key(key); !ok) return ok.error();
  return route_object(req, query, std::move(bucket), std::move(key));
}

std::string_view op_name(OpKind kind) {
  switch (kind) {
    case OpKind::kListBuckets: return "ListBuckets";
    case OpKind::kCreateBucket: return "CreateBucket";
    case OpKind::kDeleteBucket: return "DeleteBucket";
    case OpKind::kHeadBucket: return "HeadBucket";
    case OpKind::kGetBucketLocation: return "GetBucketLocation";
    case OpKind::kGetBucketVersioning: return "GetBucketVersioning";
    case OpKind::kPutBucketVersioning: return "PutBucketVersioning";
    case OpKind::kGetBucketPolicy: return "GetBucketPolicy";
    case OpKind::kPutBucketPolicy: return "PutBucketPolicy";
    case OpKind::kDeleteBucketPolicy: return "DeleteBucketPolicy";
    case OpKind::kGetBucketPolicyStatus: return "GetBucketPolicyStatus";
    case OpKind::kGetPublicAccessBlock: return "GetPublicAccessBlock";
    case OpKind::kPutPublicAccessBlock: return "PutPublicAccessBlock";
    case OpKind::kDeletePublicAccessBlock: return "DeletePublicAccessBlock";
    case OpKind::kGetBucketEncryption: return "GetBucketEncryption";
    case OpKind::kPutBucketEncryption: return "PutBucketEncryption";
    case OpKind::kDeleteBucketEncryption: return "DeleteBucketEncryption";
    case OpKind::kPutObject: return "PutObject";
    case OpKind::kGetObject: return "GetObject";
    case OpKind::kHeadObject: return "HeadObject";
    case OpKind::kDeleteObject: return "DeleteObject";
    case OpKind::kDeleteObjects: return "DeleteObjects";
    case OpKind::kCopyObject: return "CopyObject";
    case OpKind::kListObjects: return "ListObjects";
    case OpKind::kListObjectsV2: return "ListObjectsV2";
    case OpKind::kListObjectVersions: return "ListObjectVersions";
    case OpKind::kGetObjectTagging: return "GetObjectTagging";
    case OpKind::kPutObjectTagging: return "PutObjectTagging";
    case OpKind::kDeleteObjectTagging: return "DeleteObjectTagging";
    case OpKind::kCreateMultipartUpload: return "CreateMultipartUpload";
    case OpKind::kUploadPart: return "UploadPart";
    case OpKind::kUploadPartCopy: return "UploadPartCopy";
    case OpKind::kCompleteMultipartUpload: return "CompleteMultipartUpload";
    case OpKind::kAbortMultipartUpload: return "AbortMultipartUpload";
    case OpKind::kListParts: return "ListParts";
    case OpKind::kListMultipartUploads: return "ListMultipartUploads";
    case OpKind::kGetBucketTagging: return "GetBucketTagging";
    case OpKind::kPutBucketTagging: return "PutBucketTagging";
    case OpKind::kDeleteBucketTagging: return "DeleteBucketTagging";
    case OpKind::kGetBucketCors: return "GetBucketCors";
    case OpKind::kPutBucketCors: return "PutBucketCors";
    case OpKind::kDeleteBucketCors: return "DeleteBucketCors";
    case OpKind::kGetBucketAcl: return "GetBucketAcl";
    case OpKind::kPutBucketAcl: return "PutBucketAcl";
    case OpKind::kGetBucketOwnershipControls: return "GetBucketOwnershipControls";
    case OpKind::kPutBucketOwnershipControls: return "PutBucketOwnershipControls";
    case OpKind::kDeleteBucketOwnershipControls: return "DeleteBucketOwnershipControls";
    case OpKind::kGetBucketWebsite: return "GetBucketWebsite";
    case OpKind::kPutBucketWebsite: return "PutBucketWebsite";
    case OpKind::kDeleteBucketWebsite: return "DeleteBucketWebsite";
    case OpKind::kGetBucketLogging: return "GetBucketLogging";
    case OpKind::kPutBucketLogging: return "PutBucketLogging";
    case OpKind::kGetBucketNotificationConfiguration: return "GetBucketNotificationConfiguration";
    case OpKind::kPutBucketNotificationConfiguration: return "PutBucketNotificationConfiguration";
    case OpKind::kGetBucketAccelerateConfiguration: return "GetBucketAccelerateConfiguration";
    case OpKind::kPutBucketAccelerateConfiguration: return "PutBucketAccelerateConfiguration";
    case OpKind::kGetBucketRequestPayment: return "GetBucketRequestPayment";
    case OpKind::kPutBucketRequestPayment: return "PutBucketRequestPayment";
    case OpKind::kGetBucketReplication: return "GetBucketReplication";
    case OpKind::kPutBucketReplication: return "PutBucketReplication";
    case OpKind::kDeleteBucketReplication: return "DeleteBucketReplication";
    case OpKind::kGetObjectLockConfiguration: return "GetObjectLockConfiguration";
    case OpKind::kPutObjectLockConfiguration: return "PutObjectLockConfiguration";
    case OpKind::kGetBucketLifecycleConfiguration: return "GetBucketLifecycleConfiguration";
    case OpKind::kPutBucketLifecycleConfiguration: return "PutBucketLifecycleConfiguration";
    case OpKind::kDeleteBucketLifecycle: return "DeleteBucketLifecycle";
    case OpKind::kGetObjectAcl: return "GetObjectAcl";
    case OpKind::kPutObjectAcl: return "PutObjectAcl";
    case OpKind::kGetObjectAttributes: return "GetObjectAttributes";
    case OpKind::kCorsPreflight: return "CorsPreflight";
    case OpKind::kUnsupported: return "Unsupported";
  }
  return "Unsupported";
}

}  // namespace podbucket::s3
