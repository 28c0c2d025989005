"""The audit trail (issue 8, item 4): CloudTrail-shaped events for every authorization decision and every mutating
call, written to DATA_DIR/audit/trail.jsonl with size-based rotation, and read back by `podbucket audit query`.

Scenario: the root user, an IAM user (an allowed and a denied S3 call, KMS Encrypt/Decrypt), the same user's role
session with session tags (AssumeRole through STS), a presigned URL; then the trail is checked event by event and
grepped for every secret the server saw. A second server with a tiny --audit-max-bytes checks rotation."""
import base64
import json
import os
import re
import stat
import unittest
import urllib.request

import harness

SRV = harness.Server()
SECRETS = {}     # name -> a secret the server saw; none may appear anywhere in the trail
PRINCIPALS = {}  # name -> ARN
FACTS = {}       # what the scenario made (bucket, key id, role ARN, ...)
TRAIL = {}       # "text": every trail file concatenated, "events": the parsed events, oldest first


def setUpModule():
    SRV.start()
    _scenario()
    TRAIL["files"] = [p for p in harness_trail_files(SRV.data_dir)]
    TRAIL["text"] = "".join(p.read_text(errors="replace") for p in TRAIL["files"])
    TRAIL["events"] = [json.loads(line) for line in TRAIL["text"].splitlines() if line]


def tearDownModule():
    SRV.stop()


def harness_trail_files(data_dir):
    """The trail files of a data dir, oldest first (trail.jsonl.N ... trail.jsonl.1, trail.jsonl)."""
    d = data_dir / "audit"
    rotated = sorted((p for p in d.glob("trail.jsonl.*")), key=lambda p: -int(p.suffix[1:]))
    return rotated + ([d / "trail.jsonl"] if (d / "trail.jsonl").exists() else [])


def _get(url):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=10) as r:
        return r.read()


