#include "observe/json_line.h"

#include <gtest/gtest.h>

#include <limits>

namespace podbucket::observe {
namespace {

TEST(JsonLineTest, WritesMembersInOrderWithEscapesAndNesting) {
  JsonLine j;
  j.open()
      .str("a", "q\"b\\\n")
      .number("n", uint64_t{18446744073709551615u})
      .number("i", -3)
      .boolean("t", true)
      .null("z")
      .open_array("list")
      .open()
      .str("k", "\xff")
      .close()
      .close_array()
      .close();
  // Invalid UTF-8 becomes U+FFFD (EF BF BD).
  EXPECT_EQ(j.take(), "{\"a\":\"q\\\"b\\\\\\n\",\"n\":18446744073709551615,\"i\":-3,\"t\":true,\"z\":null,"
                      "\"list\":[{\"k\":\"\xEF\xBF\xBD\"}]}");
}

TEST(JsonLineTest, DoublesAreShortestRoundTripAndNonFiniteIsNull) {
  JsonLine j;
  j.open()
      .number("a", 1.235)
      .number("b", 0.1)
      .number("c", 2.0)
      .number("nan", std::numeric_limits<double>::quiet_NaN())
      .number("inf", std::numeric_limits<double>::infinity())
      .close();
  EXPECT_EQ(j.take(), R"({"a":1.235,"b":0.1,"c":2,"nan":null,"inf":null})");
}

}  // namespace
}  // namespace podbucket::observe
