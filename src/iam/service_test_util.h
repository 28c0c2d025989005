#pragma once
// A whole IamService over the in-memory Documents store, driven with form bodies; replies parsed with pugixml.
#include <gtest/gtest.h>

#include <pugixml.hpp>

#include "core/encoding.h"
#include "core/time_format.h"
#include "iam/directory_authorizer.h"
#include "iam/service.h"
#include "iam/test_util.h"

namespace podbucket::iam::testing {

inline constexpr const char* kAccount = "123456789012";

/// One IAM reply: status and error code (on failure) and the parsed XML.
struct IamReply {
  int status = 0;
  std::string code;     // AWS error code when failed
  std::string message;  // error message when failed
  std::string body;
  pugi::xml_document xml;
  /// The text at a '/'-separated path below the document element, e.g. "CreateRoleResult/Role/Arn".
  std::string text(const std::string& path) const {
    auto node = xml.document_element().first_element_by_path(path.c_str());
    return node.text().as_string();
  }
  pugi::xml_node node(const std::string& path) const {
    return xml.document_element().first_element_by_path(path.c_str());
  }
};

/// Form-encodes name=value pairs.
inline std::string form(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += core::uri_encode(k) + "=" + core::uri_encode(v);
  }
  return out;
}

class IamServiceTest : public ::testing::Test {
 protected:
  IamServiceTest()
      : docs_(store::make_memory_documents()),
        clock_(core::from_unix_seconds(1'700'000'000)),
        dir_(*docs_, clock_, random_, kAccount),
        authorizer_(dir_),
        service_(dir_, authorizer_, clock_, random_, kAccount) {
    root_.anonymous = false;
    root_.root = true;
    root_.type = core::PrincipalType::kRoot;
    root_.account_id = kAccount;
    root_.arn = std::string("arn:aws:iam::") + kAccount + ":root";
    root_.user_id = kAccount;
    facts_.now = clock_.now();
    facts_.region = "us-east-1";
    facts_.source_ip = "127.0.0.1";
  }

  /// Sends Action=`action` with `params` as `caller` (root by default).
  IamReply call(const std::string& action, std::vector<std::pair<std::string, std::string>> params = {},
                const core::Principal* caller = nullptr) {
    params.insert(params.begin(), {{"Action", action}, {"Version", "2010-05-08"}});
    http::Request req;
    req.method = "POST";
    req.path = "/";
    req.target = "/";
    req.headers.add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    std::string body = form(params);
    req.content_length = body.size();
    http::StringBodySource source(body);
    req.body = &source;
    Call c{caller ? *caller : root_, facts_, "REQ-1"};
    auto res = service_.handle(c, req);
    IamReply out;
    if (!res) {
      out.status = res.error().http_status();
      out.code = std::string(res.error().code());
      out.message = res.error().message();
      return out;
    }
    out.status = res->status;
    out.body = res->body;
    EXPECT_EQ(res->headers.get("Content-Type").value_or(""), "text/xml");
    auto parsed = out.xml.load_string(out.body.c_str());
    EXPECT_TRUE(parsed) << out.body;
    return out;
  }

  /// An IAM user principal as the key lookup would build it.
  core::Principal user_principal(const std::string& name) {
    auto u = dir_.find_user(name);
    EXPECT_TRUE(u);
    core::Principal p;
    p.anonymous = false;
    p.type = core::PrincipalType::kUser;
    p.arn = u->arn;
    p.account_id = kAccount;
    p.user_id = u->id;
    p.user_name = u->name;
    return p;
  }

  std::unique_ptr<store::Documents> docs_;
  core::FakeClock clock_;
  SeededRandom random_;
  Directory dir_;
  DirectoryAuthorizer authorizer_;
  IamService service_;
  core::Principal root_;
  RequestFacts facts_;
};

}  // namespace podbucket::iam::testing
