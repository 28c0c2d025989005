// Key policy evaluation: the key policy is mandatory, the root statement delegates to IAM, the AWS managed
// alias/aws/s3 key is usable only through S3, and condition keys carry the encryption context.
#include "kms/authorize.h"

#include <gtest/gtest.h>

#include "core/encoding.h"
#include "kms/default_policies.h"
#include "kms/s3_key_service.h"
#include "kms/test_util.h"

namespace podbucket::kms {
namespace {

using nlohmann::json;
using testing::KmsFixture;
using testing::kAccount;
using testing::kVia;

std::string b64(const std::string& s) { return core::base64_encode(s); }

const char* kAllowKmsAll = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]})";

class KmsAuthzTest : public ::testing::Test, protected KmsFixture {
 protected:
  core::Principal alice = testing::user_principal("alice");
  core::Principal pod = testing::role_session("gitlab", "pod-1");
};

TEST_F(KmsAuthzTest, RootStatementDelegatesToIdentityPolicies) {
  std::string id = create_key()["KeyId"];
  testing::Reply r = call(alice, "DescribeKey", {{"KeyId", id}});
  EXPECT_EQ(r.code, "AccessDeniedException");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.message.rfind("User: arn:aws:iam::111122223333:user/alice is not authorized to perform: kms:DescribeKey "
                            "on resource: arn:aws:kms:us-east-1:111122223333:key/" + id,
                            0),
            0u)
      << r.message;
  authz.allow(alice.arn, kAllowKmsAll);
  EXPECT_TRUE(call(alice, "DescribeKey", {{"KeyId", id}}).ok());
  EXPECT_TRUE(call(alice, "Encrypt", {{"KeyId", id}, {"Plaintext", b64("x")}}).ok());
  // An identity Deny always counts.
  authz.allow(alice.arn,
              R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"kms:Encrypt","Resource":"*"}]})");
  EXPECT_EQ(call(alice, "Encrypt", {{"KeyId", id}, {"Plaintext", b64("x")}}).code, "AccessDeniedException");
}

TEST_F(KmsAuthzTest, IdentityPoliciesAloneNeverGrantWithoutTheRootStatement) {
  std::string policy = R"({"Version":"2012-10-17","Statement":[
      {"Sid":"admin","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},
       "Action":["kms:PutKeyPolicy","kms:GetKeyPolicy","kms:DescribeKey"],"Resource":"*"},
      {"Sid":"bob","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/bob"},
       "Action":"kms:Encrypt","Resource":"*"}]})";
  std::string id = create_key({{"Policy", policy}})["KeyId"];
  authz.allow(alice.arn, kAllowKmsAll);
  EXPECT_EQ(call(alice, "Encrypt", {{"KeyId", id}, {"Plaintext", b64("x")}}).code, "AccessDeniedException");
  EXPECT_TRUE(call(alice, "DescribeKey", {{"KeyId", id}}).ok());  // delegated by the account statement
  // A statement naming the user grants without any identity policy.
  core::Principal bob = testing::user_principal("bob");
  EXPECT_TRUE(call(bob, "Encrypt", {{"KeyId", id}, {"Plaintext", b64("x")}}).ok());
  EXPECT_EQ(call(bob, "Decrypt", {{"CiphertextBlob", b64("x")}}).code, "InvalidCiphertextException");
  // Root is bound by the key policy: Encrypt is not granted to the account.
  EXPECT_EQ(call(root, "Encrypt", {{"KeyId", id}, {"Plaintext", b64("x")}}).code, "AccessDeniedException");
  EXPECT_TRUE(call(root, "GetKeyPolicy", {{"KeyId", id}}).ok());
}

TEST_F(KmsAuthzTest, AwsS3KeyWorksOnlyThroughS3) {
  // Policy D of the scenario: identity allow with an encryption-context condition. It never makes direct use of
  // the AWS managed key possible.
  std::string arn = call(root, "DescribeKey", {{"KeyId", "alias/aws/s3"}}).body["KeyMetadata"]["Arn"];
  authz.allow(pod.role_arn, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":")" +
                                arn + R"(","Condition":{"StringLike":{"kms:EncryptionContext:aws:s3:arn":["arn:aws:s3:::b"]}}}]})");
  EXPECT_EQ(call(pod, "GenerateDataKey",
                 {{"KeyId", "alias/aws/s3"}, {"KeySpec", "AES_256"}, {"EncryptionContext", {{"aws:s3:arn", "arn:aws:s3:::b"}}}})
                .code,
            "AccessDeniedException");

  KeyService& s3 = kms->key_service();
  EncryptionContext ctx{{"aws:s3:arn", "arn:aws:s3:::b/object"}};
  auto dk = s3.generate_data_key(pod, "alias/aws/s3", ctx, kVia);
  ASSERT_TRUE(dk) << dk.error().message();
  EXPECT_EQ(dk->key_arn, arn);
  EXPECT_EQ(dk->plaintext.size(), 32u);
  auto back = s3.decrypt(pod, dk->ciphertext_blob, ctx, kVia);
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, dk->plaintext);

  // The same blob, decrypted directly by the same role session: denied (no kms:ViaService).
  testing::Reply direct = call(pod, "Decrypt", {{"CiphertextBlob", b64(dk->ciphertext_blob)},
                                               {"EncryptionContext", {{"aws:s3:arn", "arn:aws:s3:::b/object"}}}});
  EXPECT_EQ(direct.code, "AccessDeniedException");
  EXPECT_NE(direct.message.find("arn:aws:sts::111122223333:assumed-role/gitlab/pod-1"), std::string::npos);
  // Through another service, or for another account, the AWS managed key's policy does not apply.
  EXPECT_FALSE(s3.generate_data_key(pod, "alias/aws/s3", ctx, "ec2.us-east-1.amazonaws.com"));
  EXPECT_FALSE(s3.generate_data_key(pod, "alias/aws/s3", ctx, "s3.eu-west-1.amazonaws.com"));
  core::Principal stranger = testing::role_session("gitlab", "x");
  stranger.account_id = "999999999999";
  stranger.arn = "arn:aws:sts::999999999999:assumed-role/gitlab/x";
  stranger.role_arn = "arn:aws:iam::999999999999:role/gitlab";
  EXPECT_FALSE(s3.generate_data_key(stranger, "alias/aws/s3", ctx, kVia));
  // Root: via S3 yes, directly only Describe/Get/List.
  EXPECT_TRUE(s3.generate_data_key(root, "alias/aws/s3", ctx, kVia));
  EXPECT_TRUE(call(root, "ListResourceTags", {{"KeyId", arn}}).ok());
  // Anonymous callers never.
  EXPECT_FALSE(s3.generate_data_key(core::Principal{}, "alias/aws/s3", ctx, kVia));
}

