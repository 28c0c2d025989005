#include "observe/request_parameters.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "observe/request_trace.h"

namespace podbucket::observe {
namespace {

nlohmann::ordered_json recorded_form(const std::vector<std::pair<std::string, std::string>>& form) {
  RequestSummary s;
  TraceScope scope(s);
  record_form_parameters(form);
  return parameters_json(s.parameters);
}

nlohmann::ordered_json recorded_json(const char* body) {
  RequestSummary s;
  TraceScope scope(s);
  record_json_parameters(nlohmann::json::parse(body));
  return parameters_json(s.parameters);
}

TEST(SecretNames, CoverTokensKeysAndSignaturesButNotTheObjectKey) {
  for (const char* name : {"WebIdentityToken", "SessionToken", "SecretAccessKey", "Password", "NewPassword",
                           "Plaintext", "CiphertextBlob", "X-Amz-Signature",
                           "x-amz-server-side-encryption-customer-key",
                           "PrivateKey", "SAMLAssertion", "TokenCode", "GrantTokens", "token", "EncryptedKeyMaterial",
                           "Authorization"})
    EXPECT_TRUE(is_secret_parameter(name)) << name;
  for (const char* name : {"key", "KeyId", "PolicyDocument", "RoleArn", "RoleSessionName", "UserName", "bucketName",
                           "clusterName", "serviceAccount", "AccessKeyId"})
    EXPECT_FALSE(is_secret_parameter(name)) << name;
}

TEST(SecretValues, JwtsAndAuthorizationHeadersAreRecognised) {
  EXPECT_TRUE(looks_like_secret_value("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"));
  EXPECT_TRUE(looks_like_secret_value("AWS4-HMAC-SHA256 Credential=AKIA/20260101/us-east-1/s3/aws4_request"));
  EXPECT_FALSE(looks_like_secret_value("eyJ-not-a-token"));
  EXPECT_FALSE(looks_like_secret_value("arn:aws:iam::000000000000:role/r"));
}

TEST(SecretText, JwtsAndSecretValidationValuesAreCutFromMessages) {
  const std::string jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
  EXPECT_EQ(redact_secrets_in_text("1 validation error detected: Value '" + jwt +
                                   "' at 'webIdentityToken' failed to satisfy constraint: Member must have length "
                                   "less than or equal to 20000"),
            "1 validation error detected: Value 'HIDDEN_DUE_TO_SECURITY_REASONS' at 'webIdentityToken' failed to "
            "satisfy constraint: Member must have length less than or equal to 20000");
  EXPECT_EQ(redact_secrets_in_text("token " + jwt + " rejected"), "token HIDDEN_DUE_TO_SECURITY_REASONS rejected");
  EXPECT_EQ(redact_secrets_in_text("Value 'x' at 'password' bad; Value 'ok' at 'roleSessionName' bad"),
            "Value 'HIDDEN_DUE_TO_SECURITY_REASONS' at 'password' bad; Value 'ok' at 'roleSessionName' bad");
  for (const char* plain : {"Access Denied", "eyJ.not", "Value 'a' without member", "Value 'x' at 'unterminated"})
    EXPECT_EQ(redact_secrets_in_text(plain), plain);
}

TEST(LowerCamel, FollowsCloudTrailSpelling) {
  EXPECT_EQ(lower_camel("RoleSessionName"), "roleSessionName");
  EXPECT_EQ(lower_camel("KeyId"), "keyId");
  EXPECT_EQ(lower_camel("SSEKMSKeyId"), "ssekmsKeyId");
  EXPECT_EQ(lower_camel("clusterName"), "clusterName");
  EXPECT_EQ(lower_camel("IAM"), "iam");
}

TEST(FormParameters, AssumeRoleComesOutAsCloudTrailShowsIt) {
  auto p = recorded_form({{"Action", "AssumeRole"},
                          {"Version", "2011-06-15"},
                          {"RoleArn", "arn:aws:iam::000000000000:role/ci"},
                          {"RoleSessionName", "job-1"},
                          {"Tags.member.1.Key", "team"},
                          {"Tags.member.1.Value", "blue"},
                          {"Tags.member.2.Key", "env"},
                          {"Tags.member.2.Value", "dev"},
                          {"TransitiveTagKeys.member.1", "team"},
                          {"DurationSeconds", "900"}});
  EXPECT_EQ(p, nlohmann::ordered_json::parse(R"({
    "durationSeconds": "900",
    "roleArn": "arn:aws:iam::000000000000:role/ci",
    "roleSessionName": "job-1",
    "tags": [{"key": "team", "value": "blue"}, {"key": "env", "value": "dev"}],
    "transitiveTagKeys": ["team"]})"));
}

TEST(FormParameters, SecretsAreRedactedAndQueryAuthIsSkipped) {
  auto p = recorded_form({{"Action", "AssumeRoleWithWebIdentity"},
                          {"WebIdentityToken", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"},
                          {"RoleArn", "arn:aws:iam::000000000000:role/ci"},
                          {"X-Amz-Signature", "abcdef"},
                          {"X-Amz-Security-Token", "FQoG"},
                          {"Password", "hunter2"}});
  EXPECT_EQ(p["webIdentityToken"], kRedacted);
  EXPECT_EQ(p["password"], kRedacted);
  EXPECT_FALSE(p.contains("x-Amz-Signature"));
  std::string text = p.dump();
  for (const char* secret : {"hunter2", "abcdef", "FQoG", "eyJ"}) EXPECT_EQ(text.find(secret), std::string::npos);
}

TEST(JsonParameters, KmsBodyKeepsEncryptionContextKeysAndHidesPlaintext) {
  auto p = recorded_json(R"({"KeyId": "alias/app", "Plaintext": "c2VjcmV0",
                             "EncryptionContext": {"Department": "Eng", "a.b": "c"}, "NumberOfBytes": 32,
                             "GrantTokens": ["t1"]})");
  EXPECT_EQ(p["keyId"], "alias/app");
  EXPECT_EQ(p["plaintext"], kRedacted);
  EXPECT_EQ(p["encryptionContext"]["Department"], "Eng");
  EXPECT_EQ(p["encryptionContext"]["a.b"], "c");
  EXPECT_EQ(p["numberOfBytes"], "32");
  EXPECT_EQ(p["grantTokens"], kRedacted);
  EXPECT_EQ(p.dump().find("c2VjcmV0"), std::string::npos);
}

TEST(JsonParameters, EksAssociationAndEksAuthToken) {
  auto p = recorded_json(R"({"namespace": "gitlab", "serviceAccount": "registry",
                             "roleArn": "arn:aws:iam::000000000000:role/r", "tags": {"Owner": "ci"}})");
  EXPECT_EQ(p["namespace"], "gitlab");
  EXPECT_EQ(p["serviceAccount"], "registry");
  EXPECT_EQ(p["tags"]["Owner"], "ci");
  auto auth = recorded_json(R"({"token": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"})");
  EXPECT_EQ(auth["token"], kRedacted);
}

