#pragma once
// The root user's access key: from the environment, or generated once and kept in DATA/root-credentials.json.
#include <filesystem>
#include <optional>
#include <string>

#include "core/random.h"

namespace podbucket::cli {

struct RootCredentials {
  std::string access_key_id;      // "AKIA" + 16 upper-case alphanumerics when generated
  std::string secret_access_key;  // 40 characters when generated
  bool generated = false;         // true when created by this call (the caller prints them once)
};

/// Generates a new key pair in the shape AWS uses.
RootCredentials generate_root_credentials(core::Random& random);

/// Returns the root credentials: PODBUCKET_ROOT_ACCESS_KEY_ID / PODBUCKET_ROOT_SECRET_ACCESS_KEY when both are set;
/// else the ones stored in `file`; else new ones written to `file` (created with O_EXCL and mode 0600, never
/// chmod-ed afterwards). Throws std::runtime_error when only one variable is set or the file is unreadable,
/// malformed or cannot be created.
RootCredentials load_root_credentials(const std::filesystem::path& file, core::Random& random);

}  // namespace podbucket::cli
