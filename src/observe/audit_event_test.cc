#include "observe/audit_event.h"

#include <gtest/gtest.h>

#include <regex>

#include "observe/request_parameters.h"

namespace podbucket::observe {
namespace {

RequestSummary user_put() {
  RequestSummary s;
  s.time = "2026-11-29T12:00:00.250Z";
  s.latency_s = 0.9;
  s.request_id = "0123456789ABCDEF";
  s.service = "s3";
  s.operation = "PutObject";
  s.region = "us-east-1";
  s.remote_ip = "127.0.0.1";
  s.user_agent = "aws-cli/2";
  s.method = "PUT";
  s.status = 403;
  s.error_code = "AccessDenied";
  s.error_message = "User: arn:aws:iam::000000000000:user/alice is not authorized to perform: s3:PutObject";
  s.identity.type = "IAMUser";
  s.identity.arn = "arn:aws:iam::000000000000:user/alice";
  s.identity.account_id = "000000000000";
  s.identity.principal_id = "AIDAEXAMPLE";
  s.identity.access_key_id = "AKIAEXAMPLE";
  s.identity.user_name = "alice";
  s.decisions.push_back({"s3:PutObject", "arn:aws:s3:::b/k", "ImplicitDeny", "", ""});
  s.parameters["bucketName"] = "b";
  s.parameters["key"] = "k";
  s.bytes_in = 5;
  return s;
}

TEST(AuditEvent, IamUserDenialHasEveryCloudTrailField) {
  auto e = to_cloudtrail_event(user_put(), {"000000000000"}, "e1");
  EXPECT_EQ(e["eventVersion"], "1.08");
  EXPECT_EQ(e["eventTime"], "2026-11-29T12:00:01Z");  // completion: start + latency, seconds
  EXPECT_EQ(e["eventSource"], "s3.amazonaws.com");
  EXPECT_EQ(e["eventName"], "PutObject");
  EXPECT_EQ(e["awsRegion"], "us-east-1");
  EXPECT_EQ(e["sourceIPAddress"], "127.0.0.1");
  EXPECT_EQ(e["userAgent"], "aws-cli/2");
  EXPECT_EQ(e["userIdentity"], nlohmann::ordered_json::parse(R"({"type": "IAMUser", "principalId": "AIDAEXAMPLE",
      "arn": "arn:aws:iam::000000000000:user/alice", "accountId": "000000000000", "accessKeyId": "AKIAEXAMPLE",
      "userName": "alice"})"));
  EXPECT_EQ(e["errorCode"], "AccessDenied");
  EXPECT_EQ(e["requestParameters"]["bucketName"], "b");
  EXPECT_EQ(e["requestParameters"]["key"], "k");
  EXPECT_TRUE(e["responseElements"].is_null());
  auto& decisions = e["additionalEventData"]["authorizationDecisions"];
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0]["decision"], "ImplicitDeny");
  EXPECT_EQ(decisions[0]["action"], "s3:PutObject");
  EXPECT_EQ(e["additionalEventData"]["bytesTransferredIn"], 5);
  EXPECT_EQ(e["requestID"], "0123456789ABCDEF");
  EXPECT_EQ(e["eventID"], "e1");
  EXPECT_EQ(e["readOnly"], false);
  EXPECT_EQ(e["eventType"], "AwsApiCall");
  EXPECT_EQ(e["managementEvent"], false);
  EXPECT_EQ(e["eventCategory"], "Data");
  EXPECT_EQ(e["recipientAccountId"], "000000000000");
}

TEST(AuditEvent, RoleSessionCarriesIssuerAttributesAndSessionTags) {
  RequestSummary s = user_put();
  s.error_code.clear();
  s.error_message.clear();
  s.identity = {};
  s.identity.type = "AssumedRole";
  s.identity.arn = "arn:aws:sts::000000000000:assumed-role/ci/job-1";
  s.identity.account_id = "000000000000";
  s.identity.principal_id = "AROAEXAMPLE:job-1";
  s.identity.access_key_id = "ASIAEXAMPLE";
  s.identity.role_arn = "arn:aws:iam::000000000000:role/team/ci";
  s.identity.session_name = "job-1";
  s.identity.session_issued_s = 1795939200;  // 2026-11-29T08:00:00Z
  s.identity.tags = {{"team", "blue"}};
  auto e = to_cloudtrail_event(s, {"000000000000"}, "e2");
  EXPECT_FALSE(e.contains("errorCode"));
  auto& ctx = e["userIdentity"]["sessionContext"];
  EXPECT_EQ(ctx["sessionIssuer"], nlohmann::ordered_json::parse(R"({"type": "Role", "principalId": "AROAEXAMPLE",
      "arn": "arn:aws:iam::000000000000:role/team/ci", "accountId": "000000000000", "userName": "ci"})"));
  EXPECT_EQ(ctx["attributes"]["creationDate"], "2026-11-29T08:00:00Z");
  EXPECT_EQ(ctx["attributes"]["mfaAuthenticated"], "false");
  EXPECT_EQ(ctx["sessionTags"]["team"], "blue");
}

