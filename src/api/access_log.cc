#include "api/access_log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <nlohmann/json.hpp>

namespace podbucket::api {

std::string format_access_record(const observe::RequestSummary& r) {
  nlohmann::ordered_json j;
  j["time"] = r.time;
  j["request_id"] = r.request_id;
  j["service"] = r.service;
  j["operation"] = r.operation;
  j["principal"] = r.identity.arn;
  j["remote_ip"] = r.remote_ip;
  j["status"] = r.status;
  j["error_code"] = r.error_code;
  j["bytes_in"] = r.bytes_in;
  j["bytes_out"] = r.bytes_out;
  j["latency_ms"] = std::round(r.latency_s * 1e6) / 1000;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {
std::shared_ptr<spdlog::logger> access_logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    if (auto existing = spdlog::get("access")) return existing;
    auto l = spdlog::stderr_logger_mt("access");
    l->set_pattern("%v");
    return l;
  }();
  return logger;
}
}  // namespace

void log_access(const observe::RequestSummary& request) { access_logger()->info(format_access_record(request)); }

}  // namespace podbucket::api
