#pragma once
// Shared by eks/ unit tests: the whole EKS + EKS Auth stack over in-memory documents, a FakeClock and a seeded
// Random, with the real IAM Directory, DirectoryAuthorizer, STS SessionStore and RoleAssumer; helpers to create
// roles and users and to send JSON requests and read what comes back.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/time_format.h"
#include "eks/addons.h"
#include "eks/associations.h"
#include "eks/auth_service.h"
#include "eks/clusters.h"
#include "eks/oidc.h"
#include "eks/service.h"
#include "iam/directory.h"
#include "iam/directory_authorizer.h"
#include "store/documents.h"
#include "sts/assume.h"
#include "sts/sessions.h"

namespace podbucket::eks::testing {

inline constexpr const char* kAccount = "123456789012";
inline constexpr int64_t kStart = 1'800'000'000;  // 2027-01-15T08:00:00Z
inline constexpr const char* kEndpoint = "http://127.0.0.1:9000";

/// Deterministic randomness: core::SeededRandom, seed 11 unless given.
class SeededRandom final : public core::SeededRandom {
 public:
  explicit SeededRandom(uint32_t seed = 11) : core::SeededRandom(seed) {}
};

/// The trust policy of the seed's role: pods.eks.amazonaws.com may AssumeRole and TagSession.
inline constexpr const char* kPodsTrust =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},)"
    R"("Action":["sts:AssumeRole","sts:TagSession"]}]})";
/// The same without sts:TagSession.
inline constexpr const char* kPodsTrustNoTag =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},)"
    R"("Action":"sts:AssumeRole"}]})";

/// An identity policy allowing `action` (JSON text: a string or a list) on `resource`.
inline std::string allow(const std::string& action_json, const std::string& resource = "*") {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":)" + action_json +
         R"(,"Resource":")" + resource + R"("}]})";
}

/// A StoredDocument parsed as `kind` (must parse).
inline iam::StoredDocument stored(const std::string& json, policy::Kind kind = policy::Kind::kIdentity) {
  auto parsed = policy::parse(json, kind);
  EXPECT_TRUE(parsed.has_value()) << json;
  return {json, parsed ? *parsed : nullptr};
}

/// The outcome of one call: status and JSON body, or for errors the status, code and message.
struct Reply {
  int status = 0;
  nlohmann::json body;
  std::string code;
  std::string message;
  std::string raw;
  bool ok() const { return status == 200; }
};

/// Turns a handler result into a Reply.
inline Reply reply_of(core::Result<http::Response> result) {
  Reply r;
  if (!result) {
    r.status = result.error().http_status();
    r.code = std::string(result.error().code());
    r.message = result.error().message();
    return r;
  }
  r.status = result->status;
  r.raw = result->body;
  r.body = nlohmann::json::parse(result->body, nullptr, false);
  return r;
}

/// Everything, wired as the server wires it.
struct Stack {
  core::FakeClock clock{core::from_unix_seconds(kStart)};
  SeededRandom random;
  std::unique_ptr<store::Documents> docs = store::make_memory_documents();
  Config config = [] {
    Config c;
    c.account_id = kAccount;
    c.region = "us-east-1";
    c.public_endpoint = kEndpoint;
    return c;
  }();
  iam::Directory directory{*docs, clock, random, kAccount};
  iam::DirectoryAuthorizer authorizer{directory};
  sts::SessionStore sessions{*docs, clock, random};
  ClusterRegistry clusters{*docs, clock, random, config};
  sts::RoleAssumer assumer{directory, authorizer, sessions, &clusters, clock};
  AssociationStore associations{*docs, clock, random};
  AddonStore addons{*docs, clock, random};
  EksService eks{clusters, associations, addons, directory, authorizer, random};
  EksAuthService eks_auth{clusters, associations, assumer, authorizer, clock, random};
  OidcDiscovery oidc{clusters};
  iam::RequestFacts facts;

  Stack() {
    facts.region = "us-east-1";
    facts.now = clock.now();
  }

  static core::Principal root() {
    core::Principal p;
    p.anonymous = false;
    p.root = true;
    p.type = core::PrincipalType::kRoot;
    p.access_key_id = "AKIAROOTROOTROOTROOT";
    p.account_id = kAccount;
    p.arn = std::string("arn:aws:iam::") + kAccount + ":root";
    p.user_id = kAccount;
    return p;
  }

