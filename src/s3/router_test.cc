#include <gtest/gtest.h>

#include "s3/errors.h"
#include "s3/service.h"

namespace podbucket::s3 {
namespace {

struct Case {
  std::string method;
  std::string target;  // path?query
  std::string host;
  OpKind kind;
  std::string bucket;
  std::string key;
};

http::Request make(const std::string& method, const std::string& target, const std::string& host = "localhost",
                   bool copy = false) {
  http::Request r;
  r.method = method;
  r.target = target;
  auto q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string::npos) r.raw_query = target.substr(q + 1);
  r.headers.add("Host", host);
  if (copy) r.headers.add("x-amz-copy-source", "/src/key");
  return r;
}

TEST(Router, Table) {
  Config cfg;
  cfg.domain = "s3.example.test";
  const std::vector<Case> cases = {
      {"GET", "/", "localhost", OpKind::kListBuckets, "", ""},
      {"PUT", "/b1", "localhost", OpKind::kCreateBucket, "b1", ""},
      {"PUT", "/b1/", "localhost", OpKind::kCreateBucket, "b1", ""},
      {"HEAD", "/b1", "localhost", OpKind::kHeadBucket, "b1", ""},
      {"DELETE", "/b1", "localhost", OpKind::kDeleteBucket, "b1", ""},
      {"GET", "/b1?location", "localhost", OpKind::kGetBucketLocation, "b1", ""},
      {"GET", "/b1", "localhost", OpKind::kListObjects, "b1", ""},
      {"GET", "/b1?list-type=2&prefix=a", "localhost", OpKind::kListObjectsV2, "b1", ""},
      {"GET", "/b1?versions", "localhost", OpKind::kListObjectVersions, "b1", ""},
      {"GET", "/b1?uploads", "localhost", OpKind::kListMultipartUploads, "b1", ""},
      {"POST", "/b1?delete", "localhost", OpKind::kDeleteObjects, "b1", ""},
      {"GET", "/b1?acl", "localhost", OpKind::kGetBucketAcl, "b1", ""},
      {"GET", "/b1?analytics", "localhost", OpKind::kUnsupported, "b1", ""},
      {"PUT", "/b1?versioning", "localhost", OpKind::kPutBucketVersioning, "b1", ""},
      {"GET", "/b1?versioning", "localhost", OpKind::kGetBucketVersioning, "b1", ""},
      {"PUT", "/b1/k", "localhost", OpKind::kPutObject, "b1", "k"},
      {"GET", "/b1/k", "localhost", OpKind::kGetObject, "b1", "k"},
      {"HEAD", "/b1/k", "localhost", OpKind::kHeadObject, "b1", "k"},
      {"DELETE", "/b1/k", "localhost", OpKind::kDeleteObject, "b1", "k"},
      {"POST", "/b1/k?uploads", "localhost", OpKind::kCreateMultipartUpload, "b1", "k"},
      {"PUT", "/b1/k?partNumber=1&uploadId=u", "localhost", OpKind::kUploadPart, "b1", "k"},
      {"POST", "/b1/k?uploadId=u", "localhost", OpKind::kCompleteMultipartUpload, "b1", "k"},
      {"DELETE", "/b1/k?uploadId=u", "localhost", OpKind::kAbortMultipartUpload, "b1", "k"},
      {"GET", "/b1/k?uploadId=u", "localhost", OpKind::kListParts, "b1", "k"},
      {"GET", "/b1/k?tagging", "localhost", OpKind::kGetObjectTagging, "b1", "k"},
      {"GET", "/b1/k?tagging&versionId=v", "localhost", OpKind::kGetObjectTagging, "b1", "k"},
      {"PUT", "/b1/k?tagging", "localhost", OpKind::kPutObjectTagging, "b1", "k"},
      {"DELETE", "/b1/k?tagging", "localhost", OpKind::kDeleteObjectTagging, "b1", "k"},
      {"GET", "/b1?tagging", "localhost", OpKind::kGetBucketTagging, "b1", ""},
      {"OPTIONS", "/b1/k", "localhost", OpKind::kCorsPreflight, "b1", "k"},
      // Odd keys: decoded once, stored literally.
      {"GET", "/b1/a%2Bb+c%20d", "localhost", OpKind::kGetObject, "b1", "a+b+c d"},
      {"GET", "/b1/dir/../x", "localhost", OpKind::kGetObject, "b1", "dir/../x"},
      {"GET", "/b1/100%25", "localhost", OpKind::kGetObject, "b1", "100%"},
      {"GET", "/b1//double", "localhost", OpKind::kGetObject, "b1", "/double"},
      {"GET", "/b1/%E2%82%AC", "localhost", OpKind::kGetObject, "b1", "\xE2\x82\xAC"},
      // Virtual-host style.
      {"GET", "/", "vb.s3.example.test", OpKind::kListObjects, "vb", ""},
      {"GET", "/", "vb.s3.example.test:9000", OpKind::kListObjects, "vb", ""},
      {"PUT", "/a/b.txt", "vb.s3.example.test", OpKind::kPutObject, "vb", "a/b.txt"},
      {"GET", "/?location", "VB.S3.Example.Test", OpKind::kGetBucketLocation, "vb", ""},
      {"GET", "/", "s3.example.test", OpKind::kListBuckets, "", ""},
      {"GET", "/pb/k", "s3.example.test", OpKind::kGetObject, "pb", "k"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.method + " " + c.target + " Host: " + c.host);
    auto op = route(make(c.method, c.target, c.host), cfg);
    ASSERT_TRUE(op.has_value()) << op.error().code();
    EXPECT_EQ(op->kind, c.kind);
    EXPECT_EQ(op->bucket, c.bucket);
    EXPECT_EQ(op->key, c.key);
  }
}

TEST(Router, CopyHeaderSelectsCopyOperations) {
  Config cfg;
  EXPECT_EQ(route(make("PUT", "/b/k", "h", true), cfg)->kind, OpKind::kCopyObject);
  EXPECT_EQ(route(make("PUT", "/b/k?partNumber=2&uploadId=x", "h", true), cfg)->kind, OpKind::kUploadPartCopy);
}

TEST(Router, UnsupportedCarriesDetail) {
  auto op = route(make("GET", "/b1?inventory"), Config{});
  ASSERT_TRUE(op.has_value());
  EXPECT_EQ(op->detail, "inventory");
}

TEST(Router, VirtualHostIgnoredWithoutDomain) {
  auto op = route(make("GET", "/", "vb.s3.example.test"), Config{});
  ASSERT_TRUE(op.has_value());
  EXPECT_EQ(op->kind, OpKind::kListBuckets);
}

TEST(Router, Errors) {
  Config cfg;
  auto bad_escape = route(make("GET", "/b/%zz"), cfg);
  ASSERT_FALSE(bad_escape.has_value());
  EXPECT_EQ(bad_escape.error().code(), "InvalidURI");

  auto long_key = route(make("PUT", "/b/" + std::string(1025, 'k')), cfg);
  ASSERT_FALSE(long_key.has_value());
  EXPECT_EQ(long_key.error().code(), "KeyTooLongError");
  EXPECT_TRUE(route(make("PUT", "/b/" + std::string(1024, 'k')), cfg).has_value());

  auto not_utf8 = route(make("PUT", "/b/%FF"), cfg);
  ASSERT_FALSE(not_utf8.has_value());
  EXPECT_EQ(not_utf8.error().code(), "InvalidArgument");

  auto method = route(make("PATCH", "/b/k"), cfg);
  ASSERT_FALSE(method.has_value());
  EXPECT_EQ(method.error().http_status(), 405);
  EXPECT_FALSE(route(make("POST", "/"), cfg).has_value());

  // There is no DeleteBucketVersioning; the request must not become DeleteBucket.
  auto delete_versioning = route(make("DELETE", "/b?versioning"), cfg);
  ASSERT_FALSE(delete_versioning.has_value());
  EXPECT_EQ(delete_versioning.error().http_status(), 405);
}

TEST(Router, OpNames) {
  EXPECT_EQ(op_name(OpKind::kListObjectsV2), "ListObjectsV2");
  EXPECT_EQ(op_name(OpKind::kGetBucketLocation), "GetBucketLocation");
  EXPECT_EQ(op_name(OpKind::kCompleteMultipartUpload), "CompleteMultipartUpload");
}

}  // namespace
}  // namespace podbucket::s3
