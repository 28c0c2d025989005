#include "cli/aws_caller.h"

#include <cstdlib>
#include <stdexcept>

#include "core/clock.h"
#include "core/encoding.h"
#include "crypto/hash.h"

namespace podbucket::cli {
namespace {

std::string between(const std::string& text, const std::string& open, const std::string& close) {
  auto a = text.find(open);
  if (a == std::string::npos) return {};
  a += open.size();
  auto b = text.find(close, a);
  return b == std::string::npos ? std::string() : text.substr(a, b - a);
}

}  // namespace

AwsCaller::AwsCaller(std::string endpoint, sigv4::Credentials credentials, std::string region, std::string ca_file)
    : credentials_(std::move(credentials)), region_(std::move(region)) {
  auto parsed = http::parse_endpoint(endpoint);
  if (!parsed) throw std::invalid_argument(parsed.error().message());
  http::ClientOptions options;
  options.connect_timeout = std::chrono::seconds(5);
  options.request_timeout = std::chrono::seconds(60);
  options.max_response_body = 16 << 20;
  options.ca_file = std::move(ca_file);
  client_ = std::make_unique<http::Client>(*parsed, options);
}

AwsCaller::~AwsCaller() = default;

core::Result<http::ClientResponse> AwsCaller::call(std::string_view service, std::string_view method,
                                                   std::string_view path, std::string_view query,
                                                   std::string_view body,
                                                   std::vector<std::pair<std::string, std::string>> headers) {
  http::Request req;
  req.method = std::string(method);
  req.path = client_->endpoint().base_path + std::string(path);
  req.raw_query = std::string(query);
  req.target = req.path + (req.raw_query.empty() ? "" : "?" + req.raw_query);
  req.headers.set("Host", client_->endpoint().host_header());
  for (auto& [k, v] : headers) req.headers.set(k, v);
  core::SystemClock clock;
  sigv4::sign_request(req, credentials_, region_, service, clock.now(), core::hex_encode(crypto::sha256(body)));
  return client_->send(req, body);
}

core::Result<http::ClientResponse> AwsCaller::query(std::string_view service, std::string_view action,
                                                    const std::vector<std::pair<std::string, std::string>>& params) {
  std::string body = "Action=" + core::uri_encode(action) + "&Version=" +
                     (service == "sts" ? std::string("2011-06-15") : std::string("2010-05-08"));
  for (const auto& [k, v] : params) body += "&" + core::uri_encode(k) + "=" + core::uri_encode(v);
  return call(service, "POST", "/", {}, body, {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}});
}

core::Result<http::ClientResponse> AwsCaller::kms(std::string_view operation, const nlohmann::json& body) {
  return call("kms", "POST", "/", {}, body.dump(),
              {{"Content-Type", "application/x-amz-json-1.1"},
               {"X-Amz-Target", "TrentService." + std::string(operation)}});
}

core::Result<http::ClientResponse> AwsCaller::rest_json(std::string_view service, std::string_view method,
                                                        std::string_view path, const nlohmann::json& body) {
  std::string text = body.is_null() ? std::string() : body.dump();
  std::vector<std::pair<std::string, std::string>> headers;
  if (!text.empty()) headers.emplace_back("Content-Type", "application/json");
  return call(service, method, path, {}, text, std::move(headers));
}

std::string error_code_of(const http::ClientResponse& response) {
  if (auto t = response.headers.get("x-amzn-ErrorType")) {
    std::string code(*t);
    return code.substr(0, code.find(':'));
  }
  auto json = nlohmann::json::parse(response.body, nullptr, false);
  if (json.is_object() && json.contains("__type")) {
    std::string code = json["__type"].get<std::string>();
    auto hash = code.find('#');
    return hash == std::string::npos ? code : code.substr(hash + 1);
  }
  return between(response.body, "<Code>", "</Code>");
}

std::string describe_failure(const http::ClientResponse& response) {
  std::string message;
  auto json = nlohmann::json::parse(response.body, nullptr, false);
  if (json.is_object()) message = json.value("message", json.value("Message", ""));
  if (message.empty()) message = between(response.body, "<Message>", "</Message>");
  return "HTTP " + std::to_string(response.status) + " " + error_code_of(response) + ": " + message;
}

core::Result<sigv4::Credentials> root_credentials_from_env() {
  const char* id = std::getenv("PODBUCKET_ROOT_ACCESS_KEY_ID");
  const char* secret = std::getenv("PODBUCKET_ROOT_SECRET_ACCESS_KEY");
  if (id == nullptr || secret == nullptr || *id == '\0' || *secret == '\0') {
    return core::AwsError(core::kInvalidArgument,
                          "set PODBUCKET_ROOT_ACCESS_KEY_ID and PODBUCKET_ROOT_SECRET_ACCESS_KEY to the server's root "
                          "credentials (printed at its first start, kept in DATA_DIR/root-credentials.json)");
  }
  return sigv4::Credentials{id, secret, {}};
}

}  // namespace podbucket::cli
