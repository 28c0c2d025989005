#pragma once
// The audit trail's file: append-only JSON lines with size-based rotation.
//
// Layout: `path` is the current file; rotated files are `path.1` (newest) .. `path.N` (oldest, N = max_files).
// Rotation renames (trail.jsonl → trail.jsonl.1 → trail.jsonl.2 ...), so an event once written is never
// rewritten or moved within a file; the oldest file beyond max_files is deleted.
//
// Durability: every event is one write(2) on an O_APPEND descriptor, so it is in the kernel once append()
// returns and survives a crash of the process. Reaching the disk (surviving power loss) is fdatasync's job, and
// that costs about a disk flush per call; by default a background thread calls it at most every
// `sync_interval_s` seconds when something was written, and on rotation and shutdown. `sync_every_event`
// trades throughput for a zero loss window on power failure (see docs/audit.md for measurements).
//
// Errors never reach the caller's request: a failed open or write counts podbucket_audit_write_errors_total,
// logs at most one error line per 10 s, drops that event, and the next append tries to reopen the file.
// One writer per file: two processes appending to one trail rotate it under each other.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>

namespace podbucket::observe {

class Counter;

/// podbucket_audit_write_errors_total in observe::metrics(): audit events lost (or syncs failed) to I/O errors.
Counter& audit_write_errors();

struct AuditWriterOptions {
  std::string path;                  // current trail file; its directory is created (mode 0700) if missing
  uint64_t max_bytes = 100ull << 20;  // rotate before a write would take the file past this size (bytes)
  int max_files = 10;                // rotated files kept besides the current one (0 = none kept)
  double sync_interval_s = 1.0;      // background fdatasync period in seconds; <= 0 disables the thread
  bool sync_every_event = false;     // fdatasync after every append
};

class AuditWriter {
 public:
  /// Opens (creating with mode 0600) the trail file. Does not throw: an open failure is reported like a write
  /// failure and retried on the next append.
  explicit AuditWriter(AuditWriterOptions options);
  /// Syncs and closes the file, stopping the background thread.
  ~AuditWriter();
  AuditWriter(const AuditWriter&) = delete;
  AuditWriter& operator=(const AuditWriter&) = delete;

  /// Appends `line` plus '\n' as one write, rotating first if the file would exceed max_bytes. Thread-safe;
  /// never throws. Returns false if the event was not written (the error is counted and logged). Concurrent
  /// appends share the lock: the kernel serializes O_APPEND writes to the file, so they do not queue on each
  /// other; only opening, rotating, failures and sync_every_event take it exclusively.
  bool append(std::string_view line);
  /// fdatasync now if anything was written since the last sync. Thread-safe; never throws.
  void sync();

  const AuditWriterOptions& options() const { return options_; }

 private:
  bool append_exclusive(const std::string& record);
  bool open_locked();
  bool rotate_locked();
  void fail_locked(std::string_view what, int err);
  void sync_loop();

  const AuditWriterOptions options_;
  std::shared_mutex mu_;            // shared: a write to fd_; exclusive: anything that changes fd_ or the fields below
  int fd_ = -1;                     // guarded by mu_
  std::atomic<uint64_t> size_{0};   // bytes in the current file, reserved by appends before they write
  std::atomic<bool> dirty_{false};  // written since the last fdatasync
  int64_t last_error_log_ms_ = -1;  // guarded by mu_ (exclusive)
  uint64_t suppressed_errors_ = 0;  // guarded by mu_ (exclusive)
  std::mutex stop_mu_;
  bool stopping_ = false;           // guarded by stop_mu_
  std::condition_variable wake_;
  std::thread syncer_;
};

/// The directory of `path` created like the writer does: missing components with mode 0700. Returns false (and
/// sets errno) on failure.
bool make_private_dirs(const std::string& dir);

}  // namespace podbucket::observe
