// The S3 operation -> IAM permission table (S3 user guide, "Required permissions for Amazon S3 API operations"),
// and the condition keys S3 adds.
#include "s3/authz/permissions.h"

#include <gtest/gtest.h>

#include "s3/service.h"

namespace podbucket::s3::authz {
namespace {

http::Request make_request(std::string method, std::string path, std::string query = {},
                           std::vector<std::pair<std::string, std::string>> headers = {}) {
  http::Request req;
  req.method = std::move(method);
  req.path = std::move(path);
  req.raw_query = std::move(query);
  req.target = req.path + (req.raw_query.empty() ? "" : "?" + req.raw_query);
  for (auto& [k, v] : headers) req.headers.add(k, v);
  return req;
}

std::vector<std::string> permissions_of(const http::Request& req) {
  Config config;
  auto op = route(req, config);
  EXPECT_TRUE(op) << req.method << " " << req.target;
  if (!op) return {};
  auto perms = required_permissions(*op, req);
  EXPECT_TRUE(perms);
  std::vector<std::string> out;
  for (const auto& p : *perms) out.push_back(p.action + " " + p.resource);
  return out;
}

struct Row {
  const char* what;
  http::Request req;
  std::vector<std::string> expected;
};

TEST(RequiredPermissions, FollowsTheS3UserGuideTable) {
  const std::string b = "arn:aws:s3:::b", o = "arn:aws:s3:::b/k/1";
  std::vector<Row> rows;
  rows.push_back({"ListBuckets", make_request("GET", "/"), {"s3:ListAllMyBuckets arn:aws:s3:::*"}});
  rows.push_back({"CreateBucket", make_request("PUT", "/b"), {"s3:CreateBucket " + b}});
  rows.push_back({"DeleteBucket", make_request("DELETE", "/b"), {"s3:DeleteBucket " + b}});
  rows.push_back({"HeadBucket needs ListBucket", make_request("HEAD", "/b"), {"s3:ListBucket " + b}});
  rows.push_back({"ListObjectsV2", make_request("GET", "/b", "list-type=2"), {"s3:ListBucket " + b}});
  rows.push_back({"ListObjectVersions is not ListBucket", make_request("GET", "/b", "versions"),
                  {"s3:ListBucketVersions " + b}});
  rows.push_back({"ListMultipartUploads", make_request("GET", "/b", "uploads"),
                  {"s3:ListBucketMultipartUploads " + b}});
  rows.push_back({"GetBucketLocation", make_request("GET", "/b", "location"), {"s3:GetBucketLocation " + b}});
  rows.push_back({"DeletePublicAccessBlock uses Put", make_request("DELETE", "/b", "publicAccessBlock"),
                  {"s3:PutBucketPublicAccessBlock " + b}});
  rows.push_back({"GetBucketEncryption", make_request("GET", "/b", "encryption"),
                  {"s3:GetEncryptionConfiguration " + b}});
  rows.push_back({"DeleteBucketEncryption uses Put", make_request("DELETE", "/b", "encryption"),
                  {"s3:PutEncryptionConfiguration " + b}});
  rows.push_back({"DeleteBucketPolicy", make_request("DELETE", "/b", "policy"), {"s3:DeleteBucketPolicy " + b}});
  rows.push_back({"GetObject", make_request("GET", "/b/k/1"), {"s3:GetObject " + o}});
  rows.push_back({"HeadObject", make_request("HEAD", "/b/k/1"), {"s3:GetObject " + o}});
  rows.push_back({"GetObject with versionId", make_request("GET", "/b/k/1", "versionId=abc"),
                  {"s3:GetObjectVersion " + o}});
  rows.push_back({"DeleteObject", make_request("DELETE", "/b/k/1"), {"s3:DeleteObject " + o}});
  rows.push_back({"DeleteObject with versionId", make_request("DELETE", "/b/k/1", "versionId=abc"),
                  {"s3:DeleteObjectVersion " + o}});
  rows.push_back({"PutObject", make_request("PUT", "/b/k/1"), {"s3:PutObject " + o}});
  rows.push_back({"PutObject with tags", make_request("PUT", "/b/k/1", "", {{"x-amz-tagging", "a=b"}}),
                  {"s3:PutObject " + o, "s3:PutObjectTagging " + o}});
  rows.push_back({"PutObject with acl private needs no PutObjectAcl",
                  make_request("PUT", "/b/k/1", "", {{"x-amz-acl", "private"}}), {"s3:PutObject " + o}});
  rows.push_back({"PutObject with a public acl", make_request("PUT", "/b/k/1", "", {{"x-amz-acl", "public-read"}}),
                  {"s3:PutObject " + o, "s3:PutObjectAcl " + o}});
  rows.push_back({"CopyObject checks the source", make_request("PUT", "/b/k/1", "", {{"x-amz-copy-source", "/src/a%20b"}}),
                  {"s3:GetObject arn:aws:s3:::src/a b", "s3:PutObject " + o}});
  rows.push_back({"CopyObject of a version",
                  make_request("PUT", "/b/k/1", "", {{"x-amz-copy-source", "src/a?versionId=v1"}}),
                  {"s3:GetObjectVersion arn:aws:s3:::src/a", "s3:PutObject " + o}});
  rows.push_back({"CreateMultipartUpload", make_request("POST", "/b/k/1", "uploads"), {"s3:PutObject " + o}});
  rows.push_back({"UploadPart", make_request("PUT", "/b/k/1", "partNumber=1&uploadId=u"), {"s3:PutObject " + o}});
  rows.push_back({"UploadPartCopy",
                  make_request("PUT", "/b/k/1", "partNumber=1&uploadId=u", {{"x-amz-copy-source", "/src/a"}}),
                  {"s3:GetObject arn:aws:s3:::src/a", "s3:PutObject " + o}});
  rows.push_back({"CompleteMultipartUpload", make_request("POST", "/b/k/1", "uploadId=u"), {"s3:PutObject " + o}});
  rows.push_back({"AbortMultipartUpload", make_request("DELETE", "/b/k/1", "uploadId=u"),
                  {"s3:AbortMultipartUpload " + o}});
  rows.push_back({"ListParts", make_request("GET", "/b/k/1", "uploadId=u"), {"s3:ListMultipartUploadParts " + o}});
  rows.push_back({"GetObjectTagging with versionId", make_request("GET", "/b/k/1", "tagging&versionId=v"),
                  {"s3:GetObjectVersionTagging " + o}});
  rows.push_back({"DeleteObjects is checked per key", make_request("POST", "/b", "delete"), {}});
  for (const auto& row : rows) EXPECT_EQ(permissions_of(row.req), row.expected) << row.what;
}

TEST(RequiredPermissions, BadCopySourceIsAnError) {
  auto req = make_request("PUT", "/b/k", "", {{"x-amz-copy-source", "/onlybucket"}});
  Config config;
  auto op = route(req, config);
  ASSERT_TRUE(op);
  EXPECT_FALSE(required_permissions(*op, req));
}

TEST(ConditionKeys, ListKeysOnlyWhenSentAndHeaderKeys) {
  Config config;
  auto req = make_request("GET", "/b", "list-type=2&prefix=a%2F&max-keys=5", {{"x-amz-content-sha256", "UNSIGNED-PAYLOAD"}});
  auto op = route(req, config);
  ASSERT_TRUE(op);
  policy::Context ctx;
  add_s3_condition_keys(ctx, *op, req, SigningFacts{}, "000000000000");
  ASSERT_NE(ctx.find("s3:prefix"), nullptr);
  EXPECT_EQ(ctx.find("s3:prefix")->front(), "a/");
  EXPECT_EQ(ctx.find("s3:max-keys")->front(), "5");
  EXPECT_EQ(ctx.find("s3:delimiter"), nullptr) << "not sent, so absent";
  EXPECT_EQ(ctx.find("S3:X-AMZ-CONTENT-SHA256")->front(), "UNSIGNED-PAYLOAD") << "key names are case-insensitive";
  EXPECT_EQ(ctx.find("s3:authType")->front(), "REST-HEADER");
  EXPECT_EQ(ctx.find("s3:signatureversion")->front(), "AWS4-HMAC-SHA256");
  EXPECT_EQ(ctx.find("s3:x-amz-server-side-encryption"), nullptr);
}

TEST(ConditionKeys, PutCarriesEncryptionAndTags) {
  Config config;
  auto req = make_request("PUT", "/b/k", "",
                          {{"x-amz-server-side-encryption", "aws:kms"}, {"x-amz-tagging", "team=gl&env=prod"}});
  auto op = route(req, config);
  ASSERT_TRUE(op);
  policy::Context ctx;
  SigningFacts presigned;
  presigned.presigned = true;
  add_s3_condition_keys(ctx, *op, req, presigned, "000000000000");
  EXPECT_EQ(ctx.find("s3:x-amz-server-side-encryption")->front(), "aws:kms");
  EXPECT_EQ(ctx.find("s3:RequestObjectTag/team")->front(), "gl");
  EXPECT_EQ(*ctx.find("s3:RequestObjectTagKeys"), (std::vector<std::string>{"team", "env"}));
  EXPECT_EQ(ctx.find("s3:authType")->front(), "REST-QUERY-STRING");
  EXPECT_EQ(ctx.find("s3:prefix"), nullptr) << "not a list operation";
}

}  // namespace
}  // namespace podbucket::s3::authz
