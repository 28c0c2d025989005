"""The pod identity mutating webhook (`podbucket webhook`) over HTTPS, with its associations learned from a real
podbucket server (EKS ListPodIdentityAssociations, signed with the webhook's own keys) or from the real webhook's
file format. The recorded AdmissionReview objects in fixtures/webhook/ (a GitLab webservice pod whose service
account gitlab-global has an association, and a Redis pod without one) must get exactly the spec's answers
(pod-identity.md 4). Also: associations created or deleted on the server show up after a refresh, the
Content-Type check, /healthz, and `podbucket webhook manifest`.
Only 127.0.0.1 is contacted.
"""
import base64
import http.client
import json
import os
import re
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SRV = harness.Server()
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "webhook"
CLUSTER = "webhook-cluster"
P = {}


def setUpModule():
    SRV.start()
    status, _, body = signed("GET", "/clusters")
    if status == 501:
        SRV.stop()
        raise unittest.SkipTest("the server does not serve EKS: " + body.decode())
    SRV.ensure_cluster(CLUSTER)
    P["role_arn"] = SRV.role("webhook-gitlab", harness.PODS_TRUST)
    eks("POST", f"/clusters/{CLUSTER}/pod-identity-associations",
        {"namespace": "gitlab", "serviceAccount": "gitlab-global", "roleArn": P["role_arn"]})
    P["keys"] = SRV.user_keys("pod-identity-webhook", {
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "eks:ListPodIdentityAssociations", "Resource": "*"}]})
    P["tls"] = Path(tempfile.mkdtemp(prefix="webhook-tls-", dir=SRV.tmp))
    P["cert"], P["key"] = P["tls"] / "cert.pem", P["tls"] / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=podbucket-pod-identity-webhook.kube-system.svc", "-addext",
                    "subjectAltName=IP:127.0.0.1,DNS:podbucket-pod-identity-webhook.kube-system.svc",
                    "-keyout", str(P["key"]), "-out", str(P["cert"])], check=True, capture_output=True)


def tearDownModule():
    SRV.stop()


signed, eks = SRV.signed, SRV.eks


def fixture(name):
    return json.loads((FIXTURES / name).read_text())


class WebhookProcess(harness.ChildProcess):
    name = "webhook"
    LISTEN = re.compile(r"listening on https://127\.0\.0\.1:(\d+)")
    PROBES = re.compile(r"probes on http://127\.0\.0\.1:(\d+)")

    def __init__(self, *args, keys=None):
        self.args = list(args)
        self.keys = keys or P["keys"]
        self.proc = None

    def start(self, timeout=20):
        cmd = [harness.podbucket_bin(), "webhook", "--listen", "127.0.0.1:0", "--probe-listen", "127.0.0.1:0",
               "--tls-cert", str(P["cert"]), "--tls-key", str(P["key"]), *self.args]
        env = {"PATH": "/usr/bin:/bin", "HOME": str(SRV.home), "AWS_EC2_METADATA_DISABLED": "true",
               "AWS_ACCESS_KEY_ID": self.keys[0], "AWS_SECRET_ACCESS_KEY": self.keys[1], "AWS_REGION": "us-east-1"}
        self.launch(cmd, env, SRV.tmp)
        return self.wait_ready(self._read_port, timeout)

    def _read_port(self, text):
        m, probes = self.LISTEN.search(text), self.PROBES.search(text)
        if m and probes:
            self.port, self.probe_port = int(m.group(1)), int(probes.group(1))
        return m is not None and probes is not None

    def probe(self, path):
        """GET on the plain-HTTP probe listener, as the kubelet does; returns (status, body)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.probe_port, timeout=10)
        try:
            conn.request("GET", path)
            r = conn.getresponse()
            return r.status, r.read()
        finally:
            conn.close()

    def post(self, body, path="/mutate", content_type="application/json", method="POST"):
        """As the API server calls it: HTTPS, verified against the certificate the manifest's caBundle carries."""
        ctx = ssl.create_default_context(cafile=str(P["cert"]))
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=ctx, timeout=30)
        try:
            data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
            headers = {"Content-Type": content_type} if content_type else {}
            conn.request(method, path, body=data, headers=headers)
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()

    def review(self, review):
        status, headers, body = self.post(review)
        assert status == 200, (status, body)
        assert headers["content-type"] == "application/json", headers
        return json.loads(body)


