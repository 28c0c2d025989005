#include "api/access_log.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace podbucket::api {
namespace {

TEST(AccessLogTest, FormatsOneJsonLineWithEveryField) {
  observe::RequestSummary r;
  r.time = "2026-11-29T18:00:00.000Z";
  r.request_id = "0123456789ABCDEF";
  r.service = "s3";
  r.operation = "GetObject";
  r.identity.arn = "arn:aws:iam::000000000000:root";
  r.remote_ip = "127.0.0.1";
  r.status = 404;
  r.error_code = "NoSuchKey";
  r.bytes_in = 3;
  r.bytes_out = 250;
  r.latency_s = 0.00123456;
  std::string line = format_access_record(r);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line,
            R"({"time":"2026-11-29T18:00:00.000Z","request_id":"0123456789ABCDEF","service":"s3",)"
            R"("operation":"GetObject","principal":"arn:aws:iam::000000000000:root","remote_ip":"127.0.0.1",)"
            R"("status":404,"error_code":"NoSuchKey","bytes_in":3,"bytes_out":250,"latency_ms":1.235})");
}

TEST(AccessLogTest, InvalidUtf8IsReplacedNotThrown) {
  observe::RequestSummary r;
  r.operation = "GET /bucket/\xff\xfe";
  auto j = nlohmann::json::parse(format_access_record(r));
  EXPECT_EQ(j["operation"].get<std::string>().substr(0, 12), "GET /bucket/");
}

}  // namespace
}  // namespace podbucket::api
