// Blobs as files: `root/tmp/<id>` while being written, `root/blobs/<id[0:2]>/<id[2:4]>/<id>` once committed.
// commit() makes the bytes and the directory entry durable (fdatasync, rename, fsync of the directory) before it
// returns, so a metadata commit that follows never points at a blob a crash could lose. Ids are 32 lower-case hex
// characters (128 random bits); any other id is rejected before it can name a path, so nothing outside `root`
// is ever touched.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "core/encoding.h"
#include "crypto/hash.h"
#include "store/blobs.h"
#include "store/timing.h"

namespace podbucket::store {
namespace {

namespace fs = std::filesystem;

constexpr size_t kIdBytes = 16;
constexpr size_t kIdLength = 2 * kIdBytes;
constexpr size_t kBufferSize = 1 << 20;  // userspace write buffer, bytes

[[noreturn]] void fail(const std::string& what, int error) {
  throw Unavailable("blob store: " + what + ": " + std::strerror(error));
}

/// A fresh random blob id: 128 bits from crypto::SecureRandom (OpenSSL's CSPRNG), as lower-case hex.
std::string random_id() {
  static crypto::SecureRandom random;
  std::string raw;
  try {
    raw = random.bytes(kIdBytes);
  } catch (const std::exception& e) {
    throw Unavailable(std::string("blob store: random id: ") + e.what());
  }
  return core::hex_encode(raw);
}

bool valid_id(std::string_view id) {
  if (id.size() != kIdLength) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

void fsync_dir(const fs::path& dir) {
  static observe::Histogram& sync_seconds = disk_sync_seconds("directory");
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail("open directory " + dir.string(), errno);
  int rc = 0, error = 0;
  {
    observe::ScopedTimer timer(sync_seconds);
    rc = ::fsync(fd);
    error = errno;
  }
  ::close(fd);
  if (rc != 0) fail("fsync directory " + dir.string(), error);
}

/// mkdir that tolerates an existing directory. Returns true if it created the directory.
bool make_dir(const fs::path& dir) {
  if (::mkdir(dir.c_str(), 0750) == 0) return true;
  if (errno == EEXIST) return false;
  fail("mkdir " + dir.string(), errno);
}

void write_all(int fd, const char* data, size_t n) {
  static observe::Histogram& write_seconds = operation_seconds("blobs", "fs", "write");
  observe::ScopedTimer timer(write_seconds);
  while (n > 0) {
    ssize_t written = ::write(fd, data, n);
    if (written < 0) {
      if (errno == EINTR) continue;
      fail("write", errno);
    }
    data += written;
    n -= static_cast<size_t>(written);
  }
}

class FsBlobWriter final : public BlobWriter {
 public:
  FsBlobWriter(fs::path root, std::string id, int fd)
      : root_(std::move(root)), id_(std::move(id)), tmp_(root_ / "tmp" / id_), fd_(fd) {}

  ~FsBlobWriter() override {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(tmp_.c_str());
  }

  void write(const char* data, size_t n) override {
    if (committed_) throw Unavailable("blob store: write after commit");
    size_ += n;
    if (used_ + n <= kBufferSize) {
      ensure_buffer();
      std::memcpy(buffer_.get() + used_, data, n);
      used_ += n;
      return;
    }
    flush();
    if (n >= kBufferSize) {
      write_all(fd_, data, n);  // large writes skip the copy
      return;
    }
    ensure_buffer();
    std::memcpy(buffer_.get(), data, n);
    used_ = n;
  }

  uint64_t size() const override { return size_; }

  std::string commit() override {
    if (committed_) throw Unavailable("blob store: commit twice");
    static observe::Histogram& commit_seconds = operation_seconds("blobs", "fs", "commit");
    static observe::Histogram& sync_seconds = disk_sync_seconds("file");
    observe::ScopedTimer commit_timer(commit_seconds);
    flush();
    int synced = 0, sync_error = 0;
    {
      observe::ScopedTimer sync_timer(sync_seconds);
      synced = ::fdatasync(fd_);
      sync_error = errno;
    }
    if (synced != 0) fail("fdatasync", sync_error);
    int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) fail("close", errno);
    // Fan out by the id's first two bytes; a newly made directory must itself be durable in its parent.
    fs::path blobs = root_ / "blobs";
    fs::path level1 = blobs / id_.substr(0, 2);
    fs::path level2 = level1 / id_.substr(2, 2);
    if (make_dir(level1)) fsync_dir(blobs);
    if (make_dir(level2)) fsync_dir(level1);
    fs::path final_path = level2 / id_;
    if (::rename(tmp_.c_str(), final_path.c_str()) != 0) fail("rename", errno);
    committed_ = true;
    fsync_dir(level2);
    return id_;
  }

 private:
  // Not value-initialized: zeroing 1 MiB (and faulting in every page) cost more CPU than the rest of a 4 KiB PUT.
  // Only the pages a write touches are faulted in.
  void ensure_buffer() {
    if (!buffer_) buffer_.reset(new char[kBufferSize]);
  }

  void flush() {
    if (used_ == 0) return;
    write_all(fd_, buffer_.get(), used_);
    used_ = 0;
  }

  const fs::path root_;
  const std::string id_;
  const fs::path tmp_;
  int fd_;
  bool committed_ = false;
  uint64_t size_ = 0;
  std::unique_ptr<char[]> buffer_;  // allocated on the first buffered write
  size_t used_ = 0;
};

class FsBlobReader final : public BlobReader {
 public:
  FsBlobReader(int fd, uint64_t size) : fd_(fd), size_(size) {}
  ~FsBlobReader() override { ::close(fd_); }

