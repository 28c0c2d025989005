#include "s3/bucket/versioning.h"

#include <gtest/gtest.h>

namespace podbucket::s3::bucket {
namespace {

TEST(VersioningConfiguration, ParsesTheTwoStatesAndAbsence) {
  auto enabled = parse_versioning_configuration(
      R"(<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>)");
  ASSERT_TRUE(enabled);
  EXPECT_EQ(**enabled, store::Versioning::kEnabled);
  auto suspended =
      parse_versioning_configuration("<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>");
  ASSERT_TRUE(suspended);
  EXPECT_EQ(**suspended, store::Versioning::kSuspended);
  auto none = parse_versioning_configuration("<VersioningConfiguration/>");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
}

TEST(VersioningConfiguration, RejectsWhatS3Rejects) {
  for (const char* bad : {"", "not xml", "<Other><Status>Enabled</Status></Other>",
                          "<VersioningConfiguration><Status>enabled</Status></VersioningConfiguration>",
                          "<VersioningConfiguration><Status>Off</Status></VersioningConfiguration>"}) {
    auto r = parse_versioning_configuration(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code(), "MalformedXML") << bad;
  }
  auto mfa = parse_versioning_configuration(
      "<VersioningConfiguration><Status>Enabled</Status><MfaDelete>Enabled</MfaDelete></VersioningConfiguration>");
  ASSERT_FALSE(mfa);
  EXPECT_EQ(mfa.error().code(), "NotImplemented");
}

TEST(VersioningConfiguration, RendersAsGetBucketVersioning) {
  const std::string head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  EXPECT_EQ(render_versioning_configuration(store::Versioning::kUnversioned),
            head + R"(<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></VersioningConfiguration>)");
  EXPECT_EQ(render_versioning_configuration(store::Versioning::kEnabled),
            head + R"(<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>)");
  EXPECT_EQ(render_versioning_configuration(store::Versioning::kSuspended),
            head + R"(<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Suspended</Status></VersioningConfiguration>)");
}

}  // namespace
}  // namespace podbucket::s3::bucket
