// Handler tests: the whole S3 service over the in-memory metadata store and an in-memory blob store.
#include <gtest/gtest.h>

#include "core/encoding.h"
#include "core/time_format.h"
#include "crypto/hash.h"
#include "s3/testing/handler_fixture.h"

namespace podbucket::s3 {
namespace {

class S3Test : public testing::HandlerFixture {
 protected:
  S3Test() : HandlerFixture(/*root=*/false, /*seed=*/42) {}

  static std::string md5_b64(const std::string& s) { return core::base64_encode(crypto::md5(s)); }
  static std::string etag_of(const std::string& s) { return "\"" + core::hex_encode(crypto::md5(s)) + "\""; }
};

TEST_F(S3Test, BucketLifecycle) {
  EXPECT_EQ(call("PUT", "/bk1").status, 200);
  EXPECT_EQ(call("PUT", "/bk1").status, 200);  // us-east-1: re-create by the owner is 200
  EXPECT_EQ(call("PUT", "/Bad_Name").code, "InvalidBucketName");
  auto list = call("GET", "/");
  EXPECT_NE(list.body.find("<Name>bk1</Name>"), std::string::npos);
  EXPECT_NE(list.body.find("<CreationDate>2023-11-14T22:13:20.000Z</CreationDate>"), std::string::npos);
  auto head = call("HEAD", "/bk1");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers.get("x-amz-bucket-region"), "us-east-1");
  EXPECT_EQ(call("HEAD", "/nope").status, 404);
  EXPECT_NE(call("GET", "/bk1?location").body.find("<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>"),
            std::string::npos);
  ASSERT_EQ(call("PUT", "/bk1/k", "x").status, 200);
  EXPECT_EQ(call("DELETE", "/bk1").code, "BucketNotEmpty");
  EXPECT_EQ(call("DELETE", "/bk1/k").status, 204);
  EXPECT_EQ(call("DELETE", "/bk1").status, 204);
  EXPECT_EQ(call("DELETE", "/bk1").code, "NoSuchBucket");
}

TEST_F(S3Test, CreateBucketOutsideUsEast1) {
  config_.region = "eu-west-1";
  const std::string cfg =
      "<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>";
  EXPECT_EQ(call("PUT", "/bk1").code, "IllegalLocationConstraintException");
  EXPECT_EQ(call("PUT", "/bk1", cfg).status, 200);
  EXPECT_EQ(call("PUT", "/bk1", cfg).code, "BucketAlreadyOwnedByYou");
  EXPECT_EQ(call("PUT", "/bk2", "<oops").code, "MalformedXML");
  EXPECT_NE(call("GET", "/bk1?location").body.find(">eu-west-1</LocationConstraint>"), std::string::npos);
}

TEST_F(S3Test, CreateBucketAcl) {
  EXPECT_EQ(call("PUT", "/bk1", "", {{"x-amz-acl", "private"}}).status, 200);
  EXPECT_EQ(call("PUT", "/bk2", "", {{"x-amz-acl", "public-read"}}).code, "InvalidBucketAclWithObjectOwnership");
}

TEST_F(S3Test, PutGetHead) {
  call("PUT", "/bkt");
  const std::string data = "hello, world";
  auto put = call("PUT", "/bkt/dir/a+b c.txt", data, {{"x-amz-meta-Color", "blue"}, {"Cache-Control", "no-cache"}});
  ASSERT_EQ(put.status, 200) << put.code;
  EXPECT_EQ(put.headers.get("ETag"), etag_of(data));
  EXPECT_FALSE(put.headers.has("x-amz-version-id"));

  auto get = call("GET", "/bkt/dir/a%2Bb%20c.txt");
  ASSERT_EQ(get.status, 200) << get.code;
  EXPECT_EQ(get.body, data);
  EXPECT_EQ(get.headers.get("ETag"), etag_of(data));
  EXPECT_EQ(get.headers.get("Content-Type"), "binary/octet-stream");
  EXPECT_EQ(get.headers.get("x-amz-meta-color"), "blue");
  EXPECT_EQ(get.headers.get("Cache-Control"), "no-cache");
  EXPECT_EQ(get.headers.get("Accept-Ranges"), "bytes");
  EXPECT_EQ(get.headers.get("Last-Modified"), "Tue, 14 Nov 2023 22:13:20 GMT");
  EXPECT_FALSE(get.headers.has("x-amz-storage-class"));
  EXPECT_FALSE(get.headers.has("x-amz-checksum-crc64nvme"));

  auto head = call("HEAD", "/bkt/dir/a%2Bb%20c.txt");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.length, data.size());

