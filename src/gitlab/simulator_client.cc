#include "gitlab/simulator_client.h"

#include <pugixml.hpp>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/encoding.h"
#include "crypto/hash.h"
#include "policy/policy.h"

namespace podbucket::gitlab {

struct RoleSimulator::Document {
  std::string name;
  std::shared_ptr<const policy::Document> parsed;
};

namespace {

/// "arn:aws:iam::ACCOUNT:role/NAME" -> {ACCOUNT, NAME}; empty strings when it is not a role ARN.
std::pair<std::string, std::string> split_role_arn(std::string_view arn) {
  constexpr std::string_view kPrefix = "arn:aws:iam::";
  if (!arn.starts_with(kPrefix)) return {};
  auto rest = arn.substr(kPrefix.size());
  auto colon = rest.find(':');
  if (colon == std::string_view::npos || !rest.substr(colon + 1).starts_with("role/")) return {};
  auto path_name = rest.substr(colon + 6);
  return {std::string(rest.substr(0, colon)), std::string(path_name.substr(path_name.rfind('/') + 1))};
}

/// The error of a non-200 IAM query answer: Code and Message of its ErrorResponse.
core::AwsError iam_error(int status, const std::string& body) {
  pugi::xml_document doc;
  std::string code = "HTTP " + std::to_string(status), message = body.substr(0, 300);
  if (doc.load_buffer(body.data(), body.size())) {
    auto error = doc.child("ErrorResponse").child("Error");
    if (error) {
      code = error.child("Code").text().get();
      message = error.child("Message").text().get();
    }
  }
  return core::AwsError(core::ErrorCode{"IamCallFailed", status}, code + ": " + message);
}

}  // namespace

std::string iam_form_body(const std::string& action, const std::vector<std::pair<std::string, std::string>>& params) {
  std::string body = "Action=" + core::uri_encode(action) + "&Version=2010-05-08";
  for (const auto& [name, value] : params) body += "&" + core::uri_encode(name) + "=" + core::uri_encode(value);
  return body;
}

core::Result<Verdict> parse_simulation(const std::string& xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) {
    return core::AwsError(core::kInternalError, "the simulation answer is not XML");
  }
  auto member = doc.child("SimulatePrincipalPolicyResponse")
                    .child("SimulatePrincipalPolicyResult")
                    .child("EvaluationResults")
                    .child("member");
  auto decision = parse_decision(member.child("EvalDecision").text().get());
  if (!decision) return core::AwsError(core::kInternalError, "the simulation answer has no known EvalDecision");
  Verdict v;
  v.decision = *decision;
  v.policy = member.child("MatchedStatements").child("member").child("SourcePolicyId").text().get();
  return v;
}

RoleSimulator::RoleSimulator(ServerTarget target, std::string role_arn)
    : target_(std::move(target)), role_arn_(std::move(role_arn)), endpoint_(http::parse_endpoint(target_.endpoint)) {
  if (endpoint_) {
    http::ClientOptions options;
    options.request_timeout = std::chrono::seconds(30);
    options.connect_timeout = std::chrono::seconds(5);
    options.max_response_body = 4 << 20;
    options.ca_file = target_.ca_file;
    client_ = std::make_unique<http::Client>(*endpoint_, options);
  }
}

RoleSimulator::~RoleSimulator() = default;

core::Result<std::string> RoleSimulator::iam_call(const std::string& action,
                                                  const std::vector<std::pair<std::string, std::string>>& params) {
  if (!endpoint_) return core::AwsError(core::kInvalidArgument, "--endpoint: " + endpoint_.error().message());
  std::string payload = iam_form_body(action, params);
  http::Request req;
  req.method = "POST";
  req.path = endpoint_->base_path + "/";
  req.target = req.path;
  req.headers.set("Host", endpoint_->host_header());
  req.headers.set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  core::SystemClock clock;
  sigv4::sign_request(req, target_.credentials, target_.region, "iam", clock.now(),
                      core::hex_encode(crypto::sha256(payload)));
  auto res = client_->send(req, payload);
  if (!res) return res.error();
  if (res->status != 200) return iam_error(res->status, res->body);
  return std::move(res->body);
}

