// The lifecycle worker over the memory metadata store with a fake clock: what expires, what stays, delete markers
// in versioned buckets, noncurrent versions, expired object delete markers, stale uploads, blob cleanup, paging
// across many keys, and the background thread.
#include "s3/lifecycle/worker.h"

#include <gtest/gtest.h>

#include <thread>

#include "s3/lifecycle/plan.h"
#include "s3/testing/handler_fixture.h"

namespace podbucket::s3::lifecycle {
namespace {

using std::chrono::hours;

class LifecycleWorker : public testing::HandlerFixture {
 protected:
  LifecycleWorker() : worker_(*meta_, blobs_, clock_, random_, config_, WorkerOptions{}) {}

  void SetUp() override { ASSERT_EQ(call("PUT", "/lcb").status, 200); }

  void set_rules(const std::string& rules) {
    auto r = call("PUT", "/lcb?lifecycle", "<LifecycleConfiguration>" + rules + "</LifecycleConfiguration>");
    ASSERT_EQ(r.status, 200) << r.code << " " << r.message;
  }

  bool exists(const std::string& key) { return call("HEAD", "/lcb/" + key).status == 200; }
  size_t version_count(const std::string& key) {
    store::VersionListQuery q;
    q.prefix = key;
    size_t n = 0;
    for (const auto& v : meta_->list_versions("lcb", q)) n += v.key == key;
    return n;
  }