  auto with_checksum = call("HEAD", "/bkt/dir/a%2Bb%20c.txt", "", {{"x-amz-checksum-mode", "ENABLED"}});
  EXPECT_TRUE(with_checksum.headers.has("x-amz-checksum-crc64nvme"));

  auto missing = call("GET", "/bkt/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.code, "NoSuchKey");
  EXPECT_EQ(call("GET", "/nob/k").code, "NoSuchBucket");
}

TEST_F(S3Test, PutOptionsAndErrors) {
  call("PUT", "/bkt");
  auto typed = call("PUT", "/bkt/t", "x", {{"Content-Type", "text/plain"}, {"x-amz-storage-class", "STANDARD_IA"},
                                         {"Content-Encoding", "aws-chunked"}, {"x-amz-tagging", "a=1&b=2"}});
  ASSERT_EQ(typed.status, 200) << typed.code;
  auto get = call("GET", "/bkt/t");
  EXPECT_EQ(get.headers.get("Content-Type"), "text/plain");
  EXPECT_EQ(get.headers.get("x-amz-storage-class"), "STANDARD_IA");
  EXPECT_FALSE(get.headers.has("Content-Encoding"));
  EXPECT_EQ(get.headers.get("x-amz-tagging-count"), "2");

  EXPECT_EQ(call("PUT", "/bkt/t", "x", {{"x-amz-storage-class", "COLD"}}).code, "InvalidStorageClass");
  EXPECT_EQ(call("PUT", "/bkt/t", "x", {{"x-amz-acl", "public-read"}}).code, "AccessControlListNotSupported");
  EXPECT_EQ(call("PUT", "/bkt/t", "x", {{"x-amz-acl", "bucket-owner-full-control"}}).status, 200);
  EXPECT_EQ(call("PUT", "/bkt/t", "x", {{"x-amz-meta-big", std::string(2100, 'v')}}).code, "MetadataTooLarge");
  EXPECT_EQ(call("PUT", "/bkt/t", "x", {{"Content-MD5", md5_b64("y")}}).code, "BadDigest");
  EXPECT_EQ(call("PUT", "/bkt/t", "x", {{"If-None-Match", "*"}}).code, "PreconditionFailed");
  EXPECT_EQ(call("PUT", "/bkt/new", "x", {{"If-None-Match", "*"}}).status, 200);
  EXPECT_EQ(call("PUT", "/bkt/t", "z", {{"If-Match", "\"0000\""}}).code, "PreconditionFailed");
  EXPECT_EQ(call("PUT", "/bkt/t", "z", {{"If-Match", etag_of("x")}}).status, 200);
  EXPECT_EQ(call("PUT", "/bkt/absent", "z", {{"If-Match", etag_of("x")}}).code, "NoSuchKey");
  // Failed writes leave no blob behind: 2 objects ("t", "new") → 2 blobs.
  EXPECT_EQ(blobs_.count(), 2u);
  EXPECT_EQ(blobs_.open_writers(), 0u);
}

TEST_F(S3Test, Ranges) {
  call("PUT", "/bkt");
  call("PUT", "/bkt/r", "0123456789");
  auto part = call("GET", "/bkt/r", "", {{"Range", "bytes=2-4"}});
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.body, "234");
  EXPECT_EQ(part.headers.get("Content-Range"), "bytes 2-4/10");
  EXPECT_EQ(call("GET", "/bkt/r", "", {{"Range", "bytes=-3"}}).body, "789");
  EXPECT_EQ(call("GET", "/bkt/r", "", {{"Range", "bytes=7-"}}).body, "789");
  auto bad = call("GET", "/bkt/r", "", {{"Range", "bytes=10-"}});
  EXPECT_EQ(bad.status, 416);
  EXPECT_EQ(bad.code, "InvalidRange");
  EXPECT_EQ(bad.headers.get("Content-Range"), "bytes */10");
  auto multi = call("GET", "/bkt/r", "", {{"Range", "bytes=0-1,3-4"}});
  EXPECT_EQ(multi.status, 200);
  EXPECT_EQ(multi.body, "0123456789");
  auto pn = call("GET", "/bkt/r?partNumber=1");
  EXPECT_EQ(pn.status, 206);
  EXPECT_EQ(pn.body, "0123456789");
  EXPECT_EQ(call("GET", "/bkt/r?partNumber=2").code, "InvalidPartNumber");
  EXPECT_EQ(call("GET", "/bkt/r?partNumber=0").code, "InvalidArgument");
  EXPECT_EQ(call("GET", "/bkt/r?partNumber=1", "", {{"Range", "bytes=0-1"}}).code, "InvalidRequest");
}

