#include "observe/request_metrics.h"

#include <gtest/gtest.h>

namespace podbucket::observe {
namespace {

RequestSummary summary(std::string service, std::string operation, int status, double latency_s = 0.002,
                       uint64_t in = 0, uint64_t out = 0) {
  RequestSummary s;
  s.service = std::move(service);
  s.operation = std::move(operation);
  s.status = status;
  s.latency_s = latency_s;
  s.bytes_in = in;
  s.bytes_out = out;
  return s;
}

double requests(Registry& r, const char* service, const char* operation, const char* status) {
  return r.counter("podbucket_requests_total", "Requests served, by service, AWS operation and HTTP status",
                   {{"service", service}, {"operation", operation}, {"status", status}})
      .value();
}

Histogram& duration(Registry& r, const char* service, const char* operation) {
  return r.histogram("podbucket_request_duration_seconds",
                     "Time to answer a request (until the response starts), by service and AWS operation",
                     {{"service", service}, {"operation", operation}});
}

TEST(RequestMetrics, CountsByServiceOperationAndStatus) {
  Registry r;
  RequestMetrics m(r);
  m.record(summary("s3", "PutObject", 200, 0.003, 1024, 0));
  m.record(summary("s3", "PutObject", 200, 0.2, 2048, 0));
  m.record(summary("s3", "GetObject", 403, 0.001, 0, 243));
  m.record(summary("iam", "CreateUser", 200, 0.004, 80, 500));
  EXPECT_EQ(requests(r, "s3", "PutObject", "200"), 2);
  EXPECT_EQ(requests(r, "s3", "GetObject", "403"), 1);
  EXPECT_EQ(requests(r, "iam", "CreateUser", "200"), 1);

  Histogram& put = duration(r, "s3", "PutObject");
  EXPECT_EQ(put.count(), 2u);
  EXPECT_DOUBLE_EQ(put.sum(), 0.203);
  // 0.003 s is within the 5 ms bucket, 0.2 s only from the 250 ms one on.
  const auto& bounds = put.upper_bounds();
  auto counts = put.cumulative_counts();
  for (size_t i = 0; i < bounds.size(); ++i) {
    uint64_t expected = bounds[i] < 0.003 ? 0 : bounds[i] < 0.2 ? 1 : 2;
    EXPECT_EQ(counts[i], expected) << "le=" << bounds[i];
  }
  EXPECT_EQ(counts.back(), 2u);

  EXPECT_EQ(r.counter("podbucket_request_bytes_total", "Request body bytes read, by service", {{"service", "s3"}})
                .value(),
            3072);
  EXPECT_EQ(r.counter("podbucket_response_bytes_total", "Response body bytes sent, by service", {{"service", "s3"}})
                .value(),
            243);
  EXPECT_EQ(r.counter("podbucket_response_bytes_total", "Response body bytes sent, by service", {{"service", "iam"}})
                .value(),
            500);
}

TEST(RequestMetrics, RenderedTextHasTheFamilies) {
  Registry r;
  RequestMetrics m(r);
  m.record(summary("kms", "Decrypt", 200));
  std::string text = r.render();
  EXPECT_NE(text.find("# TYPE podbucket_requests_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("podbucket_requests_total{service=\"kms\",operation=\"Decrypt\",status=\"200\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("# TYPE podbucket_request_duration_seconds histogram\n"), std::string::npos);
  EXPECT_NE(text.find("podbucket_request_duration_seconds_bucket{service=\"kms\",operation=\"Decrypt\","
                      "le=\"+Inf\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("podbucket_request_duration_seconds_count{service=\"kms\",operation=\"Decrypt\"} 1\n"),
            std::string::npos);
}

TEST(RequestMetrics, UnroutedAndOddOperationsAreUnknown) {
  EXPECT_EQ(operation_label("GetObject"), "GetObject");
  EXPECT_EQ(operation_label("AssumeRoleForPodIdentity"), "AssumeRoleForPodIdentity");
  EXPECT_EQ(operation_label("GET /some/path"), "unknown");
  EXPECT_EQ(operation_label(""), "unknown");
  EXPECT_EQ(operation_label("Bad\"Name"), "unknown");
  EXPECT_EQ(operation_label(std::string(65, 'A')), "unknown");

  Registry r;
  RequestMetrics m(r);
  m.record(summary("s3", "GET /a", 400));
  m.record(summary("s3", "PUT /b/c", 400));
  m.record(summary("", "POST /", 400));
  EXPECT_EQ(requests(r, "s3", "unknown", "400"), 2);
  EXPECT_EQ(requests(r, "unknown", "unknown", "400"), 1);
  EXPECT_EQ(r.render().find("/a"), std::string::npos);
}

TEST(RequestMetrics, InventedOperationNamesAreFoldedIntoOtherPastTheLimit) {
  Registry r;
  RequestMetrics m(r);
  for (size_t i = 0; i < kMaxOperationsPerService + 50; ++i) m.record(summary("iam", "Op" + std::to_string(i), 400));
  m.record(summary("iam", "Op0", 400));  // known before the limit: keeps its own series
  EXPECT_EQ(requests(r, "iam", "Op0", "400"), 2);
  EXPECT_EQ(requests(r, "iam", "other", "400"), 50);
  std::string text = r.render();
  EXPECT_EQ(text.find("operation=\"Op" + std::to_string(kMaxOperationsPerService) + "\""), std::string::npos);
  // Another service has its own budget.
  m.record(summary("sts", "AssumeRole", 200));
  EXPECT_EQ(requests(r, "sts", "AssumeRole", "200"), 1);
}

TEST(RequestMetrics, ObserverRecordsIntoTheRegistry) {
  Registry r;
  auto observer = request_metrics_observer(r);
  observer(summary("eks-auth", "AssumeRoleForPodIdentity", 200));
  observer(summary("eks-auth", "AssumeRoleForPodIdentity", 200));
  EXPECT_EQ(requests(r, "eks-auth", "AssumeRoleForPodIdentity", "200"), 2);
}

}  // namespace
}  // namespace podbucket::observe