def _unsigned_form(params):
    """An unsigned form POST to the server (STS's AssumeRoleWithWebIdentity); returns (status, body)."""
    import http.client
    import urllib.parse
    body = urllib.parse.urlencode(params).encode()
    conn = http.client.HTTPConnection("127.0.0.1", SRV.port, timeout=30)
    try:
        conn.request("POST", "/", body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def _scenario():
    from botocore.exceptions import ClientError
    SECRETS["root secret key"] = SRV.secret_key
    account = SRV.account()
    FACTS["account"] = account
    PRINCIPALS["root"] = f"arn:aws:iam::{account}:root"

    bucket = harness.unique_bucket("audit")
    FACTS["bucket"] = bucket
    root_s3 = SRV.s3()
    root_s3.create_bucket(Bucket=bucket)
    root_s3.put_object(Bucket=bucket, Key="docs/readme.txt", Body=b"hello")

    kms = SRV.client("kms")
    key_id = kms.create_key(Description="audit")["KeyMetadata"]["KeyId"]
    FACTS["key_id"] = key_id

    role_name = "audit-role"
    role_arn = SRV.role(role_name, {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
        "Action": ["sts:AssumeRole", "sts:TagSession"]}]},
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                  "Resource": f"arn:aws:s3:::{bucket}/*"}]})
    FACTS["role_arn"] = role_arn

    user_key, user_secret = SRV.user_keys("audit-alice", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/docs/*"},
        {"Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*"},
        {"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"], "Resource": role_arn}]})
    SECRETS["user secret key"] = user_secret
    FACTS["user_key"] = user_key
    PRINCIPALS["user"] = f"arn:aws:iam::{account}:user/audit-alice"

    # The user: one allowed read, one denied write.
    user_s3 = SRV.s3(user_key, user_secret)
    assert user_s3.get_object(Bucket=bucket, Key="docs/readme.txt")["Body"].read() == b"hello"
    try:
        user_s3.put_object(Bucket=bucket, Key="docs/new.txt", Body=b"x")
        raise AssertionError("PutObject should be denied")
    except ClientError as e:
        assert e.response["Error"]["Code"] == "AccessDenied", e.response

    # A presigned URL of the user's: the signature travels in the query string.
    url = SRV.s3(user_key, user_secret, signature_version="s3v4").generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "docs/readme.txt"}, ExpiresIn=300)
    SECRETS["presigned signature"] = re.search(r"X-Amz-Signature=([0-9a-f]+)", url).group(1)
    assert _get(url) == b"hello"

    # KMS as the user: the plaintext and the ciphertext must stay out of the trail.
    user_kms = SRV.client("kms", user_key, user_secret)
    plaintext = b"audit plaintext " + os.urandom(8).hex().encode()
    SECRETS["KMS plaintext (raw)"] = plaintext.decode()
    SECRETS["KMS plaintext"] = base64.b64encode(plaintext).decode()
    blob = user_kms.encrypt(KeyId=key_id, Plaintext=plaintext, EncryptionContext={"purpose": "audit-test"})[
        "CiphertextBlob"]
    SECRETS["KMS ciphertext"] = base64.b64encode(blob).decode()
    assert user_kms.decrypt(CiphertextBlob=blob, EncryptionContext={"purpose": "audit-test"})["Plaintext"] == plaintext

    # The user's role session, with session tags.
    creds = SRV.client("sts", user_key, user_secret).assume_role(
        RoleArn=role_arn, RoleSessionName="audit-session",
        Tags=[{"Key": "team", "Value": "blue"}, {"Key": "cost-center", "Value": "42"}])["Credentials"]
    SECRETS["session secret key"] = creds["SecretAccessKey"]
    SECRETS["session token"] = creds["SessionToken"]
    FACTS["session_key"] = creds["AccessKeyId"]
    PRINCIPALS["session"] = f"arn:aws:sts::{account}:assumed-role/{role_name}/audit-session"
    session_s3 = SRV.client("s3", creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    assert session_s3.get_object(Bucket=bucket, Key="docs/readme.txt")["Body"].read() == b"hello"
    try:
        session_s3.delete_object(Bucket=bucket, Key="docs/readme.txt")
        raise AssertionError("DeleteObject should be denied")
    except ClientError as e:
        assert e.response["Error"]["Code"] == "AccessDenied", e.response

    # Web identity tokens (unsigned STS calls): a forged one, and one too long, which STS's ValidationError echoes.
    for name, size in (("web identity token", 40), ("oversized web identity token", 15000)):
        token = ".".join(base64.urlsafe_b64encode(os.urandom(n)).decode().rstrip("=")
                         for n in (24, size, 48))
        token = "eyJ" + token[3:]
        SECRETS[name] = token
        status, body = _unsigned_form({"Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15",
                                       "RoleArn": role_arn, "RoleSessionName": "web", "WebIdentityToken": token})
        assert status == 400, (status, body)
        FACTS.setdefault("web_identity_errors", []).append(re.search(rb"<Code>(\w+)</Code>", body).group(1).decode())

    # A valid one: a service account token of a local cluster, for a role trusting the cluster's OIDC provider.
    SRV.ensure_cluster("audit-cluster")
    issuer = SRV.eks("GET", "/clusters/audit-cluster")["cluster"]["identity"]["oidc"]["issuer"]
    provider = issuer.split("://", 1)[1]
    web_role = SRV.role("audit-web", {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": f"arn:aws:iam::{account}:oidc-provider/{provider}"},
        "Action": "sts:AssumeRoleWithWebIdentity"}]})
    token = SRV.mint("audit-cluster", "gitlab", "web", audience="sts.amazonaws.com")
    SECRETS["valid web identity token"] = token
    status, body = _unsigned_form({"Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15",
                                   "RoleArn": web_role, "RoleSessionName": "web-ok", "WebIdentityToken": token})
    assert status == 200, (status, body)
    SECRETS["web identity session token"] = re.search(rb"<SessionToken>([^<]+)</SessionToken>", body).group(1).decode()
    FACTS["web_provider"] = provider

    # A request with a wrong secret: failed authentication is audited too.
    try:
        SRV.s3(user_key, "not-the-secret-" + "x" * 25).put_object(Bucket=bucket, Key="docs/forged", Body=b"x")
        raise AssertionError("a wrong secret should fail")
    except ClientError as e:
        assert e.response["Error"]["Code"] == "SignatureDoesNotMatch", e.response


def events_of(arn):
    return [e for e in TRAIL["events"] if e["userIdentity"].get("arn") == arn]


class Shape(unittest.TestCase):
    REQUIRED = ("eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion",
                "sourceIPAddress", "userAgent", "requestParameters", "responseElements", "additionalEventData",
                "requestID", "eventID", "readOnly", "eventType", "managementEvent", "recipientAccountId",
                "eventCategory")

    def test_every_line_is_a_cloudtrail_shaped_event(self):
        self.assertGreater(len(TRAIL["events"]), 10)
        ids = set()
        for e in TRAIL["events"]:
            for field in self.REQUIRED:
                self.assertIn(field, e, e)
            self.assertEqual(e["eventVersion"], "1.08")
            self.assertEqual(e["eventType"], "AwsApiCall")
            self.assertRegex(e["eventTime"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
            self.assertIn(e["eventSource"], {"s3.amazonaws.com", "iam.amazonaws.com", "sts.amazonaws.com",
                                             "kms.amazonaws.com", "eks.amazonaws.com", "eks-auth.amazonaws.com"})
            self.assertEqual(e["awsRegion"], harness.REGION)
            self.assertEqual(e["sourceIPAddress"], "127.0.0.1")
            self.assertEqual(e["recipientAccountId"], FACTS["account"])
            self.assertIn(e["eventCategory"], {"Management", "Data"})
            self.assertEqual(e["managementEvent"], e["eventCategory"] == "Management")
            self.assertIsNone(e["responseElements"])
            self.assertRegex(e["eventID"], r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
            ids.add(e["eventID"])
        self.assertEqual(len(ids), len(TRAIL["events"]), "eventIDs are unique")

    def test_the_trail_is_private(self):
        audit_dir = SRV.data_dir / "audit"
        self.assertEqual(stat.S_IMODE(audit_dir.stat().st_mode), 0o700)
        self.assertEqual(stat.S_IMODE((audit_dir / "trail.jsonl").stat().st_mode), 0o600)

    def test_names_every_principal(self):
        arns = {e["userIdentity"].get("arn") for e in TRAIL["events"]}
        for name, arn in PRINCIPALS.items():
            self.assertIn(arn, arns, f"{name} is not in the trail")

    def test_identity_types(self):
        self.assertEqual({e["userIdentity"]["type"] for e in events_of(PRINCIPALS["root"])}, {"Root"})
        user = events_of(PRINCIPALS["user"])
        self.assertEqual({e["userIdentity"]["type"] for e in user}, {"IAMUser"})
        self.assertEqual({e["userIdentity"]["userName"] for e in user}, {"audit-alice"})
        self.assertIn(FACTS["user_key"], {e["userIdentity"]["accessKeyId"] for e in user})


class Decisions(unittest.TestCase):
    def test_the_denied_put_has_its_implicit_deny(self):
        denied = [e for e in events_of(PRINCIPALS["user"]) if e.get("errorCode") == "AccessDenied"]
        self.assertEqual([e["eventName"] for e in denied], ["PutObject"])
        e = denied[0]
        self.assertIn("not authorized to perform: s3:PutObject", e["errorMessage"])
        self.assertEqual(e["requestParameters"], {"bucketName": FACTS["bucket"], "key": "docs/new.txt"})
        self.assertFalse(e["readOnly"])
        self.assertEqual(e["eventCategory"], "Data")
        self.assertEqual(e["additionalEventData"]["authorizationDecisions"], [{
            "action": "s3:PutObject", "resource": f"arn:aws:s3:::{FACTS['bucket']}/docs/new.txt",
            "decision": "ImplicitDeny", "policy": "", "statement": ""}])

    def test_allowed_reads_name_the_deciding_policy(self):
        reads = [e for e in events_of(PRINCIPALS["user"]) if e["eventName"] == "GetObject"]
        self.assertEqual(len(reads), 2)  # the SDK call and the presigned URL
        for e in reads:
            self.assertNotIn("errorCode", e)
            self.assertTrue(e["readOnly"])
            d = e["additionalEventData"]["authorizationDecisions"]
            self.assertEqual([(x["action"], x["decision"]) for x in d], [("s3:GetObject", "Allow")])
            self.assertTrue(d[0]["policy"])
            self.assertTrue(d[0]["statement"])

    def test_root_calls_carry_the_root_allow(self):
        puts = [e for e in events_of(PRINCIPALS["root"]) if e["eventName"] == "PutObject"]
        self.assertEqual(len(puts), 1)
        self.assertEqual(puts[0]["additionalEventData"]["authorizationDecisions"][0]["policy"], "(root user)")

    def test_a_failed_signature_is_audited_with_the_key_it_claimed(self):
        forged = [e for e in TRAIL["events"] if e.get("errorCode") == "SignatureDoesNotMatch"]
        self.assertEqual(len(forged), 1)
        self.assertEqual(forged[0]["userIdentity"], {"type": "Unknown", "accessKeyId": FACTS["user_key"]})
        self.assertEqual(forged[0]["eventName"], "PutObject")

    def test_kms_calls_have_their_parameters_but_no_data(self):
        user = events_of(PRINCIPALS["user"])
        by_name = {e["eventName"]: e for e in user if e["eventSource"] == "kms.amazonaws.com"}
        self.assertEqual(set(by_name), {"Encrypt", "Decrypt"})
        enc = by_name["Encrypt"]
        self.assertEqual(enc["requestParameters"]["keyId"], FACTS["key_id"])
        self.assertEqual(enc["requestParameters"]["encryptionContext"], {"purpose": "audit-test"})
        self.assertEqual(enc["requestParameters"]["plaintext"], "HIDDEN_DUE_TO_SECURITY_REASONS")
        self.assertEqual(by_name["Decrypt"]["requestParameters"]["ciphertextBlob"], "HIDDEN_DUE_TO_SECURITY_REASONS")
        for e in by_name.values():
            self.assertTrue(e["readOnly"])
            self.assertEqual(e["eventCategory"], "Management")
            self.assertEqual(e["additionalEventData"]["authorizationDecisions"][0]["decision"], "Allow")

    def test_iam_calls_are_named_and_keep_their_parameters(self):
        root = events_of(PRINCIPALS["root"])
        create = [e for e in root if e["eventName"] == "CreateUser"]
        self.assertEqual(len(create), 1)
        self.assertEqual(create[0]["eventSource"], "iam.amazonaws.com")
        self.assertEqual(create[0]["requestParameters"], {"userName": "audit-alice"})
        keys = [e for e in root if e["eventName"] == "CreateAccessKey"]
        self.assertEqual(len(keys), 1)
        self.assertIsNone(keys[0]["responseElements"])  # the new secret key is never recorded
        policy = [e for e in root if e["eventName"] == "PutUserPolicy"][0]["requestParameters"]
        self.assertIn("s3:GetObject", policy["policyDocument"])  # policies are not secrets


class Sessions(unittest.TestCase):
    def test_assume_role_records_its_tags(self):
        assume = [e for e in events_of(PRINCIPALS["user"]) if e["eventName"] == "AssumeRole"]
        self.assertEqual(len(assume), 1)
        e = assume[0]
        self.assertEqual(e["eventSource"], "sts.amazonaws.com")
        self.assertFalse(e["readOnly"])
        p = e["requestParameters"]
        self.assertEqual(p["roleArn"], FACTS["role_arn"])
        self.assertEqual(p["roleSessionName"], "audit-session")
        self.assertEqual(p["tags"], [{"key": "team", "value": "blue"}, {"key": "cost-center", "value": "42"}])
        actions = [d["action"] for d in e["additionalEventData"]["authorizationDecisions"]]
        self.assertEqual(actions, ["sts:AssumeRole", "sts:TagSession"])

    def test_the_sessions_calls_carry_its_issuer_and_tags(self):
        session = events_of(PRINCIPALS["session"])
        self.assertEqual(sorted(e["eventName"] for e in session), ["DeleteObject", "GetObject"])
        for e in session:
            u = e["userIdentity"]
            self.assertEqual(u["type"], "AssumedRole")
            self.assertEqual(u["accessKeyId"], FACTS["session_key"])
            ctx = u["sessionContext"]
            self.assertEqual(ctx["sessionIssuer"]["type"], "Role")
            self.assertEqual(ctx["sessionIssuer"]["arn"], FACTS["role_arn"])
            self.assertEqual(ctx["sessionIssuer"]["userName"], "audit-role")
            self.assertEqual(ctx["attributes"]["mfaAuthenticated"], "false")
            self.assertRegex(ctx["attributes"]["creationDate"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
            self.assertEqual(ctx["sessionTags"], {"team": "blue", "cost-center": "42"})
        denied = [e for e in session if e["eventName"] == "DeleteObject"][0]
        self.assertEqual(denied["errorCode"], "AccessDenied")
        self.assertEqual(denied["additionalEventData"]["authorizationDecisions"][0]["decision"], "ImplicitDeny")


class WebIdentity(unittest.TestCase):
    def test_an_accepted_token_names_its_web_identity_user(self):
        events = [e for e in TRAIL["events"] if e["eventName"] == "AssumeRoleWithWebIdentity" and
                  "errorCode" not in e]
        self.assertEqual(len(events), 1)
        provider, subject = FACTS["web_provider"], "system:serviceaccount:gitlab:web"
        self.assertEqual(events[0]["userIdentity"], {
            "type": "WebIdentityUser", "principalId": f"{provider}:sts.amazonaws.com:{subject}",
            "userName": subject, "identityProvider": provider})
        self.assertEqual(events[0]["requestParameters"]["webIdentityToken"], "HIDDEN_DUE_TO_SECURITY_REASONS")

    def test_rejected_tokens_are_audited_without_the_token(self):
        events = [e for e in TRAIL["events"] if e["eventName"] == "AssumeRoleWithWebIdentity" and "errorCode" in e]
        self.assertEqual([e["errorCode"] for e in events], FACTS["web_identity_errors"])
        self.assertIn("ValidationError", FACTS["web_identity_errors"])  # the oversized one
        for e in events:
            self.assertEqual(e["userIdentity"]["type"], "AWSAccount")
            self.assertEqual(e["requestParameters"]["webIdentityToken"], "HIDDEN_DUE_TO_SECURITY_REASONS")
            self.assertEqual(e["requestParameters"]["roleArn"], FACTS["role_arn"])
        too_long = [e for e in events if e["errorCode"] == "ValidationError"][0]
        self.assertIn("Value 'HIDDEN_DUE_TO_SECURITY_REASONS' at 'webIdentityToken'", too_long["errorMessage"])


class NoSecrets(unittest.TestCase):
    def test_no_secret_anywhere_in_the_trail(self):
        self.assertTrue(TRAIL["text"])
        for name, secret in SECRETS.items():
            self.assertGreater(len(secret), 8, name)
            self.assertNotIn(secret, TRAIL["text"], f"the {name} is in the audit trail")

    def test_no_signature_or_token_shaped_value(self):
        self.assertNotIn("X-Amz-Signature", TRAIL["text"])
        self.assertNotIn("AWS4-HMAC-SHA256", TRAIL["text"])
        self.assertIsNone(re.search(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.", TRAIL["text"]))


class Query(unittest.TestCase):
    def query(self, *args, check=True):
        return harness.podbucket_cli("audit", "query", *args, check=check)

    def test_principal_and_since_return_exactly_that_users_events(self):
        p = self.query("--data-dir", str(SRV.data_dir), "--principal", PRINCIPALS["user"], "--since", "10m")
        got = [json.loads(line) for line in p.stdout.splitlines()]
        want = events_of(PRINCIPALS["user"])
        self.assertTrue(want)
        self.assertEqual([e["eventID"] for e in got], [e["eventID"] for e in want])

    def test_a_role_arn_selects_its_sessions_and_filters_combine(self):
        p = self.query("--file", str(SRV.data_dir / "audit" / "trail.jsonl"), "--principal", FACTS["role_arn"],
                       "--error-only")
        got = [json.loads(line) for line in p.stdout.splitlines()]
        self.assertEqual([(e["eventName"], e["errorCode"]) for e in got], [("DeleteObject", "AccessDenied")])
        p = self.query("--data-dir", str(SRV.data_dir), "--event-name", "AssumeRole", "--limit", "1")
        self.assertEqual([json.loads(line)["eventName"] for line in p.stdout.splitlines()], ["AssumeRole"])

    def test_time_bounds(self):
        p = self.query("--data-dir", str(SRV.data_dir), "--until", "2000-01-01")
        self.assertEqual(p.stdout, "")
        p = self.query("--data-dir", str(SRV.data_dir), "--since", "2000-01-01T00:00:00Z", "--until", "1d")
        self.assertEqual(p.stdout, "")  # everything happened within the last day, after --until
        p = self.query("--data-dir", str(SRV.data_dir), "--since", "1h")
        self.assertEqual(len(p.stdout.splitlines()), len(TRAIL["events"]))

    def test_bad_arguments_are_explained(self):
        p = self.query("--data-dir", str(SRV.data_dir), "--since", "yesterday", check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--since", p.stderr)
        self.assertIn("ISO 8601", p.stderr)
        p = self.query("--data-dir", str(SRV.data_dir), "--file", "x", check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("either --data-dir or --file", p.stderr)
        p = self.query("--data-dir", str(SRV.tmp / "nowhere"), check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("no audit trail at", p.stderr)
        p = self.query("--data-dir", str(SRV.data_dir), "--since", "1h", "--until", "2h", check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--since is after --until", p.stderr)


class Rotation(unittest.TestCase):
    def test_a_tiny_max_size_rotates_and_query_reads_the_files_in_order(self):
        srv = harness.Server(extra_args=["--audit-max-bytes", "4096", "--audit-max-files", "3"])
        srv.start()
        try:
            s3 = srv.s3()
            bucket = harness.unique_bucket("rot")
            s3.create_bucket(Bucket=bucket)
            keys = [f"obj-{i:02d}" for i in range(30)]
            for k in keys:
                s3.put_object(Bucket=bucket, Key=k, Body=b"x")
        finally:
            srv.stop(cleanup=False)
        try:
            d = srv.data_dir / "audit"
            names = sorted(p.name for p in d.iterdir())
            self.assertEqual(names, ["trail.jsonl", "trail.jsonl.1", "trail.jsonl.2", "trail.jsonl.3"])
            for p in d.iterdir():
                self.assertLessEqual(p.stat().st_size, 4096, p.name)
                self.assertEqual(stat.S_IMODE(p.stat().st_mode), 0o600, p.name)
            out = harness.podbucket_cli("audit", "query", "--data-dir", str(srv.data_dir),
                                        "--event-name", "PutObject").stdout
            got = [json.loads(line)["requestParameters"]["key"] for line in out.splitlines()]
            # The oldest events were rotated away; what is left is the newest ones, in the order they were made.
            self.assertGreater(len(got), 3)
            self.assertLess(len(got), len(keys))
            self.assertEqual(got, keys[len(keys) - len(got):])
            times = [json.loads(line)["eventTime"] for line in out.splitlines()]
            self.assertEqual(times, sorted(times))
        finally:
            import shutil
            shutil.rmtree(srv.tmp, ignore_errors=True)


class WriteOnlyDataEvents(unittest.TestCase):
    def test_without_read_data_events_successful_object_reads_are_left_out(self):
        from botocore.exceptions import ClientError
        srv = harness.Server(extra_args=["--audit-read-data-events=false"])
        srv.start()
        try:
            s3 = srv.s3()
            bucket = harness.unique_bucket("wo")
            s3.create_bucket(Bucket=bucket)
            s3.put_object(Bucket=bucket, Key="k", Body=b"x")
            s3.get_object(Bucket=bucket, Key="k")["Body"].read()
            s3.list_objects_v2(Bucket=bucket)
            anonymous = srv.request("GET", f"/{bucket}/k", sign=False)
            self.assertEqual(anonymous[0], 403)
        finally:
            srv.stop(cleanup=False)
        try:
            events = [json.loads(line) for p in harness_trail_files(srv.data_dir)
                      for line in p.read_text().splitlines()]
            names = [(e["eventName"], e.get("errorCode", "")) for e in events]
            self.assertIn(("CreateBucket", ""), names)
            self.assertIn(("PutObject", ""), names)
            self.assertIn(("GetObject", "AccessDenied"), names)  # a denied read is still recorded
            self.assertNotIn(("GetObject", ""), names)
            self.assertNotIn(("ListObjectsV2", ""), names)
        finally:
            import shutil
            shutil.rmtree(srv.tmp, ignore_errors=True)

if __name__ == "__main__":
    harness.main()