TEST_F(S3Test, ConditionalGet) {
  call("PUT", "/bkt");
  call("PUT", "/bkt/c", "data");
  const std::string etag = etag_of("data");
  auto nm = call("GET", "/bkt/c", "", {{"If-None-Match", etag}});
  EXPECT_EQ(nm.status, 304);
  EXPECT_TRUE(nm.body.empty());
  EXPECT_EQ(nm.headers.get("ETag"), etag);
  EXPECT_EQ(call("GET", "/bkt/c", "", {{"If-Match", "\"nope\""}}).status, 412);
  EXPECT_EQ(call("GET", "/bkt/c", "", {{"If-Match", etag}, {"If-Unmodified-Since", "Sat, 01 Jan 2000 00:00:00 GMT"}})
                .status,
            200);
  EXPECT_EQ(call("GET", "/bkt/c", "", {{"If-Modified-Since", "Wed, 15 Nov 2023 00:00:00 GMT"}}).status, 304);
  EXPECT_EQ(call("GET", "/bkt/c", "", {{"If-Modified-Since", "Sat, 01 Jan 2000 00:00:00 GMT"}}).status, 200);
}

TEST_F(S3Test, ResponseOverrides) {
  call("PUT", "/bkt");
  call("PUT", "/bkt/o", "x");
  auto r = call("GET", "/bkt/o?response-content-disposition=attachment%3B%20filename%3D%22f.txt%22"
                "&response-content-type=text/csv");
  EXPECT_EQ(r.headers.get("Content-Disposition"), "attachment; filename=\"f.txt\"");
  EXPECT_EQ(r.headers.get("Content-Type"), "text/csv");
  caller_.anonymous = true;
  EXPECT_EQ(call("GET", "/bkt/o?response-content-type=text/csv").code, "InvalidRequest");
}

TEST_F(S3Test, UnversionedOverwriteRemovesOldBlob) {
  call("PUT", "/bkt");
  call("PUT", "/bkt/k", "one");
  call("PUT", "/bkt/k", "two");
  EXPECT_EQ(blobs_.count(), 1u);
  EXPECT_EQ(call("GET", "/bkt/k").body, "two");
  EXPECT_EQ(call("DELETE", "/bkt/k").status, 204);
  EXPECT_EQ(call("DELETE", "/bkt/k").status, 204);  // missing key: still 204
  EXPECT_EQ(blobs_.count(), 0u);
}

TEST_F(S3Test, VersionedBucket) {
  call("PUT", "/ver");
  set_versioning("ver", store::Versioning::kEnabled);
  auto p1 = call("PUT", "/ver/k", "one");
  auto p2 = call("PUT", "/ver/k", "two");
  const std::string v1(*p1.headers.get("x-amz-version-id"));
  const std::string v2(*p2.headers.get("x-amz-version-id"));
  EXPECT_EQ(v1.size(), 32u);
  EXPECT_NE(v1, v2);
  EXPECT_EQ(call("GET", "/ver/k").headers.get("x-amz-version-id"), v2);
  EXPECT_EQ(call("GET", "/ver/k?versionId=" + v1).body, "one");

  auto del = call("DELETE", "/ver/k");
  EXPECT_EQ(del.status, 204);
  EXPECT_EQ(del.headers.get("x-amz-delete-marker"), "true");
  const std::string marker(*del.headers.get("x-amz-version-id"));
  auto gone = call("GET", "/ver/k");
  EXPECT_EQ(gone.code, "NoSuchKey");
  EXPECT_EQ(gone.headers.get("x-amz-delete-marker"), "true");
  auto on_marker = call("GET", "/ver/k?versionId=" + marker);
  EXPECT_EQ(on_marker.status, 405);
  EXPECT_EQ(on_marker.headers.get("Allow"), "DELETE");
  EXPECT_EQ(call("GET", "/ver/k?versionId=nope").code, "NoSuchVersion");

  auto versions = call("GET", "/ver?versions");
  EXPECT_NE(versions.body.find("<DeleteMarker><Key>k</Key><VersionId>" + marker + "</VersionId><IsLatest>true"),
            std::string::npos)
      << versions.body;
  EXPECT_NE(versions.body.find("<VersionId>" + v1 + "</VersionId><IsLatest>false</IsLatest>"), std::string::npos)
      << versions.body;
  EXPECT_EQ(call("GET", "/ver?list-type=2").body.find("<Contents>"), std::string::npos);

  // Removing the marker by id brings the previous version back.
  auto undelete = call("DELETE", "/ver/k?versionId=" + marker);
  EXPECT_EQ(undelete.headers.get("x-amz-delete-marker"), "true");
  EXPECT_EQ(call("GET", "/ver/k").body, "two");
  EXPECT_EQ(blobs_.count(), 2u);
  call("DELETE", "/ver/k?versionId=" + v2);
  EXPECT_EQ(call("GET", "/ver/k").body, "one");
  EXPECT_EQ(blobs_.count(), 1u);
}

