#include "observe/audit_writer.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "observe/metrics.h"

namespace podbucket::observe {
namespace {

constexpr int64_t kErrorLogIntervalMs = 10'000;

Counter& events_written() {
  static Counter& c = metrics().counter("podbucket_audit_events_total", "Events appended to the audit trail");
  return c;
}

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string parent_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string rotated(const std::string& path, int n) { return path + "." + std::to_string(n); }

}  // namespace

Counter& audit_write_errors() {
  static Counter& c = metrics().counter("podbucket_audit_write_errors_total",
                                        "Audit trail events that could not be written (open, write or sync failed)");
  return c;
}

bool make_private_dirs(const std::string& dir) {
  if (dir.empty()) return true;
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return true;
    errno = ENOTDIR;
    return false;
  }
  if (errno != ENOENT) return false;
  std::string parent = parent_of(dir);
  if (parent != dir && !make_private_dirs(parent)) return false;
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return false;
  return true;
}

AuditWriter::AuditWriter(AuditWriterOptions options) : options_(std::move(options)) {
  audit_write_errors();  // the counter exists (at 0) from start-up, so dashboards see it before the first failure
  events_written();
  {
    std::unique_lock lock(mu_);
    open_locked();
  }
  if (options_.sync_interval_s > 0 && !options_.sync_every_event) syncer_ = std::thread([this] { sync_loop(); });
}

AuditWriter::~AuditWriter() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (syncer_.joinable()) syncer_.join();
  std::unique_lock lock(mu_);
  if (fd_ >= 0) {
    if (dirty_) ::fdatasync(fd_);
    ::close(fd_);
    fd_ = -1;
  }
}

bool AuditWriter::open_locked() {
  if (!make_private_dirs(parent_of(options_.path))) {
    fail_locked("cannot create the audit directory " + parent_of(options_.path), errno);
    return false;
  }
  int fd = ::open(options_.path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    fail_locked("cannot open the audit trail " + options_.path, errno);
    return false;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    fail_locked("cannot stat the audit trail " + options_.path, errno);
    ::close(fd);
    return false;
  }
  fd_ = fd;
  size_ = static_cast<uint64_t>(st.st_size);
  return true;
}

bool AuditWriter::rotate_locked() {
  if (fd_ >= 0) {
    if (dirty_) ::fdatasync(fd_);
    ::close(fd_);
    fd_ = -1;
    dirty_ = false;
  }
  const std::string& path = options_.path;
  if (options_.max_files <= 0) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      fail_locked("cannot remove the full audit trail " + path, errno);
      return false;
    }
  } else {
    if (::unlink(rotated(path, options_.max_files).c_str()) != 0 && errno != ENOENT)
      spdlog::warn("audit: cannot remove {}: {}", rotated(path, options_.max_files), std::strerror(errno));
    for (int i = options_.max_files - 1; i >= 1; --i) {
      if (::rename(rotated(path, i).c_str(), rotated(path, i + 1).c_str()) != 0 && errno != ENOENT) {
        fail_locked("cannot rotate " + rotated(path, i), errno);
        return false;
      }
    }
    if (::rename(path.c_str(), rotated(path, 1).c_str()) != 0 && errno != ENOENT) {
      fail_locked("cannot rotate " + path, errno);
      return false;
    }
  }
  return open_locked();
}

void AuditWriter::fail_locked(std::string_view what, int err) {
  audit_write_errors().inc();
  int64_t now = steady_ms();
  if (last_error_log_ms_ >= 0 && now - last_error_log_ms_ < kErrorLogIntervalMs) {
    ++suppressed_errors_;
    return;
  }
  if (suppressed_errors_ > 0) {
    spdlog::error("audit: {}: {} (and {} more audit errors since the last report)", what, std::strerror(err),
                  suppressed_errors_);
  } else {
    spdlog::error("audit: {}: {}", what, std::strerror(err));
  }
  last_error_log_ms_ = now;
  suppressed_errors_ = 0;
}

bool AuditWriter::append(std::string_view line) {
  std::string record;
  try {
    record.reserve(line.size() + 1);
    record.append(line);
    record.push_back('\n');
  } catch (...) {
    return false;  // out of memory: nothing sensible to log
  }
  // The common case shares the lock: the kernel serializes O_APPEND writes. Anything else (no file yet, a
  // rotation due, a failed or short write, an fdatasync per event) goes through the exclusive path.
  if (!options_.sync_every_event) {
    const uint64_t n = record.size();
    std::shared_lock lock(mu_);
    if (fd_ >= 0) {
      uint64_t before = size_.fetch_add(n);
      if (before == 0 || before + n <= options_.max_bytes) {
        ssize_t written = ::write(fd_, record.data(), n);
        if (written == static_cast<ssize_t>(n)) {
          dirty_.store(true);
          events_written().inc();
          return true;
        }
        // A failed or short write (disk full): the exclusive path writes the rest or reports the failure.
        size_.fetch_sub(n - static_cast<uint64_t>(written > 0 ? written : 0));
        if (written > 0) record.erase(0, static_cast<size_t>(written));
      } else {
        size_.fetch_sub(n);  // the file needs rotating first
      }
    }
  }
  std::unique_lock lock(mu_);
  return append_exclusive(record);
}

bool AuditWriter::append_exclusive(const std::string& record) {
  if (fd_ < 0 && !open_locked()) return false;
  if (size_ > 0 && size_ + record.size() > options_.max_bytes && !rotate_locked()) return false;
  size_t done = 0;
  while (done < record.size()) {
    ssize_t n = ::write(fd_, record.data() + done, record.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      fail_locked("cannot write the audit trail " + options_.path, n < 0 ? errno : EIO);
      ::close(fd_);  // reopened on the next append; a torn line stays behind as one unparseable line
      fd_ = -1;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  size_ += record.size();
  dirty_ = true;
  if (options_.sync_every_event) {
    if (::fdatasync(fd_) != 0) {
      fail_locked("cannot sync the audit trail " + options_.path, errno);
    } else {
      dirty_ = false;
    }
  }
  events_written().inc();
  return true;
}

void AuditWriter::sync() {
  int fd = -1;
  {
    std::shared_lock lock(mu_);
    if (fd_ < 0 || !dirty_.exchange(false)) return;
    fd = ::dup(fd_);  // sync outside the lock so appends do not wait for the disk
  }
  if (fd < 0) return;
  if (::fdatasync(fd) != 0) {
    int err = errno;
    std::unique_lock lock(mu_);
    fail_locked("cannot sync the audit trail " + options_.path, err);
    dirty_ = true;
  }
  ::close(fd);
}

void AuditWriter::sync_loop() {
  auto interval = std::chrono::duration<double>(options_.sync_interval_s);
  std::unique_lock lock(stop_mu_);
  while (!stopping_) {
    wake_.wait_for(lock, interval, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    sync();
    lock.lock();
  }
}

}  // namespace podbucket::observe
