#pragma once
// Calls podbucket's own admin routes (/_podbucket/...) on a running server, signed with SigV4 as the root user
// (credentials from PODBUCKET_ROOT_ACCESS_KEY_ID / PODBUCKET_ROOT_SECRET_ACCESS_KEY, as the server reads them).
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace podbucket::cli {

/// Where and as whom admin calls go.
struct AdminTarget {
  std::string endpoint;  // http(s)://HOST:PORT of the server
  std::string region = "us-east-1";
  std::string ca_file;   // for https: trusted CAs (empty = the system's)
};

/// POSTs `body` as JSON to `path` (signed for service "eks") and returns the parsed JSON answer.
/// Errors: InvalidArgument (bad endpoint, missing root credentials in the environment), the transport errors of
/// http::Client, and the server's own error (code and message from its REST-JSON error body).
core::Result<nlohmann::json> post_admin(const AdminTarget& target, std::string_view path, const nlohmann::json& body);

/// GETs a URL and returns the body (for --jwks-url). Errors: the transport errors, or InvalidArgument for a
/// non-200 answer.
core::Result<std::string> fetch_url(std::string_view url, const std::string& ca_file);

}  // namespace podbucket::cli
