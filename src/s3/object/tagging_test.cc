#include "s3/object/tagging.h"

#include <gtest/gtest.h>

#include "s3/headers.h"

namespace podbucket::s3::object {
namespace {

std::string doc(const std::string& tags) { return "<Tagging><TagSet>" + tags + "</TagSet></Tagging>"; }
std::string tag(const std::string& k, const std::string& v) {
  return "<Tag><Key>" + k + "</Key><Value>" + v + "</Value></Tag>";
}
std::string code_of(const std::string& body) {
  auto r = parse_tagging_xml(body);
  return r ? "ok" : std::string(r.error().code());
}

TEST(TaggingXml, ParsesTagsWithOrWithoutNamespace) {
  auto r = parse_tagging_xml(doc(tag("b", "2") + tag("a", "1 &amp; 1") + tag("empty", "")));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, (std::map<std::string, std::string>{{"a", "1 & 1"}, {"b", "2"}, {"empty", ""}}));
  auto ns = parse_tagging_xml("<?xml version=\"1.0\"?><Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                              "<TagSet>" + tag("k", "v") + "</TagSet></Tagging>");
  ASSERT_TRUE(ns.has_value());
  EXPECT_EQ(ns->at("k"), "v");
  auto none = parse_tagging_xml("<Tagging><TagSet/></Tagging>");
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
}

TEST(TaggingXml, MalformedDocuments) {
  EXPECT_EQ(code_of(""), "MalformedXML");
  EXPECT_EQ(code_of("<Tagging><TagSet>"), "MalformedXML");
  EXPECT_EQ(code_of("<Tags><TagSet/></Tags>"), "MalformedXML");
  EXPECT_EQ(code_of("<Tagging/>"), "MalformedXML");
  EXPECT_EQ(code_of(doc("<Tag><Key>k</Key></Tag>")), "MalformedXML");
  EXPECT_EQ(code_of(doc("<Tag><Value>v</Value></Tag>")), "MalformedXML");
  EXPECT_EQ(code_of(doc("<Other/>")), "MalformedXML");
  EXPECT_EQ(code_of(doc(tag("k\xff", "v"))), "MalformedXML");
}

TEST(TaggingXml, Limits) {
  std::string ten, eleven;
  for (int i = 0; i < 10; ++i) ten += tag("k" + std::to_string(i), "v");
  eleven = ten + tag("k10", "v");
  EXPECT_EQ(code_of(doc(ten)), "ok");
  EXPECT_EQ(code_of(doc(eleven)), "InvalidTag");
  EXPECT_EQ(code_of(doc(tag("dup", "1") + tag("dup", "2"))), "InvalidTag");
  EXPECT_EQ(code_of(doc(tag("", "v"))), "InvalidTag");
  EXPECT_EQ(code_of(doc(tag(std::string(128, 'k'), "v"))), "ok");
  EXPECT_EQ(code_of(doc(tag(std::string(129, 'k'), "v"))), "InvalidTag");
  EXPECT_EQ(code_of(doc(tag("k", std::string(256, 'v')))), "ok");
  EXPECT_EQ(code_of(doc(tag("k", std::string(257, 'v')))), "InvalidTag");
  // Limits count characters, not bytes: 128 two-byte characters are fine.
  std::string umlauts;
  for (int i = 0; i < 128; ++i) umlauts += "\xC3\xBC";
  EXPECT_EQ(code_of(doc(tag(umlauts, "v"))), "ok");
  EXPECT_EQ(code_of(doc(tag(umlauts + "x", "v"))), "InvalidTag");
}

TEST(TaggingXml, RenderRoundTrips) {
  std::map<std::string, std::string> tags{{"z", ""}, {"a<b", "x&y"}};
  auto xml = render_tagging_xml(tags);
  EXPECT_NE(xml.find("<Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet><Tag><Key>a&lt;b</Key>"
                     "<Value>x&amp;y</Value></Tag><Tag><Key>z</Key>"),
            std::string::npos)
      << xml;
  auto back = parse_tagging_xml(xml);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, tags);
  auto empty = parse_tagging_xml(render_tagging_xml({}));
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->empty());
}

TEST(VersionIdFormat, NullOr32UrlSafeCharacters) {
  EXPECT_TRUE(is_valid_version_id("null"));
  EXPECT_TRUE(is_valid_version_id("ABCDEFGHIJKLMNOPQRSTUVWXYZab.d_9"));
  EXPECT_FALSE(is_valid_version_id(""));
  EXPECT_FALSE(is_valid_version_id("NULL"));
  EXPECT_FALSE(is_valid_version_id("no-such-version-id"));
  EXPECT_FALSE(is_valid_version_id("ABCDEFGHIJKLMNOPQRSTUVWXYZab.d_"));     // 31
  EXPECT_FALSE(is_valid_version_id("ABCDEFGHIJKLMNOPQRSTUVWXYZab.d_90"));   // 33
  EXPECT_FALSE(is_valid_version_id("ABCDEFGHIJKLMNOPQRSTUVWXYZab.d-9"));    // '-'
  EXPECT_FALSE(is_valid_version_id("ABCDEFGHIJKLMNOPQRSTUVWXYZab.d/9"));
}

}  // namespace
}  // namespace podbucket::s3::object