def decoded_patch(answer):
    return json.loads(base64.b64decode(answer["response"]["patch"]))


class TestWebhookWithServerAssociations(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.hook = WebhookProcess("--cluster-name", CLUSTER, "--endpoint", SRV.endpoint,
                                  "--refresh-interval", "0.3").start()

    @classmethod
    def tearDownClass(cls):
        cls.hook.stop()

    def test_gitlab_webservice_pod_gets_the_specs_patch(self):
        expected = fixture("gitlab-webservice.expected.json")
        answer = self.hook.review(fixture("gitlab-webservice.review.json"))
        self.assertEqual(answer["apiVersion"], "admission.k8s.io/v1")
        self.assertEqual(answer["kind"], "AdmissionReview")
        self.assertEqual(answer["response"]["uid"], expected["uid"])
        self.assertIs(answer["response"]["allowed"], True)
        self.assertEqual(answer["response"]["patchType"], "JSONPatch")
        patch = decoded_patch(answer)
        token = patch[1]["value"]["projected"]["sources"][0]["serviceAccountToken"]
        low, high = expected["expirationSecondsRange"]
        self.assertTrue(low <= token["expirationSeconds"] <= high, token)
        token["expirationSeconds"] = None
        self.assertEqual(patch, expected["patch"])

    def test_pod_without_an_association_is_left_alone(self):
        answer = self.hook.review(fixture("no-association.review.json"))
        self.assertEqual(answer, fixture("no-association.expected.json")["response"])

    def test_associations_follow_the_server(self):
        review = fixture("no-association.review.json")
        created = eks("POST", f"/clusters/{CLUSTER}/pod-identity-associations",
                      {"namespace": "gitlab", "serviceAccount": "gitlab-redis", "roleArn": P["role_arn"]})
        aid = created["association"]["associationId"]
        try:
            answer = self.wait_for(review, lambda a: "patch" in a["response"])
            patch = decoded_patch(answer)
            env = patch[-1]["value"][0]["env"]
            self.assertEqual(env[-2:], [
                {"name": "AWS_CONTAINER_CREDENTIALS_FULL_URI", "value": "http://169.254.170.23/v1/credentials"},
                {"name": "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                 "value": "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token"}])
        finally:
            eks("DELETE", f"/clusters/{CLUSTER}/pod-identity-associations/{aid}")
        self.wait_for(review, lambda a: "patch" not in a["response"])

    def wait_for(self, review, ok, timeout=15):
        deadline = time.time() + timeout
        while True:
            answer = self.hook.review(review)
            if ok(answer) or time.time() > deadline:
                self.assertTrue(ok(answer), (answer, self.hook.output()))
                return answer
            time.sleep(0.2)

    def test_content_type_and_health(self):
        status, _, body = self.hook.post(fixture("gitlab-webservice.review.json"), content_type="text/plain")
        self.assertEqual((status, body), (415, b"Invalid Content-Type, expected `application/json`\n"))
        status, _, body = self.hook.post(None, path="/healthz", method="GET", content_type=None)
        self.assertEqual((status, body), (200, b"ok"))
        status, _, body = self.hook.post(b"{not json")
        self.assertEqual(status, 200)
        self.assertIs(json.loads(body)["response"]["allowed"], False)

    def test_probe_port_answers_the_kubelet(self):
        self.assertEqual(self.hook.probe("/healthz"), (200, b"ok\n"))
        self.assertEqual(self.hook.probe("/readyz"), (200, b"ok\n"))
        self.assertEqual(self.hook.probe("/mutate")[0], 404)


class TestWebhookNotReady(unittest.TestCase):
    def test_readyz_fails_until_the_associations_are_known(self):
        dead = harness.free_port()  # nothing listens there: the association list cannot be fetched
        hook = WebhookProcess("--cluster-name", CLUSTER, "--endpoint", f"http://127.0.0.1:{dead}",
                              "--refresh-interval", "60").start()
        try:
            self.assertEqual(hook.probe("/healthz"), (200, b"ok\n"))
            self.assertEqual(hook.probe("/readyz"), (503, b"associations: not loaded yet\n"))
        finally:
            hook.stop()


class TestWebhookWithoutPermission(unittest.TestCase):
    def test_no_list_permission_means_no_patches(self):
        iam = SRV.client("iam")
        iam.create_user(UserName="webhook-without-eks")
        k = iam.create_access_key(UserName="webhook-without-eks")["AccessKey"]
        hook = WebhookProcess("--cluster-name", CLUSTER, "--endpoint", SRV.endpoint,
                              keys=(k["AccessKeyId"], k["SecretAccessKey"])).start()
        try:
            answer = hook.review(fixture("gitlab-webservice.review.json"))
            self.assertEqual(answer["response"], {"uid": fixture("gitlab-webservice.expected.json")["uid"],
                                                  "allowed": True})
            self.assertIn("AccessDeniedException", hook.output())
        finally:
            hook.stop()


class TestWebhookWithAssociationsFile(unittest.TestCase):
    def test_file_is_followed(self):
        path = Path(SRV.tmp) / "identities.json"
        path.write_text(json.dumps({"identities": [{"namespace": "gitlab", "serviceAccount": "gitlab-redis"}]}))
        hook = WebhookProcess("--associations-file", str(path), "--refresh-interval", "0.2").start()
        try:
            self.assertIn("patch", hook.review(fixture("no-association.review.json"))["response"])
            self.assertNotIn("patch", hook.review(fixture("gitlab-webservice.review.json"))["response"])
            time.sleep(1.1)  # a new modification time
            path.write_text("")  # an empty file clears the set
            deadline = time.time() + 10
            while time.time() < deadline and "patch" in hook.review(fixture("no-association.review.json"))["response"]:
                time.sleep(0.2)
            self.assertNotIn("patch", hook.review(fixture("no-association.review.json"))["response"])
        finally:
            hook.stop()


class TestManifest(unittest.TestCase):
    def test_manifest_carries_the_ca_bundle(self):
        p = harness.run_cli([harness.podbucket_bin(), "webhook", "manifest", "--ca-file", str(P["cert"])],
                            {"PATH": "/usr/bin:/bin"}, timeout=30)
        yaml = p.stdout
        self.assertIn("kind: MutatingWebhookConfiguration\n", yaml)
        bundle = re.search(r"caBundle: (\S+)", yaml).group(1)
        self.assertEqual(base64.b64decode(bundle), P["cert"].read_bytes())
        for line in ("failurePolicy: Ignore", "sideEffects: None", 'operations: ["CREATE"]', 'resources: ["pods"]',
                     "key: eks.amazonaws.com/skip-pod-identity-webhook", "operator: DoesNotExist", "path: /mutate"):
            self.assertIn(line, yaml)
        p = harness.run_cli([harness.podbucket_bin(), "webhook", "manifest", "--ca-file", str(P["cert"]), "--url",
                             "https://10.0.0.5:8443/mutate"], {"PATH": "/usr/bin:/bin"}, timeout=30)
        self.assertIn('url: "https://10.0.0.5:8443/mutate"', p.stdout)
        self.assertNotIn("service:", p.stdout)
        try:
            import yaml as pyyaml  # python3-yaml, when installed: the document must parse
        except ImportError:
            return
        doc = pyyaml.safe_load(yaml)
        hook = doc["webhooks"][0]
        self.assertEqual(hook["clientConfig"]["service"]["path"], "/mutate")
        self.assertEqual(hook["rules"][0]["apiVersions"], ["v1"])

    def test_webhook_needs_tls(self):
        p = harness.run_cli([harness.podbucket_bin(), "webhook", "--listen", "127.0.0.1:0", "--cluster-name", CLUSTER,
                             "--endpoint", SRV.endpoint], {"PATH": "/usr/bin:/bin"}, timeout=30, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("--tls-cert and --tls-key are required", p.stderr)


if __name__ == "__main__":
    harness.main()
