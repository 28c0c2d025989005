#pragma once
// Test fixture for sts/ unit tests: a whole STS service over in-memory documents, a FakeClock and a seeded
// Random, with helpers to create roles and users and to send forms and read the XML that comes back.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <pugixml.hpp>

#include "core/clock.h"
#include "core/encoding.h"
#include "core/random.h"
#include "core/time_format.h"
#include "iam/directory.h"
#include "iam/directory_authorizer.h"
#include "iam/key_lookup.h"
#include "store/documents.h"
#include "sts/identity_providers.h"
#include "sts/service.h"

namespace podbucket::sts::testing {

inline constexpr const char* kAccount = "123456789012";
inline constexpr int64_t kStart = 1'800'000'000;  // 2027-01-15T08:00:00Z

/// Deterministic randomness: core::SeededRandom, seed 7 unless given.
class SeededRandom final : public core::SeededRandom {
 public:
  explicit SeededRandom(uint32_t seed = 7) : core::SeededRandom(seed) {}
};

/// The outcome of one STS call: status and parsed XML body, or for errors the status, code and message.
struct Reply {
  int status = 0;
  std::string body;
  std::string code;     // error code ("" on success)
  std::string message;  // error message
  pugi::xml_document doc;

  /// The text of the first element at `path` ("AssumeRoleResult/Credentials/AccessKeyId"), below the root.
  std::string text(const std::string& path) const {
    pugi::xml_node n = doc.document_element();
    size_t start = 0;
    while (n && start <= path.size()) {
      size_t slash = path.find('/', start);
      std::string name = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
      n = n.child(name.c_str());
      if (slash == std::string::npos) break;
      start = slash + 1;
    }
    return n ? n.text().get() : std::string("<absent>");
  }
  bool ok() const { return status == 200; }
};

/// URL-encodes a form.
inline std::string form_body(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += core::uri_encode(k) + "=" + core::uri_encode(v);
  }
  return out;
}

/// A trust policy with one Allow statement for `principal` (JSON text of the Principal value) and `actions`
/// (JSON text), plus an optional Condition (JSON text).
inline std::string trust(const std::string& principal, const std::string& actions = R"("sts:AssumeRole")",
                         const std::string& condition = "") {
  std::string s = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":)" + principal +
                  R"(,"Action":)" + actions;
  if (!condition.empty()) s += R"(,"Condition":)" + condition;
  return s + "}]}";
}

inline std::string allow(const std::string& action, const std::string& resource) {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":")" + action + R"(","Resource":")" +
         resource + R"("}]})";
}

class StsFixture : public ::testing::Test {
 protected:
  StsFixture()
      : clock_(core::from_unix_seconds(kStart)),
        documents_(store::make_memory_documents()),
        directory_(*documents_, clock_, random_, kAccount),
        authorizer_(directory_),
        service_(std::make_unique<StsService>(directory_, authorizer_, *documents_, clock_, random_, kAccount,
                                              &providers_)) {}

  /// Creates a role; fails the test if IAM refuses it.
  iam::Role make_role(const std::string& name, const std::string& trust_json, const std::string& path = "/",
                      int max_session = 3600, std::vector<iam::Tag> tags = {}) {
    iam::RoleSpec spec;
    spec.name = name;
    spec.path = path;
    spec.max_session_duration = max_session;
    auto parsed = policy::parse(trust_json, policy::Kind::kTrust);
    EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().message());
    spec.trust = {trust_json, parsed ? *parsed : nullptr};
    spec.tags = std::move(tags);
    auto role = directory_.create_role(std::move(spec));
    EXPECT_TRUE(role) << (role ? "" : role.error().message());
    return role ? *role : iam::Role{};
  }

  /// Puts an inline identity policy on a role or user.
  void put_policy(iam::EntityKind kind, const std::string& entity, const std::string& json) {
    auto parsed = policy::parse(json, policy::Kind::kIdentity);
    ASSERT_TRUE(parsed) << parsed.error().message();
    auto r = directory_.put_inline(kind, entity, "p" + std::to_string(++policies_), {json, *parsed});
    ASSERT_TRUE(r) << r.error().message();
  }

  /// Creates a user with an access key and returns the principal its key signs as.
  core::Principal make_user(const std::string& name, std::vector<iam::Tag> tags = {}) {
    auto user = directory_.create_user(name, "/", std::move(tags));
    EXPECT_TRUE(user);
    auto key = directory_.create_access_key(name);
    EXPECT_TRUE(key);
    auto info = iam::user_key_lookup(directory_)(key->id);
    EXPECT_TRUE(info);
    return info ? info->principal : core::Principal{};
  }

  core::Principal root() const {
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

  /// The principal a session's credentials sign as (through the service's key lookup).
  core::Principal session_principal(const std::string& access_key_id) {
    auto info = service_->key_lookup()(access_key_id);
    EXPECT_TRUE(info) << access_key_id;
    return info ? info->principal : core::Principal{};
  }

  /// Sends `params` (Version=2011-06-15 added unless present) as a POST form by `caller`.
  Reply call(const core::Principal& caller, std::vector<std::pair<std::string, std::string>> params,
             bool add_version = true) {
    if (add_version) params.emplace_back("Version", "2011-06-15");
    return send(caller, form_body(params));
  }

  Reply send(const core::Principal& caller, std::string body) {
    http::Request req;
    req.method = "POST";
    req.path = "/";
    req.target = "/";
    req.headers.set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    http::StringBodySource src(std::move(body));
    req.body = &src;
    iam::RequestFacts facts;
    facts.now = clock_.now();
    facts.region = "us-east-1";
    facts.source_ip = "10.1.2.3";
    iam::Call c{caller, facts, "req-1"};
    auto r = service_->handle(c, req);
    Reply out;
    if (!r) {  // rendering errors is api/render_error's business (its golden tests pin the bytes)
      out.status = r.error().http_status();
      out.code = std::string(r.error().code());
      out.message = r.error().message();
      return out;
    }
    http::Response& res = *r;
    out.status = res.status;
    out.body = res.body;
    EXPECT_TRUE(out.doc.load_string(res.body.c_str())) << res.body;
    {
      EXPECT_EQ(res.headers.get("Content-Type").value_or(""), "text/xml");
      EXPECT_EQ(res.headers.get("x-amzn-RequestId").value_or(""), "req-1");
      EXPECT_STREQ(out.doc.document_element().attribute("xmlns").value(), "https://sts.amazonaws.com/doc/2011-06-15/");
      EXPECT_EQ(out.text("ResponseMetadata/RequestId"), "req-1");
    }
    return out;
  }

  /// AssumeRole with extra parameters.
  Reply assume(const core::Principal& caller, const std::string& role_arn, const std::string& session = "s1",
               std::vector<std::pair<std::string, std::string>> extra = {}) {
    std::vector<std::pair<std::string, std::string>> p = {
        {"Action", "AssumeRole"}, {"RoleArn", role_arn}, {"RoleSessionName", session}};
    for (auto& e : extra) p.push_back(std::move(e));
    return call(caller, std::move(p));
  }

  static std::string role_arn(const std::string& name, const std::string& path = "/") {
    return std::string("arn:aws:iam::") + kAccount + ":role" + path + name;
  }

  core::FakeClock clock_;
  SeededRandom random_;
  std::unique_ptr<store::Documents> documents_;
  iam::Directory directory_;
  iam::DirectoryAuthorizer authorizer_;
  MemoryIdentityProviders providers_;
  std::unique_ptr<StsService> service_;
  int policies_ = 0;
};

}  // namespace podbucket::sts::testing
