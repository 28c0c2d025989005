#include "s3/lifecycle/plan.h"

#include <algorithm>

namespace podbucket::s3::lifecycle {
namespace {

bool selects(const Rule& rule, const store::ObjectRecord& v) {
  return rule.enabled && rule.filter.matches(v.key, v.tags, v.size);
}

// Whether a Days/Date expiration of `rule` has come due for something written at `written_ms`.
bool expiration_due(const Expiration& e, int64_t written_ms, int64_t now_ms, int64_t day_ms) {
  if (e.days) return now_ms >= due_ms(written_ms, *e.days, day_ms);
  if (e.date_ms) return now_ms >= *e.date_ms;
  return false;
}

}  // namespace

int64_t due_ms(int64_t since_ms, int64_t days, int64_t day_ms) {
  int64_t t = since_ms + days * day_ms;
  int64_t rem = t % day_ms;
  if (rem < 0) rem += day_ms;
  return rem == 0 ? t : t + (day_ms - rem);
}

KeyPlan plan_key(const Configuration& config, const std::vector<store::ObjectRecord>& versions, int64_t now_ms,
                 int64_t day_ms) {
  KeyPlan plan;
  if (versions.empty()) return plan;
  const auto& current = versions.front();

  if (!current.delete_marker) {
    for (const auto& rule : config.rules) {
      if (rule.expiration && selects(rule, current) &&
          expiration_due(*rule.expiration, current.last_modified_ms, now_ms, day_ms)) {
        plan.expire_current = true;
        break;
      }
    }
  }

  for (size_t i = 1; i < versions.size(); ++i) {
    const auto& v = versions[i];
    const int64_t noncurrent_since = versions[i - 1].last_modified_ms;
    const int64_t newer_noncurrent = static_cast<int64_t>(i) - 1;
    for (const auto& rule : config.rules) {
      if (!rule.noncurrent_expiration || !selects(rule, v)) continue;
      const auto& ne = *rule.noncurrent_expiration;
      if (ne.newer_noncurrent_versions && newer_noncurrent < *ne.newer_noncurrent_versions) continue;
      if (now_ms < due_ms(noncurrent_since, ne.noncurrent_days, day_ms)) continue;
      plan.remove_versions.push_back(v.version_id);
      break;
    }
  }

  const bool only_marker_left = current.delete_marker && plan.remove_versions.size() + 1 == versions.size();
  if (only_marker_left) {
    for (const auto& rule : config.rules) {
      if (!rule.expiration || !selects(rule, current)) continue;
      const auto& e = *rule.expiration;
      if (e.expired_object_delete_marker.value_or(false) ||
          expiration_due(e, current.last_modified_ms, now_ms, day_ms)) {
        plan.remove_versions.push_back(current.version_id);
        break;
      }
    }
  }
  return plan;
}

bool upload_expired(const Configuration& config, const store::UploadRecord& upload, int64_t now_ms, int64_t day_ms) {
  return std::any_of(config.rules.begin(), config.rules.end(), [&](const Rule& rule) {
    return rule.enabled && rule.abort_after_days && rule.filter.matches(upload.key, {}, 0) &&
           now_ms >= due_ms(upload.initiated_ms, *rule.abort_after_days, day_ms);
  });
}

}  // namespace podbucket::s3::lifecycle
