#include "observe/request_trace.h"

#include <gtest/gtest.h>

#include "observe/metrics.h"

namespace podbucket::observe {
namespace {

double decisions(const char* decision) {
  return metrics().counter("podbucket_policy_decisions_total", "Authorization decisions by result",
                           {{"decision", decision}}).value();
}

TEST(RequestTrace, DecisionsGoToTheCurrentRequestAndAreCounted) {
  double allows = decisions("Allow"), denies = decisions("ImplicitDeny");
  RequestSummary summary;
  {
    TraceScope scope(summary);
    EXPECT_EQ(current_request(), &summary);
    record_decision({"s3:GetObject", "arn:aws:s3:::b/k", "Allow", "gitlab-objects", "Objects"});
    record_decision({"s3:PutObject", "arn:aws:s3:::b/k", "ImplicitDeny", "", ""});
    record_parameter("bucketName", "b");
  }
  EXPECT_EQ(current_request(), nullptr);
  ASSERT_EQ(summary.decisions.size(), 2u);
  EXPECT_EQ(summary.decisions[0].policy, "gitlab-objects");
  EXPECT_EQ(summary.decisions[1].decision, "ImplicitDeny");
  EXPECT_EQ(summary.parameters.at("bucketName"), "b");
  EXPECT_EQ(decisions("Allow"), allows + 1);
  EXPECT_EQ(decisions("ImplicitDeny"), denies + 1);
}

TEST(RequestTrace, OutsideAScopeOnlyTheMetricCounts) {
  double before = decisions("ExplicitDeny");
  record_decision({"iam:CreateUser", "arn:aws:iam::000000000000:user/u", "ExplicitDeny", "p", "#0"});
  record_parameter("UserName", "u");
  EXPECT_EQ(current_request(), nullptr);
  EXPECT_EQ(decisions("ExplicitDeny"), before + 1);
}

TEST(RequestTrace, ScopesNest) {
  RequestSummary outer, inner;
  TraceScope a(outer);
  {
    TraceScope b(inner);
    EXPECT_EQ(current_request(), &inner);
  }
  EXPECT_EQ(current_request(), &outer);
}

}  // namespace
}  // namespace podbucket::observe
