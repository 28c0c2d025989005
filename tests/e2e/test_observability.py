"""Issue 8's "done when": a full scenario (`podbucket up`: root, an IAM user, a tagged role session, a pod's
credentials through the agent and EKS Auth, KMS, SSE-C, a presigned URL, a forged signature) leaves a parseable
access log, an audit trail that names every principal and decision, and metrics that a Prometheus parser accepts,
with no secret anywhere in them."""
import base64
import hashlib
import json
import os
import re
import subprocess
import unittest
import urllib.request
from pathlib import Path

import harness

SRV = harness.UpServer()
SECRETS = {}  # name -> secret string the server saw; none may appear in its outputs
PRINCIPALS = {}  # name -> ARN that must appear in the access log and the audit trail
OUT = {}  # the artifacts, read once after the scenario


def setUpModule():
    SRV.start()
    try:
        _scenario()
        OUT["metrics"] = _get(SRV.admin_endpoint + "/metrics")
    finally:
        SRV.stop(cleanup=False)  # flushes everything; keeps the files (and never leaves the server running)
    OUT["log"] = SRV.log_path.read_text(errors="replace")
    trail_dir = SRV.data_dir / "audit"
    OUT["trail"] = "".join(p.read_text(errors="replace") for p in sorted(trail_dir.glob("trail.jsonl*")))


def tearDownModule():
    import shutil
    shutil.rmtree(SRV.tmp, ignore_errors=True)


def _get(url):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=10) as r:
        return r.read().decode()


