#include "agent/response.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/time_format.h"

namespace podbucket::agent {

std::string format_expiration(core::TimePoint t) {
  using namespace std::chrono;
  auto secs = floor<seconds>(t);
  std::string base = core::format_iso8601(secs);  // "YYYY-MM-DDTHH:MM:SSZ"
  auto nanos = duration_cast<nanoseconds>(t - secs).count();
  if (nanos == 0) return base;
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%09lld", static_cast<long long>(nanos));
  std::string f(frac);
  while (f.back() == '0') f.pop_back();
  base.insert(base.size() - 1, f);
  return base;
}

http::Response credentials_response(const PodCredentials& creds) {
  std::string body = "{";
  auto add = [&](const char* name, const std::string& value) {
    if (value.empty()) return;
    if (body.size() > 1) body += ',';
    body += '"';
    body += name;
    body += "\":";
    body += nlohmann::json(value).dump();
  };
  add("AccessKeyId", creds.access_key_id);
  add("SecretAccessKey", creds.secret_access_key);
  add("Token", creds.session_token);
  add("AccountId", creds.account_id);
  add("Expiration", format_expiration(creds.expiration));
  body += '}';
  return json_response(std::move(body));
}

http::Response json_response(std::string body) {
  http::Response res;
  res.status = 200;
  res.headers.set("Content-Type", "application/json");
  res.body = std::move(body);
  return res;
}

std::string error_text(const core::AwsError& error) {
  std::string_view code, request_id, fault;
  bool upstream = false;
  for (const auto& [k, v] : error.fields()) {
    if (k == "Code") code = v, upstream = true;
    if (k == "RequestId") request_id = v;
    if (k == "Fault") fault = v;
  }
  if (!upstream) return error.message();
  std::string out = "[";
  out.append(request_id).append("]: (").append(code).append("): ").append(error.message());
  out.append(", fault: ").append(fault);
  return out;
}

http::Response error_response(const core::AwsError& error) {
  http::Response res;
  res.status = error.http_status();
  res.headers.set("Content-Type", "text/plain; charset=utf-8");
  res.headers.set("X-Content-Type-Options", "nosniff");
  res.body = error_text(error) + "\n";
  return res;
}

}  // namespace podbucket::agent
