#include "agent/own_credentials.h"

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <system_error>

#include "agent/errors.h"
#include "core/encoding.h"

namespace podbucket::agent {

std::optional<sigv4::Credentials> credentials_from_env(const std::function<const char*(const char*)>& getenv) {
  const char* id = getenv("AWS_ACCESS_KEY_ID");
  const char* secret = getenv("AWS_SECRET_ACCESS_KEY");
  if (!id || !*id || !secret || !*secret) return std::nullopt;
  const char* token = getenv("AWS_SESSION_TOKEN");
  return sigv4::Credentials{id, secret, token ? token : ""};
}

core::Result<sigv4::Credentials> parse_credentials_file(std::string_view text, std::string_view profile) {
  std::string section;
  bool found = false;
  sigv4::Credentials creds;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = core::trim(text.substr(pos, end - pos));
    if (!line.empty() && line.back() == '\r') line = core::trim(line.substr(0, line.size() - 1));
    pos = end + 1;
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = std::string(core::trim(line.substr(1, line.size() - 2)));
      if (section == profile) found = true;
      continue;
    }
    if (section != profile) continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string key = core::to_lower(core::trim(line.substr(0, eq)));
    std::string value(core::trim(line.substr(eq + 1)));
    if (key == "aws_access_key_id") creds.access_key_id = value;
    if (key == "aws_secret_access_key") creds.secret_access_key = value;
    if (key == "aws_session_token") creds.session_token = value;
  }
  if (!found) return core::AwsError(kInternal, "no profile [" + std::string(profile) + "] in the credentials file");
  if (creds.access_key_id.empty() || creds.secret_access_key.empty()) {
    return core::AwsError(kInternal, "profile [" + std::string(profile) +
                                         "] lacks aws_access_key_id or aws_secret_access_key");
  }
  return creds;
}

SharedCredentialsFile::SharedCredentialsFile(std::filesystem::path path, std::string profile)
    : path_(std::move(path)), profile_(std::move(profile)) {}

core::Result<sigv4::Credentials> SharedCredentialsFile::get() {
  std::error_code ec;
  auto mtime = std::filesystem::last_write_time(path_, ec);
  auto size = ec ? 0 : std::filesystem::file_size(path_, ec);
  if (ec) return core::AwsError(kInternal, "cannot read the credentials file " + path_.string() + ": " + ec.message());
  std::lock_guard lock(mu_);
  if (cached_ && mtime == mtime_ && size == size_) return *cached_;
  std::ifstream in(path_, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return core::AwsError(kInternal, "cannot read the credentials file " + path_.string());
  auto creds = parse_credentials_file(text.str(), profile_);
  if (!creds) return core::AwsError(kInternal, path_.string() + ": " + creds.error().message());
  cached_ = *creds;
  mtime_ = mtime;
  size_ = size;
  return *creds;
}

CredentialsSource default_credentials_source(const OwnCredentialsOptions& options) {
  if (auto env = credentials_from_env([](const char* n) { return std::getenv(n); }); env && options.credentials_file.empty()) {
    return [creds = *env]() -> core::Result<sigv4::Credentials> { return creds; };
  }
  std::string path = options.credentials_file;
  if (path.empty()) {
    const char* file = std::getenv("AWS_SHARED_CREDENTIALS_FILE");
    const char* home = std::getenv("HOME");
    if (file && *file) {
      path = file;
    } else if (home && *home) {
      path = std::string(home) + "/.aws/credentials";
    }
  }
  std::string profile = options.profile;
  if (profile.empty()) {
    const char* p = std::getenv("AWS_PROFILE");
    profile = p && *p ? p : "default";
  }
  if (path.empty()) {
    return []() -> core::Result<sigv4::Credentials> {
      return core::AwsError(kInternal,
                            "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or a credentials file");
    };
  }
  auto file = std::make_shared<SharedCredentialsFile>(path, profile);
  return [file]() -> core::Result<sigv4::Credentials> {
    auto creds = file->get();
    if (!creds) return core::AwsError(kInternal, "no AWS credentials: " + creds.error().message());
    return creds;
  };
}

}  // namespace podbucket::agent