  uint64_t size() const override { return size_; }

  size_t read_at(uint64_t offset, char* buf, size_t n) const override {
    static observe::Histogram& read_seconds = operation_seconds("blobs", "fs", "read");
    observe::ScopedTimer timer(read_seconds);
    size_t total = 0;
    while (total < n) {
      ssize_t got = ::pread(fd_, buf + total, n - total, static_cast<off_t>(offset + total));
      if (got < 0) {
        if (errno == EINTR) continue;
        fail("pread", errno);
      }
      if (got == 0) break;
      total += static_cast<size_t>(got);
    }
    return total;
  }

 private:
  int fd_;
  uint64_t size_;
};

class FsBlobs final : public Blobs {
 public:
  explicit FsBlobs(fs::path root) : root_(std::move(root)) {
    std::error_code ec;
    bool created_root = fs::create_directories(root_, ec);
    if (ec) throw Unavailable("blob store: create " + root_.string() + ": " + ec.message());
    make_dir(root_ / "tmp");
    // blobs/ must be durable before the first commit relies on entries below it.
    if (make_dir(root_ / "blobs")) fsync_dir(root_);
    if (created_root) fsync_dir(fs::absolute(root_).parent_path());
  }

  std::unique_ptr<BlobWriter> create() override {
    std::string id = random_id();
    fs::path tmp = root_ / "tmp" / id;
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0) fail("create " + tmp.string(), errno);
    return std::make_unique<FsBlobWriter>(root_, std::move(id), fd);
  }

  std::unique_ptr<BlobReader> open(std::string_view blob_id) override {
    if (!valid_id(blob_id)) throw Unavailable("blob store: invalid blob id");
    fs::path path = path_of(blob_id);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) fail("open " + path.string(), errno);
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      int error = errno;
      ::close(fd);
      fail("fstat", error);
    }
    return std::make_unique<FsBlobReader>(fd, static_cast<uint64_t>(st.st_size));
  }

  void remove(std::string_view blob_id) override {
    if (!valid_id(blob_id)) return;  // cannot exist
    fs::path path = path_of(blob_id);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) fail("unlink " + path.string(), errno);
  }

  size_t sweep_orphans(const std::function<bool(std::string_view blob_id)>& is_referenced) override {
    size_t removed = 0;
    std::error_code ec;
    // Everything in tmp/ is an unfinished write from a previous run.
    for (fs::directory_iterator it(root_ / "tmp", ec), end; !ec && it != end; it.increment(ec)) {
      if (::unlink(it->path().c_str()) == 0) ++removed;
    }
    if (ec) throw Unavailable("blob store: sweep tmp: " + ec.message());
    for (fs::directory_iterator l1(root_ / "blobs", ec), end; !ec && l1 != end; l1.increment(ec)) {
      if (!l1->is_directory() || l1->is_symlink()) continue;
      for (fs::directory_iterator l2(l1->path(), ec); !ec && l2 != end; l2.increment(ec)) {
        if (!l2->is_directory() || l2->is_symlink()) continue;
        for (fs::directory_iterator file(l2->path(), ec); !ec && file != end; file.increment(ec)) {
          std::string name = file->path().filename().string();
          if (valid_id(name) && is_referenced(name)) continue;
          if (::unlink(file->path().c_str()) == 0) ++removed;
        }
      }
    }
    if (ec) throw Unavailable("blob store: sweep blobs: " + ec.message());
    return removed;
  }

 private:
  fs::path path_of(std::string_view id) const {
    return root_ / "blobs" / std::string(id.substr(0, 2)) / std::string(id.substr(2, 2)) / std::string(id);
  }

  const fs::path root_;
};

}  // namespace

std::unique_ptr<Blobs> make_fs_blobs(const fs::path& root) { return std::make_unique<FsBlobs>(root); }

}  // namespace podbucket::store
