#pragma once
// What lifecycle rules do to one key's versions or one multipart upload at a given moment. Pure: the worker lists,
// plans, then acts. Sources: S3 user guide "Lifecycle configuration elements", "Understanding and managing
// Amazon S3 Lifecycle" (how S3 computes the action time) and "Working with expired object delete markers".
//
// Day arithmetic, as S3 does it: an action due `N` days after an instant happens at that instant plus N days,
// rounded up to the next day boundary (midnight UTC). podbucket makes the day length a parameter (`day_ms`) so
// that tests can shorten a day to seconds; day boundaries are then multiples of `day_ms` since the Unix epoch.
// Examples with real days: an object written 2024-01-15T10:30Z with Days=3 expires at 2024-01-19T00:00Z; one
// written exactly at midnight 2024-01-15T00:00Z expires at 2024-01-18T00:00Z.
#include <cstdint>
#include <string>
#include <vector>

#include "s3/lifecycle/rules.h"
#include "store/records.h"

namespace podbucket::s3::lifecycle {

/// Milliseconds in a real day.
inline constexpr int64_t kRealDayMs = 86'400'000;

/// The instant (Unix ms) `days` lifecycle days after `since_ms`, rounded up to a multiple of `day_ms`.
int64_t due_ms(int64_t since_ms, int64_t days, int64_t day_ms);

/// What to do with one key.
struct KeyPlan {
  /// The current version expires: a delete marker in a versioning-enabled or suspended bucket, removal otherwise.
  bool expire_current = false;
  /// Versions (noncurrent versions and delete markers) to remove for good, by version id.
  std::vector<std::string> remove_versions;
  bool empty() const { return !expire_current && remove_versions.empty(); }
};

/// Plans one key. `versions` are all versions and delete markers of the key, newest first (the first is current).
/// Enabled rules only:
///  - Expiration Days/Date: the current version, if it is not a delete marker and the filter selects it, expires
///    `Days` after it was written (due_ms) or at `Date`.
///  - NoncurrentVersionExpiration: a noncurrent version became noncurrent when the next newer version was written;
///    it is removed NoncurrentDays after that, but only if at least NewerNoncurrentVersions newer noncurrent
///    versions exist (when set). Delete markers count as versions.
///  - Expired object delete markers: a current delete marker with no other version left (or all others removed by
///    this plan) is removed by a rule with ExpiredObjectDeleteMarker=true, or by a Days/Date rule once that rule's
///    time has passed for the marker.
KeyPlan plan_key(const Configuration& config, const std::vector<store::ObjectRecord>& versions, int64_t now_ms,
                 int64_t day_ms);

/// True when an enabled AbortIncompleteMultipartUpload rule whose prefix selects the upload's key has come due
/// (DaysAfterInitiation after initiation, rounded up as due_ms).
bool upload_expired(const Configuration& config, const store::UploadRecord& upload, int64_t now_ms, int64_t day_ms);

}  // namespace podbucket::s3::lifecycle
