"""Prometheus metrics and health probes on the admin listener (--admin-listen), which is apart from the S3 port
because there /metrics is a bucket name. A server gets S3, IAM, STS, KMS and EKS Auth traffic from boto3 and
Debian's awscli (an allowed and a denied request among it) and runs its lifecycle rules every half second with a
1-second lifecycle "day"; then /metrics is scraped and parsed by an independent Prometheus text-format parser
(the npm package parse-prometheus-text-format, through tests/e2e/js/parse_metrics.mjs), and the families are
checked: requests by service/operation/status with latency histograms whose buckets are cumulative, bytes in and
out, store and disk latency, policy decisions, credentials vended, lifecycle work, open connections. /healthz,
/readyz (503 naming the disk check while the data dir is gone or read-only) and /log-level too."""
import http.client
import json
import os
import subprocess
import sys
import time
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

JS = harness.REPO / "tests" / "e2e" / "js"
PARSER = JS / "parse_metrics.mjs"
SRV = harness.Server(extra_args=["--lifecycle-interval", "0.5", "--lifecycle-day-seconds", "1"])
T = {}  # what the traffic did: bucket names, keys, secrets that must not show


def setUpModule():
    if not (JS / "node_modules" / "parse-prometheus-text-format").exists():
        p = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=JS, capture_output=True, text=True,
                           timeout=600)
        if p.returncode != 0:
            raise AssertionError(f"npm ci in {JS} failed:\n{p.stdout}\n{p.stderr}")
    SRV.start()
    try:
        traffic()
    except BaseException:
        SRV.stop()
        raise


def tearDownModule():
    SRV.stop()


