"""Lifecycle rules that actually run: a server with a 1-second lifecycle interval and a 3-second lifecycle "day"
(hidden flag --lifecycle-day-seconds), driven with boto3. Objects expire when their rule says and nothing else does:
expiration by prefix and by tag, delete markers in versioned buckets, noncurrent versions with
NewerNoncurrentVersions, expired object delete markers and stale multipart uploads."""
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

DAY_S = 3.0  # one lifecycle day
SRV = harness.Server(extra_args=["--lifecycle-interval", "1", "--lifecycle-day-seconds", str(DAY_S)])


def setUpModule():
    SRV.start()


def tearDownModule():
    SRV.stop()


def wait_until(predicate, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class TestLifecycle(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s3 = SRV.s3()

    def new_bucket(self, versioned=False):
        b = harness.unique_bucket("lc")
        self.s3.create_bucket(Bucket=b)
        if versioned:
            self.s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
        return b

    def set_rules(self, bucket, rules):
        self.s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})

    def exists(self, bucket, key):
        import botocore.exceptions
        try:
            self.s3.head_object(Bucket=bucket, Key=key)
            return True
        except botocore.exceptions.ClientError as e:
            if e.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
                return False
            raise

    def versions(self, bucket, key):
        r = self.s3.list_object_versions(Bucket=bucket, Prefix=key)
        out = [("version", v["VersionId"], v["IsLatest"]) for v in r.get("Versions", []) if v["Key"] == key]
        out += [("marker", m["VersionId"], m["IsLatest"]) for m in r.get("DeleteMarkers", []) if m["Key"] == key]
        return out

    def test_expiration_by_prefix_and_tag_and_nothing_else(self):
        b = self.new_bucket()
        self.set_rules(b, [
            {"ID": "tmp", "Filter": {"Prefix": "tmp/"}, "Status": "Enabled", "Expiration": {"Days": 1}},
            {"ID": "tagged", "Filter": {"Tag": {"Key": "expire", "Value": "yes"}}, "Status": "Enabled",
             "Expiration": {"Days": 1}},
            {"ID": "off", "Filter": {"Prefix": "off/"}, "Status": "Disabled", "Expiration": {"Days": 1}},
        ])
        self.s3.put_object(Bucket=b, Key="tmp/a", Body=b"a")
        self.s3.put_object(Bucket=b, Key="keep/b", Body=b"b")
        self.s3.put_object(Bucket=b, Key="t-yes", Body=b"c", Tagging="expire=yes")
        self.s3.put_object(Bucket=b, Key="t-no", Body=b"d", Tagging="expire=no")
        self.s3.put_object(Bucket=b, Key="off/e", Body=b"e")
        written = time.time()
        self.assertTrue(self.exists(b, "tmp/a"), "one day has not passed yet")
        wait_until(lambda: not self.exists(b, "tmp/a") and not self.exists(b, "t-yes"), 8 * DAY_S, "expiration")
        self.assertGreaterEqual(time.time() - written, DAY_S * 0.9, "expired before a day had passed")
        time.sleep(2 * DAY_S)  # several more passes
        for key in ("keep/b", "t-no", "off/e"):
            self.assertTrue(self.exists(b, key), key)
        self.assertEqual(self.versions(b, "tmp/a"), [], "unversioned: removed outright, no delete marker")

    def test_versioned_expiration_writes_a_delete_marker_and_noncurrent_versions_go(self):
        b = self.new_bucket(versioned=True)
        self.set_rules(b, [{"ID": "all", "Filter": {"Prefix": "exp/"}, "Status": "Enabled",
                            "Expiration": {"Days": 1}, "NoncurrentVersionExpiration": {"NoncurrentDays": 2}}])
        v1 = self.s3.put_object(Bucket=b, Key="exp/x", Body=b"x1")["VersionId"]
        wait_until(lambda: any(kind == "marker" and latest for kind, _, latest in self.versions(b, "exp/x")),
                   8 * DAY_S, "the delete marker")
        self.assertFalse(self.exists(b, "exp/x"))
        self.assertIn(("version", v1, False), self.versions(b, "exp/x"), "the data version is kept for now")
        self.assertEqual(self.s3.get_object(Bucket=b, Key="exp/x", VersionId=v1)["Body"].read(), b"x1")
        wait_until(lambda: all(kind == "marker" for kind, _, _ in self.versions(b, "exp/x")), 10 * DAY_S,
                   "the noncurrent version to expire")

    def test_newer_noncurrent_versions_are_kept(self):
        b = self.new_bucket(versioned=True)
        self.set_rules(b, [{"ID": "keep2", "Filter": {}, "Status": "Enabled",
                            "NoncurrentVersionExpiration": {"NoncurrentDays": 1, "NewerNoncurrentVersions": 2}}])
        ids = [self.s3.put_object(Bucket=b, Key="doc", Body=f"v{i}".encode())["VersionId"] for i in range(5)]
        wait_until(lambda: len(self.versions(b, "doc")) == 3, 8 * DAY_S, "old versions to go")
        time.sleep(2 * DAY_S)
        left = {vid for _, vid, _ in self.versions(b, "doc")}
        self.assertEqual(left, set(ids[2:]), "current + the 2 newest noncurrent versions stay")
        self.assertEqual(self.s3.get_object(Bucket=b, Key="doc")["Body"].read(), b"v4")

    def test_expired_object_delete_markers_are_removed(self):
        b = self.new_bucket(versioned=True)
        self.set_rules(b, [{"ID": "markers", "Filter": {"Prefix": ""}, "Status": "Enabled",
                            "Expiration": {"ExpiredObjectDeleteMarker": True}}])
        vid = self.s3.put_object(Bucket=b, Key="m", Body=b"1")["VersionId"]
        self.s3.put_object(Bucket=b, Key="hidden", Body=b"2")
        self.s3.delete_object(Bucket=b, Key="m")
        self.s3.delete_object(Bucket=b, Key="hidden")
        self.s3.delete_object(Bucket=b, Key="m", VersionId=vid)  # only the marker of "m" is left
        wait_until(lambda: self.versions(b, "m") == [], 6 * DAY_S, "the lone marker to go")
        kinds = sorted(kind for kind, _, _ in self.versions(b, "hidden"))
        self.assertEqual(kinds, ["marker", "version"], "a marker that still hides a version stays")

    def test_stale_multipart_uploads_are_aborted(self):
        b = self.new_bucket()
        self.set_rules(b, [{"ID": "mpu", "Filter": {"Prefix": "up/"}, "Status": "Enabled",
                            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}])
        stale = self.s3.create_multipart_upload(Bucket=b, Key="up/big")["UploadId"]
        self.s3.upload_part(Bucket=b, Key="up/big", UploadId=stale, PartNumber=1, Body=b"part")
        kept = self.s3.create_multipart_upload(Bucket=b, Key="other/big")["UploadId"]

        def uploads():
            return {u["UploadId"] for u in self.s3.list_multipart_uploads(Bucket=b).get("Uploads", [])}

        self.assertEqual(uploads(), {stale, kept})
        wait_until(lambda: uploads() == {kept}, 8 * DAY_S, "the stale upload to be aborted")
        import botocore.exceptions
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.s3.list_parts(Bucket=b, Key="up/big", UploadId=stale)
        self.assertEqual(e.exception.response["Error"]["Code"], "NoSuchUpload")
        self.s3.abort_multipart_upload(Bucket=b, Key="other/big", UploadId=kept)

    def test_a_deleted_configuration_stops_expiring(self):
        b = self.new_bucket()
        self.set_rules(b, [{"ID": "all", "Filter": {}, "Status": "Enabled", "Expiration": {"Days": 1}}])
        self.s3.delete_bucket_lifecycle(Bucket=b)
        self.s3.put_object(Bucket=b, Key="stays", Body=b"x")
        time.sleep(3 * DAY_S)
        self.assertTrue(self.exists(b, "stays"))


if __name__ == "__main__":
    harness.main()
