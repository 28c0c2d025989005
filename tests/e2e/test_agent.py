"""The Pod Identity agent (`podbucket agent`) over the wire, against a real podbucket server as EKS Auth.

Provisioning goes through the server's APIs only (boto3 IAM, raw SigV4-signed EKS calls, the root-only token mint
route). Then:
  - raw HTTP to /v1/credentials: the ECS-style JSON, its use for S3 within the role's policy, every agent error
    path of spec pod-identity.md 1.5 (no token, Bearer prefix, malformed JWT, wrong Host, expired token) and every
    EKS Auth error passed through (wrong audience, foreign issuer, no association, trust policy without
    TagSession, an agent without eks-auth:AssumeRoleForPodIdentity, bad agent keys, EKS Auth unreachable);
  - Debian's awscli 2.9 and boto3 1.26 with AWS_CONTAINER_AUTHORIZATION_TOKEN and a loopback FULL_URI
    (test-rig.md 4);
  - the npm @aws-sdk/credential-providers default chain from node with only FULL_URI and the token FILE;
  - background renewal with a short retention, and what happens when the pod's token expires;
  - as root where the machine allows it: `podbucket agent init` in a network namespace, and the agent on
    169.254.170.23:80 inside a namespace of the test's own with the JS SDK using the default URL.
Only 127.0.0.1 is contacted from the host namespace; 169.254.170.23 exists only inside the test's namespaces.
"""
import calendar
import ctypes
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import unittest
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

from botocore.exceptions import ClientError  # noqa: E402

SRV = harness.Server()
JS = Path(__file__).resolve().parent / "js"
CLUSTER = "agent-cluster"
OTHER_CLUSTER = "agent-other-cluster"
PODS_TRUST = harness.PODS_TRUST
SERVER_LEEWAY = 10  # eks::Config::token_leeway
EXPIRATION_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
UPSTREAM_RE = re.compile(r"^\[([^\]]*)\]: \((\w+)\): (.*), fault: (client|server)\n$", re.S)

P = {}  # provisioned names and keys


def setUpModule():
    SRV.start()
    status, _, body = signed("GET", "/clusters")
    if status == 501:
        SRV.stop()
        raise unittest.SkipTest("the server does not serve EKS: " + body.decode())
    provision()


def tearDownModule():
    SRV.stop()


# ---- the server's APIs --------------------------------------------------------------------------------------------

signed, eks, role, user_keys = SRV.signed, SRV.eks, SRV.role, SRV.user_keys


def mint(namespace="gitlab", service_account="gitlab-global", cluster=CLUSTER, audience=None, expires_in=None,
         pod="gitlab-webservice-default-6c8d9f7b54-x2x7q"):
    """A projected-service-account-style token from the server's root-only mint route (what `podbucket token`
    calls)."""
    return SRV.mint(cluster, namespace, service_account, audience=audience, expires_in=expires_in, pod=pod,
                    pod_uid="8c4e3f0a-1b2c-4d5e-8f90-" + os.urandom(6).hex())


def provision():
    P["account"] = SRV.account()
    for name in (CLUSTER, OTHER_CLUSTER):
        SRV.ensure_cluster(name)
    s3 = SRV.s3()
    P["allowed"] = harness.unique_bucket("agent-allowed")
    P["denied"] = harness.unique_bucket("agent-denied")
    for b in (P["allowed"], P["denied"]):
        s3.create_bucket(Bucket=b)
    s3.put_object(Bucket=P["denied"], Key="secret.txt", Body=b"not for pods")
    P["role_arn"] = role("agent-pods", PODS_TRUST, {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"],
         "Resource": [f"arn:aws:s3:::{P['allowed']}", f"arn:aws:s3:::{P['allowed']}/*"]}]})
    no_tag = role("agent-no-tag-session", {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    base = f"/clusters/{CLUSTER}/pod-identity-associations"
    eks("POST", base, {"namespace": "gitlab", "serviceAccount": "gitlab-global", "roleArn": P["role_arn"]})
    eks("POST", base, {"namespace": "gitlab", "serviceAccount": "no-tag", "roleArn": no_tag})
    P["agent_keys"] = user_keys("pod-identity-agent", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "eks-auth:AssumeRoleForPodIdentity", "Resource": "*"}]})
    P["weak_keys"] = user_keys("agent-without-eks-auth", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]})


def s3_with(creds):
    return SRV.client("s3", access_key=creds["AccessKeyId"], secret_key=creds["SecretAccessKey"],
                      session_token=creds["Token"])