TEST_F(S3Test, SuspendedBucketWritesNullVersion) {
  call("PUT", "/sus");
  set_versioning("sus", store::Versioning::kSuspended);
  auto put = call("PUT", "/sus/k", "one");
  EXPECT_EQ(put.headers.get("x-amz-version-id"), "null");
  call("PUT", "/sus/k", "two");
  EXPECT_EQ(blobs_.count(), 1u);
  auto del = call("DELETE", "/sus/k");
  EXPECT_EQ(del.headers.get("x-amz-version-id"), "null");
  EXPECT_EQ(del.headers.get("x-amz-delete-marker"), "true");
  EXPECT_EQ(blobs_.count(), 0u);
}

TEST_F(S3Test, CopyObject) {
  call("PUT", "/bkt");
  call("PUT", "/bkt/src key", "payload", {{"Content-Type", "text/plain"}, {"x-amz-meta-a", "1"}});
  auto copy = call("PUT", "/bkt/dst", "", {{"x-amz-copy-source", "bkt/src%20key"}});
  ASSERT_EQ(copy.status, 200) << copy.code;
  EXPECT_NE(copy.body.find("<CopyObjectResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LastModified>"
                           "2023-11-14T22:13:20.000Z</LastModified><ETag>&quot;" +
                           core::hex_encode(crypto::md5("payload")) + "&quot;</ETag>"),
            std::string::npos)
      << copy.body;
  auto got = call("GET", "/bkt/dst");
  EXPECT_EQ(got.body, "payload");
  EXPECT_EQ(got.headers.get("Content-Type"), "text/plain");
  EXPECT_EQ(got.headers.get("x-amz-meta-a"), "1");

  auto replaced = call("PUT", "/bkt/dst2", "", {{"x-amz-copy-source", "/bkt/src%20key"},
                                              {"x-amz-metadata-directive", "REPLACE"},
                                              {"x-amz-meta-b", "2"}});
  ASSERT_EQ(replaced.status, 200);
  auto got2 = call("GET", "/bkt/dst2");
  EXPECT_FALSE(got2.headers.has("x-amz-meta-a"));
  EXPECT_EQ(got2.headers.get("x-amz-meta-b"), "2");
  EXPECT_EQ(got2.headers.get("Content-Type"), "binary/octet-stream");

  EXPECT_EQ(call("PUT", "/bkt/src%20key", "", {{"x-amz-copy-source", "bkt/src%20key"}}).code, "InvalidRequest");
  EXPECT_EQ(call("PUT", "/bkt/src%20key", "",
                 {{"x-amz-copy-source", "bkt/src%20key"}, {"x-amz-metadata-directive", "REPLACE"}})
                .status,
            200);
  EXPECT_EQ(call("PUT", "/bkt/x", "", {{"x-amz-copy-source", "bkt/none"}}).code, "NoSuchKey");
  EXPECT_EQ(call("PUT", "/bkt/x", "", {{"x-amz-copy-source", "nob/none"}}).code, "NoSuchBucket");
  EXPECT_EQ(call("PUT", "/bkt/x", "", {{"x-amz-copy-source", "justbucket"}}).code, "InvalidArgument");
  EXPECT_EQ(call("PUT", "/bkt/x", "", {{"x-amz-copy-source", "bkt/src%20key"}, {"x-amz-metadata-directive", "MOVE"}})
                .code,
            "InvalidArgument");
  EXPECT_EQ(call("PUT", "/bkt/x", "", {{"x-amz-copy-source", "bkt/src%20key"},
                                     {"x-amz-copy-source-if-match", "\"other\""}})
                .code,
            "PreconditionFailed");
  EXPECT_EQ(call("PUT", "/bkt/x", "", {{"x-amz-copy-source", "bkt/src%20key"},
                                     {"x-amz-copy-source-if-none-match", etag_of("payload")}})
                .status,
            412);
}