  Worker worker_;
};

TEST_F(LifecycleWorker, ExpiresWhatMatchesAndNothingElse) {
  set_rules("<Rule><ID>tmp</ID><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status>"
            "<Expiration><Days>1</Days></Expiration></Rule>");
  ASSERT_EQ(call("PUT", "/lcb/tmp/a", "aaa").status, 200);
  ASSERT_EQ(call("PUT", "/lcb/keep/b", "bbb").status, 200);
  const size_t blobs_before = blobs_.count();
  // Written 2023-11-14T22:13:20Z: due at 2023-11-16T00:00Z.
  clock_.advance(hours(25));  // 2023-11-15T23:13:20Z
  auto stats = worker_.run_once();
  EXPECT_EQ(stats.buckets, 1u);
  EXPECT_EQ(stats.expired_current, 0u);
  EXPECT_TRUE(exists("tmp/a"));
  clock_.advance(hours(1));  // past midnight
  stats = worker_.run_once();
  EXPECT_EQ(stats.expired_current, 1u);
  EXPECT_FALSE(exists("tmp/a"));
  EXPECT_TRUE(exists("keep/b"));
  EXPECT_EQ(version_count("tmp/a"), 0u) << "unversioned: removed, no delete marker";
  EXPECT_EQ(blobs_.count(), blobs_before - 1) << "its blob is gone";
  EXPECT_EQ(worker_.run_once().expired_current, 0u) << "nothing left to do";
}

TEST_F(LifecycleWorker, VersionedBucketGetsDeleteMarkersThenLosesNoncurrentVersions) {
  set_versioning("lcb", store::Versioning::kEnabled);
  set_rules("<Rule><ID>all</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration>"
            "<NoncurrentVersionExpiration><NoncurrentDays>2</NoncurrentDays></NoncurrentVersionExpiration></Rule>"
            "<Rule><ID>markers</ID><Filter/><Status>Enabled</Status><Expiration><ExpiredObjectDeleteMarker>true"
            "</ExpiredObjectDeleteMarker></Expiration></Rule>");
  ASSERT_EQ(call("PUT", "/lcb/k", "v1").status, 200);
  clock_.advance(hours(1));
  ASSERT_EQ(call("PUT", "/lcb/k", "v2").status, 200);  // v1 noncurrent since now
  const size_t blobs_with_both = blobs_.count();

  clock_.advance(hours(26));  // past the first midnight after v2 was written
  auto stats = worker_.run_once();
  EXPECT_EQ(stats.expired_current, 1u);
  EXPECT_EQ(stats.removed_versions, 0u) << "v1 has been noncurrent for about a day only";
  auto head = call("HEAD", "/lcb/k");
  EXPECT_EQ(head.status, 404);
  EXPECT_EQ(head.headers.get("x-amz-delete-marker"), "true");
  EXPECT_EQ(version_count("k"), 3u) << "marker, v2, v1";
  EXPECT_EQ(blobs_.count(), blobs_with_both) << "a delete marker frees nothing";

  clock_.advance(hours(24));
  stats = worker_.run_once();
  EXPECT_EQ(stats.removed_versions, 1u) << "v1: noncurrent for 2 days";
  EXPECT_EQ(version_count("k"), 2u);
  clock_.advance(hours(24));
  EXPECT_EQ(worker_.run_once().removed_versions, 0u) << "v2 became noncurrent a day before, when expired";
  clock_.advance(hours(24));
  stats = worker_.run_once();
  EXPECT_EQ(stats.removed_versions, 2u) << "v2, then the marker that no longer hides anything";
  EXPECT_EQ(version_count("k"), 0u);
  EXPECT_EQ(blobs_.count(), blobs_with_both - 2);
}

TEST_F(LifecycleWorker, SuspendedBucketWritesANullMarker) {
  set_versioning("lcb", store::Versioning::kSuspended);
  set_rules("<Rule><ID>r</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>");
  ASSERT_EQ(call("PUT", "/lcb/k", "data").status, 200);
  clock_.advance(hours(48));
  EXPECT_EQ(worker_.run_once().expired_current, 1u);
  store::VersionListQuery q;
  auto versions = meta_->list_versions("lcb", q);
  ASSERT_EQ(versions.size(), 1u) << "the null marker replaced the null version";
  EXPECT_TRUE(versions[0].delete_marker);
  EXPECT_EQ(versions[0].version_id, "null");
  EXPECT_EQ(blobs_.count(), 0u);
}

TEST_F(LifecycleWorker, NewerNoncurrentVersionsAreKept) {
  set_versioning("lcb", store::Versioning::kEnabled);
  set_rules("<Rule><ID>r</ID><Filter/><Status>Enabled</Status><NoncurrentVersionExpiration><NoncurrentDays>1"
            "</NoncurrentDays><NewerNoncurrentVersions>2</NewerNoncurrentVersions></NoncurrentVersionExpiration>"
            "</Rule>");
  for (int i = 0; i < 6; ++i) {
    ASSERT_EQ(call("PUT", "/lcb/k", "v" + std::to_string(i)).status, 200);
    clock_.advance(std::chrono::seconds(10));
  }
  clock_.advance(hours(48));
  EXPECT_EQ(worker_.run_once().removed_versions, 3u);
  EXPECT_EQ(version_count("k"), 3u) << "current + the 2 newest noncurrent";
  EXPECT_EQ(call("GET", "/lcb/k").body, "v5");
}

TEST_F(LifecycleWorker, TagAndSizeFiltersAndDisabledRules) {
  set_rules("<Rule><ID>tagged</ID><Filter><And><Tag><Key>tmp</Key><Value>1</Value></Tag>"
            "<ObjectSizeLessThan>100</ObjectSizeLessThan></And></Filter><Status>Enabled</Status>"
            "<Expiration><Days>1</Days></Expiration></Rule>"
            "<Rule><ID>off</ID><Filter><Prefix>off/</Prefix></Filter><Status>Disabled</Status>"
            "<Expiration><Days>1</Days></Expiration></Rule>");
  ASSERT_EQ(call("PUT", "/lcb/small-tagged", "x", {{"x-amz-tagging", "tmp=1"}}).status, 200);
  ASSERT_EQ(call("PUT", "/lcb/big-tagged", std::string(200, 'x'), {{"x-amz-tagging", "tmp=1"}}).status, 200);
  ASSERT_EQ(call("PUT", "/lcb/small-other", "x", {{"x-amz-tagging", "tmp=2"}}).status, 200);
  ASSERT_EQ(call("PUT", "/lcb/off/x", "x").status, 200);
  clock_.advance(hours(72));
  EXPECT_EQ(worker_.run_once().expired_current, 1u);
  EXPECT_FALSE(exists("small-tagged"));
  EXPECT_TRUE(exists("big-tagged"));
  EXPECT_TRUE(exists("small-other"));
  EXPECT_TRUE(exists("off/x"));
}

TEST_F(LifecycleWorker, AbortsStaleUploadsAndFreesTheirParts) {
  set_rules("<Rule><ID>mpu</ID><Filter><Prefix>up/</Prefix></Filter><Status>Enabled</Status>"
            "<AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation>"
            "</AbortIncompleteMultipartUpload></Rule>");
  auto stale = call("POST", "/lcb/up/big?uploads");
  auto kept = call("POST", "/lcb/other/big?uploads");
  ASSERT_EQ(stale.status, 200);
  ASSERT_EQ(kept.status, 200);
  auto upload_id = [](const std::string& body) {
    auto at = body.find("<UploadId>") + 10;
    return body.substr(at, body.find("</UploadId>") - at);
  };
  ASSERT_EQ(call("PUT", "/lcb/up/big?partNumber=1&uploadId=" + upload_id(stale.body), "part").status, 200);
  EXPECT_EQ(blobs_.count(), 1u);
  clock_.advance(hours(49));
  EXPECT_EQ(worker_.run_once().aborted_uploads, 1u);
  EXPECT_EQ(call("GET", "/lcb/up/big?uploadId=" + upload_id(stale.body)).code, "NoSuchUpload");
  EXPECT_EQ(call("GET", "/lcb/other/big?uploadId=" + upload_id(kept.body)).status, 200);
  EXPECT_EQ(blobs_.count(), 0u);
}

TEST_F(LifecycleWorker, PagesThroughManyKeysAndVersions) {
  set_versioning("lcb", store::Versioning::kEnabled);
  set_rules("<Rule><ID>r</ID><Filter/><Status>Enabled</Status><NoncurrentVersionExpiration><NoncurrentDays>1"
            "</NoncurrentDays></NoncurrentVersionExpiration></Rule>");
  // 700 keys x 2 versions = 1400 entries: more than one listing page, with keys split across pages.
  for (int i = 0; i < 700; ++i) {
    std::string key = "k" + std::to_string(1000 + i);
    ASSERT_EQ(call("PUT", "/lcb/" + key, "old").status, 200);
    ASSERT_EQ(call("PUT", "/lcb/" + key, "new").status, 200);
  }
  clock_.advance(hours(48));
  auto stats = worker_.run_once();
  EXPECT_EQ(stats.removed_versions, 700u);
  EXPECT_EQ(stats.errors, 0u);
  store::VersionListQuery q;
  q.limit = 5000;
  EXPECT_EQ(meta_->list_versions("lcb", q).size(), 700u);
}

TEST_F(LifecycleWorker, BucketsWithoutRulesAreUntouched) {
  ASSERT_EQ(call("PUT", "/lcb/k", "x").status, 200);
  clock_.advance(hours(24 * 365));
  auto stats = worker_.run_once();
  EXPECT_EQ(stats.buckets, 0u);
  EXPECT_TRUE(exists("k"));
}

TEST_F(LifecycleWorker, BackgroundThreadRunsOnItsIntervalAndStops) {
  set_rules("<Rule><ID>r</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>");
  ASSERT_EQ(call("PUT", "/lcb/k", "x").status, 200);
  clock_.advance(hours(48));
  Worker background(*meta_, blobs_, clock_, random_, config_, WorkerOptions{std::chrono::milliseconds(20), kRealDayMs});
  background.start();
  for (int i = 0; i < 200 && exists("k"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_FALSE(exists("k"));
  background.stop();
  background.stop();  // idempotent
}

}  // namespace
}  // namespace podbucket::s3::lifecycle
