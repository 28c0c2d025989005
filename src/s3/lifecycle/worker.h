#pragma once
// The lifecycle worker: a background thread that applies every bucket's lifecycle configuration on an interval.
// It expires current versions (a delete marker in versioning-enabled and suspended buckets, removal in unversioned
// ones), removes noncurrent versions and expired object delete markers, aborts stale multipart uploads, and deletes
// the blobs of whatever it removed. Time comes from an injected Clock; the length of a lifecycle day is a
// parameter (see plan.h for the day arithmetic).
//
// Concurrency: a pass runs beside live requests. Versions are removed by id (immutable), delete markers are
// written with an If-Match on the expired version's ETag, so a newer write in between wins. In an unversioned
// bucket the current version is re-read right before it is deleted; an overwrite landing between that read and the
// delete (microseconds) would be lost, as it can be with S3's own asynchronous lifecycle.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.h"
#include "core/random.h"
#include "s3/context.h"
#include "s3/lifecycle/rules.h"
#include "store/blobs.h"
#include "store/metadata.h"

namespace podbucket::s3::lifecycle {

struct WorkerOptions {
  /// Time between two passes (real time, steady clock).
  std::chrono::milliseconds interval{std::chrono::hours(1)};
  /// Length of a lifecycle day in milliseconds; kRealDayMs except in tests.
  int64_t day_ms = 86'400'000;
};

/// What one pass did.
struct PassStats {
  size_t buckets = 0;           // buckets with a lifecycle configuration
  size_t expired_current = 0;   // current versions expired (delete marker written or object removed)
  size_t removed_versions = 0;  // noncurrent versions and delete markers removed
  size_t aborted_uploads = 0;
  size_t errors = 0;            // buckets whose pass failed (logged)
};

class Worker {
 public:
  /// The stores, clock, random source and config outlive the Worker.
  Worker(store::Metadata& meta, store::Blobs& blobs, const core::Clock& clock, core::Random& random,
         const Config& config, WorkerOptions options);
  /// Stops the thread if running.
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  /// Runs one pass over every bucket now, on the caller's thread. Never throws: a bucket whose pass fails (store
  /// unavailable) is logged and counted in `errors`. Not to be called concurrently with itself.
  PassStats run_once();
  /// Applies `config` to one bucket (the pass's per-bucket step; exposed for tests). Throws store::Unavailable.
  void apply(const store::BucketRecord& bucket, const Configuration& config, PassStats& stats);

  /// Starts the background thread: a pass every `interval`, the first one interval after start.
  void start();
  /// Wakes and joins the thread. A pass in progress stops after the listing page (1000 versions) or bucket at
  /// hand; the next pass starts over. Idempotent.
  void stop();

 private:
  void loop();
  void apply_key(Context& ctx, const store::BucketRecord& bucket, const Configuration& config,
                 const std::vector<store::ObjectRecord>& versions, PassStats& stats);
  void expire_current(Context& ctx, const store::BucketRecord& bucket, const store::ObjectRecord& current,
                      PassStats& stats);
  void abort_uploads(const store::BucketRecord& bucket, const Configuration& config, int64_t now_ms,
                     PassStats& stats);

  store::Metadata& meta_;
  store::Blobs& blobs_;
  const core::Clock& clock_;
  core::Random& random_;
  const Config& config_;
  const WorkerOptions options_;
  core::Principal system_;  // the caller recorded for the worker's own writes

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::atomic<bool> cancel_{false};  // set by stop(): a running pass returns early
  std::thread thread_;
};

}  // namespace podbucket::s3::lifecycle
