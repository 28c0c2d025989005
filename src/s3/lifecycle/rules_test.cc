// Lifecycle configuration validation: each case is a document and the S3 error code (and message) it gets.
#include "s3/lifecycle/rules.h"

#include <gtest/gtest.h>

#include "s3/testing/handler_fixture.h"

namespace podbucket::s3::lifecycle {
namespace {

std::string config(const std::string& rules) { return "<LifecycleConfiguration>" + rules + "</LifecycleConfiguration>"; }
std::string rule(const std::string& inner) { return "<Rule>" + inner + "</Rule>"; }
const std::string kOn = "<Status>Enabled</Status>";
const std::string kAll = "<Filter></Filter>";
const std::string kExp1 = "<Expiration><Days>1</Days></Expiration>";

struct Case {
  const char* what;
  std::string doc;
  const char* code;     // "" = accepted
  const char* message;  // checked when non-empty
};

TEST(LifecycleRules, ValidationFollowsS3) {
  const Case cases[] = {
      {"minimal", config(rule(kAll + kOn + kExp1)), "", ""},
      {"not xml", "<Lifecycle", "MalformedXML", ""},
      {"wrong root", "<Lifecycle/>", "MalformedXML", ""},
      {"no rules", config(""), "InvalidRequest", "At least one lifecycle rule must be specified."},
      {"no status", config(rule(kAll + kExp1)), "MalformedXML", ""},
      {"bad status", config(rule(kAll + "<Status>On</Status>" + kExp1)), "MalformedXML", ""},
      {"no filter nor prefix", config(rule(kOn + kExp1)), "MalformedXML", ""},
      {"no action", config(rule(kAll + kOn)), "InvalidRequest", "At least one action needs to be specified in a rule"},
      {"id too long", config(rule("<ID>" + std::string(256, 'i') + "</ID>" + kAll + kOn + kExp1)), "InvalidArgument",
       "ID length should not exceed allowed limit of 255"},
      {"duplicate ids", config(rule("<ID>a</ID>" + kAll + kOn + kExp1) + rule("<ID>a</ID>" + kAll + kOn + kExp1)),
       "InvalidArgument", "Rule ID must be unique. Found same ID for more than one rule"},
      {"zero days", config(rule(kAll + kOn + "<Expiration><Days>0</Days></Expiration>")), "InvalidArgument",
       "'Days' for Expiration action must be a positive integer"},
      {"days not a number", config(rule(kAll + kOn + "<Expiration><Days>x</Days></Expiration>")), "MalformedXML", ""},
      {"days and date", config(rule(kAll + kOn + "<Expiration><Days>1</Days><Date>2030-01-01T00:00:00Z</Date>"
                                                 "</Expiration>")),
       "MalformedXML", ""},
      {"days and marker=false is days", config(rule(kAll + kOn + "<Expiration><Days>1</Days>"
                                                                 "<ExpiredObjectDeleteMarker>false"
                                                                 "</ExpiredObjectDeleteMarker></Expiration>")),
       "", ""},
      {"empty expiration", config(rule(kAll + kOn + "<Expiration/>")), "MalformedXML", ""},
      {"date not midnight", config(rule(kAll + kOn + "<Expiration><Date>2030-01-01T10:00:00Z</Date></Expiration>")),
       "InvalidArgument", "'Date' must be at midnight GMT"},
      {"bare date", config(rule(kAll + kOn + "<Expiration><Date>2030-01-01</Date></Expiration>")), "", ""},
      {"noncurrent without days", config(rule(kAll + kOn + "<NoncurrentVersionExpiration><NewerNoncurrentVersions>1"
                                                           "</NewerNoncurrentVersions></NoncurrentVersionExpiration>")),
       "MalformedXML", ""},
      {"noncurrent zero days", config(rule(kAll + kOn + "<NoncurrentVersionExpiration><NoncurrentDays>0"
                                                        "</NoncurrentDays></NoncurrentVersionExpiration>")),
       "InvalidArgument", "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer"},
      {"newer versions zero", config(rule(kAll + kOn + "<NoncurrentVersionExpiration><NoncurrentDays>1"
                                                       "</NoncurrentDays><NewerNoncurrentVersions>0"
                                                       "</NewerNoncurrentVersions></NoncurrentVersionExpiration>")),
       "InvalidArgument", "'NewerNoncurrentVersions' must be a positive integer"},
      {"abort zero days", config(rule(kAll + kOn + "<AbortIncompleteMultipartUpload><DaysAfterInitiation>0"
                                                   "</DaysAfterInitiation></AbortIncompleteMultipartUpload>")),
       "InvalidArgument", "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer"},
      {"abort with tag", config(rule("<Filter><Tag><Key>a</Key><Value>b</Value></Tag></Filter>" + kOn +
                                     "<AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation>"
                                     "</AbortIncompleteMultipartUpload>")),
       "InvalidRequest", "AbortIncompleteMultipartUpload cannot be specified with Tags."},
      {"marker with size", config(rule("<Filter><ObjectSizeGreaterThan>5</ObjectSizeGreaterThan></Filter>" + kOn +
                                       "<Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker>"
                                       "</Expiration>")),
       "InvalidRequest", "ExpiredObjectDeleteMarker cannot be specified with Object Size."},
      {"two conditions without And", config(rule("<Filter><Prefix>a</Prefix><Tag><Key>a</Key><Value>b</Value></Tag>"
                                                 "</Filter>" + kOn + kExp1)),
       "MalformedXML", ""},
      {"tag without value", config(rule("<Filter><Tag><Key>a</Key></Tag></Filter>" + kOn + kExp1)), "MalformedXML",
       ""},
      {"duplicate tag keys", config(rule("<Filter><And><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>a</Key>"
                                         "<Value>2</Value></Tag></And></Filter>" + kOn + kExp1)),
       "InvalidRequest", "Duplicate Tag Keys are not allowed."},
      {"empty size range", config(rule("<Filter><And><ObjectSizeGreaterThan>10</ObjectSizeGreaterThan>"
                                       "<ObjectSizeLessThan>10</ObjectSizeLessThan></And></Filter>" + kOn + kExp1)),
       "InvalidRequest", "'ObjectSizeLessThan' has to be a value greater than 'ObjectSizeGreaterThan'."},
      {"size zero less-than", config(rule("<Filter><ObjectSizeLessThan>0</ObjectSizeLessThan></Filter>" + kOn + kExp1)),
       "InvalidRequest", ""},
      {"v1 prefix", config(rule("<Prefix>logs/</Prefix>" + kOn + kExp1)), "", ""},
      {"v1 then v2", config(rule("<Prefix>a/</Prefix>" + kOn + kExp1) + rule(kAll + kOn + kExp1)), "InvalidRequest",
       "Filter element can only be used in Lifecycle V2."},
      {"v2 then v1", config(rule(kAll + kOn + kExp1) + rule("<Prefix>a/</Prefix>" + kOn + kExp1)), "InvalidRequest",
       "Base level prefix cannot be used in Lifecycle V2, prefixes are only supported in the Filter."},
      {"v1 newer versions", config(rule("<Prefix>a/</Prefix>" + kOn + "<NoncurrentVersionExpiration><NoncurrentDays>1"
                                        "</NoncurrentDays><NewerNoncurrentVersions>2</NewerNoncurrentVersions>"
                                        "</NoncurrentVersionExpiration>")),
       "InvalidRequest", "NewerNoncurrentVersions element can only be used in Lifecycle V2."},
      {"v1 overlapping prefixes", config(rule("<Prefix>a</Prefix>" + kOn + kExp1) + rule("<Prefix>ab</Prefix>" + kOn + kExp1)),
       "InvalidRequest", "Found overlapping prefixes 'a' and 'ab' for same action type 'Expiration'"},
      {"v2 overlapping prefixes are fine",
       config(rule("<Filter><Prefix>a</Prefix></Filter>" + kOn + kExp1) +
              rule("<Filter><Prefix>ab</Prefix></Filter>" + kOn + kExp1)),
       "", ""},
      {"transition", config(rule(kAll + kOn + "<Transition><Days>30</Days><StorageClass>GLACIER</StorageClass>"
                                             "</Transition>")),
       "NotImplemented", ""},
  };
  testing::SeededRandom random;
  for (const auto& c : cases) {
    auto r = parse_configuration(c.doc, random);
    if (std::string(c.code).empty()) {
      EXPECT_TRUE(r) << c.what << ": " << (r ? "" : r.error().message());
      continue;
    }
    ASSERT_FALSE(r) << c.what;
    EXPECT_EQ(r.error().code(), c.code) << c.what << ": " << r.error().message();
    if (std::string(c.message).size() > 0) EXPECT_EQ(r.error().message(), c.message) << c.what;
  }
}

TEST(LifecycleRules, MissingIdsAreAssignedAndKept) {
  testing::SeededRandom random;
  auto r = parse_configuration(config(rule(kAll + kOn + kExp1) + rule("<ID>mine</ID>" + kAll + kOn + kExp1)), random);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rules[0].id.size(), 48u) << "base64 of 36 characters";
  EXPECT_EQ(r->rules[1].id, "mine");
  auto again = parse_configuration(render_configuration(*r), random);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->rules[0].id, r->rules[0].id) << "a rendered configuration parses to itself";
}

TEST(LifecycleRules, FilterMatching) {
  Filter f;
  f.form = Filter::Form::kAnd;
  f.prefix = "logs/";
  f.tags = {{"team", "ci"}};
  f.size_greater_than = 10;
  f.size_less_than = 100;
  EXPECT_TRUE(f.matches("logs/a", {{"team", "ci"}, {"x", "y"}}, 50));
  EXPECT_FALSE(f.matches("other/a", {{"team", "ci"}}, 50));
  EXPECT_FALSE(f.matches("logs/a", {{"team", "cd"}}, 50));
  EXPECT_FALSE(f.matches("logs/a", {}, 50));
  EXPECT_FALSE(f.matches("logs/a", {{"team", "ci"}}, 10)) << "sizes are exclusive";
  EXPECT_FALSE(f.matches("logs/a", {{"team", "ci"}}, 100));
  EXPECT_TRUE(Filter{}.matches("anything", {}, 0));
}

}  // namespace
}  // namespace podbucket::s3::lifecycle
