#include "observe/audit.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace podbucket::observe {
namespace {

RequestSummary s3_call(std::string method, std::string operation, std::string error_code = "") {
  RequestSummary s;
  s.service = "s3";
  s.method = std::move(method);
  s.operation = std::move(operation);
  s.status = error_code.empty() ? 200 : 403;
  s.error_code = std::move(error_code);
  s.identity.type = "IAMUser";
  s.identity.arn = "arn:aws:iam::000000000000:user/reader";
  s.decisions.push_back({"s3:GetObject", "arn:aws:s3:::b/k", s.error_code.empty() ? "Allow" : "ImplicitDeny", "", ""});
  return s;
}

AuditTrail trail(bool read_data_events) {
  AuditOptions options;
  options.writer.path = (std::filesystem::temp_directory_path() / "podbucket-audit-test" / "trail.jsonl").string();
  options.writer.sync_interval_s = 0;
  options.read_data_events = read_data_events;
  return AuditTrail(std::move(options));
}

TEST(AuditTrail, KeepsEveryDecisionByDefault) {
  auto t = trail(true);
  EXPECT_TRUE(t.keeps(s3_call("GET", "GetObject")));
  EXPECT_TRUE(t.keeps(s3_call("GET", "ListObjectsV2")));
}

TEST(AuditTrail, WithoutReadDataEventsOnlySuccessfulObjectReadsAreLeftOut) {
  auto t = trail(false);
  EXPECT_FALSE(t.keeps(s3_call("GET", "GetObject")));
  EXPECT_FALSE(t.keeps(s3_call("HEAD", "HeadObject")));
  EXPECT_FALSE(t.keeps(s3_call("GET", "ListObjectsV2")));
  EXPECT_TRUE(t.keeps(s3_call("GET", "GetObject", "AccessDenied")));  // denials stay
  EXPECT_TRUE(t.keeps(s3_call("PUT", "PutObject")));                  // writes stay
  EXPECT_TRUE(t.keeps(s3_call("GET", "GetBucketPolicy")));            // management reads stay
}

}  // namespace
}  // namespace podbucket::observe
