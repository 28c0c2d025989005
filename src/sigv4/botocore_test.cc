// Requests signed by the real botocore signer (Debian python3-botocore, run via /usr/bin/python3) must verify.
// Skips when /usr/bin/python3 or botocore is missing.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "sigv4/test_util.h"
#include "sigv4/verify.h"

namespace podbucket::sigv4 {
namespace {

constexpr char kAkid[] = "AKIAEXAMPLE000000001";
constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLE01";
constexpr char kToken[] = "IQoJb3JpZ2luX2VjEXAMPLE/token+with=chars";

std::vector<nlohmann::json> botocore_requests() {
  std::string script = std::string(PODBUCKET_SIGV4_SRC_DIR) + "/botocore_requests.py";
  if (!std::filesystem::exists("/usr/bin/python3")) return {};
  std::string cmd = "AWS_EC2_METADATA_DISABLED=true /usr/bin/python3 '" + script + "' '" + kAkid + "' '" + kSecret +
                    "' '" + kToken + "' 2>/dev/null";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return {};
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  pclose(pipe);
  std::vector<nlohmann::json> requests;
  size_t start = 0;
  while (start < out.size()) {
    size_t nl = out.find('\n', start);
    std::string line = out.substr(start, nl - start);
    start = nl == std::string::npos ? out.size() : nl + 1;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded()) requests.push_back(std::move(j));
  }
  return requests;
}

TEST(BotocoreTest, RealSignerRequestsVerify) {
  auto requests = botocore_requests();
  if (requests.empty()) GTEST_SKIP() << "no /usr/bin/python3 with botocore";
  EXPECT_GE(requests.size(), 16u);
  core::SystemClock clock;
  auto lookup = testing::single_key(kAkid, kSecret, kToken);
  for (const auto& j : requests) {
    std::string name = j["name"];
    http::Request req;
    req.method = j["method"];
    req.path = j["path"];
    req.raw_query = j["query"];
    req.target = req.path + (req.raw_query.empty() ? "" : "?" + req.raw_query);
    for (const auto& h : j["headers"]) req.headers.add(h[0], h[1]);
    std::string body = *core::base64_decode(std::string(j["body"]));
    http::StringBodySource source(body);
    req.body = &source;
    req.content_length = body.size();
    auto v = verify(req, lookup, clock, "us-east-1");
    ASSERT_TRUE(v) << name << ": " << v.error().code() << " " << v.error().message() << "\n"
                   << (v.error().fields().size() > 4 ? v.error().fields()[4].second : "");
    EXPECT_EQ(v->principal.session_token, kToken) << name;
    EXPECT_EQ(testing::drain(*v->body), body) << name;

    // The same request with a different secret must fail.
    http::StringBodySource again(body);
    req.body = &again;
    auto wrong = verify(req, testing::single_key(kAkid, "not-the-secret", kToken), clock);
    ASSERT_FALSE(wrong) << name;
    EXPECT_EQ(wrong.error().code(), "SignatureDoesNotMatch") << name;
  }
}

}  // namespace
}  // namespace podbucket::sigv4
