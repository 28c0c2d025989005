#include "s3/lifecycle/metrics.h"

namespace podbucket::s3::lifecycle {

void count_pass(const PassStats& stats, observe::Registry& registry) {
  constexpr std::string_view kActions = "podbucket_lifecycle_actions_total";
  constexpr std::string_view kActionsHelp = "Objects, versions and uploads the lifecycle rules acted on, by action";
  registry.counter("podbucket_lifecycle_runs_total", "Lifecycle passes run over every bucket").inc();
  registry.counter(kActions, kActionsHelp, {{"action", "expire_current"}}).inc(double(stats.expired_current));
  registry.counter(kActions, kActionsHelp, {{"action", "remove_version"}}).inc(double(stats.removed_versions));
  registry.counter(kActions, kActionsHelp, {{"action", "abort_upload"}}).inc(double(stats.aborted_uploads));
  registry.counter("podbucket_lifecycle_errors_total", "Bucket lifecycle passes that failed (logged)")
      .inc(double(stats.errors));
  registry.gauge("podbucket_lifecycle_buckets", "Buckets with a lifecycle configuration at the last pass")
      .set(double(stats.buckets));
}

}  // namespace podbucket::s3::lifecycle