TEST(Parameters, PlainNamesAndSecretsRecordedDirectlyAreCheckedAgainOnRendering) {
  RequestSummary s;
  {
    TraceScope scope(s);
    record_parameter("bucketName", "b");
    record_parameter("key", "dir/file.txt");
    record_parameter("SessionToken", "FQoGZXIvYXdzE");
    record_parameter("note", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln");
    record_operation("PutObject");
  }
  auto p = parameters_json(s.parameters);
  EXPECT_EQ(p["bucketName"], "b");
  EXPECT_EQ(p["key"], "dir/file.txt");
  EXPECT_EQ(p["SessionToken"], kRedacted);
  EXPECT_EQ(p["note"], kRedacted);
  EXPECT_EQ(s.operation, "PutObject");
}

TEST(Parameters, EmptyIsNullAndOutsideAScopeNothingIsRecorded) {
  EXPECT_TRUE(parameters_json({}).is_null());
  record_form_parameters({{"RoleArn", "x"}});
  record_json_parameters(nlohmann::json::parse(R"({"KeyId": "k"})"));
  record_operation("X");
  EXPECT_EQ(current_request(), nullptr);
}

TEST(Parameters, ConflictingShapesAreDroppedNotThrown) {
  std::map<std::string, std::string> raw = {{"tags", "flat"},
                                            {std::string("tags") + kArrayIndex + "0" + kObjectKey + "key", "k"}};
  auto p = parameters_json(raw);
  EXPECT_EQ(p["tags"], "flat");
}

}  // namespace
}  // namespace podbucket::observe
