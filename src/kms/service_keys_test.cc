// KmsService key, policy, tag and alias operations through the JSON API.
#include <gtest/gtest.h>

#include "kms/default_policies.h"
#include "kms/test_util.h"

namespace podbucket::kms {
namespace {

using nlohmann::json;
using testing::KmsFixture;
using testing::kAccount;

class KmsKeysTest : public ::testing::Test, protected KmsFixture {};

TEST_F(KmsKeysTest, AwsS3KeyExistsOnAFreshServerWithAwsShapes) {
  testing::Reply r = call(root, "DescribeKey", {{"KeyId", "alias/aws/s3"}});
  ASSERT_TRUE(r.ok()) << r.code << " " << r.message;
  const json& m = r.body["KeyMetadata"];
  std::string id = m["KeyId"];
  EXPECT_EQ(id.size(), 36u);
  EXPECT_EQ(m["AWSAccountId"], kAccount);
  EXPECT_EQ(m["Arn"], "arn:aws:kms:us-east-1:111122223333:key/" + id);
  EXPECT_EQ(m["CreationDate"], 1'700'000'000.0);
  EXPECT_EQ(m["Enabled"], true);
  EXPECT_EQ(m["Description"], "Default key that protects my S3 objects when no other key is defined");
  EXPECT_EQ(m["KeyUsage"], "ENCRYPT_DECRYPT");
  EXPECT_EQ(m["KeyState"], "Enabled");
  EXPECT_EQ(m["Origin"], "AWS_KMS");
  EXPECT_EQ(m["KeyManager"], "AWS");
  EXPECT_EQ(m["CustomerMasterKeySpec"], "SYMMETRIC_DEFAULT");
  EXPECT_EQ(m["KeySpec"], "SYMMETRIC_DEFAULT");
  EXPECT_EQ(m["EncryptionAlgorithms"], json::array({"SYMMETRIC_DEFAULT"}));
  EXPECT_EQ(m["MultiRegion"], false);
  EXPECT_FALSE(m.contains("DeletionDate"));
  // The same key every time, by alias ARN and by id too, and after a restart.
  EXPECT_EQ(call(root, "DescribeKey", {{"KeyId", "arn:aws:kms:us-east-1:111122223333:alias/aws/s3"}})
                .body["KeyMetadata"]["KeyId"],
            id);
  restart();
  testing::Reply after = call(root, "DescribeKey", {{"KeyId", id}});
  EXPECT_EQ(after.body["KeyMetadata"]["KeyManager"], "AWS") << after.code << " " << after.message;
  testing::Reply policy = call(root, "GetKeyPolicy", {{"KeyId", id}, {"PolicyName", "default"}});
  ASSERT_TRUE(policy.ok());
  EXPECT_EQ(policy.body["Policy"], aws_s3_key_policy(kAccount, "us-east-1"));
  json doc = json::parse(policy.body["Policy"].get<std::string>());
  EXPECT_EQ(doc["Statement"][0]["Principal"]["AWS"], "*");
  EXPECT_EQ(doc["Statement"][0]["Condition"]["StringEquals"]["kms:ViaService"], "s3.us-east-1.amazonaws.com");
  EXPECT_EQ(doc["Statement"][0]["Condition"]["StringEquals"]["kms:CallerAccount"], kAccount);
  EXPECT_EQ(doc["Statement"][1]["Principal"]["AWS"], "arn:aws:iam::111122223333:root");
  EXPECT_EQ(doc["Statement"][1]["Action"], json::array({"kms:Describe*", "kms:Get*", "kms:List*"}));
  testing::Reply rotation = call(root, "GetKeyRotationStatus", {{"KeyId", id}});
  EXPECT_EQ(rotation.body["KeyRotationEnabled"], true);
}

TEST_F(KmsKeysTest, AwsS3KeyCannotBeChangedEvenByRoot) {
  std::string id = call(root, "DescribeKey", {{"KeyId", "alias/aws/s3"}}).body["KeyMetadata"]["KeyId"];
  for (const auto& [op, extra] : std::vector<std::pair<std::string, json>>{
           {"DisableKey", json::object()},
           {"ScheduleKeyDeletion", {{"PendingWindowInDays", 7}}},
           {"PutKeyPolicy", {{"PolicyName", "default"}, {"Policy", default_key_policy(kAccount)}}},
           {"TagResource", {{"Tags", json::array({{{"TagKey", "a"}, {"TagValue", "b"}}})}}},
           {"DisableKeyRotation", json::object()},
           {"Encrypt", {{"Plaintext", "aGk="}}}}) {
    json in = extra;
    in["KeyId"] = id;
    testing::Reply r = call(root, op, in);
    EXPECT_EQ(r.code, "AccessDeniedException") << op;
    EXPECT_EQ(r.status, 400) << op;
    EXPECT_NE(r.message.find("arn:aws:iam::111122223333:root is not authorized to perform: kms:"),
              std::string::npos)
        << r.message;
  }
  for (const std::string& op : {"DeleteAlias", "CreateAlias", "UpdateAlias"}) {
    testing::Reply r = call(root, op, {{"AliasName", "alias/aws/s3"}, {"TargetKeyId", id}});
    EXPECT_EQ(r.code, "NotAuthorizedException") << op;
  }
  EXPECT_EQ(call(root, "DescribeKey", {{"KeyId", id}}).body["KeyMetadata"]["KeyState"], "Enabled");
}

TEST_F(KmsKeysTest, CreateKeyDefaultsAndDescribeByEveryIdentifier) {
  json m = create_key({{"Description", "for tests"}, {"Tags", json::array({{{"TagKey", "team"}, {"TagValue", "x"}}})}});
  std::string id = m["KeyId"], arn = m["Arn"];
  EXPECT_EQ(m["KeyManager"], "CUSTOMER");
  EXPECT_EQ(m["Description"], "for tests");
  EXPECT_EQ(m["KeyState"], "Enabled");
  ASSERT_TRUE(call(root, "CreateAlias", {{"AliasName", "alias/app"}, {"TargetKeyId", id}}).ok());
  for (const std::string& handle :
       std::vector<std::string>{id, arn, "alias/app", "arn:aws:kms:us-east-1:111122223333:alias/app"})
    EXPECT_EQ(call(root, "DescribeKey", {{"KeyId", handle}}).body["KeyMetadata"]["Arn"], arn) << handle;
  json policy = json::parse(call(root, "GetKeyPolicy", {{"KeyId", id}}).body["Policy"].get<std::string>());
  EXPECT_EQ(policy["Statement"][0]["Sid"], "Enable IAM User Permissions");
  EXPECT_EQ(policy["Statement"][0]["Action"], "kms:*");
  EXPECT_EQ(call(root, "ListResourceTags", {{"KeyId", id}}).body["Tags"],
            json::array({{{"TagKey", "team"}, {"TagValue", "x"}}}));
  EXPECT_EQ(call(root, "ListKeyPolicies", {{"KeyId", id}}).body["PolicyNames"], json::array({"default"}));
}

TEST_F(KmsKeysTest, NotFoundAndInvalidIdentifiers) {
  testing::Reply r = call(root, "DescribeKey", {{"KeyId", "00000000-0000-4000-8000-000000000000"}});
  EXPECT_EQ(r.code, "NotFoundException");
  EXPECT_EQ(r.message, "Key 'arn:aws:kms:us-east-1:111122223333:key/00000000-0000-4000-8000-000000000000' does not exist");
  r = call(root, "DescribeKey", {{"KeyId", "alias/nope"}});
  EXPECT_EQ(r.code, "NotFoundException");
  EXPECT_EQ(r.message, "Alias arn:aws:kms:us-east-1:111122223333:alias/nope is not found.");
  EXPECT_EQ(call(root, "DescribeKey", {{"KeyId", "nonsense"}}).code, "NotFoundException");
  EXPECT_EQ(call(root, "DescribeKey", {{"KeyId", "alias/aws/ebs"}}).code, "NotFoundException");
  // Another account's or region's ARN is not found here.
  json m = create_key();
  std::string other = "arn:aws:kms:eu-west-1:111122223333:key/" + m["KeyId"].get<std::string>();
  EXPECT_EQ(call(root, "DescribeKey", {{"KeyId", other}}).code, "NotFoundException");
  r = call(root, "DescribeKey");
  EXPECT_EQ(r.code, "ValidationException");
  EXPECT_EQ(r.message,
            "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null");
}

TEST_F(KmsKeysTest, CreateKeyRefusesWhatItDoesNotSupport) {
  EXPECT_EQ(call(root, "CreateKey", {{"KeySpec", "RSA_2048"}}).code, "UnsupportedOperationException");
  EXPECT_EQ(call(root, "CreateKey", {{"KeySpec", "BOGUS"}}).code, "ValidationException");
  EXPECT_EQ(call(root, "CreateKey", {{"KeyUsage", "SIGN_VERIFY"}}).code, "ValidationException");
  EXPECT_EQ(call(root, "CreateKey", {{"MultiRegion", true}}).code, "UnsupportedOperationException");
  EXPECT_EQ(call(root, "CreateKey", {{"Origin", "EXTERNAL"}}).code, "UnsupportedOperationException");
  EXPECT_EQ(call(root, "CreateKey", {{"Policy", "{not json"}}).code, "MalformedPolicyDocumentException");
  EXPECT_EQ(call(root, "CreateKey", {{"Tags", json::array({{{"TagKey", "aws:x"}, {"TagValue", "y"}}})}}).code,
            "TagException");
  EXPECT_EQ(call(root, "CreateKey", {{"Description", 5}}).code, "SerializationException");
  EXPECT_TRUE(call(root, "CreateKey", {{"KeySpec", "SYMMETRIC_DEFAULT"}, {"KeyUsage", "ENCRYPT_DECRYPT"}}).ok());
}

TEST_F(KmsKeysTest, PolicyLockoutSafetyCheck) {
  // A policy that gives the account nothing would lock everyone out of the key.
  std::string locked = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/bob"},"Action":"kms:Encrypt","Resource":"*"}]})";
  testing::Reply r = call(root, "CreateKey", {{"Policy", locked}});
  EXPECT_EQ(r.code, "MalformedPolicyDocumentException");
  EXPECT_EQ(r.message, "The new key policy will not allow you to update the key policy in the future.");
  EXPECT_TRUE(call(root, "CreateKey", {{"Policy", locked}, {"BypassPolicyLockoutSafetyCheck", true}}).ok());
  std::string id = create_key()["KeyId"];
  EXPECT_EQ(call(root, "PutKeyPolicy", {{"KeyId", id}, {"Policy", locked}}).code, "MalformedPolicyDocumentException");
  EXPECT_EQ(call(root, "PutKeyPolicy", {{"KeyId", id}, {"Policy", default_key_policy(kAccount)}, {"PolicyName", "x"}})
                .code,
            "NotFoundException");
  ASSERT_TRUE(call(root, "PutKeyPolicy", {{"KeyId", id}, {"Policy", locked}, {"BypassPolicyLockoutSafetyCheck", true}})
                  .ok());
  // Now even root cannot read or change it.
  EXPECT_EQ(call(root, "GetKeyPolicy", {{"KeyId", id}}).code, "AccessDeniedException");
}

TEST_F(KmsKeysTest, EnableDisableAndDeletionLifecycle) {
  std::string id = create_key()["KeyId"];
  ASSERT_TRUE(call(root, "DisableKey", {{"KeyId", id}}).ok());
  json m = call(root, "DescribeKey", {{"KeyId", id}}).body["KeyMetadata"];
  EXPECT_EQ(m["KeyState"], "Disabled");
  EXPECT_EQ(m["Enabled"], false);
  ASSERT_TRUE(call(root, "EnableKey", {{"KeyId", id}}).ok());
  EXPECT_EQ(call(root, "DescribeKey", {{"KeyId", id}}).body["KeyMetadata"]["KeyState"], "Enabled");

  testing::Reply bad = call(root, "ScheduleKeyDeletion", {{"KeyId", id}, {"PendingWindowInDays", 6}});
  EXPECT_EQ(bad.code, "ValidationException");
  EXPECT_EQ(bad.message,
            "1 validation error detected: Value '6' at 'pendingWindowInDays' failed to satisfy constraint: Member "
            "must have value greater than or equal to 7");
  EXPECT_EQ(call(root, "ScheduleKeyDeletion", {{"KeyId", id}, {"PendingWindowInDays", 31}}).code,
            "ValidationException");
  testing::Reply s = call(root, "ScheduleKeyDeletion", {{"KeyId", id}, {"PendingWindowInDays", 7}});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s.body["KeyState"], "PendingDeletion");
  EXPECT_EQ(s.body["PendingWindowInDays"], 7);
  EXPECT_EQ(s.body["DeletionDate"], 1'700'000'000.0 + 7 * 86400);
  EXPECT_EQ(s.body["KeyId"], "arn:aws:kms:us-east-1:111122223333:key/" + id);
  m = call(root, "DescribeKey", {{"KeyId", id}}).body["KeyMetadata"];
  EXPECT_EQ(m["KeyState"], "PendingDeletion");
  EXPECT_EQ(m["DeletionDate"], 1'700'000'000.0 + 7 * 86400);
  EXPECT_EQ(m["PendingDeletionWindowInDays"], 7);
  EXPECT_EQ(call(root, "ScheduleKeyDeletion", {{"KeyId", id}}).code, "KMSInvalidStateException");
  EXPECT_EQ(call(root, "EnableKey", {{"KeyId", id}}).code, "KMSInvalidStateException");
  EXPECT_EQ(call(root, "DisableKey", {{"KeyId", id}}).code, "KMSInvalidStateException");

  // Cancelling leaves the key disabled, as AWS does.
  testing::Reply c = call(root, "CancelKeyDeletion", {{"KeyId", id}});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c.body["KeyId"], "arn:aws:kms:us-east-1:111122223333:key/" + id);
  EXPECT_EQ(call(root, "DescribeKey", {{"KeyId", id}}).body["KeyMetadata"]["KeyState"], "Disabled");
  EXPECT_EQ(call(root, "CancelKeyDeletion", {{"KeyId", id}}).code, "KMSInvalidStateException");

  // Once the deletion date passes, the key and its aliases are gone (also after a restart).
  ASSERT_TRUE(call(root, "CreateAlias", {{"AliasName", "alias/doomed"}, {"TargetKeyId", id}}).ok());
  ASSERT_TRUE(call(root, "ScheduleKeyDeletion", {{"KeyId", id}, {"PendingWindowInDays", 7}}).ok());
  clock.advance(std::chrono::hours(24 * 7 - 1));
  EXPECT_TRUE(call(root, "DescribeKey", {{"KeyId", id}}).ok());
  clock.advance(std::chrono::hours(1));
  restart();
  EXPECT_EQ(call(root, "DescribeKey", {{"KeyId", id}}).code, "NotFoundException");
  EXPECT_EQ(call(root, "DescribeKey", {{"KeyId", "alias/doomed"}}).code, "NotFoundException");
  testing::Reply aliases = call(root, "ListAliases");
  for (const json& a : aliases.body["Aliases"]) EXPECT_NE(a["AliasName"], "alias/doomed");
}

TEST_F(KmsKeysTest, ListKeysPages) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(create_key()["KeyId"]);
  std::sort(ids.begin(), ids.end());
  std::vector<std::string> seen;
  json in = {{"Limit", 2}};
  for (int page = 0; page < 10; ++page) {
    testing::Reply r = call(root, "ListKeys", in);
    ASSERT_TRUE(r.ok()) << r.message;
    for (const json& k : r.body["Keys"]) {
      seen.push_back(k["KeyId"]);
      EXPECT_EQ(k["KeyArn"], "arn:aws:kms:us-east-1:111122223333:key/" + k["KeyId"].get<std::string>());
    }
    if (!r.body["Truncated"].get<bool>()) break;
    in["Marker"] = r.body["NextMarker"];
  }
  EXPECT_EQ(seen, ids);
  EXPECT_EQ(call(root, "ListKeys", {{"Limit", 0}}).code, "ValidationException");
  EXPECT_EQ(call(root, "ListKeys", {{"Marker", "!!!"}}).code, "InvalidMarkerException");
}

TEST_F(KmsKeysTest, AliasesCreateListUpdateDelete) {
  std::string a = create_key()["KeyId"], b = create_key()["KeyId"];
  ASSERT_TRUE(call(root, "CreateAlias", {{"AliasName", "alias/app"}, {"TargetKeyId", a}}).ok());
  testing::Reply dup = call(root, "CreateAlias", {{"AliasName", "alias/app"}, {"TargetKeyId", b}});
  EXPECT_EQ(dup.code, "AlreadyExistsException");
  EXPECT_EQ(dup.message, "An alias with the name arn:aws:kms:us-east-1:111122223333:alias/app already exists");
  EXPECT_EQ(call(root, "CreateAlias", {{"AliasName", "app2"}, {"TargetKeyId", b}}).code, "ValidationException");
  EXPECT_EQ(call(root, "CreateAlias", {{"AliasName", "alias/a b"}, {"TargetKeyId", b}}).code, "ValidationException");
  EXPECT_EQ(call(root, "CreateAlias", {{"AliasName", "alias/aws/mine"}, {"TargetKeyId", b}}).code,
            "NotAuthorizedException");
  EXPECT_EQ(call(root, "CreateAlias", {{"AliasName", "alias/x"}, {"TargetKeyId", "alias/app"}}).code,
            "ValidationException");
  EXPECT_EQ(call(root, "CreateAlias", {{"AliasName", "alias/x"}, {"TargetKeyId", "00000000-0000-4000-8000-000000000000"}})
                .code,
            "NotFoundException");

  json aliases = call(root, "ListAliases").body["Aliases"];
  ASSERT_EQ(aliases.size(), 2u);  // alias/app and the AWS managed alias/aws/s3 (no key yet)
  EXPECT_EQ(aliases[0]["AliasName"], "alias/app");
  EXPECT_EQ(aliases[0]["AliasArn"], "arn:aws:kms:us-east-1:111122223333:alias/app");
  EXPECT_EQ(aliases[0]["TargetKeyId"], a);
  EXPECT_EQ(aliases[1]["AliasName"], "alias/aws/s3");
  EXPECT_FALSE(aliases[1].contains("TargetKeyId"));
  EXPECT_EQ(call(root, "ListAliases", {{"KeyId", b}}).body["Aliases"].size(), 0u);

  ASSERT_TRUE(call(root, "UpdateAlias", {{"AliasName", "alias/app"}, {"TargetKeyId", b}}).ok());
  EXPECT_EQ(call(root, "DescribeKey", {{"KeyId", "alias/app"}}).body["KeyMetadata"]["KeyId"], b);
  EXPECT_EQ(call(root, "ListAliases", {{"KeyId", b}}).body["Aliases"][0]["AliasName"], "alias/app");
  EXPECT_EQ(call(root, "UpdateAlias", {{"AliasName", "alias/none"}, {"TargetKeyId", b}}).code, "NotFoundException");
  ASSERT_TRUE(call(root, "DeleteAlias", {{"AliasName", "alias/app"}}).ok());
  EXPECT_EQ(call(root, "DeleteAlias", {{"AliasName", "alias/app"}}).code, "NotFoundException");
  EXPECT_EQ(call(root, "DescribeKey", {{"KeyId", "alias/app"}}).code, "NotFoundException");
}

TEST_F(KmsKeysTest, TagsAndDescription) {
  std::string id = create_key()["KeyId"];
  ASSERT_TRUE(call(root, "TagResource",
                   {{"KeyId", id},
                    {"Tags", json::array({{{"TagKey", "b"}, {"TagValue", "1"}}, {{"TagKey", "a"}, {"TagValue", "2"}}})}})
                  .ok());
  ASSERT_TRUE(
      call(root, "TagResource", {{"KeyId", id}, {"Tags", json::array({{{"TagKey", "b"}, {"TagValue", "3"}}})}}).ok());
  EXPECT_EQ(call(root, "ListResourceTags", {{"KeyId", id}}).body["Tags"],
            json::array({{{"TagKey", "a"}, {"TagValue", "2"}}, {{"TagKey", "b"}, {"TagValue", "3"}}}));
  ASSERT_TRUE(call(root, "UntagResource", {{"KeyId", id}, {"TagKeys", json::array({"a", "zzz"})}}).ok());
  EXPECT_EQ(call(root, "ListResourceTags", {{"KeyId", id}}).body["Tags"],
            json::array({{{"TagKey", "b"}, {"TagValue", "3"}}}));
  EXPECT_EQ(call(root, "TagResource", {{"KeyId", id}}).code, "ValidationException");
  ASSERT_TRUE(call(root, "UpdateKeyDescription", {{"KeyId", id}, {"Description", "new"}}).ok());
  EXPECT_EQ(call(root, "DescribeKey", {{"KeyId", id}}).body["KeyMetadata"]["Description"], "new");
}

TEST_F(KmsKeysTest, ProtocolErrors) {
  testing::Reply r = call_raw(root, "TrentService.MakeCoffee", "{}");
  EXPECT_EQ(r.code, "UnknownOperationException");
  EXPECT_EQ(call_raw(root, "", "{}").code, "UnknownOperationException");
  EXPECT_EQ(call_raw(root, "TrentService.DescribeKey", "{\"KeyId\":").code, "SerializationException");
  EXPECT_EQ(call_raw(root, "TrentService.DescribeKey", "[1]").code, "SerializationException");
  EXPECT_EQ(call_raw(root, "TrentService.ListKeys", "").status, 200);
  EXPECT_EQ(call_raw(root, "TrentService.DescribeKey", std::string(300 * 1024, ' ')).code, "ValidationException");
}

}  // namespace
}  // namespace podbucket::kms
