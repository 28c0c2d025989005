"""`podbucket up`, the README's main job: one process runs the server and a Pod Identity agent, provisions the seed's
GitLab layout and prints the env block a pod gets. Clients that use only that env block (no keys) read and write
the GitLab buckets as the role allows and are denied the rest:
  - the AWS SDK for JavaScript v3 (npm), whose default chain reads AWS_CONTAINER_CREDENTIALS_FULL_URI and
    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, as in a pod;
  - Debian's boto3 1.26, which predates the token-file variable and AWS_ENDPOINT_URL: it gets the token's content in
    AWS_CONTAINER_AUTHORIZATION_TOKEN and the endpoint as a client argument (test-rig.md section 4).
Also: a second `up` on the same data dir is idempotent, and --seed-exact keeps the seed's backups gap."""
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import unittest
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

JS = Path(__file__).resolve().parent / "js"
PREFIX = "example-gitlab-eks"
NAMES = ["registry", "lfs", "artifacts", "uploads", "packages", "backups", "tmp"]
SRV = harness.Server(data_dir="./data", command="up", extra_args=["--agent-listen", "127.0.0.1:0"])  # as run.sh


class Env:
    block = {}


def env_block(server):
    server.wait_for(r"export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=\S+", timeout=120)
    return dict(re.findall(r"^export (\w+)=(\S+)$", server.log(), re.M))


def setUpModule():
    SRV.start()
    Env.block = env_block(SRV)


def tearDownModule():
    SRV.stop()


def pod_env(block):
    """Only the env block, plus what any process has (PATH, HOME)."""
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(SRV.home), "AWS_EC2_METADATA_DISABLED": "true",
           "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
           "NODE_NO_WARNINGS": "1"}
    env.update(block)
    return env


BOTO3_SCRIPT = r"""
import json, os, sys, boto3, botocore.config
from botocore.exceptions import ClientError
endpoint, prefix = sys.argv[1:3]
cfg = botocore.config.Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1})
s3 = boto3.client("s3", endpoint_url=endpoint, config=cfg)
sts = boto3.client("sts", endpoint_url=endpoint, config=cfg)
kms = boto3.client("kms", endpoint_url=endpoint, config=cfg)
out = {"arn": sts.get_caller_identity()["Arn"]}
def attempt(name, fn):
    try:
        r = fn()
        out[name] = r.get("ServerSideEncryption", "ok") if isinstance(r, dict) else "ok"
    except ClientError as e:
        out[name] = e.response["Error"]["Code"]
attempt("put-lfs", lambda: s3.put_object(Bucket=f"{prefix}-lfs", Key="py/a.txt", Body=b"from boto3"))
attempt("get-lfs", lambda: s3.get_object(Bucket=f"{prefix}-lfs", Key="py/a.txt"))
attempt("list-backups", lambda: s3.list_objects_v2(Bucket=f"{prefix}-backups"))
attempt("versions-lfs", lambda: s3.list_object_versions(Bucket=f"{prefix}-lfs"))
attempt("delete-bucket-tmp", lambda: s3.delete_bucket(Bucket=f"{prefix}-tmp"))
attempt("kms-direct", lambda: kms.generate_data_key(KeyId="alias/aws/s3", KeySpec="AES_256",
        EncryptionContext={"aws:s3:arn": f"arn:aws:s3:::{prefix}-lfs/py/a.txt"}))
print(json.dumps(out))
"""


