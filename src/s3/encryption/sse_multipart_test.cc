// Server-side encryption of multipart uploads (a data key per part, the upload's settings fixed at Create,
// SSE-C keys checked on every part) and of bucket default encryption (Get/Put/DeleteBucketEncryption).
#include <gtest/gtest.h>

#include <set>

#include "s3/encryption/chunked.h"
#include "s3/encryption/envelope.h"
#include "s3/encryption/sse_fixture_for_test.h"

namespace podbucket::s3::encryption::testing {
namespace {

constexpr size_t kPart = 5 << 20;
const std::string kKeyA(32, 'a');
const std::string kKeyB(32, 'b');

class SseMultipartTest : public SseTest {
 protected:
  std::string create(const std::string& key, const Headers& headers, Reply* reply = nullptr) {
    auto r = call("POST", "/bkt/" + key + "?uploads", "", headers);
    if (reply) *reply = r;
    auto at = r.body.find("<UploadId>");
    if (at == std::string::npos) return {};
    return r.body.substr(at + 10, r.body.find("</UploadId>") - at - 10);
  }
  std::string complete_body(const std::vector<std::string>& etags) {
    std::string xml = "<CompleteMultipartUpload>";
    for (size_t i = 0; i < etags.size(); ++i) {
      xml += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" + etags[i] + "</ETag></Part>";
    }
    return xml + "</CompleteMultipartUpload>";
  }
};

TEST_F(SseMultipartTest, SseKmsPartsEachGetTheirOwnDataKey) {
  call("PUT", "/bkt");
  const std::string arn = kms_.create_key("mpu-key");
  Reply created;
  const std::string id = create("big", {{"x-amz-server-side-encryption", "aws:kms"},
                                        {"x-amz-server-side-encryption-aws-kms-key-id", arn}},
                                &created);
  ASSERT_FALSE(id.empty()) << created.code << " " << created.message;
  EXPECT_EQ(header(created, "x-amz-server-side-encryption"), "aws:kms");
  EXPECT_EQ(header(created, "x-amz-server-side-encryption-aws-kms-key-id"), arn);

  const std::string data = pattern(2 * kPart + 12345);
  std::vector<std::string> etags;
  for (int n = 1; n <= 3; ++n) {
    std::string part = data.substr((n - 1) * kPart, kPart);
    auto up = call("PUT", "/bkt/big?partNumber=" + std::to_string(n) + "&uploadId=" + id, part);
    ASSERT_EQ(up.status, 200) << up.code << " " << up.message;
    EXPECT_EQ(header(up, "ETag"), etag_of(part));
    EXPECT_EQ(header(up, "x-amz-server-side-encryption"), "aws:kms");
    EXPECT_EQ(header(up, "x-amz-server-side-encryption-aws-kms-key-id"), arn);
    etags.push_back(header(up, "ETag"));
  }
  EXPECT_EQ(kms_.generate_calls, 4);  // Create asks once (as S3 does), then one data key per part
  EXPECT_EQ(kms_.last_context, (kms::EncryptionContext{{"aws:s3:arn", "arn:aws:s3:::bkt/big"}}));

  auto done = call("POST", "/bkt/big?uploadId=" + id, complete_body(etags));
  ASSERT_EQ(done.status, 200) << done.code << " " << done.message;
  EXPECT_EQ(header(done, "x-amz-server-side-encryption"), "aws:kms");
  EXPECT_EQ(header(done, "x-amz-server-side-encryption-aws-kms-key-id"), arn);

  auto record = meta_->find_object("bkt", "big");
  ASSERT_TRUE(record);
  auto sealed = from_json(record->encryption);
  ASSERT_TRUE(sealed);
  ASSERT_EQ(sealed->keys.size(), 3u);
  EXPECT_EQ(std::set<std::string>(sealed->keys.begin(), sealed->keys.end()).size(), 3u);

  auto get = call("GET", "/bkt/big");
  ASSERT_EQ(get.status, 200);
  EXPECT_TRUE(get.body == data);
  // A range across the part 1 / part 2 boundary opens only those two parts' keys.
  const int before = kms_.decrypt_calls;
  auto ranged = call("GET", "/bkt/big", "", {{"Range", "bytes=" + std::to_string(kPart - 10) + "-" +
                                                            std::to_string(kPart + 9)}});
  EXPECT_EQ(ranged.body, data.substr(kPart - 10, 20));
  EXPECT_EQ(kms_.decrypt_calls - before, 2);
  auto part3 = call("GET", "/bkt/big?partNumber=3");
  EXPECT_EQ(part3.status, 206);
  EXPECT_EQ(part3.body, data.substr(2 * kPart));
  EXPECT_TRUE(stored_bytes_lack("PODBUCKET-PLAINTEXT"));
}

TEST_F(SseMultipartTest, CreateFailsOnADisabledKeyAndBucketDefaultApplies) {
  call("PUT", "/bkt");
  const std::string arn = kms_.create_key("default-key");
  ASSERT_EQ(call("PUT", "/bkt?encryption",
                 "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms"
                 "</SSEAlgorithm><KMSMasterKeyID>" + arn + "</KMSMasterKeyID></ApplyServerSideEncryptionByDefault>"
                 "<BucketKeyEnabled>false</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>")
                .status,
            200);
  Reply created;
  std::string id = create("k", {}, &created);
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(header(created, "x-amz-server-side-encryption-aws-kms-key-id"), arn);
  kms_.key(arn).enabled = false;
  create("k2", {}, &created);
  EXPECT_EQ(created.code, "KMS.DisabledException");
  auto up = call("PUT", "/bkt/k?partNumber=1&uploadId=" + id, "x");
  EXPECT_EQ(up.code, "KMS.DisabledException");
}

TEST_F(SseMultipartTest, CustomerKeyOnEveryPart) {
  call("PUT", "/bkt");
  Reply created;
  const std::string id = create("c", customer(kKeyA), &created);
  ASSERT_FALSE(id.empty()) << created.code << " " << created.message;
  EXPECT_EQ(header(created, "x-amz-server-side-encryption-customer-algorithm"), "AES256");
  EXPECT_FALSE(created.headers.has("x-amz-server-side-encryption"));

  auto r = call("PUT", "/bkt/c?partNumber=1&uploadId=" + id, "x");
  EXPECT_EQ(r.code, "InvalidRequest");
  EXPECT_EQ(r.message,
            "The multipart upload initiate requested encryption. Subsequent part requests must include the "
            "appropriate encryption parameters.");
  r = call("PUT", "/bkt/c?partNumber=1&uploadId=" + id, "x", customer(kKeyB));
  EXPECT_EQ(r.code, "InvalidRequest");
  EXPECT_EQ(r.message, "The provided encryption parameters did not match the ones used originally.");

  const std::string p1 = pattern(kPart), p2 = pattern(1000);
  auto u1 = call("PUT", "/bkt/c?partNumber=1&uploadId=" + id, p1, customer(kKeyA));
  ASSERT_EQ(u1.status, 200) << u1.code << " " << u1.message;
  EXPECT_EQ(header(u1, "x-amz-server-side-encryption-customer-key-MD5"), core::base64_encode(crypto::md5(kKeyA)));
  auto u2 = call("PUT", "/bkt/c?partNumber=2&uploadId=" + id, p2, customer(kKeyA));
  ASSERT_EQ(u2.status, 200);
  // Complete needs no key and echoes none.
  auto done = call("POST", "/bkt/c?uploadId=" + id, complete_body({header(u1, "ETag"), header(u2, "ETag")}));
  ASSERT_EQ(done.status, 200) << done.code << " " << done.message;
  EXPECT_FALSE(done.headers.has("x-amz-server-side-encryption-customer-algorithm"));
  EXPECT_EQ(call("GET", "/bkt/c").code, "InvalidRequest");
  EXPECT_EQ(call("GET", "/bkt/c", "", customer(kKeyA)).body, p1 + p2);

  // A part for an upload without SSE-C must not carry a key.
  const std::string plain = create("p", {});
  r = call("PUT", "/bkt/p?partNumber=1&uploadId=" + plain, "x", customer(kKeyA));
  EXPECT_EQ(r.code, "InvalidRequest");
}

TEST_F(SseMultipartTest, UploadPartCopyDecryptsTheSourceRangeAndSealsThePart) {
  call("PUT", "/bkt");
  const std::string data = pattern(kPart + 70000);
  ASSERT_EQ(call("PUT", "/bkt/src", data, customer(kKeyA)).status, 200);
  const std::string id = create("dst", {{"x-amz-server-side-encryption", "aws:kms"}});
  Headers copy{{"x-amz-copy-source", "/bkt/src"}, {"x-amz-copy-source-range", "bytes=0-5242879"}};
  auto no_key = call("PUT", "/bkt/dst?partNumber=1&uploadId=" + id, "", copy);
  EXPECT_EQ(no_key.code, "InvalidRequest");
  auto c1 = call("PUT", "/bkt/dst?partNumber=1&uploadId=" + id, "", join(copy, customer(kKeyA, "x-amz-copy-source-")));
  ASSERT_EQ(c1.status, 200) << c1.code << " " << c1.message;
  EXPECT_EQ(header(c1, "x-amz-server-side-encryption"), "aws:kms");
  Headers copy2{{"x-amz-copy-source", "/bkt/src"},
                {"x-amz-copy-source-range", "bytes=" + std::to_string(kPart) + "-" + std::to_string(data.size() - 1)}};
  auto c2 = call("PUT", "/bkt/dst?partNumber=2&uploadId=" + id, "", join(copy2, customer(kKeyA, "x-amz-copy-source-")));
  ASSERT_EQ(c2.status, 200);
  auto etag = [](const Reply& r) {
    auto a = r.body.find("<ETag>");
    return r.body.substr(a + 6, r.body.find("</ETag>") - a - 6);
  };
  auto done = call("POST", "/bkt/dst?uploadId=" + id, complete_body({etag(c1), etag(c2)}));
  ASSERT_EQ(done.status, 200) << done.code;
  EXPECT_TRUE(call("GET", "/bkt/dst").body == data);
  EXPECT_TRUE(stored_bytes_lack("PODBUCKET-PLAINTEXT"));
}

TEST_F(SseTest, BucketEncryptionConfiguration) {
  call("PUT", "/bkt");
  auto get = call("GET", "/bkt?encryption");
  ASSERT_EQ(get.status, 200);
  EXPECT_NE(get.body.find("<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm>"
                          "</ApplyServerSideEncryptionByDefault><BucketKeyEnabled>false</BucketKeyEnabled></Rule>"),
            std::string::npos)
      << get.body;

  const std::string arn = kms_.create_key("tf-key");
  const std::string doc =
      "<ServerSideEncryptionConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Rule>"
      "<ApplyServerSideEncryptionByDefault><KMSMasterKeyID>" + arn + "</KMSMasterKeyID><SSEAlgorithm>aws:kms"
      "</SSEAlgorithm></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>false</BucketKeyEnabled></Rule>"
      "</ServerSideEncryptionConfiguration>";
  ASSERT_EQ(call("PUT", "/bkt?encryption", doc).status, 200);
  get = call("GET", "/bkt?encryption");
  EXPECT_NE(get.body.find("<SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID>" + arn + "</KMSMasterKeyID>"),
            std::string::npos);
  EXPECT_NE(get.body.find("<BucketKeyEnabled>false</BucketKeyEnabled>"), std::string::npos);
  auto put = call("PUT", "/bkt/obj", "data");
  EXPECT_EQ(header(put, "x-amz-server-side-encryption"), "aws:kms");
  EXPECT_EQ(header(put, "x-amz-server-side-encryption-aws-kms-key-id"), arn);
  // A request's own choice wins over the default.
  put = call("PUT", "/bkt/obj2", "data", {{"x-amz-server-side-encryption", "AES256"}});
  EXPECT_EQ(header(put, "x-amz-server-side-encryption"), "AES256");

  EXPECT_EQ(call("DELETE", "/bkt?encryption").status, 204);
  EXPECT_EQ(call("DELETE", "/bkt?encryption").status, 204);
  EXPECT_NE(call("GET", "/bkt?encryption").body.find("<SSEAlgorithm>AES256</SSEAlgorithm>"), std::string::npos);
  EXPECT_EQ(header(call("PUT", "/bkt/obj3", "data"), "x-amz-server-side-encryption"), "AES256");
  EXPECT_EQ(call("GET", "/bkt/obj").body, "data");  // objects keep the encryption they were written with

  EXPECT_EQ(call("GET", "/nope?encryption").code, "NoSuchBucket");
  EXPECT_EQ(call("PUT", "/nope?encryption", "junk").code, "NoSuchBucket");
  EXPECT_EQ(call("DELETE", "/nope?encryption").code, "NoSuchBucket");
}

TEST_F(SseTest, BucketEncryptionValidation) {
  call("PUT", "/bkt");
  auto put = [&](const std::string& rules) {
    return call("PUT", "/bkt?encryption", "<ServerSideEncryptionConfiguration>" + rules +
                                              "</ServerSideEncryptionConfiguration>");
  };
  const std::string aes = "<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm>"
                          "</ApplyServerSideEncryptionByDefault></Rule>";
  EXPECT_EQ(put("").code, "MalformedXML");
  EXPECT_EQ(put(aes + aes).code, "MalformedXML");
  EXPECT_EQ(call("PUT", "/bkt?encryption", "<oops").code, "MalformedXML");
  EXPECT_EQ(put("<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>DES</SSEAlgorithm>"
                "</ApplyServerSideEncryptionByDefault></Rule>")
                .code,
            "MalformedXML");
  auto r = put("<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm>"
               "<KMSMasterKeyID>randomkeyid</KMSMasterKeyID></ApplyServerSideEncryptionByDefault></Rule>");
  EXPECT_EQ(r.code, "InvalidArgument");
  EXPECT_EQ(r.message,
            "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse");
  // AES256 with a bucket key is accepted (objects report no bucket key).
  EXPECT_EQ(put("<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm>"
                "</ApplyServerSideEncryptionByDefault><BucketKeyEnabled>true</BucketKeyEnabled></Rule>")
                .status,
            200);
  EXPECT_FALSE(call("PUT", "/bkt/o", "x").headers.has("x-amz-server-side-encryption-bucket-key-enabled"));
  // aws:kms without a key: the AWS managed key, and the bucket key from the rule.
  ASSERT_EQ(put("<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm>"
                "</ApplyServerSideEncryptionByDefault><BucketKeyEnabled>true</BucketKeyEnabled></Rule>")
                .status,
            200);
  auto obj = call("PUT", "/bkt/o", "x");
  EXPECT_EQ(header(obj, "x-amz-server-side-encryption-aws-kms-key-id"),
            "arn:aws:kms:us-east-1:123456789012:key/aws-s3-managed-0000");
  EXPECT_EQ(header(obj, "x-amz-server-side-encryption-bucket-key-enabled"), "true");
  EXPECT_EQ(kms_.last_context, (kms::EncryptionContext{{"aws:s3:arn", "arn:aws:s3:::bkt"}}));
}

TEST_F(SseTest, BlockedCustomerKeys) {
  call("PUT", "/bkt");
  ASSERT_EQ(call("PUT", "/bkt/old", "x", customer(kKeyA)).status, 200);
  ASSERT_EQ(call("PUT", "/bkt?encryption",
                 "<ServerSideEncryptionConfiguration><Rule><BlockedEncryptionTypes><EncryptionType>SSE-C"
                 "</EncryptionType></BlockedEncryptionTypes></Rule></ServerSideEncryptionConfiguration>")
                .status,
            200);
  EXPECT_NE(call("GET", "/bkt?encryption").body.find("<BlockedEncryptionTypes><EncryptionType>SSE-C"),
            std::string::npos);
  auto r = call("PUT", "/bkt/new", "x", customer(kKeyA));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.message.find("blocked upload requests that specify Server Side Encryption with Customer provided keys"),
            std::string::npos);
  EXPECT_EQ(call("GET", "/bkt/old", "", customer(kKeyA)).body, "x");  // existing objects stay readable
  EXPECT_EQ(header(call("PUT", "/bkt/new", "x"), "x-amz-server-side-encryption"), "AES256");
}

}  // namespace
}  // namespace podbucket::s3::encryption::testing
