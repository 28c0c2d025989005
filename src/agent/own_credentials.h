#pragma once
// The agent's own AWS identity (the node role on EKS; here any podbucket principal allowed
// eks-auth:AssumeRoleForPodIdentity): from the standard environment variables, else from a shared credentials
// file, which is re-read whenever it changes (the real agent's --rotate-credentials for hybrid nodes).
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "agent/eks_auth.h"
#include "core/result.h"
#include "sigv4/sign.h"

namespace podbucket::agent {

/// Reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN through `getenv`. nullopt when the key
/// id or the secret is unset or empty.
std::optional<sigv4::Credentials> credentials_from_env(const std::function<const char*(const char*)>& getenv);

/// Parses an INI-style shared credentials file (~/.aws/credentials) and returns `profile`'s
/// aws_access_key_id / aws_secret_access_key / aws_session_token. Comments (# and ;) and blank lines are skipped,
/// keys and values are trimmed. kInternal when the profile or one of the two keys is missing.
core::Result<sigv4::Credentials> parse_credentials_file(std::string_view text, std::string_view profile);

/// A shared credentials file, re-read when its modification time or size changes. Thread-safe.
class SharedCredentialsFile {
 public:
  SharedCredentialsFile(std::filesystem::path path, std::string profile);
  /// The current credentials. kInternal when the file cannot be read or lacks the profile.
  core::Result<sigv4::Credentials> get();

 private:
  std::filesystem::path path_;
  std::string profile_;
  std::mutex mu_;
  std::filesystem::file_time_type mtime_{};           // GUARDED_BY(mu_)
  uintmax_t size_ = 0;                                // GUARDED_BY(mu_)
  std::optional<sigv4::Credentials> cached_;          // GUARDED_BY(mu_)
};

/// Where the agent's identity comes from.
struct OwnCredentialsOptions {
  std::string credentials_file;  // "" = $AWS_SHARED_CREDENTIALS_FILE, else $HOME/.aws/credentials
  std::string profile;           // "" = $AWS_PROFILE, else "default"
};

/// The source the agent uses: the environment variables when set (fixed for the process's life), else the
/// credentials file (re-read on change). Never fails itself; the source it returns fails (kInternal, "no AWS
/// credentials: ...") when neither has credentials.
CredentialsSource default_credentials_source(const OwnCredentialsOptions& options);

}  // namespace podbucket::agent
