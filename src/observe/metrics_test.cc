#include "observe/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <thread>

namespace podbucket::observe {
namespace {

TEST(Metrics, CounterRendersHelpTypeAndLabelledSamplesSortedByName) {
  Registry r;
  r.counter("b_total", "Second family", {{"op", "Get"}}).inc();
  r.counter("b_total", "Second family", {{"op", "Get"}}).inc(2);  // same series
  r.counter("b_total", "Second family", {{"op", "Put"}}).inc(0.5);
  r.counter("a_total", "First family").inc();
  EXPECT_EQ(r.render(),
            "# HELP a_total First family\n"
            "# TYPE a_total counter\n"
            "a_total 1\n"
            "# HELP b_total Second family\n"
            "# TYPE b_total counter\n"
            "b_total{op=\"Get\"} 3\n"
            "b_total{op=\"Put\"} 0.5\n");
}

TEST(Metrics, SameNameAndLabelsIsTheSameInstrument) {
  Registry r;
  Counter& a = r.counter("x_total", "X", {{"k", "v"}});
  EXPECT_EQ(&a, &r.counter("x_total", "X", {{"k", "v"}}));
  EXPECT_NE(&a, &r.counter("x_total", "X", {{"k", "w"}}));
}

TEST(Metrics, CountersIgnoreNegativeIncrements) {
  Registry r;
  Counter& c = r.counter("c_total", "C");
  c.inc(3);
  c.inc(-1);
  c.inc(std::nan(""));
  EXPECT_EQ(c.value(), 3);
}

TEST(Metrics, ConflictingRegistrationsAndBadNamesAreLogicErrors) {
  Registry r;
  r.counter("m_total", "M");
  EXPECT_THROW(r.gauge("m_total", "M"), std::logic_error);                // other type
  EXPECT_THROW(r.counter("m_total", "other help"), std::logic_error);     // other help
  EXPECT_THROW(r.counter("9bad", "B"), std::logic_error);                 // name starts with a digit
  EXPECT_THROW(r.counter("bad-name", "B"), std::logic_error);
  EXPECT_THROW(r.counter("ok_total", "B", {{"bad-label", "x"}}), std::logic_error);
  EXPECT_THROW(r.counter("ok_total", "B", {{"__reserved", "x"}}), std::logic_error);
  EXPECT_THROW(r.counter("ok_total", "B", {{"a", "x"}, {"a", "y"}}), std::logic_error);
  EXPECT_THROW(r.histogram("h_seconds", "H", {{"le", "1"}}), std::logic_error);
  r.histogram("h_seconds", "H", {}, {1, 2});
  EXPECT_THROW(r.histogram("h_seconds", "H", {{"a", "b"}}, {1, 3}), std::logic_error);  // other buckets
  EXPECT_NO_THROW(r.counter("name:with_colon_total", "recording-rule style names are valid"));
}

TEST(Metrics, LabelValuesAndHelpAreEscaped) {
  Registry r;
  r.gauge("g", "Help with \\ and\nnewline \"quotes\" stay", {{"path", "a\\b \"c\"\nd"}}).set(1);
  EXPECT_EQ(r.render(),
            "# HELP g Help with \\\\ and\\nnewline \"quotes\" stay\n"
            "# TYPE g gauge\n"
            "g{path=\"a\\\\b \\\"c\\\"\\nd\"} 1\n");
}

TEST(Metrics, LabelsRenderInTheGivenOrder) {
  Registry r;
  r.counter("r_total", "R", {{"service", "s3"}, {"operation", "GetObject"}, {"status", "200"}}).inc();
  EXPECT_NE(r.render().find("r_total{service=\"s3\",operation=\"GetObject\",status=\"200\"} 1\n"),
            std::string::npos);
}

TEST(Metrics, GaugesGoUpAndDown) {
  Registry r;
  Gauge& g = r.gauge("g", "G");
  g.set(5);
  g.add(-2.5);
  EXPECT_EQ(g.value(), 2.5);
  g.add(1);
  EXPECT_NE(r.render().find("\ng 3.5\n"), std::string::npos);
}

TEST(Metrics, FloatsUseFormsPrometheusParses) {
  Registry r;
  r.gauge("f", "F", {{"v", "small"}}).set(0.1);
  r.gauge("f", "F", {{"v", "big"}}).set(1e21);
  r.gauge("f", "F", {{"v", "inf"}}).set(std::numeric_limits<double>::infinity());
  r.gauge("f", "F", {{"v", "ninf"}}).set(-std::numeric_limits<double>::infinity());
  r.gauge("f", "F", {{"v", "nan"}}).set(std::nan(""));
  r.gauge("f", "F", {{"v", "neg"}}).set(-42);
  std::string text = r.render();
  EXPECT_NE(text.find("f{v=\"small\"} 0.1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("f{v=\"big\"} 1e+21\n"), std::string::npos) << text;
  EXPECT_NE(text.find("f{v=\"inf\"} +Inf\n"), std::string::npos) << text;
  EXPECT_NE(text.find("f{v=\"ninf\"} -Inf\n"), std::string::npos) << text;
  EXPECT_NE(text.find("f{v=\"nan\"} NaN\n"), std::string::npos) << text;
  EXPECT_NE(text.find("f{v=\"neg\"} -42\n"), std::string::npos) << text;
}

TEST(Metrics, HistogramBucketsAreCumulativeWithInclusiveBoundsAndInf) {
  Registry r;
  Histogram& h = r.histogram("lat_seconds", "Latency", {{"op", "Get"}}, {0.125, 1, 0.5});  // unsorted on purpose
  for (double v : {0.0625, 0.125, 0.25, 0.75, 2.0, 5.0}) h.observe(v);
  EXPECT_EQ(h.count(), 6u);
  EXPECT_EQ(h.sum(), 8.1875);  // exact in binary
  EXPECT_EQ(h.cumulative_counts(), (std::vector<uint64_t>{2, 3, 4, 6}));
  EXPECT_EQ(r.render(),
            "# HELP lat_seconds Latency\n"
            "# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{op=\"Get\",le=\"0.125\"} 2\n"
            "lat_seconds_bucket{op=\"Get\",le=\"0.5\"} 3\n"
            "lat_seconds_bucket{op=\"Get\",le=\"1\"} 4\n"
            "lat_seconds_bucket{op=\"Get\",le=\"+Inf\"} 6\n"
            "lat_seconds_sum{op=\"Get\"} 8.1875\n"
            "lat_seconds_count{op=\"Get\"} 6\n");
}

TEST(Metrics, HistogramWithoutLabelsAndEmptyHistogram) {
  Registry r;
  r.histogram("empty_seconds", "E", {}, {1});
  EXPECT_EQ(r.render(),
            "# HELP empty_seconds E\n"
            "# TYPE empty_seconds histogram\n"
            "empty_seconds_bucket{le=\"1\"} 0\n"
            "empty_seconds_bucket{le=\"+Inf\"} 0\n"
            "empty_seconds_sum 0\n"
            "empty_seconds_count 0\n");
}

TEST(Metrics, HistogramNanGoesToInfOnly) {
  Histogram h({1, 2});
  h.observe(std::nan(""));
  EXPECT_EQ(h.cumulative_counts(), (std::vector<uint64_t>{0, 0, 1}));
}

TEST(Metrics, DefaultLatencyBucketsAreSortedAndSpanMillisecondsToSeconds) {
  const auto& b = latency_buckets();
  ASSERT_FALSE(b.empty());
  EXPECT_TRUE(std::is_sorted(b.begin(), b.end()));
  EXPECT_LE(b.front(), 0.001);
  EXPECT_GE(b.back(), 10);
}

TEST(Metrics, CallbackGaugesAreReadAtRenderAndCanBeReplacedOrRemoved) {
  Registry r;
  double value = 3;
  r.gauge_callback("open_connections", "Open", {{"listener", "s3"}}, [&] { return value; });
  EXPECT_NE(r.render().find("open_connections{listener=\"s3\"} 3\n"), std::string::npos);
  value = 7;
  EXPECT_NE(r.render().find("open_connections{listener=\"s3\"} 7\n"), std::string::npos);
  r.gauge_callback("open_connections", "Open", {{"listener", "s3"}}, [] { return 1.0; });
  EXPECT_NE(r.render().find("open_connections{listener=\"s3\"} 1\n"), std::string::npos);
  r.remove_callback("open_connections", {{"listener", "s3"}});
  EXPECT_EQ(r.render(), "");  // an emptied family renders nothing, not even HELP/TYPE
  r.remove_callback("never_registered", {});  // harmless
  EXPECT_THROW(r.gauge_callback("c_total", "C", {}, [] { return 0.0; }); r.counter("c_total", "C"),
               std::logic_error);
}

TEST(Metrics, CallbackCountersRenderAsCounters) {
  Registry r;
  double hits = 4;
  r.counter_callback("cache_hits_total", "Hits", {}, [&] { return hits; });
  EXPECT_EQ(r.render(),
            "# HELP cache_hits_total Hits\n"
            "# TYPE cache_hits_total counter\n"
            "cache_hits_total 4\n");
  EXPECT_THROW(r.counter("cache_hits_total", "Hits"), std::logic_error);  // a callback series is not a counter
  r.remove_callback("cache_hits_total", {});
  EXPECT_EQ(r.render(), "");
}

TEST(Metrics, ScopedTimerObservesOnceAlsoWhenLeftByAnException) {
  Registry r;
  Histogram& h = r.histogram("op_seconds", "Op");
  { ScopedTimer timer(h); }
  try {
    ScopedTimer timer(h);
    throw std::runtime_error("failed");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(h.count(), 2u);
  EXPECT_GE(h.sum(), 0);
}

TEST(Metrics, ConcurrentUpdatesAreNotLost) {
  Registry r;
  Counter& c = r.counter("n_total", "N");
  Histogram& h = r.histogram("d_seconds", "D", {}, {0.5});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        c.inc();
        h.observe(i % 2 ? 1.0 : 0.25);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.value(), 40000);
  EXPECT_EQ(h.count(), 40000u);
  EXPECT_EQ(h.cumulative_counts(), (std::vector<uint64_t>{20000, 40000}));
  EXPECT_DOUBLE_EQ(h.sum(), 20000 * 1.0 + 20000 * 0.25);
}

TEST(Metrics, ProcessRegistryIsOneInstance) { EXPECT_EQ(&metrics(), &metrics()); }

}  // namespace
}  // namespace podbucket::observe