TEST(AuditEvent, AnonymousAndUnauthenticatedIdentities) {
  RequestSummary s = user_put();
  s.identity = {};
  s.identity.type = "AWSAccount";
  auto anon = to_cloudtrail_event(s, {"000000000000"}, "e");
  EXPECT_EQ(anon["userIdentity"], nlohmann::ordered_json::parse(R"({"type":"AWSAccount","principalId":"",
      "accountId":"anonymous"})"));
  s.identity = {};
  auto unknown = to_cloudtrail_event(s, {"000000000000"}, "e");
  EXPECT_EQ(unknown["userIdentity"], nlohmann::ordered_json::parse(R"({"type":"Unknown"})"));
  EXPECT_EQ(unknown["recipientAccountId"], "000000000000");
  s.identity.access_key_id = "AKIACLAIMED";
  EXPECT_EQ(to_cloudtrail_event(s, {}, "e")["userIdentity"],
            nlohmann::ordered_json::parse(R"({"type":"Unknown","accessKeyId":"AKIACLAIMED"})"));
}

TEST(AuditEvent, WebIdentityUserIsNamedByProviderAudienceAndSubject) {
  RequestSummary s = user_put();
  s.identity = {};
  s.identity.type = "WebIdentityUser";
  s.identity.principal_id = "oidc.example:sts.amazonaws.com:system:serviceaccount:gitlab:web";
  s.identity.user_name = "system:serviceaccount:gitlab:web";
  s.identity.identity_provider = "oidc.example";
  EXPECT_EQ(to_cloudtrail_event(s, {}, "e")["userIdentity"], nlohmann::ordered_json::parse(R"({
      "type":"WebIdentityUser","principalId":"oidc.example:sts.amazonaws.com:system:serviceaccount:gitlab:web",
      "userName":"system:serviceaccount:gitlab:web","identityProvider":"oidc.example"})"));
}

TEST(AuditEvent, ControlPlaneEventsAreManagementEvents) {
  RequestSummary s = user_put();
  s.service = "kms";
  s.operation = "Decrypt";
  s.method = "POST";
  auto e = to_cloudtrail_event(s, {"000000000000"}, "e");
  EXPECT_EQ(e["eventSource"], "kms.amazonaws.com");
  EXPECT_EQ(e["readOnly"], true);
  EXPECT_EQ(e["eventCategory"], "Management");
  EXPECT_EQ(e["managementEvent"], true);
  EXPECT_FALSE(e["additionalEventData"].contains("bytesTransferredIn"));
}

TEST(AuditEvent, MalformedTimeIsKeptAsIs) {
  RequestSummary s = user_put();
  s.time = "not a time";
  EXPECT_EQ(to_cloudtrail_event(s, {}, "e")["eventTime"], "not a time");
}

