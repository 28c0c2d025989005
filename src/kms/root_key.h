#pragma once
// The KMS root key: 32 bytes that wrap (AES-256-GCM) the material of every KMS key and of the SSE-S3 master key.
// Losing it makes every SSE-KMS and SSE-S3 object unreadable; see docs/kms.md for backup and restore.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/random.h"

namespace podbucket::kms {

/// The environment variable that, when set, supplies the root key (64 hex digits or base64 of 32 bytes) and
/// makes the key file unused.
inline constexpr const char* kRootKeyEnv = "PODBUCKET_KMS_ROOT_KEY";

/// A loaded root key. Never log `bytes`.
struct RootKey {
  std::string bytes;      // exactly 32 bytes
  std::string source;     // "environment variable PODBUCKET_KMS_ROOT_KEY" or the file path, for messages
  bool generated = false;  // true when this call created the file
  std::string warning;    // non-empty when the file is readable or writable by group or others: log it
};

/// Parses a root key as written in the file or the variable: 64 hex digits (either case) or standard base64 of
/// exactly 32 bytes, surrounding whitespace ignored. Returns nullopt for anything else.
std::optional<std::string> parse_root_key(std::string_view text);

/// Loads the root key: from `env_value` when it is set and non-empty; else from `file`; else generates 32 random
/// bytes and writes them to `file` as 64 hex digits and a newline, with mode 0600 from creation on (a temporary
/// file in the same folder is fsync-ed and then hard-linked into place, so a crash never leaves a partial key and
/// an existing file is never overwritten; the folder is created if missing). An existing file with group or
/// other permission bits loads with `warning` set.
/// Throws std::runtime_error when the variable or the file does not hold a valid key, or the file cannot be read
/// or created. The message never contains key material.
RootKey load_root_key(const std::filesystem::path& file, const std::optional<std::string>& env_value,
                      core::Random& random);

/// As above with `env_value` read from PODBUCKET_KMS_ROOT_KEY. This is what the CLI calls, with `file` from
/// --kms-root-key-file (default DATA_DIR/kms-root-key).
RootKey load_root_key(const std::filesystem::path& file, core::Random& random);

}  // namespace podbucket::kms
