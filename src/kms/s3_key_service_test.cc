// The S3 seam: data keys for SSE-KMS (authorized as the S3 caller) and SSE-S3.
#include "kms/s3_key_service.h"

#include <gtest/gtest.h>

#include "kms/test_util.h"

namespace podbucket::kms {
namespace {

using testing::KmsFixture;
using testing::kVia;

class S3KeyServiceTest : public ::testing::Test, protected KmsFixture {
 protected:
  KeyService& s3() { return kms->key_service(); }
  core::Principal pod = testing::role_session("gitlab", "pod-1");
  EncryptionContext ctx{{"aws:s3:arn", "arn:aws:s3:::bucket/key"}};
};

TEST_F(S3KeyServiceTest, ResolveCreatesTheAwsManagedKeyOnce) {
  auto arn = s3().resolve_key_arn("alias/aws/s3");
  ASSERT_TRUE(arn);
  EXPECT_EQ(arn->rfind("arn:aws:kms:us-east-1:111122223333:key/", 0), 0u);
  EXPECT_EQ(*s3().resolve_key_arn("alias/aws/s3"), *arn);
  EXPECT_EQ(*s3().resolve_key_arn(*arn), *arn);
  EXPECT_EQ(call(root, "ListKeys").body["Keys"].size(), 1u);
  auto missing = s3().resolve_key_arn("alias/missing");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), "NotFoundException");
}

TEST_F(S3KeyServiceTest, DataKeysBindTheObjectContext) {
  auto dk = s3().generate_data_key(pod, "alias/aws/s3", ctx, kVia);
  ASSERT_TRUE(dk);
  auto wrong = s3().decrypt(pod, dk->ciphertext_blob, {{"aws:s3:arn", "arn:aws:s3:::bucket/other"}}, kVia);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code(), "InvalidCiphertextException");
  auto tampered = dk->ciphertext_blob;
  tampered.back() ^= 1;
  EXPECT_EQ(s3().decrypt(pod, tampered, ctx, kVia).error().code(), "InvalidCiphertextException");
  EXPECT_EQ(s3().decrypt(pod, "short", ctx, kVia).error().code(), "InvalidCiphertextException");
  EXPECT_EQ(*s3().decrypt(pod, dk->ciphertext_blob, ctx, kVia), dk->plaintext);
}

TEST_F(S3KeyServiceTest, CustomerKeysFollowTheirState) {
  std::string id = create_key()["KeyId"];
  authz.allow(pod.role_arn, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]})");
  auto dk = s3().generate_data_key(pod, id, ctx, kVia);
  ASSERT_TRUE(dk) << dk.error().message();
  ASSERT_TRUE(call(root, "DisableKey", {{"KeyId", id}}).ok());
  EXPECT_EQ(s3().generate_data_key(pod, id, ctx, kVia).error().code(), "DisabledException");
  EXPECT_EQ(s3().decrypt(pod, dk->ciphertext_blob, ctx, kVia).error().code(), "DisabledException");
  ASSERT_TRUE(call(root, "EnableKey", {{"KeyId", id}}).ok());
  ASSERT_TRUE(call(root, "ScheduleKeyDeletion", {{"KeyId", id}, {"PendingWindowInDays", 7}}).ok());
  EXPECT_EQ(s3().decrypt(pod, dk->ciphertext_blob, ctx, kVia).error().code(), "KMSInvalidStateException");
  // A principal without any grant is refused with KMS's AccessDenied.
  core::Principal other = testing::user_principal("carol");
  ASSERT_TRUE(call(root, "CancelKeyDeletion", {{"KeyId", id}}).ok());
  ASSERT_TRUE(call(root, "EnableKey", {{"KeyId", id}}).ok());
  auto denied = s3().generate_data_key(other, id, ctx, kVia);
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code(), "AccessDeniedException");
}

TEST_F(S3KeyServiceTest, SseS3KeysSurviveRestartsAndRefuseTampering) {
  DataKey dk = s3().generate_sse_s3_key(ctx);
  EXPECT_EQ(dk.plaintext.size(), 32u);
  EXPECT_TRUE(dk.key_arn.empty());
  EXPECT_EQ(dk.ciphertext_blob.find(dk.plaintext), std::string::npos);
  EXPECT_NE(s3().generate_sse_s3_key(ctx).plaintext, dk.plaintext);
  restart();
  EXPECT_EQ(*s3().decrypt_sse_s3_key(dk.ciphertext_blob, ctx), dk.plaintext);
  EXPECT_EQ(s3().decrypt_sse_s3_key(dk.ciphertext_blob, {}).error().code(), "InternalError");
  std::string bad = dk.ciphertext_blob;
  bad[bad.size() / 2] ^= 1;
  EXPECT_EQ(s3().decrypt_sse_s3_key(bad, ctx).error().code(), "InternalError");
  // SSE-S3 blobs are not KMS ciphertexts, and KMS ciphertexts are not SSE-S3 blobs.
  auto kms_key = s3().generate_data_key(root, "alias/aws/s3", ctx, kVia);
  ASSERT_TRUE(kms_key);
  EXPECT_FALSE(s3().decrypt_sse_s3_key(kms_key->ciphertext_blob, ctx));
  EXPECT_EQ(s3().decrypt(root, dk.ciphertext_blob, ctx, kVia).error().code(), "InvalidCiphertextException");
}

}  // namespace
}  // namespace podbucket::kms