TEST_F(KmsAuthzTest, EncryptionContextAndAliasConditionKeys) {
  std::string policy = R"({"Version":"2012-10-17","Statement":[
      {"Sid":"root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
      {"Sid":"tenant","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},
       "Action":["kms:Encrypt","kms:Decrypt"],"Resource":"*",
       "Condition":{"StringEquals":{"kms:EncryptionContext:tenant":"alice"},
                    "ForAllValues:StringEquals":{"kms:EncryptionContextKeys":["tenant"]}}},
      {"Sid":"alias","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},
       "Action":"kms:DescribeKey","Resource":"*","Condition":{"StringEquals":{"kms:RequestAlias":"alias/alice"}}}]})";
  std::string id = create_key({{"Policy", policy}})["KeyId"];
  ASSERT_TRUE(call(root, "CreateAlias", {{"AliasName", "alias/alice"}, {"TargetKeyId", id}}).ok());
  auto enc = [&](const json& ctx) {
    return call(alice, "Encrypt", {{"KeyId", id}, {"Plaintext", b64("x")}, {"EncryptionContext", ctx}});
  };
  EXPECT_TRUE(enc({{"tenant", "alice"}}).ok());
  EXPECT_EQ(enc({{"tenant", "bob"}}).code, "AccessDeniedException");
  EXPECT_EQ(enc(json::object()).code, "AccessDeniedException");
  EXPECT_EQ(enc({{"tenant", "alice"}, {"extra", "1"}}).code, "AccessDeniedException");
  EXPECT_TRUE(call(alice, "DescribeKey", {{"KeyId", "alias/alice"}}).ok());
  EXPECT_EQ(call(alice, "DescribeKey", {{"KeyId", id}}).code, "AccessDeniedException");
}

TEST(KmsContextTest, ConditionKeysForAViaS3Call) {
  core::Principal pod = testing::role_session("gitlab", "pod-1");
  KeyRecord key;
  key.arn = "arn:aws:kms:us-east-1:111122223333:key/k";
  key.tags = {{"team", "storage"}};
  EncryptionContext ctx{{"aws:s3:arn", "arn:aws:s3:::b/k"}, {"z", "1"}};
  KeyAccess access;
  access.action = "kms:Decrypt";
  access.key = &key;
  access.context = &ctx;
  access.via_service = kVia;
  access.request_alias = "alias/aws/s3";
  access.resource_aliases = {"alias/aws/s3"};
  access.cryptographic = true;
  iam::RequestFacts facts;
  facts.region = "us-east-1";
  policy::Context c = kms_context(pod, facts, access);
  auto one = [&](const char* k) { const auto* v = c.find(k); return v && v->size() == 1 ? (*v)[0] : std::string("?"); };
  EXPECT_EQ(one("kms:CallerAccount"), kAccount);
  EXPECT_EQ(one("kms:ViaService"), kVia);
  EXPECT_EQ(one("kms:EncryptionContext:aws:s3:arn"), "arn:aws:s3:::b/k");
  EXPECT_EQ(one("kms:RequestAlias"), "alias/aws/s3");
  EXPECT_EQ(one("kms:EncryptionAlgorithm"), "SYMMETRIC_DEFAULT");
  EXPECT_EQ(one("aws:ResourceTag/team"), "storage");
  EXPECT_EQ(one("aws:PrincipalArn"), pod.role_arn);
  ASSERT_NE(c.find("kms:EncryptionContextKeys"), nullptr);
  EXPECT_TRUE(c.is_multi("kms:EncryptionContextKeys"));
  EXPECT_EQ(*c.find("kms:EncryptionContextKeys"), (std::vector<std::string>{"aws:s3:arn", "z"}));
  EXPECT_TRUE(c.is_multi("kms:ResourceAliases"));
  access.via_service = "";
  access.context = nullptr;
  policy::Context direct = kms_context(pod, facts, access);
  EXPECT_EQ(direct.find("kms:ViaService"), nullptr);
  EXPECT_EQ(direct.find("kms:EncryptionContextKeys"), nullptr);
}

}  // namespace
}  // namespace podbucket::kms
