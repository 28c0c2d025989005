// Golden documents: each bucket configuration is PUT through the service and its GET answer compared byte for byte
// with the shape the S3 API reference documents (namespace, element names and order, self-closed empty
// documents).
#include <gtest/gtest.h>

#include "s3/testing/handler_fixture.h"

namespace podbucket::s3 {
namespace {

const std::string kDecl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
const std::string kNs = " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";

class Golden : public testing::HandlerFixture {
 protected:
  void SetUp() override { ASSERT_EQ(call("PUT", "/gold").status, 200); }

  // PUTs `doc` to ?sub and returns the GET answer's body.
  std::string round_trip(const std::string& sub, const std::string& doc) {
    auto put = call("PUT", "/gold?" + sub, doc);
    EXPECT_LT(put.status, 300) << sub << ": " << put.code << " " << put.message;
    auto get = call("GET", "/gold?" + sub);
    EXPECT_EQ(get.status, 200) << sub << ": " << get.code;
    EXPECT_EQ(get.headers.get("Content-Type"), "application/xml");
    return get.body;
  }
};

TEST_F(Golden, Tagging) {
  EXPECT_EQ(round_trip("tagging",
                       "<Tagging><TagSet><Tag><Key>team</Key><Value>git lab/ci</Value></Tag>"
                       "<Tag><Key>env</Key><Value></Value></Tag></TagSet></Tagging>"),
            kDecl + "<Tagging" + kNs +
                "><TagSet><Tag><Key>env</Key><Value></Value></Tag><Tag><Key>team</Key><Value>git lab/ci</Value>"
                "</Tag></TagSet></Tagging>");
}

TEST_F(Golden, Cors) {
  EXPECT_EQ(round_trip("cors",
                       "<CORSConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><CORSRule>"
                       "<AllowedOrigin>https://gitlab.example.com</AllowedOrigin><AllowedMethod>PUT</AllowedMethod>"
                       "<AllowedMethod>GET</AllowedMethod><AllowedHeader>*</AllowedHeader>"
                       "<MaxAgeSeconds>3000</MaxAgeSeconds><ExposeHeader>ETag</ExposeHeader><ID>web</ID>"
                       "</CORSRule><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>HEAD</AllowedMethod>"
                       "</CORSRule></CORSConfiguration>"),
            kDecl + "<CORSConfiguration" + kNs +
                "><CORSRule><ID>web</ID><AllowedHeader>*</AllowedHeader><AllowedMethod>PUT</AllowedMethod>"
                "<AllowedMethod>GET</AllowedMethod><AllowedOrigin>https://gitlab.example.com</AllowedOrigin>"
                "<ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule><CORSRule>"
                "<AllowedMethod>HEAD</AllowedMethod><AllowedOrigin>*</AllowedOrigin></CORSRule>"
                "</CORSConfiguration>");
}

TEST_F(Golden, BucketAndObjectAcl) {
  const std::string acl =
      kDecl + "<AccessControlPolicy" + kNs +
      "><Owner><ID>123456789012</ID><DisplayName>123456789012</DisplayName></Owner><AccessControlList><Grant>"
      "<Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CanonicalUser\">"
      "<ID>123456789012</ID><DisplayName>123456789012</DisplayName></Grantee><Permission>FULL_CONTROL</Permission>"
      "</Grant></AccessControlList></AccessControlPolicy>";
  EXPECT_EQ(call("GET", "/gold?acl").body, acl);
  ASSERT_EQ(call("PUT", "/gold/k", "x").status, 200);
  EXPECT_EQ(call("GET", "/gold/k?acl").body, acl);
}

TEST_F(Golden, OwnershipControls) {
  const std::string enforced = kDecl + "<OwnershipControls" + kNs +
                               "><Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule>"
                               "</OwnershipControls>";
  EXPECT_EQ(call("GET", "/gold?ownershipControls").body, enforced) << "the creation default";
  EXPECT_EQ(round_trip("ownershipControls",
                       "<OwnershipControls><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule>"
                       "</OwnershipControls>"),
            kDecl + "<OwnershipControls" + kNs +
                "><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule></OwnershipControls>");
}

TEST_F(Golden, Website) {
  EXPECT_EQ(round_trip("website",
                       "<WebsiteConfiguration><ErrorDocument><Key>404.html</Key></ErrorDocument>"
                       "<IndexDocument><Suffix>index.html</Suffix></IndexDocument><RoutingRules><RoutingRule>"
                       "<Redirect><ReplaceKeyPrefixWith>documents/</ReplaceKeyPrefixWith></Redirect>"
                       "<Condition><KeyPrefixEquals>docs/</KeyPrefixEquals></Condition></RoutingRule>"
                       "</RoutingRules></WebsiteConfiguration>"),
            kDecl + "<WebsiteConfiguration" + kNs +
                "><IndexDocument><Suffix>index.html</Suffix></IndexDocument><ErrorDocument><Key>404.html</Key>"
                "</ErrorDocument><RoutingRules><RoutingRule><Condition><KeyPrefixEquals>docs/</KeyPrefixEquals>"
                "</Condition><Redirect><ReplaceKeyPrefixWith>documents/</ReplaceKeyPrefixWith></Redirect>"
                "</RoutingRule></RoutingRules></WebsiteConfiguration>");
  EXPECT_EQ(round_trip("website",
                       "<WebsiteConfiguration><RedirectAllRequestsTo><HostName>example.com</HostName>"
                       "<Protocol>https</Protocol></RedirectAllRequestsTo></WebsiteConfiguration>"),
            kDecl + "<WebsiteConfiguration" + kNs +
                "><RedirectAllRequestsTo><HostName>example.com</HostName><Protocol>https</Protocol>"
                "</RedirectAllRequestsTo></WebsiteConfiguration>");
}

TEST_F(Golden, Logging) {
  EXPECT_EQ(call("GET", "/gold?logging").body, kDecl + "<BucketLoggingStatus" + kNs + "/>");
  EXPECT_EQ(round_trip("logging",
                       "<BucketLoggingStatus><LoggingEnabled><TargetBucket>gold</TargetBucket>"
                       "<TargetPrefix>logs/</TargetPrefix><TargetObjectKeyFormat><PartitionedPrefix>"
                       "<PartitionDateSource>EventTime</PartitionDateSource></PartitionedPrefix>"
                       "</TargetObjectKeyFormat></LoggingEnabled></BucketLoggingStatus>"),
            kDecl + "<BucketLoggingStatus" + kNs +
                "><LoggingEnabled><TargetBucket>gold</TargetBucket><TargetPrefix>logs/</TargetPrefix>"
                "<TargetObjectKeyFormat><PartitionedPrefix><PartitionDateSource>EventTime</PartitionDateSource>"
                "</PartitionedPrefix></TargetObjectKeyFormat></LoggingEnabled></BucketLoggingStatus>");
}

TEST_F(Golden, Notification) {
  EXPECT_EQ(call("GET", "/gold?notification").body, kDecl + "<NotificationConfiguration" + kNs + "/>");
  EXPECT_EQ(round_trip("notification",
                       "<NotificationConfiguration><QueueConfiguration><Id>q1</Id>"
                       "<Queue>arn:aws:sqs:us-east-1:123456789012:uploads</Queue>"
                       "<Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>prefix</Name>"
                       "<Value>in/</Value></FilterRule></S3Key></Filter></QueueConfiguration>"
                       "<EventBridgeConfiguration/></NotificationConfiguration>"),
            kDecl + "<NotificationConfiguration" + kNs +
                "><QueueConfiguration><Id>q1</Id><Queue>arn:aws:sqs:us-east-1:123456789012:uploads</Queue>"
                "<Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>Prefix</Name><Value>in/</Value>"
                "</FilterRule></S3Key></Filter></QueueConfiguration><EventBridgeConfiguration/>"
                "</NotificationConfiguration>");
}

TEST_F(Golden, AccelerateAndRequestPayment) {
  EXPECT_EQ(call("GET", "/gold?accelerate").body, kDecl + "<AccelerateConfiguration" + kNs + "/>");
  EXPECT_EQ(round_trip("accelerate", "<AccelerateConfiguration><Status>Suspended</Status></AccelerateConfiguration>"),
            kDecl + "<AccelerateConfiguration" + kNs + "><Status>Suspended</Status></AccelerateConfiguration>");
  EXPECT_EQ(call("GET", "/gold?requestPayment").body,
            kDecl + "<RequestPaymentConfiguration" + kNs + "><Payer>BucketOwner</Payer></RequestPaymentConfiguration>");
  EXPECT_EQ(round_trip("requestPayment",
                       "<RequestPaymentConfiguration><Payer>Requester</Payer></RequestPaymentConfiguration>"),
            kDecl + "<RequestPaymentConfiguration" + kNs + "><Payer>Requester</Payer></RequestPaymentConfiguration>");
}

TEST_F(Golden, Lifecycle) {
  EXPECT_EQ(round_trip("lifecycle",
                       "<LifecycleConfiguration><Rule><ID>tmp</ID><Filter><Prefix>tmp/</Prefix></Filter>"
                       "<Status>Enabled</Status><Expiration><Days>7</Days></Expiration>"
                       "<AbortIncompleteMultipartUpload><DaysAfterInitiation>2</DaysAfterInitiation>"
                       "</AbortIncompleteMultipartUpload></Rule><Rule><ID>old</ID><Filter><And><Prefix>a/</Prefix>"
                       "<Tag><Key>k</Key><Value>v</Value></Tag><ObjectSizeGreaterThan>10</ObjectSizeGreaterThan>"
                       "</And></Filter><Status>Disabled</Status><NoncurrentVersionExpiration><NoncurrentDays>30"
                       "</NoncurrentDays><NewerNoncurrentVersions>3</NewerNoncurrentVersions>"
                       "</NoncurrentVersionExpiration></Rule><Rule><ID>dated</ID><Filter></Filter>"
                       "<Status>Enabled</Status><Expiration><Date>2030-01-01T00:00:00Z</Date></Expiration></Rule>"
                       "<Rule><ID>markers</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status>"
                       "<Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>"
                       "</Rule></LifecycleConfiguration>"),
            kDecl + "<LifecycleConfiguration" + kNs +
                "><Rule><ID>tmp</ID><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status><Expiration>"
                "<Days>7</Days></Expiration><AbortIncompleteMultipartUpload><DaysAfterInitiation>2"
                "</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule><Rule><ID>old</ID><Filter><And>"
                "<Prefix>a/</Prefix><Tag><Key>k</Key><Value>v</Value></Tag><ObjectSizeGreaterThan>10"
                "</ObjectSizeGreaterThan></And></Filter><Status>Disabled</Status><NoncurrentVersionExpiration>"
                "<NoncurrentDays>30</NoncurrentDays><NewerNoncurrentVersions>3</NewerNoncurrentVersions>"
                "</NoncurrentVersionExpiration></Rule><Rule><ID>dated</ID><Filter></Filter><Status>Enabled"
                "</Status><Expiration><Date>2030-01-01T00:00:00.000Z</Date></Expiration></Rule><Rule><ID>markers"
                "</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><Expiration>"
                "<ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration></Rule>"
                "</LifecycleConfiguration>");
  EXPECT_EQ(call("GET", "/gold?lifecycle").headers.get("x-amz-transition-default-minimum-object-size"),
            "all_storage_classes_128K");
  // The legacy (V1) form keeps its rule-level Prefix.
  EXPECT_EQ(round_trip("lifecycle",
                       "<LifecycleConfiguration><Rule><ID>v1</ID><Prefix>logs/</Prefix><Status>Enabled</Status>"
                       "<Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>"),
            kDecl + "<LifecycleConfiguration" + kNs +
                "><Rule><ID>v1</ID><Prefix>logs/</Prefix><Status>Enabled</Status><Expiration><Days>1</Days>"
                "</Expiration></Rule></LifecycleConfiguration>");
}

TEST_F(Golden, ObjectAttributes) {
  ASSERT_EQ(call("PUT", "/gold/obj", "hello", {{"x-amz-checksum-crc32", "NhCmhg=="}}).status, 200);
  auto r = call("GET", "/gold/obj?attributes", {},
                {{"x-amz-object-attributes", "ETag,Checksum,ObjectParts,StorageClass,ObjectSize"}});
  ASSERT_EQ(r.status, 200) << r.code << " " << r.message;
  EXPECT_EQ(r.body, kDecl + "<GetObjectAttributesOutput" + kNs +
                        "><ETag>5d41402abc4b2a76b9719d911017c592</ETag><Checksum><ChecksumCRC32>NhCmhg=="
                        "</ChecksumCRC32><ChecksumType>FULL_OBJECT</ChecksumType></Checksum><StorageClass>STANDARD"
                        "</StorageClass><ObjectSize>5</ObjectSize></GetObjectAttributesOutput>");
  EXPECT_EQ(r.headers.get("Last-Modified"), "Tue, 14 Nov 2023 22:13:20 GMT");
  EXPECT_FALSE(r.headers.has("x-amz-version-id")) << "never-versioned bucket";
}

}  // namespace
}  // namespace podbucket::s3