TEST_F(S3Test, DeleteObjects) {
  call("PUT", "/bkt");
  call("PUT", "/bkt/a", "1");
  call("PUT", "/bkt/b", "2");
  const std::string doc =
      "<Delete><Object><Key>a</Key></Object><Object><Key>b</Key></Object><Object><Key>zz</Key></Object></Delete>";
  EXPECT_EQ(call("POST", "/bkt?delete", doc).code, "InvalidRequest");
  EXPECT_EQ(call("POST", "/bkt?delete", doc, {{"Content-MD5", md5_b64("other")}}).code, "BadDigest");
  auto r = call("POST", "/bkt?delete", doc, {{"Content-MD5", md5_b64(doc)}});
  ASSERT_EQ(r.status, 200) << r.code;
  EXPECT_NE(r.body.find("<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Deleted><Key>a</Key>"
                        "</Deleted><Deleted><Key>b</Key></Deleted><Deleted><Key>zz</Key></Deleted></DeleteResult>"),
            std::string::npos)
      << r.body;
  EXPECT_EQ(blobs_.count(), 0u);

  const std::string quiet = "<Delete><Quiet>true</Quiet><Object><Key>a</Key></Object></Delete>";
  auto q = call("POST", "/bkt?delete", quiet, {{"Content-MD5", md5_b64(quiet)}});
  EXPECT_EQ(q.body.find("<Deleted>"), std::string::npos);

  std::string many = "<Delete>";
  for (int i = 0; i < 1001; ++i) many += "<Object><Key>k" + std::to_string(i) + "</Key></Object>";
  many += "</Delete>";
  EXPECT_EQ(call("POST", "/bkt?delete", many, {{"Content-MD5", md5_b64(many)}}).code, "MalformedXML");
  EXPECT_EQ(call("POST", "/bkt?delete", "<Delete>", {{"Content-MD5", md5_b64("<Delete>")}}).code, "MalformedXML");
}

TEST_F(S3Test, DeleteObjectsVersioned) {
  call("PUT", "/ver");
  set_versioning("ver", store::Versioning::kEnabled);
  auto p = call("PUT", "/ver/a", "1");
  const std::string v1(*p.headers.get("x-amz-version-id"));
  const std::string doc = "<Delete><Object><Key>a</Key></Object><Object><Key>a</Key><VersionId>" + v1 +
                          "</VersionId></Object></Delete>";
  auto r = call("POST", "/ver?delete", doc, {{"Content-MD5", md5_b64(doc)}});
  EXPECT_NE(r.body.find("<Deleted><Key>a</Key><DeleteMarker>true</DeleteMarker><DeleteMarkerVersionId>"),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("<Deleted><Key>a</Key><VersionId>" + v1 + "</VersionId></Deleted>"), std::string::npos);
}

TEST_F(S3Test, ListObjects) {
  call("PUT", "/bkt");
  for (std::string k : {"a b", "dir/x", "dir/y", "dir/sub/z", "e+f"}) call("PUT", "/bkt/" + core::uri_encode(k, false), "x");
  auto v1 = call("GET", "/bkt?delimiter=/&max-keys=2");
  EXPECT_NE(v1.body.find("<Name>bkt</Name><Prefix></Prefix><Marker></Marker><NextMarker>dir/</NextMarker>"
                         "<MaxKeys>2</MaxKeys><Delimiter>/</Delimiter><IsTruncated>true</IsTruncated>"),
            std::string::npos)
      << v1.body;
  EXPECT_NE(v1.body.find("<CommonPrefixes><Prefix>dir/</Prefix></CommonPrefixes>"), std::string::npos);
  EXPECT_NE(v1.body.find("<Owner><ID>123456789012</ID>"), std::string::npos);
  auto v1b = call("GET", "/bkt?delimiter=/&marker=dir/");
  EXPECT_NE(v1b.body.find("<Key>e+f</Key>"), std::string::npos);
  EXPECT_EQ(v1b.body.find("<CommonPrefixes>"), std::string::npos);
  EXPECT_NE(v1b.body.find("<Marker>dir/</Marker>"), std::string::npos);

  auto v2 = call("GET", "/bkt?list-type=2&max-keys=1&encoding-type=url");
  EXPECT_NE(v2.body.find("<Key>a%20b</Key>"), std::string::npos) << v2.body;
  EXPECT_NE(v2.body.find("<KeyCount>1</KeyCount>"), std::string::npos);
  EXPECT_EQ(v2.body.find("<Owner>"), std::string::npos);
  auto start = v2.body.find("<NextContinuationToken>");
  ASSERT_NE(start, std::string::npos);
  start += std::string("<NextContinuationToken>").size();
  std::string token = v2.body.substr(start, v2.body.find('<', start) - start);
  auto next = call("GET", "/bkt?list-type=2&prefix=dir/&delimiter=/&continuation-token=" + token);
  EXPECT_NE(next.body.find("<Key>dir/x</Key>"), std::string::npos) << next.body;
  EXPECT_NE(next.body.find("<CommonPrefixes><Prefix>dir/sub/</Prefix></CommonPrefixes>"), std::string::npos);
  EXPECT_NE(next.body.find("<KeyCount>3</KeyCount>"), std::string::npos);
  EXPECT_EQ(call("GET", "/bkt?list-type=2&continuation-token=garbage!").code, "InvalidArgument");
  auto sa = call("GET", "/bkt?list-type=2&start-after=dir/y");
  EXPECT_NE(sa.body.find("<StartAfter>dir/y</StartAfter>"), std::string::npos);
  EXPECT_NE(sa.body.find("<Key>e+f</Key>"), std::string::npos);
  EXPECT_EQ(sa.body.find("<Key>dir/x</Key>"), std::string::npos);
  auto zero = call("GET", "/bkt?list-type=2&max-keys=0");
  EXPECT_NE(zero.body.find("<IsTruncated>false</IsTruncated>"), std::string::npos);
  EXPECT_EQ(call("GET", "/nob?list-type=2").code, "NoSuchBucket");
}