  /// An IAM user with an inline policy `policy_json` ("" = none), as a principal.
  core::Principal user(const std::string& name, const std::string& policy_json) {
    auto u = directory.create_user(name, "/", {});
    EXPECT_TRUE(u.has_value());
    if (!policy_json.empty())
      EXPECT_TRUE(directory.put_inline(iam::EntityKind::kUser, name, "p", stored(policy_json)).has_value());
    core::Principal p;
    p.anonymous = false;
    p.type = core::PrincipalType::kUser;
    p.access_key_id = "AKIAUSERUSERUSERUSER";
    p.account_id = kAccount;
    p.arn = u->arn;
    p.user_id = u->id;
    p.user_name = name;
    return p;
  }

  /// A role with `trust` and an optional inline identity policy. Returns its ARN.
  std::string role(const std::string& name, const std::string& trust, const std::string& policy_json = "") {
    iam::RoleSpec spec;
    spec.name = name;
    spec.trust = stored(trust, policy::Kind::kTrust);
    auto r = directory.create_role(std::move(spec));
    EXPECT_TRUE(r.has_value());
    if (!policy_json.empty())
      EXPECT_TRUE(directory.put_inline(iam::EntityKind::kRole, name, "p", stored(policy_json)).has_value());
    return r ? r->arn : std::string();
  }

  /// One EKS call.
  Reply eks_call(const std::string& method, const std::string& path, const nlohmann::json& body = nullptr,
                 const std::string& query = "", const core::Principal& who = root()) {
    return reply_of(send(eks, method, path, body, query, who));
  }

  /// One EKS Auth call.
  Reply auth_call(const std::string& cluster, const nlohmann::json& body, const core::Principal& who = root()) {
    return reply_of(send(eks_auth, "POST", "/clusters/" + cluster + "/assume-role-for-pod-identity", body, "", who));
  }

  /// A local cluster named `name` (via CreateCluster).
  void cluster(const std::string& name) {
    auto r = eks_call("POST", "/clusters",
                      {{"name", name}, {"roleArn", std::string("arn:aws:iam::") + kAccount + ":role/eks-cluster"}});
    ASSERT_EQ(r.status, 200) << r.code << ": " << r.message;
  }

  /// An association; returns its id.
  std::string associate(const std::string& cluster, const std::string& ns, const std::string& sa,
                        const std::string& role_arn, nlohmann::json extra = nlohmann::json::object()) {
    extra["namespace"] = ns;
    extra["serviceAccount"] = sa;
    extra["roleArn"] = role_arn;
    auto r = eks_call("POST", "/clusters/" + cluster + "/pod-identity-associations", extra);
    EXPECT_EQ(r.status, 200) << r.code << ": " << r.message;
    return r.ok() ? r.body["association"]["associationId"].get<std::string>() : std::string();
  }

  /// A token for a pod of `ns`/`sa` minted by the cluster.
  std::string token(const std::string& cluster, const std::string& ns, const std::string& sa,
                    const std::string& audience = "pods.eks.amazonaws.com", int64_t expires_in = 3600) {
    TokenRequest req;
    req.cluster = cluster;
    req.namespace_name = ns;
    req.service_account = sa;
    req.pod_name = "web-5d8f7c9b4-x2x7q";
    req.pod_uid = "8c4e3f0a-1b2c-4d5e-8f90-a1b2c3d4e5f6";
    req.audience = audience;
    req.expires_in = std::chrono::seconds(expires_in);
    auto minted = clusters.mint_token(req);
    EXPECT_TRUE(minted.has_value());
    return minted ? minted->token : std::string();
  }

 private:
  template <typename Service>
  core::Result<http::Response> send(Service& service, const std::string& method, const std::string& path,
                                    const nlohmann::json& body, const std::string& query, const core::Principal& who) {
    http::StringBodySource source(body.is_null() ? std::string() : body.dump());
    http::Request req;
    req.method = method;
    req.path = path;
    req.raw_query = query;
    req.target = path + (query.empty() ? "" : "?" + query);
    req.body = &source;
    facts.now = clock.now();
    iam::Call call{who, facts, "REQ1"};
    return service.handle(call, req);
  }
};

}  // namespace podbucket::eks::testing
