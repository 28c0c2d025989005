#include "cli/admin_client.h"

#include <cstdlib>

#include "core/clock.h"
#include "crypto/hash.h"
#include "core/encoding.h"
#include "http/client.h"
#include "sigv4/sign.h"

namespace podbucket::cli {
namespace {

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

}  // namespace

core::Result<nlohmann::json> post_admin(const AdminTarget& target, std::string_view path, const nlohmann::json& body) {
  auto endpoint = http::parse_endpoint(target.endpoint);
  if (!endpoint) return endpoint.error();
  auto creds = root_credentials_from_env();
  if (!creds) return creds.error();

  std::string payload = body.dump();
  http::Request req;
  req.method = "POST";
  req.path = endpoint->base_path + std::string(path);
  req.target = req.path;
  req.headers.set("Host", endpoint->host_header());
  req.headers.set("Content-Type", "application/json");
  core::SystemClock clock;
  sigv4::sign_request(req, *creds, target.region, "eks", clock.now(), core::hex_encode(crypto::sha256(payload)));

  http::ClientOptions options;
  options.request_timeout = std::chrono::seconds(30);
  options.connect_timeout = std::chrono::seconds(5);
  options.ca_file = target.ca_file;
  http::Client client(*endpoint, options);
  auto res = client.send(req, payload);
  if (!res) return res.error();
  auto json = nlohmann::json::parse(res->body, nullptr, false);
  if (res->status != 200) {
    std::string code(res->headers.get("x-amzn-ErrorType").value_or("HTTP " + std::to_string(res->status)));
    std::string message = json.is_object() ? json.value("message", res->body) : res->body;
    return core::AwsError(core::ErrorCode{"AdminCallFailed", res->status}, code + ": " + message);
  }
  if (json.is_discarded()) return core::AwsError(core::kInternalError, "the server's answer is not JSON");
  return json;
}

core::Result<std::string> fetch_url(std::string_view url, const std::string& ca_file) {
  auto endpoint = http::parse_endpoint(url.substr(0, url.find('/', url.find("//") + 2)));
  if (!endpoint) return endpoint.error();
  auto slash = url.find('/', url.find("//") + 2);
  http::Request req;
  req.method = "GET";
  req.target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  http::ClientOptions options;
  options.request_timeout = std::chrono::seconds(30);
  options.connect_timeout = std::chrono::seconds(5);
  options.ca_file = ca_file;
  http::Client client(*endpoint, options);
  auto res = client.send(req);
  if (!res) return res.error();
  if (res->status != 200) {
    return core::AwsError(core::kInvalidArgument, std::string(url) + " answered HTTP " + std::to_string(res->status));
  }
  return res->body;
}

}  // namespace podbucket::cli
