#include "s3/copy_source.h"

#include <gtest/gtest.h>

namespace podbucket::s3 {
namespace {

TEST(CopySource, AcceptsBothLeadingSlashFormsAndDecodesTheKey) {
  auto a = parse_copy_source("/bucket/dir/a%20b%2Bc%25.txt");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->bucket, "bucket");
  EXPECT_EQ(a->key, "dir/a b+c%.txt");
  EXPECT_EQ(a->version_id, "");
  auto b = parse_copy_source("bucket/..%2Fx");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->key, "../x");
}

TEST(CopySource, ReadsTheVersionId) {
  auto a = parse_copy_source("bucket/key?versionId=abcDEF123");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->key, "key");
  EXPECT_EQ(a->version_id, "abcDEF123");
  // A '?' inside the key arrives encoded and stays part of the key.
  auto b = parse_copy_source("bucket/what%3Fnow");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->key, "what?now");
}

TEST(CopySource, RejectsWhatNamesNoObject) {
  for (const char* bad : {"", "/", "bucket", "bucket/", "/bucket/", "%zz/key", "bucket/key?versionId=",
                          "bucket/key?other=1", "bucket/%C3"}) {
    auto r = parse_copy_source(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code(), "InvalidArgument") << bad;
  }
}

TEST(CopySourceRange, ResolvesInclusiveRanges) {
  auto whole = resolve_copy_range(std::nullopt, 100);
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->offset, 0u);
  EXPECT_EQ(whole->length, 100u);
  auto part = resolve_copy_range("bytes=10-19", 100);
  ASSERT_TRUE(part);
  EXPECT_EQ(part->offset, 10u);
  EXPECT_EQ(part->length, 10u);
  EXPECT_EQ(resolve_copy_range("bytes=90-100", 100).error().code(), "InvalidRange");
  EXPECT_EQ(resolve_copy_range("bytes=5-", 100).error().code(), "InvalidArgument");
  EXPECT_EQ(resolve_copy_range("bytes=9-3", 100).error().code(), "InvalidArgument");
}

}  // namespace
}  // namespace podbucket::s3
