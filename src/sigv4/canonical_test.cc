#include "sigv4/canonical.h"

#include <gtest/gtest.h>

#include "core/encoding.h"
#include "sigv4/key_cache.h"

#include <thread>

namespace podbucket::sigv4 {
namespace {

// The signing-key example of the IAM SigV4 documentation.
TEST(CanonicalTest, DeriveSigningKeyDocExample) {
  EXPECT_EQ(core::hex_encode(derive_signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1",
                                                "iam")),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(CanonicalTest, S3PathIsReencodedNotNormalized) {
  EXPECT_EQ(canonical_uri("/test%24file.text", PathStyle::kS3), "/test%24file.text");
  EXPECT_EQ(canonical_uri("/test$file.text", PathStyle::kS3), "/test%24file.text");
  EXPECT_EQ(canonical_uri("/b/a b/./../c~d", PathStyle::kS3), "/b/a%20b/./../c~d");
  EXPECT_EQ(canonical_uri("/b/%7Euser//x", PathStyle::kS3), "/b/~user//x");
  EXPECT_EQ(canonical_uri("/b/%E1%88%B4", PathStyle::kS3), "/b/%E1%88%B4");
  EXPECT_EQ(canonical_uri("/b/100%", PathStyle::kS3), "/b/100%");  // a bad escape is kept as sent
  EXPECT_EQ(canonical_uri("", PathStyle::kS3), "/");
}

TEST(CanonicalTest, OtherServicesNormalizeAndDoubleEncode) {
  EXPECT_EQ(canonical_uri("/a%20b", PathStyle::kNormalizedDoubleEncoded), "/a%2520b");
  EXPECT_EQ(canonical_uri("//example//", PathStyle::kNormalizedDoubleEncoded), "/example/");
  EXPECT_EQ(canonical_uri("/example1/example2/../..", PathStyle::kNormalizedDoubleEncoded), "/");
  EXPECT_EQ(canonical_uri("/./example", PathStyle::kNormalizedDoubleEncoded), "/example");
  EXPECT_EQ(canonical_uri("/", PathStyle::kNormalizedDoubleEncoded), "/");
}

TEST(CanonicalTest, QuerySortedAndReencoded) {
  EXPECT_EQ(canonical_query("prefix=J&max-keys=2"), "max-keys=2&prefix=J");
  EXPECT_EQ(canonical_query("lifecycle"), "lifecycle=");
  EXPECT_EQ(canonical_query("b=2&a=3&a=1"), "a=1&a=3&b=2");
  EXPECT_EQ(canonical_query("k=a%20b&x=~&y=%7E"), "k=a%20b&x=~&y=~");
  EXPECT_EQ(canonical_query("k=a+b"), "k=a%2Bb");  // '+' is a literal plus in SigV4
  EXPECT_EQ(canonical_query("Param=&&"), "Param=");
  EXPECT_EQ(canonical_query("a=1&X-Amz-Signature=abc", "X-Amz-Signature"), "a=1");
  // Sorted by the encoded name: "%E1..." < "P" < "Param-3".
  EXPECT_EQ(canonical_query("Param-3=Value3&Param=Value2&%E1%88%B4=Value1"),
            "%E1%88%B4=Value1&Param=Value2&Param-3=Value3");
  EXPECT_EQ(canonical_query(""), "");
}

TEST(CanonicalTest, HeaderValuesFolded) {
  EXPECT_EQ(canonical_header_value("  a   b\t c  "), "a b c");
  EXPECT_EQ(canonical_header_value("value1\r\n  value2"), "value1 value2");
  EXPECT_EQ(canonical_header_value(""), "");
  http::Headers h;
  h.add("My-Header1", "value4");
  h.add("my-header1", " value1 ");
  h.add("Host", "example.com");
  EXPECT_EQ(canonical_headers(h, {"host", "my-header1", "x-absent"}),
            "host:example.com\nmy-header1:value4,value1\nx-absent:\n");
}

TEST(CanonicalTest, SpacedHex) {
  EXPECT_EQ(spaced_hex("AWS"), "41 57 53");
  EXPECT_EQ(spaced_hex(""), "");
}

TEST(KeyCacheTest, CachesAndMatchesDerivation) {
  SigningKeyCache cache(2);
  std::string k1 = cache.get("secret", "20200101", "us-east-1", "s3");
  EXPECT_EQ(k1, derive_signing_key("secret", "20200101", "us-east-1", "s3"));
  EXPECT_EQ(cache.get("secret", "20200101", "us-east-1", "s3"), k1);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_NE(cache.get("secret", "20200102", "us-east-1", "s3"), k1);
  EXPECT_NE(cache.get("secret2", "20200101", "us-east-1", "s3"), k1);  // over capacity: cleared, still correct
  EXPECT_LE(cache.size(), 2u);
}

TEST(KeyCacheTest, ThreadSafe) {
  SigningKeyCache cache(8);
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        std::string date = "2020010" + std::to_string(i % 9 + 1);
        if (cache.get("s" + std::to_string(t), date, "r", "s3") !=
            derive_signing_key("s" + std::to_string(t), date, "r", "s3")) {
          ++wrong;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace podbucket::sigv4
