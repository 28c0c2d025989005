#include "eks/oidc.h"

#include <optional>
#include <string>

#include "eks/errors.h"

namespace podbucket::eks {

namespace {

constexpr std::string_view kPrefix = "/_oidc/";
constexpr std::string_view kDiscovery = "/.well-known/openid-configuration";
constexpr std::string_view kKeys = "/keys";

core::AwsError not_found(std::string_view path) {
  return core::AwsError(kResourceNotFoundException, "No OIDC document at " + std::string(path) + ".");
}

}  // namespace

bool is_oidc_path(std::string_view path) { return path.starts_with(kPrefix); }

OidcDiscovery::OidcDiscovery(const ClusterRegistry& clusters) : clusters_(clusters) {}

core::Result<http::Response> OidcDiscovery::handle(const http::Request& req) const {
  if (req.method != "GET" && req.method != "HEAD")
    return core::AwsError(core::kMethodNotAllowed, "The OIDC discovery endpoints answer GET and HEAD only.")
        .with_header("Allow", "GET, HEAD");
  std::string_view rest = req.path;
  if (!is_oidc_path(rest)) return not_found(req.path);
  rest.remove_prefix(kPrefix.size());
  auto slash = rest.find('/');
  if (slash == std::string_view::npos) return not_found(req.path);
  std::string_view cluster = rest.substr(0, slash);
  std::string_view doc = rest.substr(slash);

  std::optional<std::string> body;
  if (doc == kDiscovery) body = clusters_.openid_configuration(cluster);
  else if (doc == kKeys) body = clusters_.jwks(cluster);
  if (!body) return not_found(req.path);

  http::Response res;
  res.status = 200;
  res.headers.set("Content-Type", "application/json");
  res.headers.set("Cache-Control", "public, max-age=60");
  if (req.method == "HEAD") {
    res.head = true;
    res.stream_length = body->size();
  } else {
    res.body = std::move(*body);
  }
  return res;
}

}  // namespace podbucket::eks
