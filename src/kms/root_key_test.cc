#include "kms/root_key.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/encoding.h"
#include "crypto/hash.h"

namespace podbucket::kms {
namespace {

namespace fs = std::filesystem;

class RootKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kms-root-key-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static void write(const fs::path& p, const std::string& text, mode_t mode) {
    std::ofstream(p) << text;
    ::chmod(p.c_str(), mode);
  }
  static std::string read(const fs::path& p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  fs::path dir_;
  crypto::SecureRandom random_;
};

TEST(ParseRootKeyTest, AcceptsHexAndBase64Of32BytesOnly) {
  std::string raw(32, '\0');
  for (int i = 0; i < 32; ++i) raw[i] = char(i * 7 + 1);
  EXPECT_EQ(parse_root_key(core::hex_encode(raw)), raw);
  EXPECT_EQ(parse_root_key("  " + core::hex_encode(raw) + "\n"), raw);
  std::string upper = core::hex_encode(raw);
  for (char& c : upper) c = char(std::toupper(c));
  EXPECT_EQ(parse_root_key(upper), raw);
  EXPECT_EQ(parse_root_key(core::base64_encode(raw) + "\r\n"), raw);
  EXPECT_FALSE(parse_root_key(core::hex_encode(raw.substr(0, 31))));
  EXPECT_FALSE(parse_root_key(core::base64_encode(raw.substr(0, 31))));
  EXPECT_FALSE(parse_root_key(core::hex_encode(raw).substr(1) + "g"));
  EXPECT_FALSE(parse_root_key(""));
  EXPECT_FALSE(parse_root_key(raw));
}

TEST_F(RootKeyTest, GeneratesA0600FileOnceAndReadsItBack) {
  fs::path file = dir_ / "sub" / "kms-root-key";
  RootKey first = load_root_key(file, std::nullopt, random_);
  EXPECT_TRUE(first.generated);
  EXPECT_EQ(first.bytes.size(), 32u);
  EXPECT_TRUE(first.warning.empty());
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(read(file), core::hex_encode(first.bytes) + "\n");

  RootKey second = load_root_key(file, std::nullopt, random_);
  EXPECT_FALSE(second.generated);
  EXPECT_EQ(second.bytes, first.bytes);
  EXPECT_EQ(second.source, file.string());
  // No temporary files are left beside the key.
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(file.parent_path())) entries += e.path() == file ? 0 : 1;
  EXPECT_EQ(entries, 0u);
}

TEST_F(RootKeyTest, EnvironmentWinsAndTheFileIsNotCreated) {
  fs::path file = dir_ / "kms-root-key";
  std::string raw(32, 'k');
  RootKey key = load_root_key(file, core::base64_encode(raw), random_);
  EXPECT_EQ(key.bytes, raw);
  EXPECT_FALSE(key.generated);
  EXPECT_NE(key.source.find("PODBUCKET_KMS_ROOT_KEY"), std::string::npos);
  EXPECT_FALSE(fs::exists(file));
  // An empty variable counts as unset.
  EXPECT_TRUE(load_root_key(file, std::string(), random_).generated);
}

TEST_F(RootKeyTest, RejectsBadKeysWithoutEchoingThem) {
  fs::path file = dir_ / "kms-root-key";
  try {
    load_root_key(file, std::string("secret-but-wrong"), random_);
    FAIL() << "expected a throw";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).find("secret-but-wrong"), std::string::npos);
  }
  write(file, "not a key, but private\n", 0600);
  try {
    load_root_key(file, std::nullopt, random_);
    FAIL() << "expected a throw";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).find("private"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos);
  }
  // The malformed file is never replaced by a generated one.
  EXPECT_EQ(read(file), "not a key, but private\n");
}

TEST_F(RootKeyTest, WarnsWhenOthersCanReadTheFile) {
  fs::path file = dir_ / "kms-root-key";
  std::string raw(32, 'r');
  write(file, core::hex_encode(raw) + "\n", 0644);
  RootKey key = load_root_key(file, std::nullopt, random_);
  EXPECT_EQ(key.bytes, raw);
  EXPECT_NE(key.warning.find("0644"), std::string::npos);
  EXPECT_NE(key.warning.find("chmod 600"), std::string::npos);
  ::chmod(file.c_str(), 0400);
  EXPECT_TRUE(load_root_key(file, std::nullopt, random_).warning.empty());
}

}  // namespace
}  // namespace podbucket::kms
