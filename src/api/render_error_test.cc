// Golden bytes per protocol: a change here changes what AWS clients parse.
#include "api/render_error.h"

#include <gtest/gtest.h>

namespace podbucket::api {
namespace {

constexpr core::ErrorCode kNoSuchKey{"NoSuchKey", 404};
constexpr core::ErrorCode kNotFoundException{"NotFoundException", 400};
constexpr core::ErrorCode kResourceNotFound{"ResourceNotFoundException", 404};
constexpr core::ErrorCode kNoSuchEntity{"NoSuchEntity", 404};

TEST(RenderErrorTest, RestXmlGolden) {
  core::AwsError e(kNoSuchKey, "The specified key does not exist.", "/bucket/a&b");
  e.with_field("Key", "a&b").with_header("x-amz-delete-marker", "true");
  auto res = render_error(Protocol::kRestXml, e, "0123456789ABCDEF", "aG9zdA==", false);
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(res.body,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code>"
            "<Message>The specified key does not exist.</Message><Key>a&amp;b</Key>"
            "<Resource>/bucket/a&amp;b</Resource><RequestId>0123456789ABCDEF</RequestId>"
            "<HostId>aG9zdA==</HostId></Error>");
  EXPECT_EQ(res.headers.get("Content-Type"), "application/xml");
  EXPECT_EQ(res.headers.get("x-amz-request-id"), "0123456789ABCDEF");
  EXPECT_EQ(res.headers.get("x-amz-id-2"), "aG9zdA==");
  EXPECT_EQ(res.headers.get("x-amz-delete-marker"), "true");
}

TEST(RenderErrorTest, RestXmlHeadHasNoBody) {
  auto res = render_error(Protocol::kRestXml, core::AwsError(kNoSuchKey, "gone"), "RID", "HID", true);
  EXPECT_EQ(res.status, 404);
  EXPECT_TRUE(res.body.empty());
  EXPECT_TRUE(res.head);
  EXPECT_EQ(res.headers.get("x-amz-request-id"), "RID");
}

TEST(RenderErrorTest, EmptyMessageIsReplaced) {
  auto res = render_error(Protocol::kRestXml, core::AwsError(core::kAccessDenied, ""), "RID", "HID", false);
  EXPECT_NE(res.body.find("<Message>Access Denied</Message>"), std::string::npos);
  res = render_error(Protocol::kRestXml, core::AwsError(kNoSuchKey, ""), "RID", "HID", false);
  EXPECT_EQ(res.body.find("<Message></Message>"), std::string::npos);
}

TEST(RenderErrorTest, IamQueryGolden) {
  auto res = render_error(Protocol::kIamQuery, core::AwsError(kNoSuchEntity, "The role with name r cannot be found."),
                          "req-1", "", false);
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(res.body,
            "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type>"
            "<Code>NoSuchEntity</Code><Message>The role with name r cannot be found.</Message></Error>"
            "<RequestId>req-1</RequestId></ErrorResponse>");
  EXPECT_EQ(res.headers.get("Content-Type"), "text/xml");
  EXPECT_EQ(res.headers.get("x-amzn-RequestId"), "req-1");
}

TEST(RenderErrorTest, StsQueryGoldenReceiverFor5xx) {
  auto res = render_error(Protocol::kStsQuery, core::AwsError(core::kInternalError, "boom <x>"), "req-2", "", false);
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(res.body,
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Receiver</Type>"
            "<Code>InternalError</Code><Message>boom &lt;x&gt;</Message></Error>"
            "<RequestId>req-2</RequestId></ErrorResponse>");
}

TEST(RenderErrorTest, Json11Golden) {
  auto res = render_error(Protocol::kJson11, core::AwsError(kNotFoundException, "Key 'x' \"quoted\" does not exist"),
                          "req-3", "", false);
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(res.body, R"({"__type":"NotFoundException","message":"Key 'x' \"quoted\" does not exist"})");
  EXPECT_EQ(res.headers.get("Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(res.headers.get("x-amzn-RequestId"), "req-3");
}

TEST(RenderErrorTest, RestJsonGolden) {
  auto res = render_error(Protocol::kRestJson, core::AwsError(kResourceNotFound, "No cluster found for name: c."),
                          "req-4", "", false);
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(res.body, R"({"message":"No cluster found for name: c."})");
  EXPECT_EQ(res.headers.get("x-amzn-ErrorType"), "ResourceNotFoundException");
  EXPECT_EQ(res.headers.get("Content-Type"), "application/json");
  EXPECT_EQ(res.headers.get("x-amzn-RequestId"), "req-4");
}

TEST(RenderErrorTest, RestJsonCarriesExtraFieldsAfterTheMessage) {
  auto error = core::AwsError(kResourceNotFound, "No cluster found for name: c.").with_field("clusterName", "c");
  auto res = render_error(Protocol::kRestJson, error, "req-5", "", false);
  EXPECT_EQ(res.body, R"({"message":"No cluster found for name: c.","clusterName":"c"})");
}

TEST(RenderErrorTest, InvalidUtf8InJsonDoesNotThrow) {
  auto res = render_error(Protocol::kJson11, core::AwsError(kNotFoundException, "bad \xff byte"), "r", "", false);
  EXPECT_NE(res.body.find("__type"), std::string::npos);
}

}  // namespace
}  // namespace podbucket::api