TEST_F(S3Test, ObjectTagging) {
  call("PUT", "/bkt");
  call("PUT", "/bkt/k", "x", {{"x-amz-tagging", "a=1&b=two%20words"}});
  auto get = call("GET", "/bkt/k?tagging");
  ASSERT_EQ(get.status, 200) << get.code;
  EXPECT_EQ(get.body,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<TagSet><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>b</Key><Value>two words</Value></Tag>"
            "</TagSet></Tagging>")
      << get.body;
  EXPECT_FALSE(get.headers.get("x-amz-version-id").has_value());

  const std::string doc = "<Tagging><TagSet><Tag><Key>new</Key><Value>v</Value></Tag></TagSet></Tagging>";
  auto put = call("PUT", "/bkt/k?tagging", doc);
  EXPECT_EQ(put.status, 200) << put.code;
  EXPECT_EQ(call("HEAD", "/bkt/k").headers.get("x-amz-tagging-count"), "1");
  EXPECT_NE(call("GET", "/bkt/k?tagging").body.find("<TagSet><Tag><Key>new</Key><Value>v</Value></Tag></TagSet>"),
            std::string::npos);
  EXPECT_EQ(call("GET", "/bkt/k").body, "x");  // the object itself is untouched

  EXPECT_EQ(call("PUT", "/bkt/k?tagging", "<Tagging>").code, "MalformedXML");
  std::string dup = "<Tagging><TagSet><Tag><Key>d</Key><Value>1</Value></Tag><Tag><Key>d</Key><Value>2</Value></Tag>"
                    "</TagSet></Tagging>";
  EXPECT_EQ(call("PUT", "/bkt/k?tagging", dup).code, "InvalidTag");
  EXPECT_NE(call("GET", "/bkt/k?tagging").body.find("<Key>new</Key>"), std::string::npos);  // failed PUT kept tags

  auto del = call("DELETE", "/bkt/k?tagging");
  EXPECT_EQ(del.status, 204);
  EXPECT_NE(call("GET", "/bkt/k?tagging").body.find("<TagSet></TagSet>"), std::string::npos)
      << call("GET", "/bkt/k?tagging").body;
  EXPECT_FALSE(call("HEAD", "/bkt/k").headers.get("x-amz-tagging-count").has_value());

  EXPECT_EQ(call("GET", "/bkt/missing?tagging").code, "NoSuchKey");
  EXPECT_EQ(call("PUT", "/bkt/missing?tagging", doc).code, "NoSuchKey");
  EXPECT_EQ(call("DELETE", "/bkt/missing?tagging").code, "NoSuchKey");
  EXPECT_EQ(call("GET", "/nob/k?tagging").code, "NoSuchBucket");
  EXPECT_EQ(call("GET", "/bkt/k?tagging&versionId=bad-id").code, "InvalidArgument");
  EXPECT_EQ(call("GET", "/bkt/k?tagging&versionId=null").status, 200);
  EXPECT_EQ(call("GET", "/bkt?tagging").code, "NoSuchTagSet");  // bucket tagging is its own sub-resource
}

