#include "config/kinds.h"

#include <gtest/gtest.h>

namespace podbucket::config {
namespace {

TEST(HostPortTest, AcceptsHostPortForms) {
  EXPECT_EQ(parse_host_port("127.0.0.1:9000"), std::make_pair(std::string("127.0.0.1"), uint16_t(9000)));
  EXPECT_EQ(parse_host_port("127.0.0.1:0"), std::make_pair(std::string("127.0.0.1"), uint16_t(0)));
  EXPECT_EQ(parse_host_port("[::1]:443"), std::make_pair(std::string("::1"), uint16_t(443)));
  EXPECT_EQ(parse_host_port("localhost:65535"), std::make_pair(std::string("localhost"), uint16_t(65535)));
  EXPECT_EQ(parse_host_port("0.0.0.0:65535"), std::make_pair(std::string("0.0.0.0"), uint16_t(65535)));
}

TEST(HostPortTest, RejectsBadForms) {
  for (std::string_view bad : {"", "9000", ":9000", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:90a", "::1:9000",
                               "[::1:9000", "127.0.0.1:-1", "[]:80"})
    EXPECT_FALSE(parse_host_port(bad)) << bad;
}

TEST(KindsTest, HostPortOrOff) {
  auto k = host_port_or_off();
  EXPECT_EQ(k.parse("off"), "off");
  EXPECT_EQ(k.parse("0.0.0.0:9001"), "0.0.0.0:9001");
  EXPECT_FALSE(k.parse("OFF"));
  EXPECT_FALSE(k.parse(""));
  EXPECT_EQ(k.expectation, "HOST:PORT or off");
}

TEST(KindsTest, IntegerHonoursItsRange) {
  auto k = integer(0, 1000);
  EXPECT_EQ(k.parse("0"), 0);
  EXPECT_EQ(k.parse("1000"), 1000);
  for (std::string_view bad : {"-1", "1001", "ten", "", "1.5", " 5", "5 ", "0x10"}) EXPECT_FALSE(k.parse(bad)) << bad;
  EXPECT_EQ(k.expectation, "an integer from 0 to 1000");
}

TEST(KindsTest, SecondsTakeFractionsButNotInfinity) {
  auto k = seconds(0.05, 86400);
  EXPECT_EQ(k.parse("0.5"), 0.5);
  EXPECT_EQ(k.parse("3600"), 3600.0);
  for (std::string_view bad : {"0.01", "86401", "inf", "nan", "-1", "1e3", "", "1s"}) EXPECT_FALSE(k.parse(bad)) << bad;
  EXPECT_EQ(k.format(3600), "3600");
  EXPECT_EQ(k.format(0.05), "0.05");
}

TEST(KindsTest, BytesTakeBinarySuffixes) {
  auto k = bytes(1, uint64_t{1} << 50);
  EXPECT_EQ(k.parse("4096"), 4096u);
  EXPECT_EQ(k.parse("1KiB"), 1024u);
  EXPECT_EQ(k.parse("100MiB"), 100u << 20);
  EXPECT_EQ(k.parse("2GiB"), uint64_t{2} << 30);
  EXPECT_EQ(k.parse("1TiB"), uint64_t{1} << 40);
  for (std::string_view bad : {"0", "MiB", "1MB", "1 MiB", "-1", "1.5GiB", "99999999999TiB", "18446744073709551616"})
    EXPECT_FALSE(k.parse(bad)) << bad;
  EXPECT_EQ(k.format(100u << 20), "100MiB");
  EXPECT_EQ(k.format(1536), "1536");
}

TEST(KindsTest, BooleanWords) {
  auto k = boolean();
  EXPECT_EQ(k.parse("true"), true);
  EXPECT_EQ(k.parse("TRUE"), true);
  EXPECT_EQ(k.parse("1"), true);
  EXPECT_EQ(k.parse("false"), false);
  EXPECT_EQ(k.parse("0"), false);
  EXPECT_FALSE(k.parse("yes"));
  EXPECT_FALSE(k.parse(""));
}

TEST(KindsTest, OneOfIsExact) {
  auto k = one_of({"info", "debug"});
  EXPECT_EQ(k.parse("info"), "info");
  EXPECT_FALSE(k.parse("INFO"));
  EXPECT_EQ(k.expectation, "one of info, debug");
}

TEST(KindsTest, ListsSplitAtCommasAndCheckEachItem) {
  auto k = list_of(non_empty_text("host"));
  EXPECT_EQ(k.parse("a,b"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(k.parse("a, b"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(k.parse(""), std::vector<std::string>{});
  EXPECT_FALSE(k.parse("a,,b"));
  EXPECT_TRUE(k.is_list);
  EXPECT_EQ(k.format({"a", "b"}), "a,b");
}

TEST(KindsTest, CheckedText) {
  auto k = checked_text("region", "a region such as us-east-1", [](std::string_view t) { return t == "x"; });
  EXPECT_EQ(k.parse("x"), "x");
  EXPECT_FALSE(k.parse("y"));
}

}  // namespace
}  // namespace podbucket::config
