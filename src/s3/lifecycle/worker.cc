#include "s3/lifecycle/worker.h"

#include <spdlog/spdlog.h>

#include "core/time_format.h"
#include "s3/errors.h"
#include "s3/headers.h"
#include "s3/lifecycle/metrics.h"
#include "s3/lifecycle/plan.h"
#include "s3/object/commit.h"

namespace podbucket::s3::lifecycle {
namespace {

constexpr size_t kPageSize = 1000;

}  // namespace

Worker::Worker(store::Metadata& meta, store::Blobs& blobs, const core::Clock& clock, core::Random& random,
               const Config& config, WorkerOptions options)
    : meta_(meta), blobs_(blobs), clock_(clock), random_(random), config_(config), options_(options) {
  system_.anonymous = false;
  system_.root = true;
  system_.type = core::PrincipalType::kRoot;
  system_.account_id = config_.account_id;
  system_.arn = "arn:aws:iam::" + config_.account_id + ":root";
}

Worker::~Worker() { stop(); }

PassStats Worker::run_once() {
  PassStats stats;
  std::vector<store::BucketRecord> buckets;
  try {
    buckets = meta_.list_buckets();
  } catch (const std::exception& e) {
    spdlog::error("lifecycle: cannot list buckets: {}", e.what());
    ++stats.errors;
    count_pass(stats);
    return stats;
  }
  for (const auto& bucket : buckets) {
    if (cancel_) break;
    try {
      auto doc = meta_.get_bucket_config(bucket.name, kConfigKind);
      if (!doc) continue;
      auto config = parse_configuration(*doc, random_);
      if (!config) {
        spdlog::error("lifecycle: bucket {}: stored configuration unreadable: {}", bucket.name,
                      config.error().message());
        ++stats.errors;
        continue;
      }
      ++stats.buckets;
      apply(bucket, *config, stats);
    } catch (const std::exception& e) {
      spdlog::error("lifecycle: bucket {}: {}", bucket.name, e.what());
      ++stats.errors;
    }
  }
  if (stats.expired_current + stats.removed_versions + stats.aborted_uploads + stats.errors > 0) {
    spdlog::info("lifecycle pass: {} bucket(s), {} expired, {} version(s) removed, {} upload(s) aborted, {} error(s)",
                 stats.buckets, stats.expired_current, stats.removed_versions, stats.aborted_uploads, stats.errors);
  } else {
    spdlog::debug("lifecycle pass: {} bucket(s) with rules, nothing due", stats.buckets);
  }
  count_pass(stats);
  return stats;
}

void Worker::apply(const store::BucketRecord& bucket, const Configuration& config, PassStats& stats) {
  Context ctx{meta_, blobs_, clock_, random_, config_, system_, "lifecycle", nullptr, {}};
  // Walk every version of the bucket, one key at a time. A key is acted on only once the listing has moved past
  // it, so the paging marker (always in the key still being gathered) is never a version this pass removed.
  std::vector<store::ObjectRecord> key_versions;
  store::VersionListQuery query;
  query.limit = kPageSize;
  while (!cancel_) {
    auto page = meta_.list_versions(bucket.name, query);
    for (auto& v : page) {
      if (!key_versions.empty() && key_versions.front().key != v.key) {
        apply_key(ctx, bucket, config, key_versions, stats);
        key_versions.clear();
      }
      key_versions.push_back(std::move(v));
    }
    if (page.size() < query.limit) break;
    query.key_marker = key_versions.back().key;
    query.version_id_marker = key_versions.back().version_id;
  }
  if (cancel_) return;
  if (!key_versions.empty()) apply_key(ctx, bucket, config, key_versions, stats);
  abort_uploads(bucket, config, core::to_unix_millis(clock_.now()), stats);
}

void Worker::apply_key(Context& ctx, const store::BucketRecord& bucket, const Configuration& config,
                       const std::vector<store::ObjectRecord>& versions, PassStats& stats) {
  auto plan = plan_key(config, versions, core::to_unix_millis(clock_.now()), options_.day_ms);
  if (plan.empty()) return;
  const auto& key = versions.front().key;
  for (const auto& version_id : plan.remove_versions) {
    if (auto removed = meta_.delete_object_version(bucket.name, key, version_id)) {
      remove_blobs(blobs_, {*removed});
      ++stats.removed_versions;
    }
  }
  if (plan.expire_current) expire_current(ctx, bucket, versions.front(), stats);
}

void Worker::expire_current(Context& ctx, const store::BucketRecord& bucket, const store::ObjectRecord& current,
                            PassStats& stats) {
  if (bucket.versioning == store::Versioning::kUnversioned) {
    auto now = meta_.find_object(bucket.name, current.key);
    if (!now || now->delete_marker || now->version_id != current.version_id || now->etag != current.etag ||
        now->last_modified_ms != current.last_modified_ms) {
      return;  // overwritten since the listing: the new object is not due
    }
    if (auto removed = meta_.delete_object_version(bucket.name, current.key, current.version_id)) {
      remove_blobs(blobs_, {*removed});
      ++stats.expired_current;
    }
    return;
  }
  store::ObjectRecord marker;
  marker.bucket = bucket.name;
  marker.key = current.key;
  marker.version_id = new_version_id(ctx, bucket.versioning);
  marker.delete_marker = true;
  marker.last_modified_ms = core::to_unix_millis(clock_.now());
  store::PutOptions options;
  options.versioning = bucket.versioning;
  options.if_match_etag = current.etag;
  if (object::commit_object(ctx, marker, options)) ++stats.expired_current;
}

void Worker::abort_uploads(const store::BucketRecord& bucket, const Configuration& config, int64_t now_ms,
                           PassStats& stats) {
  bool any_rule = false;
  for (const auto& rule : config.rules) any_rule = any_rule || (rule.enabled && rule.abort_after_days);
  if (!any_rule) return;
  // Gather first, abort after: aborting while paging would move the listing's markers.
  std::vector<std::string> due;
  store::UploadListQuery query;
  query.limit = kPageSize;
  while (true) {
    auto page = meta_.list_uploads(bucket.name, query);
    for (const auto& upload : page) {
      if (upload_expired(config, upload, now_ms, options_.day_ms)) due.push_back(upload.upload_id);
    }
    if (page.size() < query.limit) break;
    query.key_marker = page.back().key;
    query.upload_id_marker = page.back().upload_id;
  }
  for (const auto& upload_id : due) {
    if (auto parts = meta_.abort_upload(upload_id)) {
      for (const auto& part : *parts) remove_blob(blobs_, part.blob_id);
      ++stats.aborted_uploads;
    }
  }
}

void Worker::start() {
  declare_metrics();
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  cancel_ = false;
  thread_ = std::thread([this] { loop(); });
}

void Worker::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cancel_ = true;
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Worker::loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (wake_.wait_for(lock, options_.interval, [this] { return stopping_; })) break;
    lock.unlock();
    run_once();
    lock.lock();
  }
}

}  // namespace podbucket::s3::lifecycle
