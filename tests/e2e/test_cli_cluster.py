"""`podbucket token` and `podbucket cluster add` against a running server: a token minted by the CLI carries the
claims of a kubelet-projected service-account token and is accepted by EKS Auth; an external cluster registered
from a JWKS file or URL shows up with its issuer."""
import base64
import json
import os
import stat
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SRV = harness.Server()
CLUSTER = "cli-cluster"


def setUpModule():
    SRV.start()
    status, _, body = SRV.signed_json("POST", "/clusters", {
        "name": CLUSTER, "roleArn": "arn:aws:iam::000000000000:role/eks-cluster-role",
        "resourcesVpcConfig": {"subnetIds": ["subnet-00000000000000001"]}})
    assert status == 200, body


def tearDownModule():
    SRV.stop()


def podbucket(*args, check=True):
    env = {"PATH": "/usr/bin:/bin", "PODBUCKET_ROOT_ACCESS_KEY_ID": SRV.access_key,
           "PODBUCKET_ROOT_SECRET_ACCESS_KEY": SRV.secret_key, "AWS_EC2_METADATA_DISABLED": "true"}
    proc = subprocess.run([harness.podbucket_bin(), *args], env=env, capture_output=True, text=True, timeout=60)
    if check and proc.returncode != 0:
        raise AssertionError(f"podbucket {' '.join(args)} -> {proc.returncode}: {proc.stderr}")
    return proc


def claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


class TokenCommand(unittest.TestCase):
    def test_token_to_stdout_has_projected_token_claims(self):
        out = podbucket("token", "--endpoint", SRV.endpoint, "--cluster", CLUSTER, "--namespace", "gitlab",
                        "--service-account", "gitlab-global", "--pod-name", "webservice-0", "--pod-uid",
                        "0b7c3a2e-0000-4000-8000-000000000001", "--expires-in", "3600").stdout.strip()
        c = claims(out)
        _, _, cluster = SRV.signed_json("GET", f"/clusters/{CLUSTER}")
        self.assertEqual(c["iss"], cluster["cluster"]["identity"]["oidc"]["issuer"])
        self.assertEqual(c["sub"], "system:serviceaccount:gitlab:gitlab-global")
        self.assertEqual(c["aud"], ["pods.eks.amazonaws.com"])
        self.assertEqual(c["exp"] - c["iat"], 3600)
        self.assertEqual(c["kubernetes.io"]["namespace"], "gitlab")
        self.assertEqual(c["kubernetes.io"]["serviceaccount"]["name"], "gitlab-global")
        self.assertEqual(c["kubernetes.io"]["pod"]["name"], "webservice-0")
        header = json.loads(base64.urlsafe_b64decode(out.split(".")[0] + "=="))
        self.assertEqual(header["alg"], "RS256")

    def test_token_to_a_private_file(self):
        path = SRV.tmp / "token"
        podbucket("token", "--endpoint", SRV.endpoint, "--cluster", CLUSTER, "--namespace", "ns",
                  "--service-account", "sa", "--audience", "sts.amazonaws.com", "--out", str(path))
        self.assertEqual(stat.S_IMODE(path.stat().st_mode), 0o600)
        self.assertEqual(claims(path.read_text())["aud"], ["sts.amazonaws.com"])

    def test_errors_are_reported(self):
        p = podbucket("token", "--endpoint", SRV.endpoint, "--cluster", "no-such-cluster", "--namespace", "ns",
                      "--service-account", "sa", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("ResourceNotFoundException", p.stderr)
        p = subprocess.run([harness.podbucket_bin(), "token", "--endpoint", SRV.endpoint, "--cluster", CLUSTER,
                            "--namespace", "ns", "--service-account", "sa"], env={"PATH": "/usr/bin:/bin"},
                           capture_output=True, text=True, timeout=60)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("PODBUCKET_ROOT_ACCESS_KEY_ID", p.stderr)


class ClusterAdd(unittest.TestCase):
    def test_add_from_jwks_file_and_url(self):
        jwks_path = f"/_oidc/{CLUSTER}/keys"
        status, _, jwks = SRV.request("GET", jwks_path, sign=False)
        self.assertEqual(status, 200)
        f = SRV.tmp / "jwks.json"
        f.write_bytes(jwks)
        podbucket("cluster", "add", "real-cluster", "--endpoint", SRV.endpoint, "--issuer",
                  "https://oidc.example.internal/id/ABC", "--jwks-file", str(f))
        podbucket("cluster", "add", "real-cluster-2", "--endpoint", SRV.endpoint, "--issuer",
                  "https://oidc.example.internal/id/DEF", "--jwks-url", SRV.endpoint + jwks_path)
        for name, issuer in (("real-cluster", "ABC"), ("real-cluster-2", "DEF")):
            status, _, body = SRV.signed_json("GET", f"/clusters/{name}")
            self.assertEqual(status, 200, body)
            self.assertTrue(body["cluster"]["identity"]["oidc"]["issuer"].endswith(issuer))

    def test_needs_a_jwks_source(self):
        p = podbucket("cluster", "add", "x", "--endpoint", SRV.endpoint, "--issuer", "https://i", check=False)
        self.assertNotEqual(p.returncode, 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
