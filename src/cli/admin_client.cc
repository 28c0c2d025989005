#include "cli/admin_client.h"

#include "cli/aws_caller.h"

namespace podbucket::cli {

core::Result<nlohmann::json> post_admin(const AdminTarget& target, std::string_view path, const nlohmann::json& body) {
  auto creds = root_credentials_from_env();
  if (!creds) return creds.error();
  if (auto endpoint = http::parse_endpoint(target.endpoint); !endpoint) return endpoint.error();
  AwsCaller caller(target.endpoint, *creds, target.region, target.ca_file);
  auto res = caller.rest_json("eks", "POST", path, body);
  if (!res) return res.error();
  if (res->status != 200) return core::AwsError(core::ErrorCode{"AdminCallFailed", res->status}, describe_failure(*res));
  auto json = nlohmann::json::parse(res->body, nullptr, false);
  if (json.is_discarded()) return core::AwsError(core::kInternalError, "the server's answer is not JSON");
  return json;
}

core::Result<std::string> fetch_url(std::string_view url, const std::string& ca_file) {
  auto scheme_end = url.find("//");
  auto slash = scheme_end == std::string_view::npos ? std::string_view::npos : url.find('/', scheme_end + 2);
  auto endpoint = http::parse_endpoint(url.substr(0, slash));
  if (!endpoint) return endpoint.error();
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
