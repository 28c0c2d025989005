#include "cli/credentials.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace podbucket::cli {

namespace {

constexpr std::string_view kKeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::string_view kSecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::optional<RootCredentials> read_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  auto j = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j["access_key_id"].is_string() || !j["secret_access_key"].is_string())
    throw std::runtime_error(file.string() + " is not a valid credentials file");
  RootCredentials c;
  c.access_key_id = j["access_key_id"].get<std::string>();
  c.secret_access_key = j["secret_access_key"].get<std::string>();
  if (c.access_key_id.empty() || c.secret_access_key.empty())
    throw std::runtime_error(file.string() + " has an empty key");
  return c;
}

// Writes with O_EXCL so that an existing file is never overwritten, and with mode 0600 from the start so the
// secret is never readable by others, not even briefly. False if the file appeared meanwhile.
bool write_new_file(const std::filesystem::path& file, const RootCredentials& c) {
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return false;
    throw std::runtime_error("cannot create " + file.string() + ": " + std::strerror(errno));
  }
  nlohmann::json j = {{"access_key_id", c.access_key_id}, {"secret_access_key", c.secret_access_key}};
  std::string text = j.dump(2) + "\n";
  size_t off = 0;
  while (off < text.size()) {
    ssize_t n = ::write(fd, text.data() + off, text.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      throw std::runtime_error("cannot write " + file.string() + ": " + std::strerror(errno));
    }
    off += size_t(n);
  }
  ::fsync(fd);
  ::close(fd);
  return true;
}

}  // namespace

RootCredentials generate_root_credentials(core::Random& random) {
  RootCredentials c;
  c.access_key_id = "AKIA" + random.token(16, kKeyAlphabet);
  c.secret_access_key = random.token(40, kSecretAlphabet);
  c.generated = true;
  return c;
}

RootCredentials load_root_credentials(const std::filesystem::path& file, core::Random& random) {
  const char* id = std::getenv("PODBUCKET_ROOT_ACCESS_KEY_ID");
  const char* secret = std::getenv("PODBUCKET_ROOT_SECRET_ACCESS_KEY");
  bool have_id = id && *id, have_secret = secret && *secret;
  if (have_id != have_secret)
    throw std::runtime_error(
        "set both PODBUCKET_ROOT_ACCESS_KEY_ID and PODBUCKET_ROOT_SECRET_ACCESS_KEY, or neither");
  if (have_id) return RootCredentials{id, secret, false};

  if (auto existing = read_file(file)) return *existing;
  auto fresh = generate_root_credentials(random);
  if (write_new_file(file, fresh)) return fresh;
  if (auto existing = read_file(file)) return *existing;  // another process won the race
  throw std::runtime_error("cannot read " + file.string());
}

}  // namespace podbucket::cli