# ---- the agent process --------------------------------------------------------------------------------------------

class AgentProcess(harness.ChildProcess):
    """`podbucket agent` on 127.0.0.1 with free ports, signing as `keys`."""

    name = "agent"

    LINE = re.compile(r"^(credentials|probes|metrics) on http://(\[[^\]]+\]|[^:/\s]+):(\d+)", re.M)

    def __init__(self, keys=None, endpoint=None, extra=(), netns=None, bind_hosts=("127.0.0.1",), port=0):
        self.keys = keys or P["agent_keys"]
        self.endpoint = endpoint or SRV.endpoint
        self.extra = list(extra)
        self.netns = netns
        self.bind_hosts = list(bind_hosts)
        self.port_arg = port
        self.proc = None
        self.log = None

    def start(self, timeout=20):
        cmd = [harness.podbucket_bin(), "agent", "--cluster-name", CLUSTER, "--endpoint", self.endpoint,
               "--region", "us-east-1", "--port", str(self.port_arg), "--probe-port", "0",
               "--metrics-address", "127.0.0.1", "--metrics-port", "0"]
        for h in self.bind_hosts:
            cmd += ["--bind-hosts", h]
        cmd += self.extra
        if self.netns:
            cmd = ["ip", "netns", "exec", self.netns] + cmd
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": str(SRV.home), "AWS_EC2_METADATA_DISABLED": "true",
               "AWS_ACCESS_KEY_ID": self.keys[0], "AWS_SECRET_ACCESS_KEY": self.keys[1],
               "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/podbucket-e2e/credentials"}
        self.launch(cmd, env, SRV.tmp)
        return self.wait_ready(self._read_ports, timeout)

    def _read_ports(self, text):
        found = {m.group(1): int(m.group(3)) for m in self.LINE.finditer(text)}
        if "metrics" not in found:
            return False
        self.ports = [int(m.group(3)) for m in self.LINE.finditer(text) if m.group(1) == "credentials"]
        self.port = self.ports[0]
        self.probe_port = found["probes"]
        self.metrics_port = found["metrics"]
        return True

    def get(self, path="/v1/credentials", token=None, host=None, port=None):
        """One request to the agent. Returns (status, headers, body text)."""
        port = port or self.port
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
            conn.putheader("Host", host if host is not None else f"127.0.0.1:{port}")
            conn.putheader("Accept", "application/json")
            if token is not None:
                conn.putheader("Authorization", token)
            conn.endheaders()
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read().decode()
        finally:
            conn.close()

    def credentials(self, token):
        status, headers, body = self.get(token=token)
        if status != 200:
            raise AssertionError(f"agent answered {status}: {body}")
        return json.loads(body)

    def metrics(self):
        status, _, body = self.get("/metrics", port=self.metrics_port)
        assert status == 200, body
        return body


def metric(text, name, labels=""):
    """The value of one series in Prometheus text, 0 when absent."""
    series = name + ("{" + labels + "}" if labels else "")
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.split()[-1])
    return 0.0


# ---- raw HTTP -----------------------------------------------------------------------------------------------------

