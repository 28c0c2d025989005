#include "cli/credentials.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <regex>

#include "crypto/hash.h"

namespace podbucket::cli {
namespace {

class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::unsetenv("PODBUCKET_ROOT_ACCESS_KEY_ID");
    ::unsetenv("PODBUCKET_ROOT_SECRET_ACCESS_KEY");
    dir_ = std::filesystem::temp_directory_path() / ("podbucket-cli-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    file_ = dir_ / "root-credentials.json";
  }
  void TearDown() override {
    ::unsetenv("PODBUCKET_ROOT_ACCESS_KEY_ID");
    ::unsetenv("PODBUCKET_ROOT_SECRET_ACCESS_KEY");
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_, file_;
  crypto::SecureRandom random_;
};

TEST_F(CredentialsTest, GeneratedKeysHaveTheAwsShape) {
  auto c = generate_root_credentials(random_);
  EXPECT_TRUE(std::regex_match(c.access_key_id, std::regex("AKIA[A-Z0-9]{16}")));
  EXPECT_EQ(c.secret_access_key.size(), 40u);
  EXPECT_NE(generate_root_credentials(random_).access_key_id, c.access_key_id);
}

TEST_F(CredentialsTest, GeneratesOnceWithMode0600AndReusesTheFile) {
  auto first = load_root_credentials(file_, random_);
  EXPECT_TRUE(first.generated);
  struct stat st {};
  ASSERT_EQ(::stat(file_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto second = load_root_credentials(file_, random_);
  EXPECT_FALSE(second.generated);
  EXPECT_EQ(second.access_key_id, first.access_key_id);
  EXPECT_EQ(second.secret_access_key, first.secret_access_key);
}

TEST_F(CredentialsTest, EnvironmentWinsAndWritesNothing) {
  ::setenv("PODBUCKET_ROOT_ACCESS_KEY_ID", "AKIAENVENVENVENVENV0", 1);
  ::setenv("PODBUCKET_ROOT_SECRET_ACCESS_KEY", "envsecret", 1);
  auto c = load_root_credentials(file_, random_);
  EXPECT_EQ(c.access_key_id, "AKIAENVENVENVENVENV0");
  EXPECT_EQ(c.secret_access_key, "envsecret");
  EXPECT_FALSE(c.generated);
  EXPECT_FALSE(std::filesystem::exists(file_));
}

TEST_F(CredentialsTest, OnlyOneVariableIsAnError) {
  ::setenv("PODBUCKET_ROOT_ACCESS_KEY_ID", "AKIAENVENVENVENVENV0", 1);
  EXPECT_THROW(load_root_credentials(file_, random_), std::runtime_error);
}

TEST_F(CredentialsTest, MalformedFileIsAnError) {
  std::ofstream(file_) << "not json";
  EXPECT_THROW(load_root_credentials(file_, random_), std::runtime_error);
}

}  // namespace
}  // namespace podbucket::cli
