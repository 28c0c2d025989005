// Server-side encryption through the S3 handlers: PutObject / GetObject / HeadObject / CopyObject in every mode,
// their response headers and errors as S3 answers them, ranges across chunk boundaries, KMS failures, tampering.
#include <gtest/gtest.h>

#include "s3/encryption/chunked.h"
#include "s3/encryption/envelope.h"
#include "s3/encryption/sse_fixture_for_test.h"

namespace podbucket::s3::encryption::testing {
namespace {

constexpr size_t C = kChunkPlainSize;
const std::string kKeyA(32, 'a');
const std::string kKeyB = "abcdef1234567890abcdef1234567890";

TEST_F(SseTest, NewBucketsEncryptWithSseS3) {
  ASSERT_EQ(call("PUT", "/bkt").status, 200);
  const std::string data = pattern(3 * C + 17);
  auto put = call("PUT", "/bkt/obj", data);
  ASSERT_EQ(put.status, 200) << put.code << " " << put.message;
  EXPECT_EQ(header(put, "x-amz-server-side-encryption"), "AES256");
  EXPECT_FALSE(put.headers.has("x-amz-server-side-encryption-aws-kms-key-id"));
  EXPECT_EQ(header(put, "ETag"), etag_of(data));  // the ETag stays the MD5 of the plaintext

  auto get = call("GET", "/bkt/obj");
  ASSERT_EQ(get.status, 200);
  EXPECT_EQ(get.body, data);
  EXPECT_EQ(header(get, "x-amz-server-side-encryption"), "AES256");
  EXPECT_EQ(header(get, "ETag"), etag_of(data));
  auto head = call("HEAD", "/bkt/obj");
  EXPECT_EQ(header(head, "x-amz-server-side-encryption"), "AES256");

  EXPECT_TRUE(stored_bytes_lack("PODBUCKET-PLAINTEXT"));
  EXPECT_EQ(blobs_.all_content().size(), stored_size(data.size()));
  auto record = meta_->find_object("bkt", "obj");
  ASSERT_TRUE(record);
  EXPECT_EQ(record->size, data.size());
  EXPECT_EQ(record->segments.at(0).size, data.size());  // segments count plaintext bytes
  EXPECT_NE(record->encryption.find("\"sse\":\"AES256\""), std::string::npos);
}

TEST_F(SseTest, SseKmsWithTheAwsManagedKey) {
  call("PUT", "/bkt");
  const std::string data = pattern(100000);
  auto put = call("PUT", "/bkt/dir/obj", data, {{"x-amz-server-side-encryption", "aws:kms"}});
  ASSERT_EQ(put.status, 200) << put.code << " " << put.message;
  const std::string arn = "arn:aws:kms:us-east-1:123456789012:key/aws-s3-managed-0000";
  EXPECT_EQ(header(put, "x-amz-server-side-encryption"), "aws:kms");
  EXPECT_EQ(header(put, "x-amz-server-side-encryption-aws-kms-key-id"), arn);
  EXPECT_FALSE(put.headers.has("x-amz-server-side-encryption-bucket-key-enabled"));  // only when true
  EXPECT_FALSE(put.headers.has("x-amz-server-side-encryption-context"));
  EXPECT_EQ(kms_.generate_calls, 1);
  EXPECT_EQ(kms_.last_context, (kms::EncryptionContext{{"aws:s3:arn", "arn:aws:s3:::bkt/dir/obj"}}));

  // HEAD needs no KMS call; GET calls Decrypt with the same context.
  auto head = call("HEAD", "/bkt/dir/obj");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(header(head, "x-amz-server-side-encryption-aws-kms-key-id"), arn);
  EXPECT_EQ(kms_.decrypt_calls, 0);
  auto get = call("GET", "/bkt/dir/obj");
  ASSERT_EQ(get.status, 200);
  EXPECT_EQ(get.body, data);
  EXPECT_EQ(kms_.decrypt_calls, 1);
  EXPECT_EQ(kms_.last_context, (kms::EncryptionContext{{"aws:s3:arn", "arn:aws:s3:::bkt/dir/obj"}}));
  EXPECT_TRUE(stored_bytes_lack("PODBUCKET-PLAINTEXT"));
}

TEST_F(SseTest, SseKmsWithAKeyIdBucketKeyAndContext) {
  call("PUT", "/bkt");
  const std::string arn = kms_.create_key("1234abcd-0000-0000-0000-000000000001");
  const std::string context = core::base64_encode(R"({"tenant":"gitlab","purpose":"lfs"})");
  auto put = call("PUT", "/bkt/k", "hello", {{"x-amz-server-side-encryption", "aws:kms"},
                                               {"x-amz-server-side-encryption-aws-kms-key-id",
                                                "1234abcd-0000-0000-0000-000000000001"},
                                               {"x-amz-server-side-encryption-bucket-key-enabled", "true"},
                                               {"x-amz-server-side-encryption-context", context}});
  ASSERT_EQ(put.status, 200) << put.code << " " << put.message;
  EXPECT_EQ(header(put, "x-amz-server-side-encryption-aws-kms-key-id"), arn);  // the full ARN
  EXPECT_EQ(header(put, "x-amz-server-side-encryption-bucket-key-enabled"), "true");
  // With a bucket key the context names the bucket; the client's pairs are kept and echoed.
  const kms::EncryptionContext want{{"aws:s3:arn", "arn:aws:s3:::bkt"}, {"purpose", "lfs"}, {"tenant", "gitlab"}};
  EXPECT_EQ(kms_.last_context, want);
  auto echoed = core::base64_decode(header(put, "x-amz-server-side-encryption-context"));
  ASSERT_TRUE(echoed);
  EXPECT_NE(echoed->find("\"tenant\":\"gitlab\""), std::string::npos);
  auto get = call("GET", "/bkt/k");
  EXPECT_EQ(get.body, "hello");
  EXPECT_EQ(kms_.last_context, want);
  EXPECT_EQ(header(get, "x-amz-server-side-encryption-bucket-key-enabled"), "true");
  EXPECT_FALSE(get.headers.has("x-amz-server-side-encryption-context"));  // never on GET/HEAD

  auto bad = call("PUT", "/bkt/k2", "x", {{"x-amz-server-side-encryption", "aws:kms"},
                                          {"x-amz-server-side-encryption-context", "not base64 json!"}});
  EXPECT_EQ(bad.code, "InvalidArgument");
}

TEST_F(SseTest, RangeReadsAcrossChunkBoundaries) {
  call("PUT", "/bkt");
  const std::string data = pattern(4 * C + 123);
  ASSERT_EQ(call("PUT", "/bkt/r", data, {{"x-amz-server-side-encryption", "aws:kms"}}).status, 200);
  struct Case {
    std::string range;
    uint64_t first, last;
  };
  const uint64_t n = data.size();
  const Case cases[] = {
      {"bytes=0-0", 0, 0},
      {"bytes=65535-65535", C - 1, C - 1},        // last byte of chunk 0
      {"bytes=65536-65536", C, C},                // first byte of chunk 1
      {"bytes=65535-65536", C - 1, C},            // straddles
      {"bytes=65530-196620", C - 6, 3 * C + 12},  // spans 4 chunks
      {"bytes=131072-196607", 2 * C, 3 * C - 1},  // exactly chunk 2
      {"bytes=-5", n - 5, n - 1},                 // suffix
      {"bytes=-70000", n - 70000, n - 1},         // suffix over a boundary
      {"bytes=262144-", 4 * C, n - 1},            // open-ended, the short last chunk
  };
  for (const auto& c : cases) {
    auto r = call("GET", "/bkt/r", "", {{"Range", c.range}});
    ASSERT_EQ(r.status, 206) << c.range << " " << r.code;
    EXPECT_EQ(r.body, data.substr(c.first, c.last - c.first + 1)) << c.range;
    EXPECT_EQ(header(r, "Content-Range"),
              "bytes " + std::to_string(c.first) + "-" + std::to_string(c.last) + "/" + std::to_string(n));
  }
}

TEST_F(SseTest, WriteHeaderErrors) {
  call("PUT", "/bkt");
  auto r = call("PUT", "/bkt/k", "x", {{"x-amz-server-side-encryption", "AES512"}});
  EXPECT_EQ(r.code, "InvalidArgument");
  EXPECT_EQ(r.message, "The encryption method specified is not supported");
  r = call("PUT", "/bkt/k", "x", {{"x-amz-server-side-encryption", ""}});
  EXPECT_EQ(r.code, "InvalidArgument");
  r = call("PUT", "/bkt/k", "x", {{"x-amz-server-side-encryption-aws-kms-key-id", "alias/aws/s3"}});
  EXPECT_EQ(r.code, "InvalidArgument");
  EXPECT_EQ(r.message,
            "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : "
            "aws:kms");
  r = call("PUT", "/bkt/k", "x",
           {{"x-amz-server-side-encryption", "AES256"}, {"x-amz-server-side-encryption-aws-kms-key-id", "k"}});
  EXPECT_EQ(r.code, "InvalidArgument");
  r = call("PUT", "/bkt/k", "x",
           {{"x-amz-server-side-encryption", "aws:kms"},
            {"x-amz-server-side-encryption-aws-kms-key-id", "fake-key-id"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.code, "KMS.NotFoundException");
  EXPECT_EQ(r.message, "Invalid keyId 'fake-key-id'");
  // Reads cannot choose an encryption.
  ASSERT_EQ(call("PUT", "/bkt/k", "x").status, 200);
  r = call("GET", "/bkt/k", "", {{"x-amz-server-side-encryption", "AES256"}});
  EXPECT_EQ(r.code, "InvalidArgument");
  EXPECT_EQ(call("HEAD", "/bkt/k", "", {{"x-amz-server-side-encryption", "aws:kms"}}).status, 400);
  EXPECT_EQ(blobs_.count(), 1u);  // failed writes left nothing
}

TEST_F(SseTest, KmsKeyStatesAndDenials) {
  call("PUT", "/bkt");
  const std::string arn = kms_.create_key("k-1");
  const Headers kms_headers{{"x-amz-server-side-encryption", "aws:kms"},
                            {"x-amz-server-side-encryption-aws-kms-key-id", arn}};
  ASSERT_EQ(call("PUT", "/bkt/obj", "data", kms_headers).status, 200);

  kms_.key(arn).enabled = false;
  auto put = call("PUT", "/bkt/obj2", "data", kms_headers);
  EXPECT_EQ(put.status, 400);
  EXPECT_EQ(put.code, "KMS.DisabledException");
  EXPECT_EQ(put.message, arn + " is disabled.");
  auto get = call("GET", "/bkt/obj");
  EXPECT_EQ(get.code, "KMS.DisabledException");
  EXPECT_EQ(call("HEAD", "/bkt/obj").status, 200);  // HEAD does not ask KMS

  kms_.key(arn) = {kms_.key(arn).material, true, true};
  get = call("GET", "/bkt/obj");
  EXPECT_EQ(get.code, "KMS.KMSInvalidStateException");
  EXPECT_EQ(get.message, arn + " is pending deletion.");

  kms_.key(arn).pending_deletion = false;
  kms_.deny(caller_.arn);
  get = call("GET", "/bkt/obj");
  EXPECT_EQ(get.status, 403);
  EXPECT_EQ(get.code, "AccessDenied");
  EXPECT_NE(get.message.find("kms:Decrypt"), std::string::npos);
  EXPECT_NE(get.message.find(arn), std::string::npos);
  put = call("PUT", "/bkt/obj3", "data", kms_headers);
  EXPECT_EQ(put.code, "AccessDenied");
  EXPECT_NE(put.message.find("kms:GenerateDataKey"), std::string::npos);
  EXPECT_EQ(blobs_.count(), 1u);
}

TEST_F(SseTest, AWrongEncryptionContextDoesNotOpenTheKey) {
  call("PUT", "/bkt");
  ASSERT_EQ(call("PUT", "/bkt/obj", "data", {{"x-amz-server-side-encryption", "aws:kms"}}).status, 200);
  // Rewrite the stored context, as a damaged or forged record would: KMS refuses, S3 answers 500, no bytes.
  auto record = *meta_->find_object("bkt", "obj");
  auto sealed = *from_json(record.encryption);
  sealed.context["aws:s3:arn"] = "arn:aws:s3:::bkt/other";
  record.encryption = to_json(sealed);
  store::PutOptions options;
  ASSERT_EQ(meta_->put_object(record, options).status, store::PutStatus::kStored);
  auto get = call("GET", "/bkt/obj");
  EXPECT_EQ(get.status, 500);
  EXPECT_EQ(get.code, "InternalError");
}

TEST_F(SseTest, ATamperedBlobFailsTheReadInsteadOfReturningGarbage) {
  call("PUT", "/bkt");
  const std::string data = pattern(2 * C + 10);
  ASSERT_EQ(call("PUT", "/bkt/obj", data, {{"x-amz-server-side-encryption", "aws:kms"}}).status, 200);
  const std::string id = meta_->find_object("bkt", "obj")->segments.at(0).blob_id;
  std::string stored = blobs_.content(id);
  stored[C + 16 + 100] ^= 0x20;  // one bit in chunk 1
  blobs_.set_content(id, stored);
  EXPECT_EQ(call("GET", "/bkt/obj", "", {{"Range", "bytes=0-99"}}).body, data.substr(0, 100));  // chunk 0 is intact
  EXPECT_THROW(call("GET", "/bkt/obj"), TamperedBlob);
  EXPECT_THROW(call("GET", "/bkt/obj", "", {{"Range", "bytes=65536-65600"}}), TamperedBlob);
  // A blob truncated at a chunk boundary fails as soon as it is opened: its size no longer matches the record.
  blobs_.set_content(id, stored.substr(0, 2 * (C + 16)));
  EXPECT_THROW(call("GET", "/bkt/obj", "", {{"Range", "bytes=0-9"}}), TamperedBlob);
}

TEST_F(SseTest, CustomerKeysRoundTrip) {
  call("PUT", "/bkt");
  const std::string data = pattern(C + 5);
  auto put = call("PUT", "/bkt/c", data, customer(kKeyA));
  ASSERT_EQ(put.status, 200) << put.code << " " << put.message;
  const std::string md5 = core::base64_encode(crypto::md5(kKeyA));
  EXPECT_EQ(header(put, "x-amz-server-side-encryption-customer-algorithm"), "AES256");
  EXPECT_EQ(header(put, "x-amz-server-side-encryption-customer-key-MD5"), md5);
  EXPECT_FALSE(put.headers.has("x-amz-server-side-encryption"));
  EXPECT_EQ(kms_.generate_calls + kms_.sse_s3_calls, 0);  // SSE-C needs no KMS
  EXPECT_TRUE(stored_bytes_lack("PODBUCKET-PLAINTEXT"));
  auto record = meta_->find_object("bkt", "c");
  EXPECT_EQ(record->encryption.find(core::base64_encode(kKeyA)), std::string::npos);  // the key is not stored

  auto get = call("GET", "/bkt/c", "", customer(kKeyA));
  ASSERT_EQ(get.status, 200);
  EXPECT_EQ(get.body, data);
  EXPECT_EQ(header(get, "x-amz-server-side-encryption-customer-key-MD5"), md5);
  auto ranged = call("GET", "/bkt/c", "", join(customer(kKeyA), {{"Range", "bytes=65530-65539"}}));
  EXPECT_EQ(ranged.body, data.substr(C - 6, 10));
  EXPECT_EQ(call("HEAD", "/bkt/c", "", customer(kKeyA)).status, 200);
}

TEST_F(SseTest, CustomerKeyErrorsAsS3AnswersThem) {
  call("PUT", "/bkt");
  ASSERT_EQ(call("PUT", "/bkt/c", "secret", customer(kKeyA)).status, 200);

  auto r = call("GET", "/bkt/c");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.code, "InvalidRequest");
  EXPECT_EQ(r.message,
            "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to "
            "retrieve the object.");
  EXPECT_EQ(call("HEAD", "/bkt/c").status, 400);
  r = call("GET", "/bkt/c", "", customer(kKeyB));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.code, "AccessDenied");
  EXPECT_EQ(r.message,
            "Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret "
            "key.");
  EXPECT_EQ(call("HEAD", "/bkt/c", "", customer(kKeyB)).status, 403);
  // A key of the wrong size: 403 on reads, 400 on writes.
  EXPECT_EQ(call("GET", "/bkt/c", "", customer(kKeyA + "xx")).status, 403);
  r = call("PUT", "/bkt/c2", "x", customer(kKeyA.substr(0, 10)));
  EXPECT_EQ(r.code, "InvalidArgument");
  EXPECT_EQ(r.message, "The secret key was invalid for the specified algorithm.");

  Headers bad_md5 = customer(kKeyA);
  bad_md5[2].second = core::base64_encode(crypto::md5("other"));
  r = call("PUT", "/bkt/c2", "x", bad_md5);
  EXPECT_EQ(r.code, "InvalidArgument");
  EXPECT_EQ(r.message, "The calculated MD5 hash of the key did not match the hash that was provided.");

  Headers bad_alg = customer(kKeyA);
  bad_alg[0].second = "KMS";
  r = call("PUT", "/bkt/c2", "x", bad_alg);
  EXPECT_EQ(r.code, "InvalidEncryptionAlgorithmError");
  EXPECT_EQ(r.message, "The Encryption request you specified is not valid. Supported value: AES256.");
  r = call("PUT", "/bkt/c2", "x", {customer(kKeyA)[1], customer(kKeyA)[2]});
  EXPECT_EQ(r.message,
            "Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption "
            "algorithm.");
  r = call("PUT", "/bkt/c2", "x", {customer(kKeyA)[0], customer(kKeyA)[2]});
  EXPECT_EQ(r.message,
            "Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret "
            "key.");
  r = call("PUT", "/bkt/c2", "x", join(customer(kKeyA), {{"x-amz-server-side-encryption", "AES256"}}));
  EXPECT_EQ(r.code, "InvalidArgument");
  EXPECT_EQ(r.message,
            "Server Side Encryption with Customer provided key is incompatible with the encryption method specified");

  // SSE-C headers on an object that is not SSE-C.
  ASSERT_EQ(call("PUT", "/bkt/plain", "x").status, 200);
  r = call("GET", "/bkt/plain", "", customer(kKeyA));
  EXPECT_EQ(r.code, "InvalidRequest");
  EXPECT_EQ(r.message, "The encryption parameters are not applicable to this object.");
}

TEST_F(SseTest, EachVersionKeepsItsOwnCustomerKey) {
  call("PUT", "/bkt");
  const std::string enabled = "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>";
  ASSERT_EQ(call("PUT", "/bkt?versioning", enabled).status, 200);
  auto v1 = call("PUT", "/bkt/k", "version1", customer(kKeyA));
  auto v2 = call("PUT", "/bkt/k", "version2", customer(kKeyB));
  const std::string id1 = header(v1, "x-amz-version-id");
  EXPECT_EQ(call("GET", "/bkt/k", "", customer(kKeyB)).body, "version2");
  EXPECT_EQ(call("GET", "/bkt/k?versionId=" + id1, "", customer(kKeyB)).status, 403);
  EXPECT_EQ(call("GET", "/bkt/k?versionId=" + id1, "", customer(kKeyA)).body, "version1");
}

TEST_F(SseTest, CopyChangesTheEncryption) {
  call("PUT", "/bkt");
  const std::string data = pattern(3 * C + 1);
  ASSERT_EQ(call("PUT", "/bkt/s3", data).status, 200);

  // SSE-S3 → SSE-KMS.
  auto copy =
      call("PUT", "/bkt/kms", "", {{"x-amz-copy-source", "/bkt/s3"}, {"x-amz-server-side-encryption", "aws:kms"}});
  ASSERT_EQ(copy.status, 200) << copy.code << " " << copy.message;
  EXPECT_EQ(header(copy, "x-amz-server-side-encryption"), "aws:kms");
  EXPECT_FALSE(header(copy, "x-amz-server-side-encryption-aws-kms-key-id").empty());
  EXPECT_NE(copy.body.find(core::hex_encode(crypto::md5(data))), std::string::npos);  // the ETag of the plaintext
  EXPECT_EQ(call("GET", "/bkt/kms").body, data);

  // SSE-KMS → SSE-C.
  copy = call("PUT", "/bkt/c", "", join({{"x-amz-copy-source", "/bkt/kms"}}, customer(kKeyA)));
  ASSERT_EQ(copy.status, 200) << copy.code << " " << copy.message;
  EXPECT_EQ(header(copy, "x-amz-server-side-encryption-customer-algorithm"), "AES256");
  EXPECT_EQ(call("GET", "/bkt/c", "", customer(kKeyA)).body, data);

  // SSE-C → the bucket default (SSE-S3): the source key must come with the copy-source headers.
  auto no_key = call("PUT", "/bkt/back", "", {{"x-amz-copy-source", "/bkt/c"}});
  EXPECT_EQ(no_key.code, "InvalidRequest");
  auto wrong =
      call("PUT", "/bkt/back", "", join({{"x-amz-copy-source", "/bkt/c"}}, customer(kKeyB, "x-amz-copy-source-")));
  EXPECT_EQ(wrong.status, 403);
  copy = call("PUT", "/bkt/back", "", join({{"x-amz-copy-source", "/bkt/c"}}, customer(kKeyA, "x-amz-copy-source-")));
  ASSERT_EQ(copy.status, 200) << copy.code << " " << copy.message;
  EXPECT_EQ(header(copy, "x-amz-server-side-encryption"), "AES256");
  EXPECT_EQ(call("GET", "/bkt/back").body, data);

  // A copy onto itself that names an encryption is legal: re-encrypt in place with SSE-KMS.
  copy = call("PUT", "/bkt/back", "",
              {{"x-amz-copy-source", "/bkt/back"}, {"x-amz-server-side-encryption", "aws:kms"}});
  ASSERT_EQ(copy.status, 200) << copy.code << " " << copy.message;
  EXPECT_EQ(header(call("HEAD", "/bkt/back"), "x-amz-server-side-encryption"), "aws:kms");
  EXPECT_EQ(call("GET", "/bkt/back").body, data);
  EXPECT_TRUE(stored_bytes_lack("PODBUCKET-PLAINTEXT"));
}

TEST_F(SseTest, WithoutKmsObjectsAreStoredAsSentAndSseCStillWorks) {
  ctx_.kms = nullptr;
  call("PUT", "/bkt");
  auto put = call("PUT", "/bkt/plain", "abc");
  ASSERT_EQ(put.status, 200);
  EXPECT_FALSE(put.headers.has("x-amz-server-side-encryption"));
  EXPECT_EQ(blobs_.all_content(), "abc");
  EXPECT_EQ(call("PUT", "/bkt/x", "abc", {{"x-amz-server-side-encryption", "AES256"}}).code, "NotImplemented");
  ASSERT_EQ(call("PUT", "/bkt/c", "PODBUCKET-PLAINTEXT", customer(kKeyA)).status, 200);
  EXPECT_EQ(call("GET", "/bkt/c", "", customer(kKeyA)).body, "PODBUCKET-PLAINTEXT");
  EXPECT_TRUE(stored_bytes_lack("PODBUCKET-PLAINTEXT"));
}

}  // namespace
}  // namespace podbucket::s3::encryption::testing
