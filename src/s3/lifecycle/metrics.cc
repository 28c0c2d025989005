#include "s3/lifecycle/metrics.h"

namespace podbucket::s3::lifecycle {
namespace {

struct Instruments {
  observe::Counter& runs;
  observe::Counter& expired_current;
  observe::Counter& removed_versions;
  observe::Counter& aborted_uploads;
  observe::Counter& errors;
  observe::Gauge& buckets;
};

Instruments instruments(observe::Registry& registry) {
  constexpr std::string_view kActions = "podbucket_lifecycle_actions_total";
  constexpr std::string_view kActionsHelp = "Objects, versions and uploads the lifecycle rules acted on, by action";
  return {registry.counter("podbucket_lifecycle_runs_total", "Lifecycle passes run over every bucket"),
          registry.counter(kActions, kActionsHelp, {{"action", "expire_current"}}),
          registry.counter(kActions, kActionsHelp, {{"action", "remove_version"}}),
          registry.counter(kActions, kActionsHelp, {{"action", "abort_upload"}}),
          registry.counter("podbucket_lifecycle_errors_total", "Bucket lifecycle passes that failed (logged)"),
          registry.gauge("podbucket_lifecycle_buckets", "Buckets with a lifecycle configuration at the last pass")};
}

}  // namespace

void declare_metrics(observe::Registry& registry) { instruments(registry); }

void count_pass(const PassStats& stats, observe::Registry& registry) {
  auto i = instruments(registry);
  i.runs.inc();
  i.expired_current.inc(double(stats.expired_current));
  i.removed_versions.inc(double(stats.removed_versions));
  i.aborted_uploads.inc(double(stats.aborted_uploads));
  i.errors.inc(double(stats.errors));
  i.buckets.set(double(stats.buckets));
}

}  // namespace podbucket::s3::lifecycle
