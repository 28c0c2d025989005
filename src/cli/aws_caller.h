#pragma once
// Signed calls from the CLI to a podbucket server, in each AWS protocol: S3 REST-XML, IAM/STS query, KMS JSON 1.1
// and EKS REST-JSON. Used by `podbucket up` (provisioning its own server over the wire, as any client would),
// `podbucket token`, `podbucket cluster add` and `podbucket gitlab check`.
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "http/client.h"
#include "sigv4/sign.h"

namespace podbucket::cli {

class AwsCaller {
 public:
  /// Throws std::invalid_argument for a bad endpoint URL.
  AwsCaller(std::string endpoint, sigv4::Credentials credentials, std::string region, std::string ca_file = {});
  ~AwsCaller();

  /// One signed request. `path` is raw (already percent-encoded); `query` raw without '?'. Returns the response
  /// whatever its status. Errors: the transport errors of http::Client.
  core::Result<http::ClientResponse> call(std::string_view service, std::string_view method, std::string_view path,
                                          std::string_view query = {}, std::string_view body = {},
                                          std::vector<std::pair<std::string, std::string>> headers = {});

  /// An IAM (or STS: service "sts") query call: Action + params, form-encoded. Returns the response.
  core::Result<http::ClientResponse> query(std::string_view service, std::string_view action,
                                           const std::vector<std::pair<std::string, std::string>>& params);
  /// A KMS JSON 1.1 call (X-Amz-Target TrentService.<operation>). Returns the response.
  core::Result<http::ClientResponse> kms(std::string_view operation, const nlohmann::json& body);
  /// A REST-JSON call (EKS, admin routes) with a JSON body (none when null). Returns the response.
  core::Result<http::ClientResponse> rest_json(std::string_view service, std::string_view method,
                                               std::string_view path, const nlohmann::json& body = nullptr);

  const std::string& region() const { return region_; }

 private:
  std::unique_ptr<http::Client> client_;
  sigv4::Credentials credentials_;
  std::string region_;
};

/// The AWS error code of a failed response: x-amzn-ErrorType, __type, or the <Code> of an XML error ("" if none).
std::string error_code_of(const http::ClientResponse& response);
/// "HTTP <status> <code>: <message>" for a failed response, for operators.
std::string describe_failure(const http::ClientResponse& response);

/// Root credentials from PODBUCKET_ROOT_ACCESS_KEY_ID / PODBUCKET_ROOT_SECRET_ACCESS_KEY.
/// Errors: InvalidArgument naming the variables when either is unset.
core::Result<sigv4::Credentials> root_credentials_from_env();

}  // namespace podbucket::cli
