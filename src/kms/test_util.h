#pragma once
// Shared by kms/ unit tests: an Authorizer over fixed identity policies (decided by the real policy engine),
// callers of each kind, and a fixture that drives KmsService through its JSON API.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/principal.h"
#include "core/time_format.h"
#include "crypto/hash.h"
#include "http/message.h"
#include "iam/authorizer.h"
#include "kms/service.h"
#include "policy/policy.h"
#include "store/documents.h"

namespace podbucket::kms::testing {

inline constexpr const char* kAccount = "111122223333";
inline constexpr const char* kRegion = "us-east-1";
inline constexpr const char* kVia = "s3.us-east-1.amazonaws.com";

/// Identity policies per principal (user ARN, or role ARN for its sessions), evaluated by policy::evaluate the
/// way iam::DirectoryAuthorizer does.
class TestAuthorizer final : public iam::Authorizer {
 public:
  void allow(const std::string& principal_arn, const std::string& policy_json) {
    auto parsed = policy::parse(policy_json, policy::Kind::kIdentity);
    if (!parsed) throw std::runtime_error("bad test policy: " + parsed.error().message());
    identity_[principal_arn].push_back({"test policy " + std::to_string(identity_[principal_arn].size()), *parsed});
  }

  policy::Decision authorize(const iam::AuthzRequest& r) override {
    ++calls;
    policy::PolicySet set;
    set.caller_is_root = r.caller.root;
    std::string who_arn = r.caller.type == core::PrincipalType::kAssumedRole ? r.caller.role_arn : r.caller.arn;
    if (auto it = identity_.find(who_arn); it != identity_.end()) set.identity = it->second;
    if (r.resource_policy) set.resource = *r.resource_policy;
    set.mode = r.mode;
    set.resource_account = std::string(r.resource_account);
    policy::Caller who = iam::caller_of(r.caller);
    return policy::evaluate(set, policy::Request{r.action, r.resource, who, r.context});
  }

  int calls = 0;

 private:
  std::map<std::string, std::vector<policy::NamedPolicy>> identity_;
};

inline core::Principal root_principal() {
  core::Principal p;
  p.anonymous = false;
  p.root = true;
  p.type = core::PrincipalType::kRoot;
  p.arn = std::string("arn:aws:iam::") + kAccount + ":root";
  p.account_id = kAccount;
  p.user_id = kAccount;
  return p;
}

inline core::Principal user_principal(const std::string& name) {
  core::Principal p;
  p.anonymous = false;
  p.type = core::PrincipalType::kUser;
  p.arn = std::string("arn:aws:iam::") + kAccount + ":user/" + name;
  p.account_id = kAccount;
  p.user_id = "AIDAEXAMPLE" + name;
  p.user_name = name;
  return p;
}

inline core::Principal role_session(const std::string& role, const std::string& session) {
  core::Principal p;
  p.anonymous = false;
  p.type = core::PrincipalType::kAssumedRole;
  p.arn = std::string("arn:aws:sts::") + kAccount + ":assumed-role/" + role + "/" + session;
  p.account_id = kAccount;
  p.user_id = "AROAEXAMPLE:" + session;
  p.role_arn = std::string("arn:aws:iam::") + kAccount + ":role/" + role;
  p.role_name = role;
  p.session_name = session;
  p.session_token = "token";
  p.token_issue_time_s = 1'700'000'000;
  return p;
}

/// A KMS JSON answer: status, error code and message (errors), parsed body (success).
struct Reply {
  int status = 0;
  std::string code;
  std::string message;
  nlohmann::json body;
  bool ok() const { return status == 200; }
};

/// A KmsService over an in-memory store, a fake clock and a fixed root key.
class KmsFixture {
 public:
  KmsFixture() { restart(); }

  /// A new KmsService over the same store (a server restart).
  void restart() {
    kms.reset();
    kms = std::make_unique<KmsService>(*docs, authz, clock, random, root_key, kAccount, kRegion);
  }

  Reply call(const core::Principal& who, const std::string& op, const nlohmann::json& in = nlohmann::json::object()) {
    return call_raw(who, "TrentService." + op, in.dump());
  }

  Reply call_raw(const core::Principal& who, const std::string& target, const std::string& body) {
    http::StringBodySource source(body);
    http::Request req;
    req.method = "POST";
    req.target = req.path = "/";
    req.headers.set("X-Amz-Target", target);
    req.headers.set("Content-Type", "application/x-amz-json-1.1");
    req.body = &source;
    iam::RequestFacts facts;
    facts.region = kRegion;
    facts.now = clock.now();
    iam::Call c{who, facts, "req-1"};
    auto res = kms->handle(c, req);
    Reply r;
    if (!res) {
      r.status = res.error().http_status();
      r.code = std::string(res.error().code());
      r.message = res.error().message();
      return r;
    }
    r.status = res->status;
    r.body = res->body.empty() ? nlohmann::json::object() : nlohmann::json::parse(res->body);
    return r;
  }

  /// CreateKey as root; returns the KeyMetadata.
  nlohmann::json create_key(const nlohmann::json& in = nlohmann::json::object()) {
    Reply r = call(root, "CreateKey", in);
    if (!r.ok()) throw std::runtime_error("CreateKey failed: " + r.code + " " + r.message);
    return r.body["KeyMetadata"];
  }

  core::FakeClock clock{core::from_unix_seconds(1'700'000'000)};
  crypto::SecureRandom random;
  std::unique_ptr<store::Documents> docs = store::make_memory_documents();
  TestAuthorizer authz;
  std::string root_key = std::string(32, '\x5a');
  std::unique_ptr<KmsService> kms;
  core::Principal root = root_principal();
};

}  // namespace podbucket::kms::testing
