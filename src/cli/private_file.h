#pragma once
// Small files only their owner may read (tokens), replaced atomically.
#include <filesystem>
#include <string>

namespace podbucket::cli {

/// Writes `text` to `path` with mode 0600: a temporary file in the same folder, fsync, rename. A reader (an SDK
/// re-reading its token file) never sees a partial file. Returns false on any failure (nothing half-written stays).
bool write_private_file(const std::filesystem::path& path, const std::string& text);

}  // namespace podbucket::cli
