#pragma once
// Lifecycle work for Prometheus:
//   podbucket_lifecycle_runs_total                  counter: passes run
//   podbucket_lifecycle_actions_total{action}       counter: action="expire_current" (current versions expired),
//                                                   "remove_version" (noncurrent versions and expired delete
//                                                   markers removed), "abort_upload" (stale multipart uploads)
//   podbucket_lifecycle_errors_total                counter: buckets whose pass failed
//   podbucket_lifecycle_buckets                     gauge: buckets with a lifecycle configuration at the last pass
#include "observe/metrics.h"
#include "s3/lifecycle/worker.h"

namespace podbucket::s3::lifecycle {

/// Creates the families above at zero, so that a scrape before the first pass (an hour after start by default)
/// already shows them. Thread-safe.
void declare_metrics(observe::Registry& registry = observe::metrics());

/// Adds one finished pass to the families above in `registry`. Thread-safe.
void count_pass(const PassStats& stats, observe::Registry& registry = observe::metrics());

}  // namespace podbucket::s3::lifecycle