def admin(method, path, body=None):
    """One request to the admin listener: (status, headers with lower-case names, body text)."""
    req = urllib.request.Request(SRV.admin_endpoint + path, data=body, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read().decode()


def parse(text, *args):
    p = subprocess.run(["node", str(PARSER), *args], input=text, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, f"the Prometheus parser rejected /metrics: {p.stderr}\n{text[:3000]}"
    return json.loads(p.stdout)


class Scrape:
    """/metrics as the npm parser reads it: `types` {family: "COUNTER"|"GAUGE"|"HISTOGRAM"}, `help`, and every
    sample line; `text` and `headers` as received."""

    def __init__(self):
        status, self.headers, self.text = admin("GET", "/metrics")
        assert status == 200, (status, self.text)
        families = parse(self.text)
        self.types = {f["name"]: f["type"] for f in families}
        self.help = {f["name"]: f["help"] for f in families}
        self.samples = parse(self.text, "--samples")

    def select(self, name, **labels):
        """The samples of `name` whose labels include `labels`."""
        return [m for m in self.samples
                if m["name"] == name and all(m["labels"].get(k) == v for k, v in labels.items())]

    def value(self, name, **labels):
        """The sum of the matching samples' values (0 when none)."""
        return sum(float(m["value"]) for m in self.select(name, **labels))

    def histograms(self, name, **labels):
        """The series of histogram `name` matching `labels`: [{labels, buckets: [(le, cumulative count)] by le,
        sum, count}]."""
        out = {}
        for m in self.select(name + "_bucket", **labels):
            key = tuple(sorted((k, v) for k, v in m["labels"].items() if k != "le"))
            out.setdefault(key, {"labels": dict(key), "buckets": []})["buckets"].append(
                (float(m["labels"]["le"]), float(m["value"])))
        for key, h in out.items():
            h["buckets"].sort()
            h["sum"] = self.value(name + "_sum", **dict(key))
            h["count"] = self.value(name + "_count", **dict(key))
        return list(out.values())


def scrape():
    return Scrape()


def traffic():
    s3 = SRV.s3()
    T["bucket"] = harness.unique_bucket("metered")
    s3.create_bucket(Bucket=T["bucket"])
    T["put_bytes"] = 0
    for i in range(2):
        body = os.urandom(1000 + i)
        s3.put_object(Bucket=T["bucket"], Key=f"k{i}", Body=body)
        T["put_bytes"] += len(body)
    T["get_bytes"] = len(s3.get_object(Bucket=T["bucket"], Key="k0")["Body"].read())

    # An IAM user who may read the bucket and assume a role, but not write: one allowed, one denied request.
    account = SRV.account()
    role_arn = SRV.role("metered-role", {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "sts:AssumeRole"}]})
    key_id, secret = SRV.user_keys("metered-reader", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{T['bucket']}/*"},
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn}]})
    T["secrets"] = [SRV.secret_key, secret]
    reader = SRV.s3(access_key=key_id, secret_key=secret)
    for _ in range(5):  # IAM is eventually consistent on AWS; here the first try works, a retry costs nothing
        try:
            reader.get_object(Bucket=T["bucket"], Key="k1")["Body"].read()
            break
        except Exception:  # noqa: BLE001
            time.sleep(0.2)
    import botocore.exceptions
    try:
        reader.put_object(Bucket=T["bucket"], Key="denied", Body=b"x")
        raise AssertionError("the reader's PutObject was allowed")
    except botocore.exceptions.ClientError as e:
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 403, e.response

    sts = SRV.client("sts", access_key=key_id, secret_key=secret)
    creds = sts.assume_role(RoleArn=role_arn, RoleSessionName="metered")["Credentials"]
    T["secrets"] += [creds["SecretAccessKey"], creds["SessionToken"]]

    kms = SRV.client("kms")
    key = kms.create_key(Description="metered")["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key, Plaintext=b"metered plaintext")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"metered plaintext"

    # EKS Auth: a pod's token exchanged for role credentials (what the node agent does).
    cluster = "metered-cluster"
    SRV.ensure_cluster(cluster)
    pods_role = SRV.role("metered-pods", harness.PODS_TRUST)
    SRV.eks("POST", f"/clusters/{cluster}/pod-identity-associations",
            {"namespace": "ns", "serviceAccount": "sa", "roleArn": pods_role})
    token = SRV.mint(cluster, "ns", "sa")
    status, _, body = SRV.signed("POST", f"/clusters/{cluster}/assume-role-for-pod-identity", {"token": token},
                                 service="eks-auth")
    assert status == 200, body
    reply = json.loads(body)
    T["secrets"] += [token, reply["credentials"]["secretAccessKey"], reply["credentials"]["sessionToken"]]

    # awscli: a bucket named "metrics" on the S3 port, an object in it, a listing.
    src = SRV.tmp / "metrics-object.txt"
    src.write_bytes(b"not a scrape\n")
    SRV.aws("s3", "mb", "s3://metrics")
    SRV.aws("s3", "cp", str(src), "s3://metrics/k")
    T["metrics_listing"] = SRV.aws("s3", "ls", "s3://metrics").stdout

    # Lifecycle: an object that expires after one (1-second) day.
    T["lifecycle_bucket"] = harness.unique_bucket("expiring")
    s3.create_bucket(Bucket=T["lifecycle_bucket"])
    s3.put_bucket_lifecycle_configuration(Bucket=T["lifecycle_bucket"], LifecycleConfiguration={"Rules": [
        {"ID": "all", "Filter": {"Prefix": ""}, "Status": "Enabled", "Expiration": {"Days": 1}}]})
    s3.put_object(Bucket=T["lifecycle_bucket"], Key="soon-gone", Body=b"x")


class TestScrape(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.m = scrape()

    def test_content_type_is_the_text_format(self):
        self.assertEqual(self.m.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8")

    def test_names_follow_the_conventions(self):
        self.assertGreater(len(self.m.types), 10)
        for name, kind in self.m.types.items():
            self.assertTrue(name.startswith("podbucket_"), name)
            if kind == "COUNTER":
                self.assertTrue(name.endswith("_total"), name)
            if kind == "HISTOGRAM":
                self.assertTrue(name.endswith(("_seconds", "_bytes")), name)
            self.assertTrue(self.m.help[name], name)

    def test_requests_by_service_operation_and_status(self):
        m = self.m
        self.assertEqual(m.types["podbucket_requests_total"], "COUNTER")
        self.assertGreaterEqual(m.value("podbucket_requests_total", service="s3", operation="PutObject",
                                      status="200"), 2)
        self.assertGreaterEqual(m.value("podbucket_requests_total", service="s3", operation="GetObject",
                                      status="200"), 2)
        # The reader's denied write.
        self.assertGreaterEqual(m.value("podbucket_requests_total", service="s3", operation="PutObject",
                                      status="403"), 1)
        self.assertGreaterEqual(m.value("podbucket_requests_total", service="iam", operation="CreateUser",
                                      status="200"), 1)
        self.assertGreaterEqual(m.value("podbucket_requests_total", service="sts", operation="AssumeRole",
                                      status="200"), 1)
        for op in ("CreateKey", "Encrypt", "Decrypt"):
            self.assertGreaterEqual(m.value("podbucket_requests_total", service="kms", operation=op, status="200"),
                                    1, op)
        self.assertGreaterEqual(m.value("podbucket_requests_total", service="eks-auth",
                                      operation="AssumeRoleForPodIdentity", status="200"), 1)
        # awscli's "s3 ls s3://metrics" is a ListObjectsV2 of the bucket named metrics.
        self.assertGreaterEqual(m.value("podbucket_requests_total", service="s3", operation="ListObjectsV2"), 1)

    def test_latency_histograms_are_cumulative_and_match_the_counts(self):
        m = self.m
        self.assertEqual(m.types["podbucket_request_duration_seconds"], "HISTOGRAM")
        checked = 0
        for h in m.histograms("podbucket_request_duration_seconds"):
            self.assertEqual(h["buckets"][-1][0], float("inf"), h)
            counts = [n for _, n in h["buckets"]]
            self.assertEqual(counts, sorted(counts), f"buckets not cumulative: {h}")
            self.assertEqual(counts[-1], h["count"], h)
            self.assertGreaterEqual(h["sum"], 0, h)
            # Every request of the operation is in its histogram, whatever its status.
            labels = h["labels"]
            self.assertEqual(h["count"], m.value("podbucket_requests_total", service=labels["service"],
                                                 operation=labels["operation"]), labels)
            checked += 1
        self.assertGreater(checked, 5)
        [put] = m.histograms("podbucket_request_duration_seconds", service="s3", operation="PutObject")
        self.assertGreaterEqual(put["count"], 3)
        self.assertGreater(put["sum"], 0)

    def test_bytes_in_and_out(self):
        m = self.m
        self.assertGreaterEqual(m.value("podbucket_request_bytes_total", service="s3"), T["put_bytes"])
        self.assertGreaterEqual(m.value("podbucket_response_bytes_total", service="s3"), T["get_bytes"])
        self.assertGreater(m.value("podbucket_response_bytes_total", service="kms"), 0)

    def test_store_and_disk_latency(self):
        m = self.m
        self.assertEqual(m.types["podbucket_store_operation_duration_seconds"], "HISTOGRAM")
        self.assertEqual(m.types["podbucket_disk_sync_duration_seconds"], "HISTOGRAM")
        ops = "podbucket_store_operation_duration_seconds_count"
        # Two PutObjects, the awscli cp, the lifecycle object.
        self.assertGreaterEqual(m.value(ops, store="metadata", backend="sqlite", op="put_object"), 3)
        self.assertGreaterEqual(m.value(ops, store="blobs", backend="fs", op="commit"), 3)
        self.assertGreaterEqual(m.value(ops, store="documents", backend="sqlite", op="commit"), 1)  # IAM, KMS
        self.assertGreaterEqual(m.value("podbucket_disk_sync_duration_seconds_count", kind="file"), 3)
        for h in m.histograms("podbucket_store_operation_duration_seconds"):
            counts = [n for _, n in h["buckets"]]
            self.assertEqual(counts, sorted(counts), h)

    def test_policy_decisions_by_result(self):
        m = self.m
        self.assertGreater(m.value("podbucket_policy_decisions_total", decision="Allow"), 0)
        self.assertGreaterEqual(m.value("podbucket_policy_decisions_total", decision="ImplicitDeny"), 1)

    def test_credentials_vended(self):
        m = self.m
        self.assertGreaterEqual(m.value("podbucket_credentials_issued_total", service="sts", api="AssumeRole"), 1)
        self.assertGreaterEqual(m.value("podbucket_credentials_issued_total", service="eks-auth",
                                      api="AssumeRoleForPodIdentity"), 1)

    def test_no_secret_in_the_metrics(self):
        for secret in T["secrets"]:
            self.assertNotIn(secret, self.m.text)


class TestCounting(unittest.TestCase):
    def test_counts_grow_by_exactly_the_requests_made(self):
        s3 = SRV.s3()
        before = scrape()
        for _ in range(3):
            s3.head_object(Bucket=T["bucket"], Key="k0")
        after = scrape()
        labels = dict(service="s3", operation="HeadObject", status="200")
        self.assertEqual(after.value("podbucket_requests_total", **labels) -
                         before.value("podbucket_requests_total", **labels), 3)
        hist = dict(service="s3", operation="HeadObject")
        self.assertEqual(after.value("podbucket_request_duration_seconds_count", **hist) -
                         before.value("podbucket_request_duration_seconds_count", **hist), 3)

    def test_unrouted_requests_are_one_unknown_operation(self):
        # Methods and paths are not label values (they would make a series per URL): requests that name no
        # operation are counted as operation "unknown".
        before = scrape()
        for path in ("/%ff%fe", "/some/odd/path"):
            status, _, _ = SRV.request("PATCH", path, sign=False)
            self.assertGreaterEqual(status, 400)
        after = scrape()
        self.assertNotIn("%ff", after.text)
        self.assertNotIn("odd/path", after.text)
        self.assertNotIn("PATCH", after.text)
        self.assertEqual(after.value("podbucket_requests_total", service="s3", operation="unknown") -
                         before.value("podbucket_requests_total", service="s3", operation="unknown"), 2)

    def test_open_connections_gauge_sees_a_kept_alive_connection(self):
        conn = http.client.HTTPConnection("127.0.0.1", SRV.port, timeout=30)
        try:
            conn.request("GET", "/")  # unsigned: 403, and the connection stays open (keep-alive)
            conn.getresponse().read()
            m = scrape()
            self.assertEqual(m.types["podbucket_open_connections"], "GAUGE")
            self.assertGreaterEqual(m.value("podbucket_open_connections", listener="s3"), 1)
            self.assertGreaterEqual(m.value("podbucket_open_connections", listener="admin"), 1)
        finally:
            conn.close()

    def test_lifecycle_work_is_counted(self):
        deadline = time.time() + 60
        m = scrape()
        while time.time() < deadline and m.value("podbucket_lifecycle_actions_total", action="expire_current") < 1:
            time.sleep(0.25)
            m = scrape()
        self.assertGreaterEqual(m.value("podbucket_lifecycle_actions_total", action="expire_current"), 1)
        self.assertGreaterEqual(m.value("podbucket_lifecycle_runs_total"), 1)
        self.assertEqual(m.value("podbucket_lifecycle_errors_total"), 0)
        self.assertEqual(m.types["podbucket_lifecycle_actions_total"], "COUNTER")
        # The object is gone, as the counter says.
        listed = SRV.s3().list_objects_v2(Bucket=T["lifecycle_bucket"]).get("Contents", [])
        self.assertEqual(listed, [])


class TestS3PortKeepsMetricsABucket(unittest.TestCase):
    def test_the_bucket_named_metrics_is_plain_s3(self):
        self.assertIn(" k\n", T["metrics_listing"])
        body = SRV.s3().get_object(Bucket="metrics", Key="k")["Body"].read()
        self.assertEqual(body, b"not a scrape\n")

    def test_unsigned_get_metrics_on_the_s3_port_is_an_s3_error(self):
        status, headers, body = SRV.request("GET", "/metrics", sign=False)
        self.assertEqual(status, 403)
        self.assertEqual(harness.error_code(body), "AccessDenied")
        self.assertIn("x-amz-request-id", headers)
        self.assertNotIn(b"# TYPE", body)


class TestHealth(unittest.TestCase):
    def test_healthz(self):
        status, _, body = admin("GET", "/healthz")
        self.assertEqual((status, body), (200, "ok\n"))

    def test_readyz_lists_every_check(self):
        status, _, body = admin("GET", "/readyz")
        self.assertEqual(status, 200, body)
        for check in ("metadata", "disk", "kms"):
            self.assertIn(f"[+]{check} ok\n", body)

    def test_readyz_is_503_while_the_data_dir_cannot_be_written(self):
        data = SRV.data_dir
        if os.geteuid() == 0:
            # root writes through permission bits: take the directory away instead (open files stay usable).
            moved = data.with_name(data.name + "-away")
            data.rename(moved)
            restore = lambda: moved.rename(data)  # noqa: E731
        else:
            mode = data.stat().st_mode
            data.chmod(0o500)
            restore = lambda: data.chmod(mode)  # noqa: E731
        try:
            status, _, body = admin("GET", "/readyz")
            self.assertEqual(status, 503, body)
            self.assertIn("[-]disk failed: create ", body)
            self.assertIn("[+]metadata ok\n", body)
            self.assertIn("[+]control ok\n", body)
            self.assertIn("readyz check failed", body)
            status, _, _ = admin("GET", "/healthz")
            self.assertEqual(status, 200, "alive, though not ready")
        finally:
            restore()
        status, _, body = admin("GET", "/readyz")
        self.assertEqual(status, 200, body)
        self.assertEqual([p for p in os.listdir(data) if p.startswith(".readyz-probe")], [])

    def test_log_level_switches_at_runtime(self):
        status, _, body = admin("GET", "/log-level")
        self.assertEqual((status, body), (200, "info\n"))
        try:
            status, _, body = admin("PUT", "/log-level", b"debug")
            self.assertEqual((status, body), (200, "debug\n"))
            self.assertEqual(admin("GET", "/log-level")[2], "debug\n")
            status, _, body = admin("PUT", "/log-level", b"chatty")
            self.assertEqual(status, 400, body)
            self.assertEqual(admin("GET", "/log-level")[2], "debug\n")
        finally:
            admin("PUT", "/log-level", b"info")
        self.assertEqual(admin("GET", "/log-level")[2], "info\n")

    def test_other_paths_and_methods(self):
        self.assertEqual(admin("GET", "/nope")[0], 404)
        self.assertEqual(admin("GET", "/metrics/x")[0], 404)
        status, headers, _ = admin("POST", "/metrics", b"")
        self.assertEqual(status, 405)
        self.assertEqual(headers.get("allow"), "GET, HEAD")


if __name__ == "__main__":
    harness.main()
