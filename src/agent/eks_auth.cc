#include "agent/eks_auth.h"

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "agent/errors.h"
#include "core/encoding.h"
#include "core/time_format.h"
#include "crypto/hash.h"

namespace podbucket::agent {
namespace {

constexpr std::string_view kOperation = "operation error EKS Auth: AssumeRoleForPodIdentity, ";

constexpr core::ErrorCode kKnownCodes[] = {
    eksauth::kInvalidTokenException,      eksauth::kExpiredTokenException,
    eksauth::kAccessDeniedException,      eksauth::kInvalidParameterException,
    eksauth::kInvalidRequestException,    eksauth::kResourceNotFoundException,
    eksauth::kThrottlingException,        eksauth::kInternalServerException,
    eksauth::kServiceUnavailableException,
};

std::string_view field(const core::AwsError& error, std::string_view name) {
  for (const auto& [k, v] : error.fields()) {
    if (k == name) return v;
  }
  return {};
}

std::string json_string(const nlohmann::json& obj, std::initializer_list<const char*> names) {
  if (!obj.is_object()) return {};
  for (const char* name : names) {
    auto it = obj.find(name);
    if (it != obj.end() && it->is_string()) return it->get<std::string>();
  }
  return {};
}

core::AwsError unusable(std::string why) {
  return core::AwsError(kInternal, std::string(kOperation) + why);
}

bool retryable(const core::Result<http::ClientResponse>& reply) {
  if (!reply) return true;  // transport: connect, timeout, reset
  int s = reply->status;
  return s == 429 || s == 500 || s == 502 || s == 503 || s == 504;
}

}  // namespace

core::AwsError eks_auth_error(int status, std::string_view code, std::string message, std::string request_id) {
  core::ErrorCode entry{"EksAuthError", status};
  for (const auto& known : kKnownCodes) {
    if (known.code == code) entry = core::ErrorCode{known.code, status};
  }
  core::AwsError error(entry, std::move(message));
  error.with_field("Code", std::string(code));
  error.with_field("RequestId", std::move(request_id));
  error.with_field("Fault", status < 500 ? "client" : "server");
  return error;
}

std::string_view eks_auth_code(const core::AwsError& error) { return field(error, "Code"); }

bool is_irrecoverable(const core::AwsError& error) {
  std::string_view code = eks_auth_code(error);
  return code == eksauth::kResourceNotFoundException.code || code == eksauth::kExpiredTokenException.code ||
         code == eksauth::kInvalidTokenException.code || code == eksauth::kAccessDeniedException.code;
}

core::Result<PodCredentials> parse_eks_auth_reply(const http::ClientResponse& reply) {
  auto body = nlohmann::json::parse(reply.body, nullptr, false);
  if (reply.status != 200) {
    std::string code(reply.headers.get("x-amzn-ErrorType").value_or(""));
    if (code.empty()) {
      code = json_string(body, {"code", "Code", "__type"});
      if (auto hash = code.rfind('#'); hash != std::string::npos) code = code.substr(hash + 1);
    }
    if (auto colon = code.find(':'); colon != std::string::npos) code.resize(colon);
    if (code.empty()) code = "UnknownError";
    std::string message = json_string(body, {"message", "Message"});
    if (message.empty() && !body.is_object()) message = core::is_valid_utf8(reply.body) ? reply.body : "";
    std::string request_id(reply.headers.get("x-amzn-RequestId").value_or(""));
    if (request_id.empty()) request_id = std::string(reply.headers.get("x-amz-request-id").value_or(""));
    return eks_auth_error(reply.status, code, std::move(message), std::move(request_id));
  }
  if (!body.is_object()) return unusable("deserialization failed: the response is not a JSON object");
  auto creds = body.find("credentials");
  auto user = body.find("assumedRoleUser");
  if (creds == body.end() || !creds->is_object()) return unusable("the response has no credentials");
  if (user == body.end() || !user->is_object()) return unusable("the response has no assumedRoleUser");
  PodCredentials out;
  out.access_key_id = json_string(*creds, {"accessKeyId"});
  out.secret_access_key = json_string(*creds, {"secretAccessKey"});
  out.session_token = json_string(*creds, {"sessionToken"});
  auto exp = creds->find("expiration");
  if (out.access_key_id.empty() || out.secret_access_key.empty() || out.session_token.empty() ||
      exp == creds->end() || !exp->is_number()) {
    return unusable("the response's credentials are incomplete");
  }
  out.expiration = core::from_unix_millis(int64_t(exp->get<double>() * 1000));
  // arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION
  std::string arn = json_string(*user, {"arn"});
  size_t pos = 0;
  std::vector<std::string_view> parts;
  std::string_view view(arn);
  for (int i = 0; i < 5; ++i) {
    size_t colon = view.find(':', pos);
    if (colon == std::string_view::npos) break;
    parts.push_back(view.substr(pos, colon - pos));
    pos = colon + 1;
  }
  if (parts.size() != 5 || parts[0] != "arn" || parts[4].empty() || pos >= view.size()) {
    return unusable("cannot parse the account id from assumedRoleUser.arn");
  }
  out.account_id = std::string(parts[4]);
  return out;
}

// ---- HttpEksAuth ---------------------------------------------------------------------------------------------

HttpEksAuth::HttpEksAuth(HttpEksAuthOptions options, CredentialsSource credentials, const core::Clock& clock,
                         core::Random& random)
    : options_(std::move(options)), credentials_(std::move(credentials)), clock_(clock), random_(random) {
  std::string url = options_.endpoint.empty() ? "https://eks-auth." + options_.region + ".api.aws" : options_.endpoint;
  auto ep = http::parse_endpoint(url);
  if (!ep) throw std::invalid_argument(ep.error().message());
  endpoint_ = *ep;
  if (options_.max_attempts < 1) options_.max_attempts = 1;
  release(acquire());  // loads the CA file now, so a bad one fails at start-up
}

HttpEksAuth::~HttpEksAuth() = default;

std::unique_ptr<http::Client> HttpEksAuth::acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
  }
  return std::make_unique<http::Client>(endpoint_, options_.client);
}

