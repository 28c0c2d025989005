#include "s3/lifecycle/metrics.h"

#include <gtest/gtest.h>

namespace podbucket::s3::lifecycle {
namespace {

TEST(LifecycleMetrics, PassesAddUpByAction) {
  observe::Registry r;
  PassStats first;
  first.buckets = 2;
  first.expired_current = 3;
  first.removed_versions = 1;
  count_pass(first, r);
  PassStats second;
  second.buckets = 1;
  second.aborted_uploads = 2;
  second.errors = 1;
  count_pass(second, r);
  std::string text = r.render();
  EXPECT_NE(text.find("# TYPE podbucket_lifecycle_runs_total counter\npodbucket_lifecycle_runs_total 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("podbucket_lifecycle_actions_total{action=\"expire_current\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("podbucket_lifecycle_actions_total{action=\"remove_version\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("podbucket_lifecycle_actions_total{action=\"abort_upload\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("podbucket_lifecycle_errors_total 1\n"), std::string::npos);
  EXPECT_NE(text.find("podbucket_lifecycle_buckets 1\n"), std::string::npos);  // the last pass's count
}

TEST(LifecycleMetrics, DeclaredFamiliesShowAtZeroBeforeAnyPass) {
  observe::Registry r;
  declare_metrics(r);
  std::string text = r.render();
  EXPECT_NE(text.find("podbucket_lifecycle_runs_total 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("podbucket_lifecycle_actions_total{action=\"abort_upload\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("podbucket_lifecycle_buckets 0\n"), std::string::npos);
}

}  // namespace
}  // namespace podbucket::s3::lifecycle