class TestCredentialsEndpoint(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.agent = AgentProcess().start()

    @classmethod
    def tearDownClass(cls):
        cls.agent.stop()

    def assert_text_error(self, reply, status, body=None):
        st, headers, text = reply
        self.assertEqual(st, status, text)
        self.assertEqual(headers.get("content-type"), "text/plain; charset=utf-8")
        self.assertEqual(headers.get("x-content-type-options"), "nosniff")
        if body is not None:
            self.assertEqual(text, body + "\n")
        return text

    def assert_upstream(self, reply, status, code):
        text = self.assert_text_error(reply, status)
        m = UPSTREAM_RE.match(text)
        self.assertIsNotNone(m, text)
        self.assertTrue(m.group(1), "the EKS Auth request id is shown: " + text)
        self.assertEqual(m.group(2), code, text)
        self.assertEqual(m.group(4), "client" if status < 500 else "server")
        return m.group(3)

    def test_round_trip_then_s3(self):
        status, headers, body = self.agent.get(token=mint())
        self.assertEqual(status, 200, body)
        self.assertEqual(headers["content-type"], "application/json")
        creds = json.loads(body)
        self.assertEqual(list(creds), ["AccessKeyId", "SecretAccessKey", "Token", "AccountId", "Expiration"])
        self.assertTrue(creds["AccessKeyId"].startswith("ASIA"))
        self.assertEqual(creds["AccountId"], P["account"])
        self.assertRegex(creds["Expiration"], EXPIRATION_RE)
        expires = calendar.timegm(time.strptime(creds["Expiration"][:19], "%Y-%m-%dT%H:%M:%S"))
        self.assertAlmostEqual(expires - time.time(), 6 * 3600, delta=300)

        s3 = s3_with(creds)
        s3.put_object(Bucket=P["allowed"], Key="raw.txt", Body=b"from the agent")
        self.assertEqual(s3.get_object(Bucket=P["allowed"], Key="raw.txt")["Body"].read(), b"from the agent")
        for call in (lambda: s3.get_object(Bucket=P["denied"], Key="secret.txt"),
                     lambda: s3.put_object(Bucket=P["denied"], Key="x", Body=b"x")):
            with self.assertRaises(ClientError) as e:
                call()
            self.assertEqual(e.exception.response["Error"]["Code"], "AccessDenied")
        ident = SRV.client("sts", access_key=creds["AccessKeyId"], secret_key=creds["SecretAccessKey"],
                           session_token=creds["Token"]).get_caller_identity()
        self.assertRegex(ident["Arn"], rf"^arn:aws:sts::{P['account']}:assumed-role/agent-pods/eks-{CLUSTER}-")

    def test_second_request_is_served_from_the_cache(self):
        token = mint()
        before = metric(self.agent.metrics(), "podbucket_agent_eks_auth_calls_total", 'kind="fetch"')
        a = self.agent.credentials(token)
        b = self.agent.credentials(token)
        self.assertEqual(a, b)
        m = self.agent.metrics()
        self.assertEqual(metric(m, "podbucket_agent_eks_auth_calls_total", 'kind="fetch"'), before + 1)
        self.assertGreaterEqual(metric(m, "podbucket_agent_cache_hits_total"), 1)
        self.assertNotIn(token, m)

    def test_no_token(self):
        self.assert_text_error(self.agent.get(), 400, "Service account token cannot be empty")
        self.assert_text_error(self.agent.get(token=""), 400, "Service account token cannot be empty")

    def test_bearer_prefix(self):
        self.assert_text_error(self.agent.get(token="Bearer " + mint()), 400,
                               "Service account token cannot be parsed: token is malformed: could not base64 decode "
                               "header")

    def test_not_a_jwt(self):
        self.assert_text_error(self.agent.get(token="not-a-token"), 400,
                               "Service account token cannot be parsed: token is malformed: token contains an "
                               "invalid number of segments")

    def test_wrong_host(self):
        # The agent only answers under the addresses it is bound to (spec 6.1).
        self.assert_text_error(
            self.agent.get(token=mint(), host="169.254.170.23"), 403,
            "Access Denied. Called agent through invalid address, please use either [127.0.0.1] address not "
            "169.254.170.23")
        self.assert_text_error(
            self.agent.get(token=mint(), host="localhost:%d" % self.agent.port), 403,
            "Access Denied. Called agent through invalid address, please use either [127.0.0.1] address not "
            "localhost")

    def test_only_v1_credentials_exists(self):
        for path in ("/", "/v1/credentials/", "/v2/credentials"):
            self.assert_text_error(self.agent.get(path, token=mint()), 404, "404 page not found")
        status, _, _ = self.agent.get("/v1/credentials?unused=1", token=mint())
        self.assertEqual(status, 200)

    def test_expired_token_is_refused_locally(self):
        token = mint(expires_in=1)
        time.sleep(2.2)
        self.assert_text_error(self.agent.get(token=token), 400,
                               "Service account token failed basic claim validations: token has invalid claims: "
                               "token is expired")

    def test_wrong_audience(self):
        self.assert_upstream(self.agent.get(token=mint(audience="sts.amazonaws.com")), 400, "InvalidTokenException")

    def test_foreign_issuer(self):
        self.assert_upstream(self.agent.get(token=mint(cluster=OTHER_CLUSTER)), 400, "InvalidTokenException")

    def test_unassociated_service_account(self):
        self.assert_upstream(self.agent.get(token=mint(service_account="gitlab-runner")), 404,
                             "ResourceNotFoundException")

    def test_trust_policy_without_tag_session(self):
        message = self.assert_upstream(self.agent.get(token=mint(service_account="no-tag")), 400,
                                       "AccessDeniedException")
        self.assertIn("sts:TagSession", message)

    def test_agent_without_eks_auth_permission(self):
        weak = AgentProcess(keys=P["weak_keys"]).start()
        try:
            message = self.assert_upstream(weak.get(token=mint()), 400, "AccessDeniedException")
            self.assertIn("eks-auth:AssumeRoleForPodIdentity", message)
        finally:
            weak.stop()

    def test_agent_with_unknown_keys(self):
        bogus = AgentProcess(keys=("AKIAAAAAAAAAAAAAAAAA", "not-a-secret-key-of-this-server-000000000")).start()
        try:
            st, _, text = bogus.get(token=mint())
            self.assertEqual(st, 403, text)
            self.assertRegex(text, UPSTREAM_RE)
        finally:
            bogus.stop()

    def test_eks_auth_unreachable(self):
        dead = AgentProcess(endpoint=f"http://127.0.0.1:{harness.free_port()}").start()
        try:
            text = self.assert_text_error(dead.get(token=mint()), 500)
            self.assertTrue(text.startswith("operation error EKS Auth: AssumeRoleForPodIdentity, "), text)
        finally:
            dead.stop()

    def test_probes_and_metrics(self):
        for path in ("/healthz", "/readyz"):
            st, _, body = self.agent.get(path, port=self.agent.probe_port)
            self.assertEqual((st, body), (200, ""))
        self.assertEqual(self.agent.get("/metrics", port=self.agent.probe_port)[0], 404)
        self.agent.credentials(mint())
        self.agent.get()
        m = self.agent.metrics()
        self.assertGreaterEqual(metric(m, "pod_identity_http_response", 'code="200"'), 1)
        self.assertGreaterEqual(metric(m, "pod_identity_http_response", 'code="400"'), 1)
        self.assertGreaterEqual(metric(m, "podbucket_agent_requests_total", 'code="200"'), 1)
        self.assertGreaterEqual(metric(m, "pod_identity_cache_state", 'state="miss"'), 1)
        self.assertIn("# TYPE podbucket_agent_cache_hits_total counter", m)
        self.assertRegex(m, r"podbucket_agent_cache_entries \d+\n")


# ---- SDKs ---------------------------------------------------------------------------------------------------------

def pod_env(agent, **extra):
    """What a pod sees: no keys, only the container-credentials variables (test-rig.md 0: env -i)."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(SRV.home), "LANG": "C.UTF-8", "AWS_EC2_METADATA_DISABLED": "true",
           "AWS_CONFIG_FILE": "/nonexistent/podbucket-e2e/config",
           "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/podbucket-e2e/credentials", "NO_PROXY": "127.0.0.1",
           "AWS_CONTAINER_CREDENTIALS_FULL_URI": f"http://127.0.0.1:{agent.port}/v1/credentials"}
    env.update(extra)
    return env


@unittest.skipUnless(os.path.exists("/usr/bin/aws"), "Debian awscli (/usr/bin/aws) is not installed")
class TestDebianAwsCliAndBoto3(unittest.TestCase):
    """awscli 2.9 / botocore 1.29 know only AWS_CONTAINER_AUTHORIZATION_TOKEN and loopback hosts (spec 5.4)."""

    @classmethod
    def setUpClass(cls):
        cls.agent = AgentProcess().start()
        cls.env = pod_env(cls.agent, AWS_CONTAINER_AUTHORIZATION_TOKEN=mint(), AWS_DEFAULT_REGION="us-east-1")

    @classmethod
    def tearDownClass(cls):
        cls.agent.stop()

    def aws(self, *args, check=True):
        return harness.run_cli(["/usr/bin/aws", "--endpoint-url", SRV.endpoint, "--output", "json", *args], self.env,
                               timeout=120, check=check)

    def test_awscli(self):
        ident = json.loads(self.aws("sts", "get-caller-identity").stdout)
        self.assertRegex(ident["Arn"], rf":assumed-role/agent-pods/eks-{CLUSTER}-")
        src = Path(SRV.tmp) / "awscli.txt"
        src.write_bytes(b"awscli through the agent")
        self.aws("s3", "cp", str(src), f"s3://{P['allowed']}/awscli.txt")
        out = self.aws("s3", "ls", f"s3://{P['allowed']}/").stdout
        self.assertIn("awscli.txt", out)
        p = self.aws("s3", "cp", str(src), f"s3://{P['denied']}/awscli.txt", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("AccessDenied", p.stderr)
        listed = self.aws("configure", "list").stdout
        self.assertIn("container-role", listed)

    def test_boto3(self):
        script = r"""
import json, sys, boto3, botocore.config
from botocore.exceptions import ClientError
endpoint, allowed, denied = sys.argv[1:4]
s = boto3.session.Session(region_name="us-east-1")
c = s.get_credentials()
out = {"method": c.method, "key": c.get_frozen_credentials().access_key[:4]}
s3 = s.client("s3", endpoint_url=endpoint, config=botocore.config.Config(s3={"addressing_style": "path"}))
s3.put_object(Bucket=allowed, Key="boto3.txt", Body=b"boto3 through the agent")
out["get"] = s3.get_object(Bucket=allowed, Key="boto3.txt")["Body"].read().decode()
try:
    s3.get_object(Bucket=denied, Key="secret.txt")
    out["denied"] = "allowed?!"
except ClientError as e:
    out["denied"] = e.response["Error"]["Code"]
print(json.dumps(out))
"""
        p = harness.run_cli(["/usr/bin/python3", "-c", script, SRV.endpoint, P["allowed"], P["denied"]], self.env,
                            timeout=120)
        out = json.loads(p.stdout.strip().splitlines()[-1])
        self.assertEqual(out, {"method": "container-role", "key": "ASIA", "get": "boto3 through the agent",
                               "denied": "AccessDenied"})

    def test_a_bad_token_fails_the_chain(self):
        env = dict(self.env, AWS_CONTAINER_AUTHORIZATION_TOKEN=mint(service_account="gitlab-runner"))
        p = harness.run_cli(["/usr/bin/aws", "--endpoint-url", SRV.endpoint, "sts", "get-caller-identity"], env,
                            timeout=120, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("404", p.stderr)


JS_SCRIPT = r"""
// Resolves the SDK from the e2e js folder (argv[2]); only the container-credentials variables are set.
import { createRequire } from "node:module";
const require = createRequire(process.argv[2] + "/");
const { S3Client, PutObjectCommand, GetObjectCommand } = require("@aws-sdk/client-s3");
const { fromNodeProviderChain } = require("@aws-sdk/credential-providers");
const [endpoint, allowed, denied] = process.argv.slice(3);
const out = {};
try {
  const creds = await fromNodeProviderChain()();
  out.source = creds.$source ? Object.keys(creds.$source) : null;
  out.key = creds.accessKeyId.slice(0, 4);
  out.expiresInS = Math.round((creds.expiration.getTime() - Date.now()) / 1000);
  const s3 = new S3Client({ region: "us-east-1", endpoint, forcePathStyle: true, maxAttempts: 1 });
  await s3.send(new PutObjectCommand({ Bucket: allowed, Key: "js.txt", Body: "js through the agent" }));
  const r = await s3.send(new GetObjectCommand({ Bucket: allowed, Key: "js.txt" }));
  out.get = await r.Body.transformToString();
  try {
    await s3.send(new PutObjectCommand({ Bucket: denied, Key: "js.txt", Body: "no" }));
    out.denied = "allowed?!";
  } catch (e) {
    out.denied = e.name;
  }
} catch (e) {
  out.error = `${e.name}: ${e.message}`;
}
console.log(JSON.stringify(out));
"""


def node_bin():
    return shutil.which("node", path="/usr/local/bin:/usr/bin:/bin")


def ensure_js():
    if not node_bin():
        raise unittest.SkipTest("node is not installed")
    if not (JS / "node_modules" / "@aws-sdk" / "credential-providers").exists():
        p = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=JS, capture_output=True, text=True,
                           timeout=600, env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(SRV.home)})
        if p.returncode != 0:
            raise AssertionError(f"npm ci in {JS} failed:\n{p.stdout}\n{p.stderr}")


def write_token_file(path, token):
    """Like the kubelet: mode 0600, no trailing newline (node refuses a header with one)."""
    tmp = Path(str(path) + ".tmp")
    tmp.write_text(token)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def run_js(env, endpoint, prefix=()):
    script = Path(SRV.tmp) / "pod_identity_agent.mjs"
    script.write_text(JS_SCRIPT)
    p = subprocess.run([*prefix, node_bin(), str(script), str(JS), endpoint, P["allowed"], P["denied"]], env=env,
                       capture_output=True, text=True, timeout=180)
    lines = [line for line in p.stdout.splitlines() if line.startswith("{")]
    if p.returncode != 0 or not lines:
        raise AssertionError(f"node exited {p.returncode}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr[-3000:]}")
    return json.loads(lines[-1])


class TestJsDefaultChain(unittest.TestCase):
    """@aws-sdk/credential-providers: the default chain's fromHttp with FULL_URI and the token FILE only."""

    @classmethod
    def setUpClass(cls):
        ensure_js()
        cls.agent = AgentProcess().start()

    @classmethod
    def tearDownClass(cls):
        cls.agent.stop()

    def test_default_chain_reads_and_writes_what_the_role_allows(self):
        token_file = Path(SRV.tmp) / "js-token"
        write_token_file(token_file, mint())
        env = pod_env(self.agent, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=str(token_file), NODE_NO_WARNINGS="1")
        out = run_js(env, SRV.endpoint)
        self.assertNotIn("error", out, out)
        self.assertEqual(out["key"], "ASIA")
        self.assertIn("CREDENTIALS_HTTP", out["source"] or [], out)
        self.assertGreater(out["expiresInS"], 5 * 3600)
        self.assertEqual(out["get"], "js through the agent")
        self.assertEqual(out["denied"], "AccessDenied")

    def test_token_file_rotation(self):
        # The kubelet rewrites the file with a new token; the SDK re-reads it and the agent caches per token.
        token_file = Path(SRV.tmp) / "js-rotating-token"
        env = pod_env(self.agent, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=str(token_file), NODE_NO_WARNINGS="1")
        entries = metric(self.agent.metrics(), "podbucket_agent_cache_entries")
        for _ in range(2):
            write_token_file(token_file, mint())
            out = run_js(env, SRV.endpoint)
            self.assertEqual(out.get("get"), "js through the agent", out)
        self.assertEqual(metric(self.agent.metrics(), "podbucket_agent_cache_entries"), entries + 2)

    def test_unassociated_pod_gets_no_credentials(self):
        token_file = Path(SRV.tmp) / "js-runner-token"
        write_token_file(token_file, mint(service_account="gitlab-runner"))
        env = pod_env(self.agent, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=str(token_file), NODE_NO_WARNINGS="1")
        out = run_js(env, SRV.endpoint)
        self.assertIn("error", out)
        self.assertNotIn("get", out)


# ---- renewal ------------------------------------------------------------------------------------------------------

class TestRenewal(unittest.TestCase):
    """A 2 s retention makes the janitor renew cached credentials every second or two (spec 1.6)."""

    @classmethod
    def setUpClass(cls):
        cls.agent = AgentProcess(extra=["--max-credential-retention-before-renewal", "2s",
                                        "--max-cache-size", "10"]).start()

    @classmethod
    def tearDownClass(cls):
        cls.agent.stop()

    def test_cached_credentials_are_renewed_in_the_background(self):
        token = mint()
        first = self.agent.credentials(token)
        deadline = time.time() + 15
        renewed = first
        while time.time() < deadline and renewed["AccessKeyId"] == first["AccessKeyId"]:
            time.sleep(0.5)
            renewed = self.agent.credentials(token)
        self.assertNotEqual(renewed["AccessKeyId"], first["AccessKeyId"], self.agent.output())
        m = self.agent.metrics()
        self.assertGreaterEqual(metric(m, "pod_identity_cache_state", 'state="hit"'), 1)
        self.assertGreaterEqual(metric(m, "podbucket_agent_eks_auth_calls_total", 'kind="renewal"'), 1)
        # Both sessions work: renewal does not revoke what pods already hold.
        for creds in (first, renewed):
            s3_with(creds).put_object(Bucket=P["allowed"], Key="renewed.txt", Body=b"x")

    def test_expired_pod_token_ends_the_renewals(self):
        token = mint(expires_in=4)
        self.assertEqual(self.agent.credentials(token)["AccountId"], P["account"])
        # Past exp the agent refuses the token itself; past the server's leeway a renewal gets ExpiredToken and
        # the entry is evicted.
        time.sleep(4.5)
        status, _, body = self.agent.get(token=token)
        self.assertEqual(status, 400, body)
        self.assertIn("token is expired", body)
        deadline = time.time() + SERVER_LEEWAY + 15
        series = 'type="NonRecoverable",code="ExpiredTokenException"'
        while time.time() < deadline and metric(self.agent.metrics(), "pod_identity_cache_errors", series) < 1:
            time.sleep(0.5)
        self.assertGreaterEqual(metric(self.agent.metrics(), "pod_identity_cache_errors", series), 1,
                                self.agent.output())


# ---- as root: network namespaces ---------------------------------------------------------------------------------

def _can_netns():
    if os.geteuid() != 0 or not shutil.which("ip", path="/usr/sbin:/sbin:/usr/bin:/bin"):
        return False
    name = f"pbprobe{os.getpid()}"
    ok = subprocess.run(["ip", "netns", "add", name], capture_output=True).returncode == 0
    if ok:
        subprocess.run(["ip", "netns", "del", name], capture_output=True)
    return ok


class NsBridge:
    """Listens on 127.0.0.1:`port` inside a network namespace and pipes each connection to the host's
    127.0.0.1:`port` (test-rig.md 3), so that code in the namespace reaches the server without any route out."""

    CLONE_NEWNET = 0x40000000

    def __init__(self, netns, port):
        libc = ctypes.CDLL(None, use_errno=True)
        host = os.open("/proc/self/ns/net", os.O_RDONLY)
        target = os.open(f"/run/netns/{netns}", os.O_RDONLY)
        try:
            if libc.setns(target, self.CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns")
            try:
                self.srv = socket.socket()
                self.srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                self.srv.bind(("127.0.0.1", port))
                self.srv.listen(64)
            finally:
                if libc.setns(host, self.CLONE_NEWNET) != 0:
                    raise OSError(ctypes.get_errno(), "setns back")
        finally:
            os.close(host)
            os.close(target)
        self.port = port
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                inner, _ = self.srv.accept()
            except OSError:
                return
            try:
                outer = socket.create_connection(("127.0.0.1", self.port))
            except OSError:
                inner.close()
                continue
            for a, b in ((inner, outer), (outer, inner)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            try:
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    def close(self):
        self.srv.close()


@unittest.skipUnless(_can_netns(), "needs root and `ip netns` (network namespaces)")
class TestNetworkNamespace(unittest.TestCase):
    def setUp(self):
        self.ns = f"podbucket-agent-{os.getpid()}"
        subprocess.run(["ip", "netns", "add", self.ns], check=True)
        self.cleanups = []

    def tearDown(self):
        for fn in reversed(self.cleanups):
            fn()
        subprocess.run(["ip", "netns", "del", self.ns], capture_output=True)

    def ns_run(self, *args, check=True):
        return harness.run_cli(["ip", "netns", "exec", self.ns, *args],
                               {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}, timeout=60, check=check)

    def test_agent_init(self):
        p = self.ns_run(harness.podbucket_bin(), "agent", "init", check=False)
        if p.returncode == 0:
            addrs = self.ns_run("ip", "-o", "addr", "show", "dev", "pod-id-link0").stdout
            self.assertIn("169.254.170.23/32", addrs)
            self.assertIn("created dummy link pod-id-link0", p.stdout)
        else:
            # Kernels without the dummy driver (test-rig.md 3): a clear message, and the loopback fallback.
            self.assertEqual(p.returncode, 1)
            self.assertIn("no dummy link driver", p.stderr)
            self.assertIn("--link-name lo", p.stderr)
        p = self.ns_run(harness.podbucket_bin(), "agent", "init", "--link-name", "lo")
        self.assertIn("added 169.254.170.23/32 to lo", p.stdout)
        self.assertIn("route to 169.254.170.23 via lo", p.stdout)
        self.assertIn("169.254.170.23/32", self.ns_run("ip", "-o", "addr", "show", "dev", "lo").stdout)
        self.assertRegex(self.ns_run("ip", "route", "show", "table", "main").stdout, r"169\.254\.170\.23 dev lo")
        again = self.ns_run(harness.podbucket_bin(), "agent", "init", "--link-name", "lo")
        self.assertIn("address 169.254.170.23/32 already on lo", again.stdout)

    def test_route_through_another_interface_is_refused(self):
        self.ns_run("ip", "link", "add", "pbv0", "type", "veth", "peer", "name", "pbv1")
        self.ns_run("ip", "link", "set", "pbv0", "up")
        self.ns_run("ip", "route", "add", "169.254.170.23/32", "dev", "pbv0")
        p = self.ns_run(harness.podbucket_bin(), "agent", "init", "--link-name", "lo", "--ipv6", "", check=False)
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertIn("a route to 169.254.170.23 already goes through another interface (pbv0)", p.stderr)

    def test_js_sdk_with_the_default_address(self):
        ensure_js()
        self.ns_run(harness.podbucket_bin(), "agent", "init", "--link-name", "lo")
        bridge = NsBridge(self.ns, SRV.port)
        self.cleanups.append(bridge.close)
        hosts = ["169.254.170.23"]
        v6 = "fd00:ec2::23/128" in self.ns_run("ip", "-o", "addr", "show", "dev", "lo").stdout
        if v6:
            hosts.append("[fd00:ec2::23]")
        agent = AgentProcess(netns=self.ns, bind_hosts=hosts, port=80).start()
        self.cleanups.append(agent.stop)
        token_file = Path(SRV.tmp) / "netns-token"
        write_token_file(token_file, mint())
        urls = ["http://169.254.170.23/v1/credentials"] + (["http://[fd00:ec2::23]/v1/credentials"] if v6 else [])
        for url in urls:
            env = {"PATH": "/usr/bin:/bin", "HOME": str(SRV.home), "AWS_EC2_METADATA_DISABLED": "true",
                   "NODE_NO_WARNINGS": "1", "AWS_CONTAINER_CREDENTIALS_FULL_URI": url,
                   "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": str(token_file)}
            out = run_js(env, SRV.endpoint, prefix=("ip", "netns", "exec", self.ns))
            self.assertEqual(out.get("get"), "js through the agent", (url, out, agent.output()))
            self.assertEqual(out.get("denied"), "AccessDenied")
        # The probes see every listener answer 404 on "/".
        st = self.ns_run("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                         f"http://127.0.0.1:{agent.probe_port}/readyz", check=False).stdout
        self.assertEqual(st, "200")


# ---- benchmark (opt-in) -------------------------------------------------------------------------------------------

def wrk(url, token, connections, threads, seconds, delay_ms=None):
    """Runs wrk (a second process) with the token header; returns (requests per second, {percentile: ms}, non-2xx)."""
    script = Path(SRV.tmp) / "agent_bench.lua"
    lines = [f'wrk.headers["Authorization"] = "{token}"']
    if delay_ms:
        lines.append(f"function delay() return {delay_ms} end")
    script.write_text("\n".join(lines) + "\n")
    p = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency",
                        "-s", str(script), url], capture_output=True, text=True, timeout=seconds + 60)
    assert p.returncode == 0, p.stderr
    units = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    pct = {int(m.group(1)): float(m.group(2)) * units[m.group(3)]
           for m in re.finditer(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s)\s*$", p.stdout, re.M)}
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", p.stdout).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", p.stdout)
    print(f"\n{p.stdout}", file=sys.stderr)
    return rps, pct, int(bad.group(1)) if bad else 0


@unittest.skipUnless(os.environ.get("PODBUCKET_BENCH") == "1" and shutil.which("wrk"),
                     "benchmark: set PODBUCKET_BENCH=1 (needs wrk)")
class TestBenchmark(unittest.TestCase):
    """Issue 6 part 7: the cached path at 5,000 req/s (target p99 < 1 ms) and the cold path (target < 5 ms), measured
    with wrk from a second process. Opt-in (PODBUCKET_BENCH=1); the figures are printed for docs/benchmarks.md, not
    asserted, because a shared 2-core host makes latencies noisy. Only errors fail the run."""

    def test_cached_path_at_5000_requests_per_second(self):
        agent = AgentProcess(extra=["--max-request-rate", "0"]).start()
        try:
            token = mint()
            agent.credentials(token)
            # 32 connections, each waiting 5 ms between its requests: about 5,000 req/s on this 2-core machine.
            rps, pct, bad = wrk(f"http://127.0.0.1:{agent.port}/v1/credentials", token, 32, 2, 20, delay_ms=5)
            print(f"BENCH agent cached: {rps:.0f} req/s, p50 {pct[50]:.3f} ms, p99 {pct[99]:.3f} ms", file=sys.stderr)
            self.assertEqual(bad, 0)
        finally:
            agent.stop()

    def test_cold_path(self):
        # No cache: every request is the local token check plus AssumeRoleForPodIdentity on the server.
        agent = AgentProcess(extra=["--max-cache-size", "0", "--max-request-rate", "0"]).start()
        try:
            token = mint()
            agent.credentials(token)
            rps, pct, bad = wrk(f"http://127.0.0.1:{agent.port}/v1/credentials", token, 1, 1, 10)
            print(f"BENCH agent cold: {rps:.0f} req/s, p50 {pct[50]:.3f} ms, p99 {pct[99]:.3f} ms", file=sys.stderr)
            self.assertEqual(bad, 0)
        finally:
            agent.stop()


if __name__ == "__main__":
    harness.main()