void HttpEksAuth::release(std::unique_ptr<http::Client> client) {
  std::lock_guard lock(mu_);
  if (idle_.size() < options_.max_idle_connections) idle_.push_back(std::move(client));
}

core::Result<http::ClientResponse> HttpEksAuth::call_once(http::Client& client, std::string_view cluster,
                                                          const std::string& body) {
  auto creds = credentials_();
  if (!creds) return unusable("get identity: " + creds.error().message());
  http::Request req;
  req.method = "POST";
  req.path = endpoint_.base_path + "/clusters/" + core::uri_encode(cluster) + "/assume-role-for-pod-identity";
  req.headers.set("Host", endpoint_.host_header());
  req.headers.set("Content-Type", "application/json");
  req.headers.set("User-Agent", "podbucket-pod-identity-agent");
  sigv4::sign_request(req, *creds, options_.region, "eks-auth", clock_.now(),
                      core::hex_encode(crypto::sha256(body)));
  return client.send(req, body);
}

core::Result<PodCredentials> HttpEksAuth::assume_role_for_pod_identity(std::string_view cluster,
                                                                       std::string_view token) {
  const std::string body = nlohmann::json{{"token", token}}.dump();
  auto client = acquire();
  core::Result<http::ClientResponse> reply = unusable("not attempted");
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    if (attempt > 0 && options_.retry_backoff.count() > 0) {
      auto cap = options_.retry_backoff.count() << (attempt - 1);
      std::string r = random_.bytes(4);
      uint32_t x = uint32_t(uint8_t(r[0])) | uint32_t(uint8_t(r[1])) << 8 | uint32_t(uint8_t(r[2])) << 16 |
                   uint32_t(uint8_t(r[3])) << 24;
      std::this_thread::sleep_for(std::chrono::milliseconds(x % uint64_t(cap)));
    }
    reply = call_once(*client, cluster, body);
    if (!reply && reply.error().code() == kInternal.code) break;  // no credentials of our own: not transient
    if (!retryable(reply)) break;
  }
  release(std::move(client));
  if (!reply) {
    if (reply.error().code() == kInternal.code) return reply.error();
    return unusable("exceeded maximum number of attempts, " + std::to_string(options_.max_attempts) +
                    ", request send failed: " + reply.error().message());
  }
  return parse_eks_auth_reply(*reply);
}

}  // namespace podbucket::agent