const RoleSimulator::Document* RoleSimulator::document(const std::string& policy_id) {
  if (auto it = documents_.find(policy_id); it != documents_.end()) return it->second.get();
  std::shared_ptr<const Document> found;
  std::string json;
  // "role/NAME inline POLICY" (the simulator's name for an inline policy) or a managed policy ARN.
  constexpr std::string_view kInline = " inline ";
  if (policy_id.starts_with("role/") && policy_id.find(kInline) != std::string::npos) {
    auto mid = policy_id.find(kInline);
    auto answer = iam_call("GetRolePolicy", {{"RoleName", policy_id.substr(5, mid - 5)},
                                             {"PolicyName", policy_id.substr(mid + kInline.size())}});
    pugi::xml_document doc;
    if (answer && doc.load_buffer(answer->data(), answer->size())) {
      json = doc.first_element_by_path("GetRolePolicyResponse/GetRolePolicyResult/PolicyDocument").text().get();
    }
  } else if (policy_id.starts_with("arn:")) {
    auto answer = iam_call("GetPolicy", {{"PolicyArn", policy_id}});
    pugi::xml_document doc;
    if (answer && doc.load_buffer(answer->data(), answer->size())) {
      std::string version = doc.first_element_by_path("GetPolicyResponse/GetPolicyResult/Policy/DefaultVersionId")
                                .text()
                                .get();
      auto v = iam_call("GetPolicyVersion", {{"PolicyArn", policy_id}, {"VersionId", version}});
      pugi::xml_document vdoc;
      if (v && vdoc.load_buffer(v->data(), v->size())) {
        json = vdoc.first_element_by_path("GetPolicyVersionResponse/GetPolicyVersionResult/PolicyVersion/Document")
                   .text()
                   .get();
      }
    }
  }
  if (!json.empty()) {
    // IAM returns documents URL-encoded (RFC 3986).
    auto decoded = core::percent_decode(json);
    auto parsed = policy::parse(decoded.value_or(json), policy::Kind::kIdentity);
    if (parsed) found = std::make_shared<Document>(Document{policy_id, *parsed});
  }
  documents_[policy_id] = found;
  return found.get();
}

core::Result<Verdict> RoleSimulator::simulate(const std::string& action, const std::string& resource,
                                              const std::vector<ContextEntry>& context) {
  std::vector<std::pair<std::string, std::string>> params = {
      {"PolicySourceArn", role_arn_}, {"ActionNames.member.1", action}, {"ResourceArns.member.1", resource}};
  for (size_t i = 0; i < context.size(); ++i) {
    std::string base = "ContextEntries.member." + std::to_string(i + 1);
    params.emplace_back(base + ".ContextKeyName", context[i].first);
    params.emplace_back(base + ".ContextKeyValues.member.1", context[i].second);
    params.emplace_back(base + ".ContextKeyType", "string");
  }
  auto answer = iam_call("SimulatePrincipalPolicy", params);
  if (!answer) return answer.error();
  auto verdict = parse_simulation(*answer);
  if (!verdict || verdict->policy.empty()) return verdict;

  // The server names the deciding policy but not the statement: evaluate that document alone to find it.
  if (const Document* doc = document(verdict->policy)) {
    auto [account, role_name] = split_role_arn(role_arn_);
    policy::Caller caller;
    caller.arn = "arn:aws:sts::" + account + ":assumed-role/" + role_name + "/gitlab-check";
    caller.role_arn = role_arn_;
    caller.account_id = account;
    policy::Context ctx;
    for (const auto& [key, value] : context) ctx.set(key, value);
    auto d = policy::evaluate_document(*doc->parsed, doc->name, policy::Request{action, resource, caller, ctx});
    if (d.statement >= 0) {
      verdict->statement = d.statement + 1;
      verdict->sid = d.sid;
    }
  }
  return verdict;
}

Simulator RoleSimulator::as_simulator() {
  return [this](const Check& check) {
    return simulate(std::string(check.requirement->action), check.resource);
  };
}

core::Result<std::string> RoleSimulator::describe_key_arn(const std::string& key_id) {
  if (!endpoint_) return core::AwsError(core::kInvalidArgument, "--endpoint: " + endpoint_.error().message());
  std::string payload = nlohmann::json{{"KeyId", key_id}}.dump();
  http::Request req;
  req.method = "POST";
  req.path = endpoint_->base_path + "/";
  req.target = req.path;
  req.headers.set("Host", endpoint_->host_header());
  req.headers.set("Content-Type", "application/x-amz-json-1.1");
  req.headers.set("X-Amz-Target", "TrentService.DescribeKey");
  core::SystemClock clock;
  sigv4::sign_request(req, target_.credentials, target_.region, "kms", clock.now(),
                      core::hex_encode(crypto::sha256(payload)));
  auto res = client_->send(req, payload);
  if (!res) return res.error();
  auto json = nlohmann::json::parse(res->body, nullptr, false);
  if (res->status != 200 || !json.is_object()) {
    std::string type = json.is_object() ? json.value("__type", "") : "";
    std::string message = json.is_object() ? json.value("message", json.value("Message", "")) : res->body;
    return core::AwsError(core::ErrorCode{"KmsCallFailed", res->status}, type + ": " + message);
  }
  auto arn = json["KeyMetadata"].value("Arn", "");
  if (arn.empty()) return core::AwsError(core::kInternalError, "DescribeKey answered without KeyMetadata.Arn");
  return arn;
}

}  // namespace podbucket::gitlab