TEST_F(S3Test, ObjectTaggingVersioned) {
  call("PUT", "/ver");
  set_versioning("ver", store::Versioning::kEnabled);
  const std::string v1(*call("PUT", "/ver/k", "one", {{"x-amz-tagging", "gen=1"}}).headers.get("x-amz-version-id"));
  const std::string v2(*call("PUT", "/ver/k", "two", {{"x-amz-tagging", "gen=2"}}).headers.get("x-amz-version-id"));
  auto current = call("GET", "/ver/k?tagging");
  EXPECT_EQ(current.headers.get("x-amz-version-id"), v2);
  EXPECT_NE(current.body.find("<Value>2</Value>"), std::string::npos);
  auto old = call("GET", "/ver/k?tagging&versionId=" + v1);
  EXPECT_EQ(old.headers.get("x-amz-version-id"), v1);
  EXPECT_NE(old.body.find("<Value>1</Value>"), std::string::npos);

  // Tagging one version leaves the others alone.
  const std::string doc = "<Tagging><TagSet><Tag><Key>gen</Key><Value>old</Value></Tag></TagSet></Tagging>";
  EXPECT_EQ(call("PUT", "/ver/k?tagging&versionId=" + v1, doc).headers.get("x-amz-version-id"), v1);
  EXPECT_NE(call("GET", "/ver/k?tagging&versionId=" + v1).body.find("<Value>old</Value>"), std::string::npos);
  EXPECT_NE(call("GET", "/ver/k?tagging").body.find("<Value>2</Value>"), std::string::npos);
  EXPECT_EQ(call("DELETE", "/ver/k?tagging&versionId=" + v2).headers.get("x-amz-version-id"), v2);
  EXPECT_NE(call("GET", "/ver/k?tagging").body.find("<TagSet></TagSet>"), std::string::npos);

  const std::string absent(32, 'A');
  auto missing = call("GET", "/ver/k?tagging&versionId=" + absent);
  EXPECT_EQ(missing.code, "NoSuchVersion");
  EXPECT_EQ(call("PUT", "/ver/k?tagging&versionId=" + absent, doc).code, "NoSuchVersion");

  // Delete markers have no tags: 405 whether addressed by id or current.
  const std::string marker(*call("DELETE", "/ver/k").headers.get("x-amz-version-id"));
  auto on_current = call("GET", "/ver/k?tagging");
  EXPECT_EQ(on_current.status, 405);
  EXPECT_EQ(on_current.code, "MethodNotAllowed");
  EXPECT_EQ(on_current.headers.get("x-amz-delete-marker"), "true");
  EXPECT_EQ(on_current.headers.get("x-amz-version-id"), marker);
  EXPECT_EQ(call("PUT", "/ver/k?tagging&versionId=" + marker, doc).code, "MethodNotAllowed");
  EXPECT_EQ(call("DELETE", "/ver/k?tagging").code, "MethodNotAllowed");
  EXPECT_NE(call("GET", "/ver/k?tagging&versionId=" + v1).body.find("<Value>old</Value>"), std::string::npos);
}

TEST_F(S3Test, DeleteWithMalformedOrMissingVersionId) {
  call("PUT", "/ver");
  set_versioning("ver", store::Versioning::kEnabled);
  const std::string v1(*call("PUT", "/ver/k", "one").headers.get("x-amz-version-id"));

  // Not a version id at all: 400 InvalidArgument, nothing deleted.
  auto bad = call("DELETE", "/ver/k?versionId=no-such-version-id");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.code, "InvalidArgument");
  EXPECT_EQ(call("DELETE", "/ver/k?versionId=").code, "InvalidArgument");
  // Well-formed but unknown: 204 echoing the id, nothing deleted (S3 treats it like a missing key).
  const std::string absent(32, 'Z');
  auto unknown = call("DELETE", "/ver/k?versionId=" + absent);
  EXPECT_EQ(unknown.status, 204);
  EXPECT_EQ(unknown.headers.get("x-amz-version-id"), absent);
  EXPECT_FALSE(unknown.headers.get("x-amz-delete-marker").has_value());
  EXPECT_EQ(call("DELETE", "/ver/k?versionId=null").status, 204);
  EXPECT_EQ(call("GET", "/ver/k").body, "one");

  // DeleteObjects: the malformed id is a per-key NoSuchVersion; the others are deleted.
  call("PUT", "/ver/other", "2");
  const std::string doc = "<Delete><Quiet>true</Quiet><Object><Key>other</Key></Object>"
                          "<Object><Key>k</Key><VersionId>no-such-version-id</VersionId></Object>"
                          "<Object><Key>k</Key><VersionId>" + absent + "</VersionId></Object></Delete>";
  auto r = call("POST", "/ver?delete", doc, {{"Content-MD5", md5_b64(doc)}});
  ASSERT_EQ(r.status, 200) << r.code;
  EXPECT_NE(r.body.find("<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Error><Key>k</Key>"
                        "<VersionId>no-such-version-id</VersionId><Code>NoSuchVersion</Code>"
                        "<Message>The specified version does not exist.</Message></Error></DeleteResult>"),
            std::string::npos)
      << r.body;
  EXPECT_EQ(call("GET", "/ver/other").code, "NoSuchKey");
  EXPECT_EQ(call("GET", "/ver/k?versionId=" + v1).body, "one");
}

