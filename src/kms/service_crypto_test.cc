// KmsService cryptographic operations and rotation through the JSON API.
#include <gtest/gtest.h>

#include "core/encoding.h"
#include "kms/test_util.h"

namespace podbucket::kms {
namespace {

using nlohmann::json;
using testing::KmsFixture;

std::string b64(const std::string& s) { return core::base64_encode(s); }
std::string unb64(const json& j) { return core::base64_decode(j.get<std::string>()).value(); }

class KmsCryptoTest : public ::testing::Test, protected KmsFixture {
 protected:
  std::string encrypt(const std::string& key, const std::string& plaintext, const json& context = json::object()) {
    testing::Reply r = call(root, "Encrypt", {{"KeyId", key}, {"Plaintext", b64(plaintext)}, {"EncryptionContext", context}});
    if (!r.ok()) throw std::runtime_error(r.code + " " + r.message);
    return r.body["CiphertextBlob"];
  }
};

TEST_F(KmsCryptoTest, EncryptDecryptWithContext) {
  json m = create_key();
  std::string id = m["KeyId"], arn = m["Arn"];
  json ctx = {{"purpose", "test"}, {"aws:s3:arn", "arn:aws:s3:::b/k"}};
  testing::Reply e = call(root, "Encrypt", {{"KeyId", id}, {"Plaintext", b64("hello kms")}, {"EncryptionContext", ctx}});
  ASSERT_TRUE(e.ok()) << e.code << e.message;
  EXPECT_EQ(e.body["KeyId"], arn);
  EXPECT_EQ(e.body["EncryptionAlgorithm"], "SYMMETRIC_DEFAULT");
  std::string blob = e.body["CiphertextBlob"];
  EXPECT_EQ(unb64(e.body["CiphertextBlob"]).find("hello kms"), std::string::npos);

  testing::Reply d = call(root, "Decrypt", {{"CiphertextBlob", blob}, {"EncryptionContext", ctx}});
  ASSERT_TRUE(d.ok()) << d.code << d.message;
  EXPECT_EQ(unb64(d.body["Plaintext"]), "hello kms");
  EXPECT_EQ(d.body["KeyId"], arn);
  EXPECT_EQ(d.body["EncryptionAlgorithm"], "SYMMETRIC_DEFAULT");

  // A different, missing or extra context entry fails, as does a tampered blob.
  for (const json& other : {json::object(), json{{"purpose", "test"}}, json{{"purpose", "TEST"}, {"aws:s3:arn", "arn:aws:s3:::b/k"}},
                            json{{"purpose", "test"}, {"aws:s3:arn", "arn:aws:s3:::b/k"}, {"x", "y"}}}) {
    testing::Reply bad = call(root, "Decrypt", {{"CiphertextBlob", blob}, {"EncryptionContext", other}});
    EXPECT_EQ(bad.code, "InvalidCiphertextException") << other.dump();
    EXPECT_EQ(bad.status, 400);
  }
  std::string raw = unb64(json(blob));
  raw[raw.size() - 20] ^= 1;
  EXPECT_EQ(call(root, "Decrypt", {{"CiphertextBlob", b64(raw)}, {"EncryptionContext", ctx}}).code,
            "InvalidCiphertextException");
  EXPECT_EQ(call(root, "Decrypt", {{"CiphertextBlob", b64("garbage that is not a blob")}}).code,
            "InvalidCiphertextException");
  EXPECT_EQ(call(root, "Decrypt", {{"CiphertextBlob", "***"}}).code, "SerializationException");

  // KeyId on Decrypt must name the key the blob was made with.
  std::string other = create_key()["KeyId"];
  EXPECT_EQ(call(root, "Decrypt", {{"CiphertextBlob", blob}, {"EncryptionContext", ctx}, {"KeyId", other}}).code,
            "IncorrectKeyException");
  EXPECT_TRUE(call(root, "Decrypt", {{"CiphertextBlob", blob}, {"EncryptionContext", ctx}, {"KeyId", arn}}).ok());
}

TEST_F(KmsCryptoTest, PlaintextLimitsAndAlgorithms) {
  std::string id = create_key()["KeyId"];
  EXPECT_EQ(call(root, "Encrypt", {{"KeyId", id}, {"Plaintext", b64(std::string(4097, 'x'))}}).code,
            "ValidationException");
  EXPECT_TRUE(call(root, "Encrypt", {{"KeyId", id}, {"Plaintext", b64(std::string(4096, 'x'))}}).ok());
  EXPECT_EQ(call(root, "Encrypt", {{"KeyId", id}}).code, "ValidationException");
  EXPECT_EQ(call(root, "Encrypt", {{"KeyId", id}, {"Plaintext", b64("x")}, {"EncryptionAlgorithm", "RSAES_OAEP_SHA_256"}})
                .code,
            "InvalidKeyUsageException");
  EXPECT_EQ(call(root, "Encrypt", {{"KeyId", id}, {"Plaintext", b64("x")}, {"EncryptionAlgorithm", "ROT13"}}).code,
            "ValidationException");
  EXPECT_EQ(call(root, "Encrypt", {{"KeyId", id}, {"Plaintext", b64("x")}, {"EncryptionContext", {{"a", 1}}}}).code,
            "SerializationException");
  testing::Reply dry = call(root, "Encrypt", {{"KeyId", id}, {"Plaintext", b64("x")}, {"DryRun", true}});
  EXPECT_EQ(dry.code, "DryRunOperationException");
  EXPECT_EQ(dry.status, 412);
}

TEST_F(KmsCryptoTest, DisabledAndPendingDeletionKeys) {
  json m = create_key();
  std::string id = m["KeyId"], arn = m["Arn"];
  std::string blob = encrypt(id, "secret");
  ASSERT_TRUE(call(root, "DisableKey", {{"KeyId", id}}).ok());
  testing::Reply r = call(root, "Encrypt", {{"KeyId", id}, {"Plaintext", b64("x")}});
  EXPECT_EQ(r.code, "DisabledException");
  EXPECT_EQ(r.message, arn + " is disabled.");
  EXPECT_EQ(call(root, "Decrypt", {{"CiphertextBlob", blob}}).code, "DisabledException");
  EXPECT_EQ(call(root, "GenerateDataKey", {{"KeyId", id}, {"KeySpec", "AES_256"}}).code, "DisabledException");
  ASSERT_TRUE(call(root, "EnableKey", {{"KeyId", id}}).ok());
  EXPECT_TRUE(call(root, "Decrypt", {{"CiphertextBlob", blob}}).ok());
  ASSERT_TRUE(call(root, "ScheduleKeyDeletion", {{"KeyId", id}, {"PendingWindowInDays", 7}}).ok());
  r = call(root, "Decrypt", {{"CiphertextBlob", blob}});
  EXPECT_EQ(r.code, "KMSInvalidStateException");
  EXPECT_EQ(r.message, arn + " is pending deletion.");
  EXPECT_EQ(call(root, "Encrypt", {{"KeyId", id}, {"Plaintext", b64("x")}}).code, "KMSInvalidStateException");
  clock.advance(std::chrono::hours(24 * 8));
  EXPECT_EQ(call(root, "Decrypt", {{"CiphertextBlob", blob}}).code, "NotFoundException");
}

TEST_F(KmsCryptoTest, GenerateDataKeyFamilies) {
  json m = create_key();
  std::string id = m["KeyId"];
  json ctx = {{"k", "v"}};
  testing::Reply g = call(root, "GenerateDataKey", {{"KeyId", id}, {"KeySpec", "AES_256"}, {"EncryptionContext", ctx}});
  ASSERT_TRUE(g.ok()) << g.message;
  EXPECT_EQ(g.body["KeyId"], m["Arn"]);
  std::string plaintext = unb64(g.body["Plaintext"]);
  EXPECT_EQ(plaintext.size(), 32u);
  testing::Reply d = call(root, "Decrypt", {{"CiphertextBlob", g.body["CiphertextBlob"]}, {"EncryptionContext", ctx}});
  EXPECT_EQ(unb64(d.body["Plaintext"]), plaintext);

  EXPECT_EQ(unb64(call(root, "GenerateDataKey", {{"KeyId", id}, {"KeySpec", "AES_128"}}).body["Plaintext"]).size(), 16u);
  EXPECT_EQ(unb64(call(root, "GenerateDataKey", {{"KeyId", id}, {"NumberOfBytes", 64}}).body["Plaintext"]).size(), 64u);
  testing::Reply both = call(root, "GenerateDataKey", {{"KeyId", id}, {"KeySpec", "AES_256"}, {"NumberOfBytes", 32}});
  EXPECT_EQ(both.code, "ValidationException");
  EXPECT_EQ(both.message, "Please specify either number of bytes or key spec.");
  EXPECT_EQ(call(root, "GenerateDataKey", {{"KeyId", id}}).code, "ValidationException");
  EXPECT_EQ(call(root, "GenerateDataKey", {{"KeyId", id}, {"KeySpec", "AES_512"}}).code, "ValidationException");
  EXPECT_EQ(call(root, "GenerateDataKey", {{"KeyId", id}, {"NumberOfBytes", 1025}}).code, "ValidationException");

  testing::Reply w = call(root, "GenerateDataKeyWithoutPlaintext", {{"KeyId", "alias/aws/s3"}, {"KeySpec", "AES_256"}});
  EXPECT_EQ(w.code, "AccessDeniedException");  // root may not use aws/s3 directly
  w = call(root, "GenerateDataKeyWithoutPlaintext", {{"KeyId", id}, {"KeySpec", "AES_256"}, {"EncryptionContext", ctx}});
  ASSERT_TRUE(w.ok());
  EXPECT_FALSE(w.body.contains("Plaintext"));
  d = call(root, "Decrypt", {{"CiphertextBlob", w.body["CiphertextBlob"]}, {"EncryptionContext", ctx}});
  EXPECT_EQ(unb64(d.body["Plaintext"]).size(), 32u);

  testing::Reply rnd = call(root, "GenerateRandom", {{"NumberOfBytes", 48}});
  ASSERT_TRUE(rnd.ok());
  EXPECT_EQ(unb64(rnd.body["Plaintext"]).size(), 48u);
  EXPECT_EQ(call(root, "GenerateRandom", {{"NumberOfBytes", 0}}).code, "ValidationException");
}

TEST_F(KmsCryptoTest, ReEncryptMovesCiphertextBetweenKeysAndContexts) {
  json a = create_key(), b = create_key();
  std::string blob = encrypt(a["KeyId"], "move me", {{"from", "a"}});
  testing::Reply r = call(root, "ReEncrypt", {{"CiphertextBlob", blob},
                                             {"SourceEncryptionContext", {{"from", "a"}}},
                                             {"DestinationKeyId", b["Arn"]},
                                             {"DestinationEncryptionContext", {{"to", "b"}}}});
  ASSERT_TRUE(r.ok()) << r.code << r.message;
  EXPECT_EQ(r.body["SourceKeyId"], a["Arn"]);
  EXPECT_EQ(r.body["KeyId"], b["Arn"]);
  testing::Reply d = call(root, "Decrypt", {{"CiphertextBlob", r.body["CiphertextBlob"]}, {"EncryptionContext", {{"to", "b"}}}});
  EXPECT_EQ(d.body["KeyId"], b["Arn"]);
  EXPECT_EQ(unb64(d.body["Plaintext"]), "move me");
  EXPECT_EQ(call(root, "ReEncrypt", {{"CiphertextBlob", blob}, {"DestinationKeyId", b["Arn"]}}).code,
            "InvalidCiphertextException");
}

TEST_F(KmsCryptoTest, RotationKeepsOldCiphertextsReadable) {
  std::string id = create_key()["KeyId"];
  std::string v1 = encrypt(id, "version one");
  testing::Reply status = call(root, "GetKeyRotationStatus", {{"KeyId", id}});
  EXPECT_EQ(status.body["KeyRotationEnabled"], false);

  // On demand.
  testing::Reply rot = call(root, "RotateKeyOnDemand", {{"KeyId", id}});
  ASSERT_TRUE(rot.ok()) << rot.message;
  EXPECT_EQ(rot.body["KeyId"], id);
  std::string v2 = encrypt(id, "version two");
  EXPECT_EQ(core::base64_decode(v2.substr(0))->substr(40, 4), std::string("\0\0\0\2", 4));

  // Automatic: due after the period, applied on the next use.
  EXPECT_EQ(call(root, "EnableKeyRotation", {{"KeyId", id}, {"RotationPeriodInDays", 89}}).code, "ValidationException");
  ASSERT_TRUE(call(root, "EnableKeyRotation", {{"KeyId", id}, {"RotationPeriodInDays", 90}}).ok());
  status = call(root, "GetKeyRotationStatus", {{"KeyId", id}});
  EXPECT_EQ(status.body["KeyRotationEnabled"], true);
  EXPECT_EQ(status.body["RotationPeriodInDays"], 90);
  EXPECT_EQ(status.body["NextRotationDate"], 1'700'000'000.0 + 90 * 86400);
  clock.advance(std::chrono::hours(24 * 90));
  std::string v3 = encrypt(id, "version three");
  EXPECT_EQ(core::base64_decode(v3)->substr(40, 4), std::string("\0\0\0\3", 4));
  EXPECT_EQ(call(root, "GetKeyRotationStatus", {{"KeyId", id}}).body["NextRotationDate"],
            1'700'000'000.0 + 180 * 86400);

  json rotations = call(root, "ListKeyRotations", {{"KeyId", id}}).body["Rotations"];
  ASSERT_EQ(rotations.size(), 2u);
  EXPECT_EQ(rotations[0]["RotationType"], "ON_DEMAND");
  EXPECT_EQ(rotations[1]["RotationType"], "AUTOMATIC");

  restart();  // every version survives a restart
  for (const auto& [blob, text] : std::vector<std::pair<std::string, std::string>>{
           {v1, "version one"}, {v2, "version two"}, {v3, "version three"}})
    EXPECT_EQ(unb64(call(root, "Decrypt", {{"CiphertextBlob", blob}}).body["Plaintext"]), text);

  ASSERT_TRUE(call(root, "DisableKeyRotation", {{"KeyId", id}}).ok());
  EXPECT_EQ(call(root, "GetKeyRotationStatus", {{"KeyId", id}}).body["KeyRotationEnabled"], false);
  ASSERT_TRUE(call(root, "DisableKey", {{"KeyId", id}}).ok());
  EXPECT_EQ(call(root, "RotateKeyOnDemand", {{"KeyId", id}}).code, "DisabledException");
}

TEST_F(KmsCryptoTest, ARestartWithAnotherRootKeyIsRefused) {
  std::string id = create_key()["KeyId"];
  std::string blob = encrypt(id, "kept");
  root_key = std::string(32, '\x5b');
  EXPECT_THROW(restart(), std::runtime_error);
  root_key = std::string(32, '\x5a');
  restart();
  EXPECT_EQ(unb64(call(root, "Decrypt", {{"CiphertextBlob", blob}}).body["Plaintext"]), "kept");
}

TEST_F(KmsCryptoTest, StoredDocumentsHoldNoPlaintextMaterial) {
  // Data keys that KMS returned are never found in the store; the key documents carry only wrapped material.
  std::string id = create_key()["KeyId"];
  testing::Reply g = call(root, "GenerateDataKey", {{"KeyId", id}, {"KeySpec", "AES_256"}});
  std::string plaintext = unb64(g.body["Plaintext"]);
  for (const std::string& collection : {"kms.keys", "kms.aliases", "kms.internal"})
    for (const auto& [doc_id, body] : docs->list(collection)) {
      EXPECT_EQ(body.find(plaintext), std::string::npos);
      EXPECT_EQ(body.find(core::base64_encode(plaintext)), std::string::npos);
      EXPECT_EQ(body.find(root_key), std::string::npos);
    }
}

}  // namespace
}  // namespace podbucket::kms
