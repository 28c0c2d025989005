#pragma once
// The agent's side of EKS Auth AssumeRoleForPodIdentity (botocore eks-auth/2023-11-26, spec 2): the EksAuth seam
// the cache calls, the parsing of EKS Auth's replies, and HttpEksAuth, which calls the API over HTTP(S) exactly as
// the real agent's Go SDK client does (SigV4 for service "eks-auth", POST /clusters/NAME/assume-role-for-pod-identity
// with {"token": ...}; dial 500 ms, whole request 1000 ms, retries of transient failures).
//
// EKS Auth's errors travel as AwsError values whose status is the one EKS Auth sent (the agent passes it on to
// the pod) and whose code is EKS Auth's (errors.h, namespace eksauth, for the codes of the model; "EksAuthError"
// with a "Code" field for any other). Transport failures and unusable replies are kInternal (500).
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "http/client.h"
#include "sigv4/sign.h"

namespace podbucket::agent {

/// What a pod receives (the ECS container-credentials shape, spec 1.4).
struct PodCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  std::string account_id;  // from assumedRoleUser.arn
  core::TimePoint expiration{};
};

/// The EKS Auth call. Implementations are thread-safe.
class EksAuth {
 public:
  virtual ~EksAuth() = default;
  /// AssumeRoleForPodIdentity for `cluster` with the pod's raw `token`. Errors as in the file comment.
  virtual core::Result<PodCredentials> assume_role_for_pod_identity(std::string_view cluster,
                                                                    std::string_view token) = 0;
};

/// Builds the error for an EKS Auth reply with `status` and `code` (the catalog entry's code when known, else
/// "EksAuthError"); the fields "Code" (the code as sent), "RequestId" and "Fault" ("client" below 500, else
/// "server") are always present.
core::AwsError eks_auth_error(int status, std::string_view code, std::string message, std::string request_id);
/// The EKS Auth code an error carries ("" for errors that did not come from EKS Auth).
std::string_view eks_auth_code(const core::AwsError& error);
/// True for the renewal errors after which a cached entry is dropped: ResourceNotFoundException,
/// ExpiredTokenException, InvalidTokenException, AccessDeniedException (agent internal/cloud/eksauth/errors.go).
bool is_irrecoverable(const core::AwsError& error);

/// Interprets one EKS Auth reply. 200: the body must hold credentials {accessKeyId, secretAccessKey,
/// sessionToken, expiration (epoch seconds)} and assumedRoleUser.arn with an account; else kInternal. Other
/// statuses: the code from x-amzn-ErrorType (text after ':' dropped), else the body's code/Code/__type (text up
/// to '#' dropped); the message from the body's message/Message; the request id from x-amzn-RequestId.
core::Result<PodCredentials> parse_eks_auth_reply(const http::ClientResponse& reply);

/// The agent's own AWS credentials, asked for on every call (so rotated keys are picked up).
using CredentialsSource = std::function<core::Result<sigv4::Credentials>()>;

struct HttpEksAuthOptions {
  std::string endpoint;  // base URL; "" = https://eks-auth.REGION.api.aws
  std::string region = "us-east-1";
  http::ClientOptions client;  // defaults: dial 500 ms, whole request 1000 ms
  int max_attempts = 3;        // transport failures, 429, 500, 502, 503 and 504 are retried
  std::chrono::milliseconds retry_backoff{50};  // attempt n waits random [0, backoff * 2^n)
  size_t max_idle_connections = 16;
};

/// EksAuth over HTTP(S). Thread-safe: concurrent calls use separate kept-alive connections from a small pool.
class HttpEksAuth final : public EksAuth {
 public:
  /// Throws std::invalid_argument for a bad endpoint URL, std::runtime_error for an unreadable CA file.
  HttpEksAuth(HttpEksAuthOptions options, CredentialsSource credentials, const core::Clock& clock,
              core::Random& random);
  ~HttpEksAuth() override;

  core::Result<PodCredentials> assume_role_for_pod_identity(std::string_view cluster,
                                                            std::string_view token) override;

  const http::Endpoint& endpoint() const { return endpoint_; }

 private:
  std::unique_ptr<http::Client> acquire();
  void release(std::unique_ptr<http::Client> client);
  core::Result<http::ClientResponse> call_once(http::Client& client, std::string_view cluster,
                                               const std::string& body);

  HttpEksAuthOptions options_;
  http::Endpoint endpoint_;
  CredentialsSource credentials_;
  const core::Clock& clock_;
  core::Random& random_;
  std::mutex mu_;
  std::vector<std::unique_ptr<http::Client>> idle_;  // GUARDED_BY(mu_)
};

}  // namespace podbucket::agent
