// The bucket-configuration operations through the service: "not configured" answers, validation errors with S3's
// codes, deletes, ACL and ownership rules, CORS preflight and response headers, GetObjectAttributes.
#include <gtest/gtest.h>

#include "s3/authz/permissions.h"
#include "s3/bucket/cors.h"
#include "s3/testing/handler_fixture.h"

namespace podbucket::s3 {
namespace {

class BucketConfig : public testing::HandlerFixture {
 protected:
  void SetUp() override { ASSERT_EQ(call("PUT", "/cfgb").status, 200); }
};

TEST_F(BucketConfig, NotConfiguredAnswersAreTheOnesTerraformTolerates) {
  struct Case {
    const char* sub;
    int status;
    const char* code;
  };
  const Case cases[] = {
      {"tagging", 404, "NoSuchTagSet"},
      {"cors", 404, "NoSuchCORSConfiguration"},
      {"website", 404, "NoSuchWebsiteConfiguration"},
      {"lifecycle", 404, "NoSuchLifecycleConfiguration"},
      {"replication", 404, "ReplicationConfigurationNotFoundError"},
      {"object-lock", 404, "ObjectLockConfigurationNotFoundError"},
      {"acl", 200, ""},
      {"logging", 200, ""},
      {"accelerate", 200, ""},
      {"requestPayment", 200, ""},
      {"notification", 200, ""},
      {"ownershipControls", 200, ""},
  };
  for (const auto& c : cases) {
    auto r = call("GET", std::string("/cfgb?") + c.sub + "=");
    EXPECT_EQ(r.status, c.status) << c.sub;
    EXPECT_EQ(r.code, c.code) << c.sub;
    EXPECT_EQ(call("GET", std::string("/missing?") + c.sub).code, "NoSuchBucket") << c.sub;
  }
}

TEST_F(BucketConfig, DeletesAnswer204AndRestoreTheNotConfiguredAnswer) {
  ASSERT_EQ(call("PUT", "/cfgb?tagging", "<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>")
                .status,
            204);
  ASSERT_EQ(call("PUT", "/cfgb?cors",
                 "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>"
                 "</CORSRule></CORSConfiguration>")
                .status,
            200);
  ASSERT_EQ(call("PUT", "/cfgb?website",
                 "<WebsiteConfiguration><IndexDocument><Suffix>i.html</Suffix></IndexDocument></WebsiteConfiguration>")
                .status,
            200);
  ASSERT_EQ(call("PUT", "/cfgb?lifecycle",
                 "<LifecycleConfiguration><Rule><Filter/><Status>Enabled</Status><Expiration><Days>1</Days>"
                 "</Expiration></Rule></LifecycleConfiguration>")
                .status,
            200);
  for (const char* sub : {"tagging", "cors", "website", "lifecycle", "replication"}) {
    EXPECT_EQ(call("DELETE", std::string("/cfgb?") + sub).status, 204) << sub;
    EXPECT_EQ(call("DELETE", std::string("/cfgb?") + sub).status, 204) << sub << " twice";
  }
  EXPECT_EQ(call("GET", "/cfgb?tagging").code, "NoSuchTagSet");
  EXPECT_EQ(call("GET", "/cfgb?cors").code, "NoSuchCORSConfiguration");
  EXPECT_EQ(call("GET", "/cfgb?website").code, "NoSuchWebsiteConfiguration");
  EXPECT_EQ(call("GET", "/cfgb?lifecycle").code, "NoSuchLifecycleConfiguration");
  EXPECT_EQ(call("DELETE", "/cfgb").status, 204) << "configurations do not keep a bucket alive";
}

TEST_F(BucketConfig, TaggingValidation) {
  auto tagging = [](const std::string& tags) { return "<Tagging><TagSet>" + tags + "</TagSet></Tagging>"; };
  auto tag = [](const std::string& k, const std::string& v) {
    return "<Tag><Key>" + k + "</Key><Value>" + v + "</Value></Tag>";
  };
  EXPECT_EQ(call("PUT", "/cfgb?tagging", tagging(tag("a", "1") + tag("a", "2"))).code, "InvalidTag");
  EXPECT_EQ(call("PUT", "/cfgb?tagging", tagging(tag("", "1"))).code, "InvalidTag");
  EXPECT_EQ(call("PUT", "/cfgb?tagging", tagging(tag(std::string(129, 'k'), "1"))).code, "InvalidTag");
  EXPECT_EQ(call("PUT", "/cfgb?tagging", tagging(tag("k", std::string(257, 'v')))).code, "InvalidTag");
  EXPECT_EQ(call("PUT", "/cfgb?tagging", tagging(tag("aws:cost", "1"))).code, "InvalidTag");
  EXPECT_EQ(call("PUT", "/cfgb?tagging", tagging(tag("semi;colon", "1"))).code, "InvalidTag");
  std::string fifty, fifty_one;
  for (int i = 0; i < 51; ++i) (i < 50 ? fifty : fifty_one) += tag("k" + std::to_string(i), "v");
  EXPECT_EQ(call("PUT", "/cfgb?tagging", tagging(fifty)).status, 204);
  EXPECT_EQ(call("PUT", "/cfgb?tagging", tagging(fifty + fifty_one)).code, "InvalidTag");
  EXPECT_EQ(call("PUT", "/cfgb?tagging", "<Tagging><TagSet><Tag><Key>a</Key></Tag></TagSet></Tagging>").code,
            "MalformedXML");
  EXPECT_EQ(call("PUT", "/cfgb?tagging", "<Nope/>").code, "MalformedXML");
  EXPECT_EQ(call("PUT", "/cfgb?tagging", tagging(tag("ü n:i/c=o+d-e@_.", "x"))).status, 204);
  EXPECT_EQ(call("PUT", "/cfgb?tagging", tagging("")).status, 204) << "an empty TagSet removes the tags";
  EXPECT_EQ(call("GET", "/cfgb?tagging").code, "NoSuchTagSet");
}

TEST_F(BucketConfig, ContentMd5IsCheckedWhenSent) {
  const std::string body = "<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>";
  EXPECT_EQ(call("PUT", "/cfgb?tagging", body, {{"Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg=="}}).code, "BadDigest");
  EXPECT_EQ(call("PUT", "/cfgb?tagging", body, {{"Content-MD5", "nope"}}).code, "InvalidDigest");
  EXPECT_EQ(call("PUT", "/cfgb?tagging", body, {{"x-amz-checksum-crc32", "AAAAAA=="}}).code, "BadDigest");
}

TEST_F(BucketConfig, CorsValidation) {
  auto cors = [](const std::string& rule) {
    return "<CORSConfiguration><CORSRule>" + rule + "</CORSRule></CORSConfiguration>";
  };
  auto put = [&](const std::string& rule) { return call("PUT", "/cfgb?cors", cors(rule)); };
  EXPECT_EQ(put("<AllowedOrigin>*</AllowedOrigin>").code, "MalformedXML") << "no method";
  EXPECT_EQ(put("<AllowedMethod>GET</AllowedMethod>").code, "MalformedXML") << "no origin";
  auto patch = put("<AllowedOrigin>*</AllowedOrigin><AllowedMethod>PATCH</AllowedMethod>");
  EXPECT_EQ(patch.code, "InvalidRequest");
  EXPECT_EQ(patch.message, "Found unsupported HTTP method in CORS config. Unsupported method is PATCH");
  EXPECT_EQ(put("<AllowedOrigin>http://*.*.com</AllowedOrigin><AllowedMethod>GET</AllowedMethod>").code,
            "InvalidRequest");
  EXPECT_EQ(put("<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><ExposeHeader>x-*</ExposeHeader>")
                .code,
            "InvalidRequest");
  EXPECT_EQ(put("<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>-1</MaxAgeSeconds>")
                .code,
            "MalformedXML");
  EXPECT_EQ(call("PUT", "/cfgb?cors", "<CORSConfiguration/>").code, "MalformedXML");
}

TEST_F(BucketConfig, CorsPreflightFollowsTheRules) {
  auto preflight = [&](const std::string& target, std::vector<std::pair<std::string, std::string>> headers) {
    return call("OPTIONS", target, {}, std::move(headers));
  };
  EXPECT_EQ(preflight("/cfgb/k", {{"Access-Control-Request-Method", "GET"}}).code, "BadRequest") << "no Origin";
  EXPECT_EQ(preflight("/cfgb/k", {{"Origin", "https://a.example"}}).code, "BadRequest") << "no method";
  auto not_enabled = preflight("/cfgb/k", {{"Origin", "https://a.example"}, {"Access-Control-Request-Method", "GET"}});
  EXPECT_EQ(not_enabled.status, 403);
  EXPECT_EQ(not_enabled.code, "AccessForbidden");
  EXPECT_EQ(not_enabled.message, "CORSResponse: CORS is not enabled for this bucket.");
  EXPECT_EQ(preflight("/nobucket/k", {{"Origin", "https://a.example"}, {"Access-Control-Request-Method", "GET"}})
                .message,
            "CORSResponse: Bucket not found");

  ASSERT_EQ(call("PUT", "/cfgb?cors",
                 "<CORSConfiguration><CORSRule><AllowedOrigin>https://*.example.com</AllowedOrigin>"
                 "<AllowedMethod>PUT</AllowedMethod><AllowedMethod>GET</AllowedMethod>"
                 "<AllowedHeader>content-*</AllowedHeader><AllowedHeader>x-amz-date</AllowedHeader>"
                 "<ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>600</MaxAgeSeconds></CORSRule><CORSRule>"
                 "<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>"
                 "</CORSConfiguration>")
                .status,
            200);
  auto ok = preflight("/cfgb/some/key", {{"Origin", "https://gitlab.example.com"},
                                       {"Access-Control-Request-Method", "PUT"},
                                       {"Access-Control-Request-Headers", "Content-Type, X-Amz-Date"}});
  ASSERT_EQ(ok.status, 200) << ok.code << " " << ok.message;
  EXPECT_EQ(ok.body, "");
  EXPECT_EQ(ok.headers.get("Access-Control-Allow-Origin"), "https://gitlab.example.com");
  EXPECT_EQ(ok.headers.get("Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(ok.headers.get("Access-Control-Allow-Methods"), "PUT, GET");
  EXPECT_EQ(ok.headers.get("Access-Control-Allow-Headers"), "content-type, x-amz-date");
  EXPECT_EQ(ok.headers.get("Access-Control-Expose-Headers"), "ETag");
  EXPECT_EQ(ok.headers.get("Access-Control-Max-Age"), "600");
  EXPECT_EQ(ok.headers.get("Vary"), "Origin, Access-Control-Request-Headers, Access-Control-Request-Method");

  auto bad_header = preflight("/cfgb/k", {{"Origin", "https://gitlab.example.com"},
                                        {"Access-Control-Request-Method", "PUT"},
                                        {"Access-Control-Request-Headers", "x-custom"}});
  EXPECT_EQ(bad_header.code, "AccessForbidden");
  EXPECT_NE(bad_header.message.find("This CORS request is not allowed"), std::string::npos);
  auto other_origin_get = preflight("/cfgb", {{"Origin", "http://evil.test"}, {"Access-Control-Request-Method", "GET"}});
  EXPECT_EQ(other_origin_get.status, 200) << "the second rule allows any origin to GET";
  EXPECT_EQ(other_origin_get.headers.get("Access-Control-Allow-Origin"), "*");
  EXPECT_FALSE(other_origin_get.headers.has("Access-Control-Allow-Credentials"));
  EXPECT_EQ(preflight("/cfgb", {{"Origin", "http://evil.test"}, {"Access-Control-Request-Method", "PUT"}}).code,
            "AccessForbidden");
}

TEST_F(BucketConfig, CorsHeadersOnActualRequests) {
  ASSERT_EQ(call("PUT", "/cfgb?cors",
                 "<CORSConfiguration><CORSRule><AllowedOrigin>https://app.test</AllowedOrigin>"
                 "<AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod>"
                 "<ExposeHeader>ETag</ExposeHeader></CORSRule></CORSConfiguration>")
                .status,
            200);
  auto put = call("PUT", "/cfgb/k", "data", {{"Origin", "https://app.test"}});
  EXPECT_EQ(put.headers.get("Access-Control-Allow-Origin"), "https://app.test");
  EXPECT_EQ(put.headers.get("Access-Control-Expose-Headers"), "ETag");
  auto get = call("GET", "/cfgb/k", {}, {{"Origin", "https://other.test"}});
  EXPECT_EQ(get.status, 200);
  EXPECT_FALSE(get.headers.has("Access-Control-Allow-Origin")) << "no rule for that origin";
  auto plain = call("GET", "/cfgb/k");
  EXPECT_FALSE(plain.headers.has("Access-Control-Allow-Origin")) << "no Origin, not cross-origin";
  auto missing = call("GET", "/cfgb/none", {}, {{"Origin", "https://app.test"}});
  EXPECT_EQ(missing.code, "NoSuchKey");
  EXPECT_EQ(missing.headers.get("Access-Control-Allow-Origin"), "https://app.test") << "errors carry them too";
  auto del = call("DELETE", "/cfgb/k", {}, {{"Origin", "https://app.test"}});
  EXPECT_FALSE(del.headers.has("Access-Control-Allow-Origin")) << "DELETE is not an allowed method";
}

TEST(CorsMatching, WildcardsAndCase) {
  EXPECT_TRUE(bucket::cors_wildcard_match("*", "anything", false));
  EXPECT_TRUE(bucket::cors_wildcard_match("https://*.example.com", "https://a.b.example.com", false));
  EXPECT_FALSE(bucket::cors_wildcard_match("https://*.example.com", "https://example.com", false));
  EXPECT_FALSE(bucket::cors_wildcard_match("https://a.test", "https://A.test", false));
  EXPECT_TRUE(bucket::cors_wildcard_match("X-Amz-*", "x-amz-date", true));
  EXPECT_TRUE(bucket::cors_wildcard_match("x-*-id", "x-request-id", true));
  EXPECT_FALSE(bucket::cors_wildcard_match("x-*-id", "x-id", true));
}

TEST_F(BucketConfig, AclsAreTheOwnersOnly) {
  EXPECT_EQ(call("PUT", "/cfgb?acl", {}, {{"x-amz-acl", "private"}}).status, 200);
  auto pub = call("PUT", "/cfgb?acl", {}, {{"x-amz-acl", "public-read"}});
  EXPECT_EQ(pub.status, 400);
  EXPECT_EQ(pub.code, "AccessControlListNotSupported");
  EXPECT_EQ(pub.message, "The bucket does not allow ACLs");
  EXPECT_EQ(call("PUT", "/cfgb?acl", {}, {{"x-amz-grant-read", "uri=\"http://acs.amazonaws.com/groups/global/AllUsers\""}})
                .code,
            "AccessControlListNotSupported");
  const std::string owner_only = call("GET", "/cfgb?acl").body;
  EXPECT_EQ(call("PUT", "/cfgb?acl", owner_only).status, 200) << "the GET answer PUT back is accepted";
  EXPECT_EQ(call("PUT", "/cfgb?acl", "<AccessControlPolicy><AccessControlList><Grant><Grantee "
                                   "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"Group\"><URI>"
                                   "http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ"
                                   "</Permission></Grant></AccessControlList></AccessControlPolicy>")
                .code,
            "AccessControlListNotSupported");
  EXPECT_EQ(call("PUT", "/cfgb?acl", "not xml").code, "MalformedACLError");
  EXPECT_EQ(call("PUT", "/cfgb?acl").code, "MalformedACLError");

  ASSERT_EQ(call("PUT", "/cfgb/k", "x").status, 200);
  EXPECT_EQ(call("PUT", "/cfgb/k?acl", {}, {{"x-amz-acl", "bucket-owner-full-control"}}).status, 200);
  EXPECT_EQ(call("PUT", "/cfgb/k?acl", {}, {{"x-amz-acl", "private"}}).status, 200);
  EXPECT_EQ(call("PUT", "/cfgb/k?acl", {}, {{"x-amz-acl", "public-read"}}).code, "AccessControlListNotSupported");
  EXPECT_EQ(call("GET", "/cfgb/nokey?acl").code, "NoSuchKey");
  EXPECT_EQ(call("PUT", "/cfgb/nokey?acl", {}, {{"x-amz-acl", "private"}}).code, "NoSuchKey");

  // With ACLs enabled by the ownership controls, grants to others are still not served.
  ASSERT_EQ(call("PUT", "/cfgb?ownershipControls",
                 "<OwnershipControls><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule></OwnershipControls>")
                .status,
            200);
  EXPECT_EQ(call("PUT", "/cfgb?acl", {}, {{"x-amz-acl", "public-read"}}).code, "NotImplemented");
}

TEST_F(BucketConfig, OwnershipControlsLifecycle) {
  EXPECT_EQ(call("PUT", "/cfgb?ownershipControls", "<OwnershipControls><Rule><ObjectOwnership>Bogus</ObjectOwnership>"
                                                 "</Rule></OwnershipControls>")
                .code,
            "MalformedXML");
  EXPECT_EQ(call("PUT", "/cfgb?ownershipControls", "<OwnershipControls/>").code, "MalformedXML");
  EXPECT_EQ(call("DELETE", "/cfgb?ownershipControls").status, 204);
  auto gone = call("GET", "/cfgb?ownershipControls");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.code, "OwnershipControlsNotFoundError");
  EXPECT_EQ(call("PUT", "/cfgb?ownershipControls", "<OwnershipControls><Rule><ObjectOwnership>BucketOwnerPreferred"
                                                 "</ObjectOwnership></Rule></OwnershipControls>")
                .status,
            200);
  EXPECT_NE(call("GET", "/cfgb?ownershipControls").body.find("BucketOwnerPreferred"), std::string::npos);
}

TEST_F(BucketConfig, WebsiteValidation) {
  auto put = [&](const std::string& inner) {
    return call("PUT", "/cfgb?website", "<WebsiteConfiguration>" + inner + "</WebsiteConfiguration>");
  };
  EXPECT_EQ(put("").code, "InvalidArgument");
  EXPECT_EQ(put("<IndexDocument><Suffix>a/b.html</Suffix></IndexDocument>").code, "InvalidArgument");
  EXPECT_EQ(put("<RedirectAllRequestsTo><HostName>h</HostName></RedirectAllRequestsTo>"
                "<IndexDocument><Suffix>i.html</Suffix></IndexDocument>")
                .code,
            "InvalidRequest");
  EXPECT_EQ(put("<RedirectAllRequestsTo><HostName>h</HostName><Protocol>ftp</Protocol></RedirectAllRequestsTo>").code,
            "InvalidRequest");
  EXPECT_EQ(put("<IndexDocument><Suffix>i.html</Suffix></IndexDocument><RoutingRules><RoutingRule><Redirect>"
                "<ReplaceKeyWith>a</ReplaceKeyWith><ReplaceKeyPrefixWith>b</ReplaceKeyPrefixWith></Redirect>"
                "</RoutingRule></RoutingRules>")
                .code,
            "InvalidRequest");
}

TEST_F(BucketConfig, LoggingNotificationAccelerateRequestPayment) {
  EXPECT_EQ(call("PUT", "/cfgb?logging", "<BucketLoggingStatus><LoggingEnabled><TargetBucket>nobucket</TargetBucket>"
                                       "<TargetPrefix>x/</TargetPrefix></LoggingEnabled></BucketLoggingStatus>")
                .code,
            "InvalidTargetBucketForLogging");
  EXPECT_EQ(call("PUT", "/cfgb?logging", "<BucketLoggingStatus><LoggingEnabled><TargetBucket>cfgb</TargetBucket>"
                                       "</LoggingEnabled></BucketLoggingStatus>")
                .code,
            "MalformedXML");
  ASSERT_EQ(call("PUT", "/cfgb?logging", "<BucketLoggingStatus><LoggingEnabled><TargetBucket>cfgb</TargetBucket>"
                                       "<TargetPrefix>x/</TargetPrefix></LoggingEnabled></BucketLoggingStatus>")
                .status,
            200);
  EXPECT_EQ(call("PUT", "/cfgb?logging", "<BucketLoggingStatus/>").status, 200) << "disables logging";
  EXPECT_EQ(call("GET", "/cfgb?logging").body.find("LoggingEnabled"), std::string::npos);

  EXPECT_EQ(call("PUT", "/cfgb?notification", "<NotificationConfiguration><TopicConfiguration><Topic>arn:aws:sns:"
                                            "us-east-1:1:t</Topic><Event>s3:Nope</Event></TopicConfiguration>"
                                            "</NotificationConfiguration>")
                .code,
            "InvalidArgument");
  EXPECT_EQ(call("PUT", "/cfgb?notification", "<NotificationConfiguration><TopicConfiguration><Topic>not-an-arn"
                                            "</Topic><Event>s3:ObjectCreated:*</Event></TopicConfiguration>"
                                            "</NotificationConfiguration>")
                .code,
            "InvalidArgument");
  ASSERT_EQ(call("PUT", "/cfgb?notification", "<NotificationConfiguration><TopicConfiguration><Topic>arn:aws:sns:"
                                            "us-east-1:1:t</Topic><Event>s3:ObjectRemoved:*</Event>"
                                            "</TopicConfiguration></NotificationConfiguration>")
                .status,
            200);
  auto n = call("GET", "/cfgb?notification").body;
  EXPECT_NE(n.find("<TopicConfiguration><Id>"), std::string::npos) << "an Id is assigned: " << n;
  EXPECT_EQ(call("PUT", "/cfgb?notification", "<NotificationConfiguration/>").status, 200);
  EXPECT_EQ(call("GET", "/cfgb?notification").body.find("Topic"), std::string::npos);

  EXPECT_EQ(call("PUT", "/cfgb?accelerate", "<AccelerateConfiguration><Status>On</Status></AccelerateConfiguration>")
                .code,
            "MalformedXML");
  ASSERT_EQ(call("PUT", "/d.otted").status, 200);
  EXPECT_EQ(call("PUT", "/d.otted?accelerate", "<AccelerateConfiguration><Status>Enabled</Status>"
                                               "</AccelerateConfiguration>")
                .code,
            "InvalidRequest");
  EXPECT_EQ(call("PUT", "/cfgb?requestPayment", "<RequestPaymentConfiguration><Payer>Me</Payer>"
                                              "</RequestPaymentConfiguration>")
                .code,
            "MalformedXML");
}

TEST_F(BucketConfig, ReplicationAndObjectLockAreDeclined) {
  const std::string replication =
      "<ReplicationConfiguration><Role>arn:aws:iam::1:role/r</Role><Rule><Status>Enabled</Status><Destination>"
      "<Bucket>arn:aws:s3:::dst</Bucket></Destination></Rule></ReplicationConfiguration>";
  EXPECT_EQ(call("PUT", "/cfgb?replication", replication).code, "InvalidRequest") << "versioning not enabled";
  set_versioning("cfgb", store::Versioning::kEnabled);
  EXPECT_EQ(call("PUT", "/cfgb?replication", replication).code, "NotImplemented");
  EXPECT_EQ(call("GET", "/cfgb?replication").code, "ReplicationConfigurationNotFoundError");
  EXPECT_EQ(call("PUT", "/cfgb?object-lock", "<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled>"
                                           "</ObjectLockConfiguration>")
                .code,
            "NotImplemented");
  EXPECT_EQ(call("GET", "/cfgb?object-lock").code, "ObjectLockConfigurationNotFoundError");
}

TEST_F(BucketConfig, LifecycleMinimumObjectSizeHeader) {
  const std::string doc = "<LifecycleConfiguration><Rule><ID>r</ID><Filter/><Status>Enabled</Status><Expiration>"
                          "<Days>1</Days></Expiration></Rule></LifecycleConfiguration>";
  auto put = call("PUT", "/cfgb?lifecycle", doc, {{"x-amz-transition-default-minimum-object-size", "varies_by_storage_class"}});
  ASSERT_EQ(put.status, 200);
  EXPECT_EQ(put.headers.get("x-amz-transition-default-minimum-object-size"), "varies_by_storage_class");
  EXPECT_EQ(call("GET", "/cfgb?lifecycle").headers.get("x-amz-transition-default-minimum-object-size"),
            "varies_by_storage_class");
  EXPECT_EQ(call("PUT", "/cfgb?lifecycle", doc, {{"x-amz-transition-default-minimum-object-size", "1K"}}).code,
            "InvalidRequest");
}

TEST_F(BucketConfig, ObjectAttributes) {
  set_versioning("cfgb", store::Versioning::kEnabled);
  auto put = call("PUT", "/cfgb/k", "abc");
  ASSERT_EQ(put.status, 200);
  std::string vid(*put.headers.get("x-amz-version-id"));
  EXPECT_EQ(call("GET", "/cfgb/k?attributes").code, "InvalidRequest") << "no x-amz-object-attributes";
  EXPECT_EQ(call("GET", "/cfgb/k?attributes", {}, {{"x-amz-object-attributes", " , "}}).code, "InvalidRequest");
  EXPECT_EQ(call("GET", "/cfgb/k?attributes", {}, {{"x-amz-object-attributes", "ETag,Color"}}).code, "InvalidArgument");
  auto size = call("GET", "/cfgb/k?attributes", {}, {{"x-amz-object-attributes", "ObjectSize"}});
  ASSERT_EQ(size.status, 200);
  EXPECT_NE(size.body.find("<ObjectSize>3</ObjectSize>"), std::string::npos);
  EXPECT_EQ(size.body.find("ETag"), std::string::npos) << "only what was asked";
  EXPECT_EQ(size.headers.get("x-amz-version-id"), vid);
  EXPECT_EQ(call("DELETE", "/cfgb/k").status, 204);
  auto marker = call("GET", "/cfgb/k?attributes", {}, {{"x-amz-object-attributes", "ETag"}});
  EXPECT_EQ(marker.code, "NoSuchKey");
  EXPECT_EQ(marker.headers.get("x-amz-delete-marker"), "true");
  auto old = call("GET", "/cfgb/k?attributes&versionId=" + vid, {}, {{"x-amz-object-attributes", "ETag"}});
  EXPECT_EQ(old.status, 200);
  EXPECT_NE(old.body.find("<ETag>900150983cd24fb0d6963f7d28e17f72</ETag>"), std::string::npos);
  EXPECT_EQ(call("GET", "/cfgb/k?attributes&versionId=bad", {}, {{"x-amz-object-attributes", "ETag"}}).code,
            "InvalidArgument");
}

TEST_F(BucketConfig, ObjectAttributesOfAMultipartObject) {
  auto create = call("POST", "/cfgb/mp?uploads", {}, {{"x-amz-checksum-algorithm", "CRC32"}});
  ASSERT_EQ(create.status, 200);
  auto at = create.body.find("<UploadId>");
  std::string upload = create.body.substr(at + 10, create.body.find("</UploadId>") - at - 10);
  std::string part1(5 * 1024 * 1024, 'a'), part2 = "tail";
  auto p1 = call("PUT", "/cfgb/mp?partNumber=1&uploadId=" + upload, part1, {{"x-amz-sdk-checksum-algorithm", "CRC32"}});
  auto p2 = call("PUT", "/cfgb/mp?partNumber=2&uploadId=" + upload, part2, {{"x-amz-sdk-checksum-algorithm", "CRC32"}});
  ASSERT_EQ(p1.status, 200);
  ASSERT_EQ(p2.status, 200);
  std::string complete = "<CompleteMultipartUpload>";
  int n = 1;
  for (const auto* p : {&p1, &p2}) {
    complete += "<Part><PartNumber>" + std::to_string(n++) + "</PartNumber><ETag>" +
                std::string(*p->headers.get("ETag")) + "</ETag><ChecksumCRC32>" +
                std::string(*p->headers.get("x-amz-checksum-crc32")) + "</ChecksumCRC32></Part>";
  }
  complete += "</CompleteMultipartUpload>";
  auto done = call("POST", "/cfgb/mp?uploadId=" + upload, complete);
  ASSERT_EQ(done.status, 200) << done.code << " " << done.message;
  auto r = call("GET", "/cfgb/mp?attributes", {},
                {{"x-amz-object-attributes", "ObjectParts"}, {"x-amz-max-parts", "1"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("<PartsCount>2</PartsCount>"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("<IsTruncated>true</IsTruncated>"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("<NextPartNumberMarker>1</NextPartNumberMarker>"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("<PartNumber>1</PartNumber><Size>5242880</Size>"), std::string::npos) << r.body;
  auto rest = call("GET", "/cfgb/mp?attributes", {},
                   {{"x-amz-object-attributes", "ObjectParts"}, {"x-amz-part-number-marker", "1"}});
  EXPECT_NE(rest.body.find("<PartNumber>2</PartNumber><Size>4</Size>"), std::string::npos) << rest.body;
  EXPECT_NE(rest.body.find("<IsTruncated>false</IsTruncated>"), std::string::npos) << rest.body;
}

}  // namespace
}  // namespace podbucket::s3

namespace podbucket::s3 {
namespace {

// Every configuration operation maps to its IAM action (S3 service authorization reference); none falls into the
// fail-closed default.
TEST(BucketConfigPermissions, EachOperationHasItsAction) {
  struct Row {
    const char* method;
    const char* target;
    std::vector<std::string> actions;
  };
  const Row rows[] = {
      {"GET", "/b?tagging", {"s3:GetBucketTagging"}},
      {"PUT", "/b?tagging", {"s3:PutBucketTagging"}},
      {"DELETE", "/b?tagging", {"s3:PutBucketTagging"}},
      {"GET", "/b?cors", {"s3:GetBucketCORS"}},
      {"PUT", "/b?cors", {"s3:PutBucketCORS"}},
      {"DELETE", "/b?cors", {"s3:PutBucketCORS"}},
      {"GET", "/b?acl", {"s3:GetBucketAcl"}},
      {"PUT", "/b?acl", {"s3:PutBucketAcl"}},
      {"GET", "/b?ownershipControls", {"s3:GetBucketOwnershipControls"}},
      {"PUT", "/b?ownershipControls", {"s3:PutBucketOwnershipControls"}},
      {"DELETE", "/b?ownershipControls", {"s3:PutBucketOwnershipControls"}},
      {"GET", "/b?website", {"s3:GetBucketWebsite"}},
      {"PUT", "/b?website", {"s3:PutBucketWebsite"}},
      {"DELETE", "/b?website", {"s3:DeleteBucketWebsite"}},
      {"GET", "/b?logging", {"s3:GetBucketLogging"}},
      {"PUT", "/b?logging", {"s3:PutBucketLogging"}},
      {"GET", "/b?notification", {"s3:GetBucketNotification"}},
      {"PUT", "/b?notification", {"s3:PutBucketNotification"}},
      {"GET", "/b?accelerate", {"s3:GetAccelerateConfiguration"}},
      {"PUT", "/b?accelerate", {"s3:PutAccelerateConfiguration"}},
      {"GET", "/b?requestPayment", {"s3:GetBucketRequestPayment"}},
      {"PUT", "/b?requestPayment", {"s3:PutBucketRequestPayment"}},
      {"GET", "/b?replication", {"s3:GetReplicationConfiguration"}},
      {"PUT", "/b?replication", {"s3:PutReplicationConfiguration"}},
      {"DELETE", "/b?replication", {"s3:PutReplicationConfiguration"}},
      {"GET", "/b?object-lock", {"s3:GetBucketObjectLockConfiguration"}},
      {"PUT", "/b?object-lock", {"s3:PutBucketObjectLockConfiguration"}},
      {"GET", "/b?lifecycle", {"s3:GetLifecycleConfiguration"}},
      {"PUT", "/b?lifecycle", {"s3:PutLifecycleConfiguration"}},
      {"DELETE", "/b?lifecycle", {"s3:PutLifecycleConfiguration"}},
      {"GET", "/b/k?acl", {"s3:GetObjectAcl"}},
      {"GET", "/b/k?acl&versionId=v", {"s3:GetObjectVersionAcl"}},
      {"PUT", "/b/k?acl", {"s3:PutObjectAcl"}},
      {"GET", "/b/k?attributes", {"s3:GetObject", "s3:GetObjectAttributes"}},
      {"GET", "/b/k?attributes&versionId=v", {"s3:GetObjectVersion", "s3:GetObjectVersionAttributes"}},
      {"OPTIONS", "/b/k", {}},
      {"OPTIONS", "/b", {}},
  };
  for (const auto& row : rows) {
    http::Request req;
    req.method = row.method;
    req.target = row.target;
    std::string t = row.target;
    auto q = t.find('?');
    req.path = t.substr(0, q);
    if (q != std::string::npos) req.raw_query = t.substr(q + 1);
    auto op = route(req, Config{});
    ASSERT_TRUE(op) << row.target;
    EXPECT_NE(op->kind, OpKind::kUnsupported) << row.method << " " << row.target;
    auto perms = authz::required_permissions(*op, req);
    ASSERT_TRUE(perms);
    std::vector<std::string> actions;
    for (const auto& p : *perms) actions.push_back(p.action);
    EXPECT_EQ(actions, row.actions) << row.method << " " << row.target;
  }
}

}  // namespace
}  // namespace podbucket::s3
