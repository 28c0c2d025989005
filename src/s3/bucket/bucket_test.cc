#include <gtest/gtest.h>

#include "s3/bucket/bucket.h"

namespace podbucket::s3::bucket {
namespace {

TEST(BucketName, Valid) {
  const std::vector<std::string> names = {"abc", "my-bucket", "my.bucket.1", "a1b", "123", std::string(63, 'a'),
                                          "192.168.5.4a", "xn-a"};
  for (const auto& n : names) {
    EXPECT_TRUE(validate_bucket_name(n).has_value()) << n;
  }
}

TEST(BucketName, Invalid) {
  const std::vector<std::string> names = {"ab", std::string(64, 'a'), "My-Bucket", "-abc", "abc-", ".abc", "abc.",
                                          "a..b", "192.168.5.4", "xn--abc", "abc-s3alias", "abc--ol-s3", "ab_c",
                                          "ab c", "sthree-x", "amzn-s3-demo-x", "b.mrap", "x--x-s3"};
  for (const auto& n : names) {
    auto r = validate_bucket_name(n);
    ASSERT_FALSE(r.has_value()) << n;
    EXPECT_EQ(r.error().code(), "InvalidBucketName");
    EXPECT_EQ(r.error().http_status(), 400);
  }
}

TEST(LocationConstraint, UsEast1) {
  EXPECT_TRUE(check_location_constraint("", "us-east-1").has_value());
  // AWS rejects an explicit us-east-1 constraint.
  EXPECT_EQ(check_location_constraint("us-east-1", "us-east-1").error().code(), "InvalidLocationConstraint");
  EXPECT_EQ(check_location_constraint("eu-west-1", "us-east-1").error().code(),
            "IllegalLocationConstraintException");
  EXPECT_EQ(check_location_constraint("mars-1", "us-east-1").error().code(), "InvalidLocationConstraint");
}

TEST(LocationConstraint, OtherRegion) {
  EXPECT_TRUE(check_location_constraint("eu-west-1", "eu-west-1").has_value());
  EXPECT_TRUE(check_location_constraint("EU", "eu-west-1").has_value());
  EXPECT_EQ(check_location_constraint("", "eu-west-1").error().code(), "IllegalLocationConstraintException");
  EXPECT_EQ(check_location_constraint("us-west-2", "eu-west-1").error().code(),
            "IllegalLocationConstraintException");
  // A private region name is accepted when it is the server's own.
  EXPECT_TRUE(check_location_constraint("garage-1", "garage-1").has_value());
}

TEST(BucketXml, ListBuckets) {
  store::BucketRecord b;
  b.name = "b1";
  b.region = "us-east-1";
  b.created_ms = 1440938160123;  // 2015-08-30T12:36:00.123Z
  EXPECT_EQ(render_list_buckets("000000000000", {b}),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<ListAllMyBucketsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Owner><ID>000000000000</ID><DisplayName>000000000000</DisplayName></Owner>"
            "<Buckets><Bucket><Name>b1</Name><CreationDate>2015-08-30T12:36:00.123Z</CreationDate>"
            "<BucketRegion>us-east-1</BucketRegion></Bucket></Buckets></ListAllMyBucketsResult>");
}

TEST(BucketXml, Location) {
  EXPECT_EQ(render_location("us-east-1"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>");
  EXPECT_EQ(render_location("eu-west-1"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">eu-west-1</LocationConstraint>");
}

}  // namespace
}  // namespace podbucket::s3::bucket