TEST(AuditEvent, RenderedLineIsValidJsonWhateverTheClientSent) {
  RequestSummary s = user_put();
  s.user_agent = std::string("quote\" backslash\\ newline\n tab\t nul") + std::string(1, '\0') + "\x01 \xff\xfe end";
  s.parameters["key"] = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 bad:\xc0\xaf \xed\xa0\x80";
  s.parameters[std::string("tags") + kArrayIndex + "0" + kObjectKey + "key"] = "team";
  std::string line = render_cloudtrail_event(s, {"000000000000"}, "e");
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto e = nlohmann::json::parse(line);  // strict: throws on invalid UTF-8
  EXPECT_EQ(e["userAgent"], std::string("quote\" backslash\\ newline\n tab\t nul") + std::string(1, '\0') +
                                "\x01 \xef\xbf\xbd\xef\xbf\xbd end");
  EXPECT_EQ(e["requestParameters"]["key"],
            "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 bad:\xef\xbf\xbd\xef\xbf\xbd "
            "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(e["requestParameters"]["tags"][0]["key"], "team");
  EXPECT_EQ(e["requestParameters"]["bucketName"], "b");
}

TEST(AuditEvent, PlainParametersAreRedactedToo) {
  RequestSummary s = user_put();
  s.parameters["SessionToken"] = "FQoGZXIvYXdzEXAMPLE";
  s.parameters["note"] = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";
  s.error_message = "Value 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln' at 'webIdentityToken' failed";
  s.user_agent = "tool/1 eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";
  std::string line = render_cloudtrail_event(s, {}, "e");
  EXPECT_EQ(line.find("FQoG"), std::string::npos);
  EXPECT_EQ(line.find("eyJ"), std::string::npos);
  auto e = nlohmann::json::parse(line);
  EXPECT_EQ(e["requestParameters"]["SessionToken"], kRedacted);
}

TEST(EventSource, EveryService) {
  EXPECT_EQ(event_source("iam"), "iam.amazonaws.com");
  EXPECT_EQ(event_source("sts"), "sts.amazonaws.com");
  EXPECT_EQ(event_source("eks"), "eks.amazonaws.com");
  EXPECT_EQ(event_source("eks-auth"), "eks-auth.amazonaws.com");
  EXPECT_EQ(event_source(""), "s3.amazonaws.com");
}

TEST(ReadOnly, ByMethodForS3AndByNameElsewhere) {
  struct Case {
    const char* service;
    const char* method;
    const char* operation;
    bool read_only;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"s3", "GET", "GetObject", true},
           {"s3", "HEAD", "HeadBucket", true},
           {"s3", "OPTIONS", "CorsPreflight", true},
           {"s3", "PUT", "PutObject", false},
           {"s3", "POST", "DeleteObjects", false},
           {"s3", "DELETE", "DeleteObject", false},
           {"iam", "POST", "GetUser", true},
           {"iam", "POST", "ListRoles", true},
           {"iam", "POST", "SimulatePrincipalPolicy", true},
           {"iam", "POST", "CreateUser", false},
           {"sts", "POST", "GetCallerIdentity", true},
           {"sts", "POST", "AssumeRole", false},
           {"sts", "POST", "GetSessionToken", false},
           {"kms", "POST", "Decrypt", true},
           {"kms", "POST", "GenerateDataKey", true},
           {"kms", "POST", "CreateKey", false},
           {"kms", "POST", "ScheduleKeyDeletion", false},
           {"eks", "GET", "DescribeCluster", true},
           {"eks", "POST", "CreatePodIdentityAssociation", false},
           {"eks-auth", "POST", "AssumeRoleForPodIdentity", false},
       })
    EXPECT_EQ(is_read_only(c.service, c.method, c.operation), c.read_only) << c.service << " " << c.operation;
}

TEST(DataEvents, ObjectLevelS3OperationsOnly) {
  for (const char* op : {"GetObject", "PutObject", "HeadObject", "DeleteObjects", "CopyObject", "ListObjects",
                         "ListObjectVersions", "GetObjectTagging", "CreateMultipartUpload", "UploadPart",
                         "UploadPartCopy", "CompleteMultipartUpload", "AbortMultipartUpload", "ListParts",
                         "ListMultipartUploads"})
    EXPECT_TRUE(is_data_event("s3", op)) << op;
  for (const char* op : {"CreateBucket", "PutBucketPolicy", "ListBuckets", "GetObjectLockConfiguration", "HeadBucket"})
    EXPECT_FALSE(is_data_event("s3", op)) << op;
  EXPECT_FALSE(is_data_event("kms", "GetObject"));
}

TEST(ShouldAudit, DecisionsMutationsAndAuthFailures) {
  RequestSummary s;
  s.service = "s3";
  s.method = "GET";
  s.operation = "GET /missing";
  s.identity.type = "AWSAccount";
  s.error_code = "NoSuchBucket";
  EXPECT_FALSE(should_audit(s)) << "anonymous read-only junk is skipped";
  s.error_code = "SignatureDoesNotMatch";
  EXPECT_TRUE(should_audit(s)) << "failed authentication";
  s.error_code.clear();
  s.decisions.push_back({"s3:GetObject", "arn:aws:s3:::b/k", "Allow", "p", "s"});
  EXPECT_TRUE(should_audit(s)) << "an authorization decision";
  s.decisions.clear();
  s.method = "PUT";
  EXPECT_TRUE(should_audit(s)) << "a mutating call";
  RequestSummary who;
  who.service = "sts";
  who.method = "POST";
  who.operation = "GetCallerIdentity";
  EXPECT_FALSE(should_audit(who));
  who.error_code = "InvalidClientTokenId";
  EXPECT_TRUE(should_audit(who));
}

TEST(Uuid, VersionFourFormatAndDistinct) {
  std::regex shape("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::string a = random_uuid(), b = random_uuid();
  EXPECT_TRUE(std::regex_match(a, shape)) << a;
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace podbucket::observe
