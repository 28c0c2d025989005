#include "kms/root_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/encoding.h"

namespace podbucket::kms {
namespace {

constexpr size_t kRootKeySize = 32;

std::runtime_error failure(const std::filesystem::path& file, std::string_view what) {
  return std::runtime_error("KMS root key file " + file.string() + ": " + std::string(what));
}

std::string errno_text() { return std::strerror(errno); }

void write_all(int fd, std::string_view text, const std::filesystem::path& file) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw failure(file, "cannot write: " + errno_text());
    text.remove_prefix(size_t(n));
  }
}

void fsync_dir(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // best effort: the key file itself is already durable
  ::fsync(fd);
  ::close(fd);
}

// Writes `text` to a fresh 0600 temporary file beside `file`, makes it durable, then links it into place. Returns
// false (writing nothing) if `file` appeared meanwhile.
bool create_key_file(const std::filesystem::path& file, std::string_view text) {
  std::filesystem::path dir = file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string tmpl = (dir / ("." + file.filename().string() + ".XXXXXX")).string();
  int fd = ::mkstemp(tmpl.data());  // mode 0600
  if (fd < 0) throw failure(file, "cannot create a temporary file in " + dir.string() + ": " + errno_text());
  std::filesystem::path tmp = tmpl;
  try {
    ::fchmod(fd, 0600);
    write_all(fd, text, file);
    if (::fsync(fd) != 0) throw failure(file, "cannot fsync: " + errno_text());
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  ::close(fd);
  int rc = ::link(tmp.c_str(), file.c_str());
  int link_errno = errno;
  ::unlink(tmp.c_str());
  if (rc != 0) {
    if (link_errno == EEXIST) return false;
    errno = link_errno;
    throw failure(file, "cannot create: " + errno_text());
  }
  fsync_dir(dir);
  return true;
}

RootKey read_key_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw failure(file, "cannot open: " + errno_text());
  std::ostringstream text;
  text << in.rdbuf();
  auto key = parse_root_key(text.str());
  if (!key) throw failure(file, "does not hold a root key (expected 64 hex digits or base64 of 32 bytes)");
  RootKey out{std::move(*key), file.string(), false, ""};
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", unsigned(st.st_mode & 07777));
    out.warning = "KMS root key file " + file.string() + " has mode " + mode +
                  ": other users may read it; run chmod 600 on it";
  }
  return out;
}

}  // namespace

std::optional<std::string> parse_root_key(std::string_view text) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  if (text.size() == 2 * kRootKeySize) {
    if (auto raw = core::hex_decode(text)) return raw;
  }
  if (text.size() == 44 && text.back() == '=') {
    if (auto raw = core::base64_decode(text); raw && raw->size() == kRootKeySize) return raw;
  }
  return std::nullopt;
}

RootKey load_root_key(const std::filesystem::path& file, const std::optional<std::string>& env_value,
                      core::Random& random) {
  if (env_value && !env_value->empty()) {
    auto key = parse_root_key(*env_value);
    if (!key)
      throw std::runtime_error(std::string(kRootKeyEnv) +
                               " does not hold a root key (expected 64 hex digits or base64 of 32 bytes)");
    return RootKey{std::move(*key), std::string("environment variable ") + kRootKeyEnv, false, ""};
  }
  if (file.empty()) throw std::runtime_error("no KMS root key file configured and " + std::string(kRootKeyEnv) + " unset");
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    std::string raw = random.bytes(kRootKeySize);
    if (raw.size() != kRootKeySize) throw failure(file, "random source failed");
    if (create_key_file(file, core::hex_encode(raw) + "\n")) return RootKey{std::move(raw), file.string(), true, ""};
    // Someone else created it first: use theirs.
  }
  return read_key_file(file);
}

RootKey load_root_key(const std::filesystem::path& file, core::Random& random) {
  const char* env = std::getenv(kRootKeyEnv);
  return load_root_key(file, env ? std::optional<std::string>(env) : std::nullopt, random);
}

}  // namespace podbucket::kms
