#include "s3/object/range.h"

#include <gtest/gtest.h>

namespace podbucket::s3::object {
namespace {

struct Case {
  const char* header;
  uint64_t size;
  RangeKind kind;
  uint64_t offset;
  uint64_t length;
};

TEST(Range, Table) {
  const Case cases[] = {
      {"bytes=0-9", 100, RangeKind::kPartial, 0, 10},
      {"bytes=10-", 100, RangeKind::kPartial, 10, 90},
      {"bytes=-10", 100, RangeKind::kPartial, 90, 10},
      {"bytes=-1000", 100, RangeKind::kPartial, 0, 100},    // suffix longer than the object: all of it
      {"bytes=90-1000", 100, RangeKind::kPartial, 90, 10},  // last byte clamped
      {"bytes=99-99", 100, RangeKind::kPartial, 99, 1},
      {"bytes=0-", 100, RangeKind::kPartial, 0, 100},
      {"BYTES= 5 - 6 ", 100, RangeKind::kPartial, 5, 2},
      {"bytes=100-", 100, RangeKind::kUnsatisfiable, 0, 0},
      {"bytes=100-200", 100, RangeKind::kUnsatisfiable, 0, 0},
      {"bytes=-0", 100, RangeKind::kUnsatisfiable, 0, 0},
      {"bytes=0-", 0, RangeKind::kUnsatisfiable, 0, 0},
      {"bytes=-5", 0, RangeKind::kUnsatisfiable, 0, 0},
      // Ignored by S3: whole object.
      {"bytes=0-1,5-6", 100, RangeKind::kWhole, 0, 0},
      {"bytes=9-1", 100, RangeKind::kWhole, 0, 0},
      {"items=0-1", 100, RangeKind::kWhole, 0, 0},
      {"bytes=abc", 100, RangeKind::kWhole, 0, 0},
      {"bytes=1-x", 100, RangeKind::kWhole, 0, 0},
      {"bytes=-", 100, RangeKind::kWhole, 0, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.header) + " size " + std::to_string(c.size));
    auto r = resolve_range(std::string_view(c.header), c.size);
    EXPECT_EQ(r.kind, c.kind);
    if (c.kind == RangeKind::kPartial) {
      EXPECT_EQ(r.offset, c.offset);
      EXPECT_EQ(r.length, c.length);
    }
  }
  EXPECT_EQ(resolve_range(std::nullopt, 10).kind, RangeKind::kWhole);
}

}  // namespace
}  // namespace podbucket::s3::object