TEST_F(S3Test, UnsupportedIsNotImplemented) {
  call("PUT", "/bkt");
  auto r = call("GET", "/bkt?inventory");
  EXPECT_EQ(r.status, 501);
  EXPECT_EQ(r.code, "NotImplemented");
}

}  // namespace
}  // namespace podbucket::s3

namespace podbucket::s3 {
namespace {

TEST_F(S3Test, ListBucketsPaging) {
  for (std::string b : {"aaa", "abb", "bcc"}) ASSERT_EQ(call("PUT", "/" + b).status, 200);
  auto first = call("GET", "/?max-buckets=1&prefix=a");
  EXPECT_NE(first.body.find("<Name>aaa</Name>"), std::string::npos);
  EXPECT_EQ(first.body.find("<Name>abb</Name>"), std::string::npos);
  EXPECT_NE(first.body.find("<Prefix>a</Prefix>"), std::string::npos);
  auto start = first.body.find("<ContinuationToken>");
  ASSERT_NE(start, std::string::npos) << first.body;
  start += std::string("<ContinuationToken>").size();
  std::string token = first.body.substr(start, first.body.find('<', start) - start);
  auto second = call("GET", "/?max-buckets=1&prefix=a&continuation-token=" + token);
  EXPECT_NE(second.body.find("<Name>abb</Name>"), std::string::npos);
  EXPECT_EQ(second.body.find("<ContinuationToken>"), std::string::npos);
  EXPECT_EQ(call("GET", "/?max-buckets=0").code, "InvalidArgument");
  // Buckets of another account are not listed.
  caller_.account_id = "999999999999";
  EXPECT_EQ(call("GET", "/").body.find("<Bucket>"), std::string::npos);
  EXPECT_EQ(call("PUT", "/aaa").code, "BucketAlreadyExists");
}

}  // namespace
}  // namespace podbucket::s3

namespace podbucket::s3 {
namespace {

TEST_F(S3Test, PartNumberOnMultipartObject) {
  call("PUT", "/bkt");
  auto blob = [&](const std::string& data) {
    auto w = blobs_.create();
    w->write(data.data(), data.size());
    return w->commit();
  };
  store::ObjectRecord o;
  o.bucket = "bkt";
  o.key = "mp";
  o.version_id = "null";
  o.size = 8;
  o.etag = "\"0123456789abcdef0123456789abcdef-2\"";
  o.segments = {{blob("aaaaa"), 5}, {blob("bbb"), 3}};
  o.parts = {{1, 5, "\"p1\"", ""}, {2, 3, "\"p2\"", ""}};
  ASSERT_EQ(meta_->put_object(o, {}).status, store::PutStatus::kStored);

  auto p2 = call("GET", "/bkt/mp?partNumber=2");
  EXPECT_EQ(p2.status, 206);
  EXPECT_EQ(p2.body, "bbb");
  EXPECT_EQ(p2.headers.get("Content-Range"), "bytes 5-7/8");
  EXPECT_EQ(p2.headers.get("x-amz-mp-parts-count"), "2");
  EXPECT_EQ(call("HEAD", "/bkt/mp?partNumber=1").length, 5u);
  EXPECT_EQ(call("GET", "/bkt/mp?partNumber=3").code, "InvalidPartNumber");
  auto across = call("GET", "/bkt/mp", "", {{"Range", "bytes=3-6"}});
  EXPECT_EQ(across.body, "aabb");
}

}  // namespace
}  // namespace podbucket::s3