class UpEnvBlock(unittest.TestCase):
    def test_prints_a_complete_env_block_and_a_private_token(self):
        for k in ("AWS_REGION", "AWS_ENDPOINT_URL", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                  "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"):
            self.assertIn(k, Env.block)
        self.assertEqual(Env.block["AWS_ENDPOINT_URL"], SRV.endpoint)
        self.assertRegex(Env.block["AWS_CONTAINER_CREDENTIALS_FULL_URI"], r"^http://127\.0\.0\.1:\d+/v1/credentials$")
        printed = Env.block["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]
        # Regression: with `--data-dir ./data` the printed path read ".../tmp/./data/pod-identity/...".
        self.assertEqual(printed, str(SRV.tmp.resolve() / "data" / "pod-identity" / "eks-pod-identity-token"))
        token = Path(printed)
        self.assertEqual(stat.S_IMODE(token.stat().st_mode), 0o600)
        self.assertEqual(token.read_text().count("."), 2)
        log = SRV.log()
        self.assertIn(f"role:        arn:aws:iam::000000000000:role/{PREFIX}-eks-global", log)

    def test_layout_as_the_root_user_sees_it(self):
        s3 = SRV.client("s3")
        for n in NAMES:
            b = f"{PREFIX}-{n}"
            self.assertEqual(s3.get_bucket_versioning(Bucket=b)["Status"], "Enabled")
            rule = s3.get_bucket_encryption(Bucket=b)["ServerSideEncryptionConfiguration"]["Rules"][0]
            self.assertEqual(rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"], "aws:kms")
            pab = s3.get_public_access_block(Bucket=b)["PublicAccessBlockConfiguration"]
            self.assertTrue(all(pab.values()), pab)
            rules = s3.get_bucket_lifecycle_configuration(Bucket=b)["Rules"]
            self.assertIn("NoncurrentVersionExpiration", rules[0])
            self.assertIn("AbortIncompleteMultipartUpload", rules[0])

    def test_boto3_with_pod_identity(self):
        env = pod_env({k: v for k, v in Env.block.items() if k != "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"})
        env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = Path(Env.block["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]).read_text()
        p = subprocess.run(["/usr/bin/python3", "-c", BOTO3_SCRIPT, SRV.endpoint, PREFIX], env=env,
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr[-3000:])
        out = json.loads(p.stdout)
        self.assertRegex(out["arn"], rf"^arn:aws:sts::000000000000:assumed-role/{PREFIX}-eks-global/eks-gitlab-clu")
        self.assertEqual(out["put-lfs"], "aws:kms")  # bucket default SSE-KMS, through the aws/s3 key policy
        self.assertEqual(out["get-lfs"], "aws:kms")
        self.assertEqual(out["list-backups"], "ok")  # a fixed gap: the seed's policy B lacks s3:ListBucket
        self.assertEqual(out["versions-lfs"], "AccessDenied")
        self.assertEqual(out["delete-bucket-tmp"], "AccessDenied")
        # The aws/s3 key serves the role only through S3 (kms:ViaService); policy D cannot grant a direct call.
        self.assertEqual(out["kms-direct"], "AccessDeniedException")

    def test_js_sdk_with_only_the_env_block(self):
        node = shutil.which("node", path="/usr/local/bin:/usr/bin:/bin")
        if not node or not (JS / "node_modules" / "@aws-sdk" / "client-s3").exists():
            self.skipTest("node or the npm AWS SDK is not installed (npm ci --prefix tests/e2e/js)")
        p = subprocess.run([node, "pod_identity.mjs", PREFIX], cwd=JS, env=pod_env(Env.block), capture_output=True,
                           text=True, timeout=180)
        self.assertEqual(p.returncode, 0, p.stderr[-3000:])
        results = {(r["check"], r["bucket"].removeprefix(PREFIX + "-")): r for r in map(json.loads, p.stdout.split())}
        for n in NAMES:
            with self.subTest(bucket=n):
                for check in ("put", "get"):
                    self.assertTrue(results[(check, n)]["ok"], results[(check, n)])
                self.assertEqual(results[("get", n)]["sse"], "aws:kms")
                # ListBucket: the seed grants it everywhere but backups; the fixed policy adds backups.
                self.assertTrue(results[("list", n)]["ok"], results[("list", n)])
                self.assertEqual(results[("list-versions", n)]["code"], "AccessDenied")
                self.assertEqual(results[("get-versioning", n)]["code"], "AccessDenied")


class UpAgain(unittest.TestCase):
    def test_second_up_on_the_same_data_is_idempotent(self):
        first = harness.Server(command="up", extra_args=["--agent-listen", "127.0.0.1:0"])
        first.start()
        env_block(first)
        first.client("s3").put_object(Bucket=f"{PREFIX}-uploads", Key="keep.txt", Body=b"kept")
        first.stop(cleanup=False)
        again = harness.Server(data_dir=first.data_dir, command="up", extra_args=["--agent-listen", "127.0.0.1:0"])
        again.access_key, again.secret_key = first.access_key, first.secret_key
        again.start()
        try:
            block = env_block(again)
            s3 = again.client("s3")
            self.assertEqual(s3.get_object(Bucket=f"{PREFIX}-uploads", Key="keep.txt")["Body"].read(), b"kept")
            versions = again.client("iam").list_policy_versions(
                PolicyArn=f"arn:aws:iam::000000000000:policy/{PREFIX}-s3-policy")["Versions"]
            self.assertEqual(len(versions), 1, "unchanged policies get no new version")
            self.assertTrue(Path(block["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]).exists())
        finally:
            again.stop()
            shutil.rmtree(first.tmp, ignore_errors=True)


class SeedExact(unittest.TestCase):
    def test_seed_exact_keeps_the_backups_gap(self):
        exact = harness.Server(command="up", extra_args=["--agent-listen", "127.0.0.1:0", "--seed-exact"])
        exact.start()
        try:
            block = env_block(exact)
            env = pod_env({k: v for k, v in block.items() if k != "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"})
            env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = Path(block["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]).read_text()
            p = subprocess.run(["/usr/bin/python3", "-c", BOTO3_SCRIPT, exact.endpoint, PREFIX], env=env,
                               capture_output=True, text=True, timeout=120)
            self.assertEqual(p.returncode, 0, p.stderr[-3000:])
            out = json.loads(p.stdout)
            self.assertEqual(out["list-backups"], "AccessDenied")
            self.assertEqual(out["put-lfs"], "aws:kms")
            self.assertNotIn("policy fixes", exact.log())
        finally:
            exact.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
