#include "agent/own_credentials.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

namespace podbucket::agent {
namespace {

TEST(OwnCredentials, FromEnvironment) {
  std::map<std::string, std::string> env{{"AWS_ACCESS_KEY_ID", "AKIA1"}, {"AWS_SECRET_ACCESS_KEY", "s1"}};
  auto get = [&](const char* n) -> const char* {
    auto it = env.find(n);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  auto c = credentials_from_env(get);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->access_key_id, "AKIA1");
  EXPECT_EQ(c->secret_access_key, "s1");
  EXPECT_EQ(c->session_token, "");
  env["AWS_SESSION_TOKEN"] = "tok";
  EXPECT_EQ(credentials_from_env(get)->session_token, "tok");
  env["AWS_SECRET_ACCESS_KEY"] = "";
  EXPECT_FALSE(credentials_from_env(get));
  env.erase("AWS_SECRET_ACCESS_KEY");
  EXPECT_FALSE(credentials_from_env(get));
}

TEST(OwnCredentials, ParseFile) {
  const char* text =
      "# node credentials\r\n"
      "[default]\r\n"
      "aws_access_key_id = AKIADEFAULT\r\n"
      "aws_secret_access_key=secret-default\r\n"
      "\n"
      "[node]\n"
      "; rotated hourly\n"
      "AWS_ACCESS_KEY_ID = ASIANODE\n"
      "aws_secret_access_key = secret/node+x=\n"
      "aws_session_token = token-node\n";
  auto d = parse_credentials_file(text, "default");
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(d->access_key_id, "AKIADEFAULT");
  EXPECT_EQ(d->secret_access_key, "secret-default");
  EXPECT_EQ(d->session_token, "");
  auto n = parse_credentials_file(text, "node");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->access_key_id, "ASIANODE");
  EXPECT_EQ(n->secret_access_key, "secret/node+x=");
  EXPECT_EQ(n->session_token, "token-node");
  auto missing = parse_credentials_file(text, "other");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message(), "no profile [other] in the credentials file");
  EXPECT_FALSE(parse_credentials_file("[default]\naws_access_key_id=x\n", "default"));
}

TEST(OwnCredentials, FileIsReReadWhenItChanges) {
  auto path = std::filesystem::temp_directory_path() / ("podbucket-agent-creds-" + std::to_string(::getpid()));
  auto write = [&](const std::string& id) {
    std::ofstream(path) << "[default]\naws_access_key_id=" << id << "\naws_secret_access_key=s\n";
  };
  write("AKIAFIRST");
  SharedCredentialsFile file(path, "default");
  EXPECT_EQ(file.get()->access_key_id, "AKIAFIRST");
  write("AKIASECOND2");  // another size, so the change is seen even within one mtime tick
  EXPECT_EQ(file.get()->access_key_id, "AKIASECOND2");
  std::filesystem::remove(path);
  auto gone = file.get();
  ASSERT_FALSE(gone);
  EXPECT_NE(gone.error().message().find("cannot read the credentials file"), std::string::npos);
}

TEST(OwnCredentials, DefaultSourceWithAnExplicitFile) {
  auto path = std::filesystem::temp_directory_path() / ("podbucket-agent-creds2-" + std::to_string(::getpid()));
  std::ofstream(path) << "[agent]\naws_access_key_id=AKIAFILE\naws_secret_access_key=s\n";
  auto source = default_credentials_source({.credentials_file = path.string(), .profile = "agent"});
  auto c = source();
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->access_key_id, "AKIAFILE");
  std::filesystem::remove(path);
  auto none = default_credentials_source({.credentials_file = "/nonexistent/credentials"})();
  ASSERT_FALSE(none);
  EXPECT_TRUE(none.error().message().starts_with("no AWS credentials: "));
}

}  // namespace
}  // namespace podbucket::agent