def _scenario():
    from botocore.exceptions import ClientError
    SECRETS["root secret key"] = SRV.secret_key
    account = SRV.account()
    PRINCIPALS["root"] = f"arn:aws:iam::{account}:root"

    root_s3 = SRV.s3()
    bucket = harness.unique_bucket("obs")
    root_s3.create_bucket(Bucket=bucket)
    root_s3.put_object(Bucket=bucket, Key="public/readme.txt", Body=b"hello")

    # A presigned URL: its signature travels in the query string.
    url = SRV.s3(signature_version="s3v4").generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "public/readme.txt"},
                                         ExpiresIn=300)
    SECRETS["presigned signature"] = re.search(r"X-Amz-Signature=([0-9a-f]+)", url).group(1)
    assert _get(url) == "hello"

    # SSE-C: the customer key is a header.
    ssec_key = os.urandom(32)
    SECRETS["SSE-C key"] = base64.b64encode(ssec_key).decode()
    root_s3.put_object(Bucket=bucket, Key="ssec.bin", Body=b"customer", SSECustomerAlgorithm="AES256",
                       SSECustomerKey=ssec_key)
    got = root_s3.get_object(Bucket=bucket, Key="ssec.bin", SSECustomerAlgorithm="AES256", SSECustomerKey=ssec_key)
    assert got["Body"].read() == b"customer"

    # KMS: a plaintext and its ciphertext.
    kms = SRV.client("kms")
    key_id = kms.create_key(Description="observability")["KeyMetadata"]["KeyId"]
    plaintext = b"kms plaintext " + os.urandom(8).hex().encode()
    SECRETS["KMS plaintext"] = base64.b64encode(plaintext).decode()
    blob = kms.encrypt(KeyId=key_id, Plaintext=plaintext)["CiphertextBlob"]
    SECRETS["KMS ciphertext"] = base64.b64encode(blob).decode()
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == plaintext
    data_key = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256")
    SECRETS["KMS data key"] = base64.b64encode(data_key["Plaintext"]).decode()

    # An IAM user: one allowed and one denied call.
    user_key, user_secret = SRV.user_keys("obs-reader", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/public/*"},
        {"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"],
         "Resource": f"arn:aws:iam::{account}:role/obs-role"}]})
    SECRETS["user secret key"] = user_secret
    PRINCIPALS["user"] = f"arn:aws:iam::{account}:user/obs-reader"
    user_s3 = SRV.s3(user_key, user_secret)
    assert user_s3.get_object(Bucket=bucket, Key="public/readme.txt")["Body"].read() == b"hello"
    try:
        user_s3.put_object(Bucket=bucket, Key="public/x", Body=b"x")
        raise AssertionError("PutObject should be denied")
    except ClientError as e:
        assert e.response["Error"]["Code"] == "AccessDenied"

    # A role session with session tags, assumed by the user.
    role_arn = SRV.role("obs-role", {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
        "Action": ["sts:AssumeRole", "sts:TagSession"]}]},
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket",
                                                  "Resource": f"arn:aws:s3:::{bucket}"}]})
    creds = SRV.client("sts", user_key, user_secret).assume_role(RoleArn=role_arn, RoleSessionName="obs-session",
                                          Tags=[{"Key": "team", "Value": "platform"}])["Credentials"]
    SECRETS["role session secret key"] = creds["SecretAccessKey"]
    SECRETS["role session token"] = creds["SessionToken"]
    PRINCIPALS["role session"] = f"arn:aws:sts::{account}:assumed-role/obs-role/obs-session"
    role_s3 = SRV.client("s3", creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    assert role_s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 2

    # A pod: its service account token (a JWT) goes to the agent, the agent calls EKS Auth.
    SECRETS["pod service account token"] = SRV.pod_token()
    pod = SRV.pod_credentials()
    SECRETS["pod secret key"] = pod["SecretAccessKey"]
    SECRETS["pod session token"] = pod["Token"]
    gitlab_bucket = next(b["Name"] for b in root_s3.list_buckets()["Buckets"] if b["Name"].endswith("-artifacts"))
    pod_s3 = SRV.client("s3", pod["AccessKeyId"], pod["SecretAccessKey"], pod["Token"])
    pod_s3.put_object(Bucket=gitlab_bucket, Key="obs/artifact.zip", Body=b"artifact")
    PRINCIPALS["pod"] = pod_session_arn(pod)

    # A forged signature: the server answers SignatureDoesNotMatch, and logs nothing of what it computed.
    forged = harness.sign_v4("GET", f"127.0.0.1:{SRV.port}", f"/{bucket}", "", {}, b"", SRV.access_key,
                             "not-the-secret")
    SECRETS["forged signature"] = re.search(r"Signature=([0-9a-f]+)", forged["Authorization"]).group(1)
    status, _, body = SRV.request("GET", f"/{bucket}", headers=forged, sign=False)
    assert status == 403 and b"SignatureDoesNotMatch" in body, body
    # ... and a good header signature.
    good = harness.sign_v4("GET", f"127.0.0.1:{SRV.port}", f"/{bucket}", "", {}, b"", SRV.access_key, SRV.secret_key)
    SECRETS["header signature"] = re.search(r"Signature=([0-9a-f]+)", good["Authorization"]).group(1)
    status, _, _ = SRV.request("GET", f"/{bucket}", headers=good, sign=False)
    assert status == 200


def pod_session_arn(pod):
    sts = SRV.client("sts", pod["AccessKeyId"], pod["SecretAccessKey"], pod["Token"])
    return sts.get_caller_identity()["Arn"]


def _json_lines(text, keys):
    """The lines of `text` that are JSON objects having every key in `keys`."""
    out = []
    for line in text.splitlines():
        if line.startswith("{"):
            obj = json.loads(line)  # every JSON-looking line must parse
            if all(k in obj for k in keys):
                out.append(obj)
    return out


class NoSecrets(unittest.TestCase):
    def test_the_scenario_exercised_every_kind_of_secret(self):
        self.assertGreaterEqual(len(SECRETS), 14)
        for name, value in SECRETS.items():
            self.assertGreaterEqual(len(value), 16, name)

    def _assert_clean(self, what, text):
        self.assertTrue(text, f"the {what} is empty")
        for name, value in SECRETS.items():
            self.assertNotIn(value, text, f"the {name} appears in the {what}")
            # Also no long piece of it (a truncated token is still a leak).
            self.assertNotIn(value[:24], text, f"a prefix of the {name} appears in the {what}")

    def test_logs_hold_no_secret(self):
        self._assert_clean("server log", OUT["log"])

    def test_audit_trail_holds_no_secret(self):
        self._assert_clean("audit trail", OUT["trail"])

    def test_metrics_hold_no_secret(self):
        self._assert_clean("metrics", OUT["metrics"])


class PrivateData(unittest.TestCase):
    def test_nothing_in_the_data_dir_is_readable_by_others(self):
        # control.db holds the IAM user's secret key; meta.db, the blobs and the trail are the server's own.
        import stat
        self.assertEqual(stat.S_IMODE(SRV.data_dir.stat().st_mode), 0o700)
        for path in SRV.data_dir.rglob("*"):
            mode = stat.S_IMODE(path.lstat().st_mode)
            self.assertEqual(mode & 0o077, 0, f"{path} is {oct(mode)}")


class AccessLog(unittest.TestCase):
    def test_every_request_line_parses_and_names_its_principal(self):
        lines = _json_lines(OUT["log"], ("request_id", "service", "operation", "status"))
        self.assertGreater(len(lines), 20)
        for line in lines:
            for key in ("time", "principal", "remote_ip", "error_code", "bytes_in", "bytes_out", "latency_ms"):
                self.assertIn(key, line)
        principals = {line["principal"] for line in lines}
        for name, arn in PRINCIPALS.items():
            self.assertTrue(any(p.startswith(arn) for p in principals), f"{name} {arn} not in {principals}")
        denied = [l for l in lines if l["error_code"] == "AccessDenied" and l["principal"] == PRINCIPALS["user"]]
        self.assertEqual([(l["operation"], l["status"]) for l in denied], [("PutObject", 403)])
        services = {line["service"] for line in lines}
        self.assertLessEqual({"s3", "iam", "sts", "kms", "eks", "eks-auth"}, services)

    def test_server_events_are_json_lines_of_their_own(self):
        events = _json_lines(OUT["log"], ("level", "logger", "message"))
        self.assertTrue(any("received signal" in e["message"] for e in events))
        for e in events:
            self.assertNotIn("request_id", e)


class AuditTrail(unittest.TestCase):
    def setUp(self):
        self.events = [json.loads(line) for line in OUT["trail"].splitlines()]

    def test_names_every_principal(self):
        arns = {e.get("userIdentity", {}).get("arn", "") for e in self.events}
        for name, arn in PRINCIPALS.items():
            self.assertTrue(any(a.startswith(arn) for a in arns), f"{name} {arn} not in the trail")

    def test_records_the_denial_with_its_decision(self):
        denied = [e for e in self.events if e.get("errorCode") == "AccessDenied" and
                  e["userIdentity"].get("arn") == PRINCIPALS["user"]]
        self.assertEqual([e["eventName"] for e in denied], ["PutObject"])
        decisions = denied[0]["additionalEventData"]["authorizationDecisions"]
        self.assertIn("ImplicitDeny", [d["decision"] for d in decisions])

    def test_every_authorized_call_carries_its_decisions(self):
        reads = [e for e in self.events if e["eventName"] == "GetObject" and
                 e["userIdentity"].get("arn") == PRINCIPALS["user"]]
        self.assertTrue(reads)
        self.assertEqual(reads[0]["additionalEventData"]["authorizationDecisions"][0]["decision"], "Allow")


class Metrics(unittest.TestCase):
    def test_a_prometheus_parser_accepts_them(self):
        script = harness.REPO / "tests" / "e2e" / "js" / "parse_metrics.mjs"
        p = subprocess.run(["node", str(script)], input=OUT["metrics"], capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        families = {f["name"] for f in json.loads(p.stdout)}
        self.assertIn("podbucket_requests_total", families)


if __name__ == "__main__":
    harness.main()
