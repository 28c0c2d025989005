#pragma once
// The blob store: object bytes as files under the data dir. Writes go to a temp file, are fsync'd and renamed
// into place before the metadata commit, so no reader ever sees a partial blob. Memory use is constant in the
// blob size: callers stream through write()/read().
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "store/metadata.h"

namespace podbucket::store {

/// An open temp file being filled. Destroying it without commit() removes the temp file. Not thread-safe.
class BlobWriter {
 public:
  virtual ~BlobWriter() = default;
  /// Appends bytes. Throws Unavailable on I/O failure (disk full).
  virtual void write(const char* data, size_t n) = 0;
  /// Bytes written so far.
  virtual uint64_t size() const = 0;
  /// fsyncs the file, renames it into place, fsyncs the directory; returns the new blob id.
  /// Throws Unavailable on I/O failure.
  virtual std::string commit() = 0;
};

/// A committed blob opened for positional reads. Thread-safe.
class BlobReader {
 public:
  virtual ~BlobReader() = default;
  virtual uint64_t size() const = 0;
  /// Reads up to `n` bytes at `offset`; returns the count (0 at the end). Throws Unavailable on I/O failure.
  virtual size_t read_at(uint64_t offset, char* buf, size_t n) const = 0;
};

class Blobs {
 public:
  virtual ~Blobs() = default;
  /// Starts a new blob. Throws Unavailable.
  virtual std::unique_ptr<BlobWriter> create() = 0;
  /// Opens a committed blob. Throws Unavailable if it is missing or unreadable.
  virtual std::unique_ptr<BlobReader> open(std::string_view blob_id) = 0;
  /// Deletes a blob; a missing blob is not an error.
  virtual void remove(std::string_view blob_id) = 0;
  /// Start-up sweep: deletes every temp file and every committed blob for which `is_referenced` is false.
  /// Returns the number of files removed.
  virtual size_t sweep_orphans(const std::function<bool(std::string_view blob_id)>& is_referenced) = 0;
};

/// Blobs on a local filesystem under `root` (created if missing). Throws Unavailable.
std::unique_ptr<Blobs> make_fs_blobs(const std::filesystem::path& root);

}  // namespace podbucket::store
