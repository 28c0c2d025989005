"""`podbucket gitlab values` and `podbucket gitlab check` against the seed's layout as `podbucket up` provisions it.

- values: the YAML parses, every field the spec (gitlab-object-storage.md section 3) names is there with its exact
  name, no key field appears, the parts are the pieces of the whole, bad options fail; and the settings work: a
  client configured from nothing but the connection secret and the pod's env block (Pod Identity through the agent
  `podbucket up` runs) writes and reads every object bucket, and awscli with the toolbox's extraArgs uses the
  backups bucket.
- check: with the fixed policies every component is allowed (exit 0); with `podbucket up --seed-exact` it reports
  the backups pruning (s3:ListBucket) gap and the missing s3:AbortMultipartUpload (exit 1). The server's simulator
  gives exactly the report of the in-process evaluation (src/gitlab/testdata/check_*.txt); an explicit deny is
  named with its statement; an unknown role or missing root credentials exit 2.

Debian's botocore 1.29 reads AWS_CONTAINER_AUTHORIZATION_TOKEN but not the _FILE variable, so the pod env given to
boto3 and awscli carries the token file's content (test-rig.md section 4).
"""
import hashlib
import json
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import UpServer, podbucket_cli as podbucket  # noqa: E402

AWS = "/usr/bin/aws"
GOLDEN = harness.REPO / "src" / "gitlab" / "testdata"
PREFIX = "example-gitlab-eks"
SUFFIXES = ["registry", "lfs", "artifacts", "uploads", "packages", "backups", "tmp"]


def yaml_docs(text):
    import yaml
    return list(yaml.safe_load_all(text))


SRV = UpServer()
EXACT = UpServer(seed_exact=True)


def setUpModule():
    SRV.start()
    EXACT.start()


def tearDownModule():
    try:
        SRV.stop()
    finally:
        EXACT.stop()


# ---- values -----------------------------------------------------------------------------------------------------

class TestValuesOutput(unittest.TestCase):
    def test_1_every_field_of_the_spec(self):
        text = podbucket("gitlab", "values", "--endpoint", SRV.endpoint).stdout
        values, sa, connection_secret, registry_secret = yaml_docs(text)
        g = values["global"]
        self.assertEqual(g["minio"], {"enabled": False})
        self.assertEqual(g["serviceAccount"], {"enabled": True, "create": False, "name": "gitlab-global"})
        store = g["appConfig"]["object_store"]
        self.assertEqual(store["enabled"], True)
        self.assertEqual(store["proxy_download"], True)
        self.assertEqual(store["connection"], {"secret": "gitlab-rails-storage", "key": "connection"})
        for kind in ("lfs", "artifacts", "uploads", "packages"):
            self.assertEqual(g["appConfig"][kind], {"bucket": f"{PREFIX}-{kind}"})
        self.assertEqual(g["appConfig"]["backups"], {"bucket": f"{PREFIX}-backups", "tmpBucket": f"{PREFIX}-tmp"})
        self.assertEqual(g["registry"], {"bucket": f"{PREFIX}-registry"})
        self.assertEqual(values["registry"]["storage"], {"secret": "registry-storage", "key": "config"})
        toolbox = values["gitlab"]["toolbox"]["backups"]
        self.assertEqual(toolbox["objectStorage"], {"backend": "s3"})
        self.assertEqual(toolbox["cron"]["extraArgs"],
                         f"--s3tool awscli --aws-s3-endpoint-url {SRV.endpoint} --aws-region us-east-1")

        self.assertEqual(sa, {"apiVersion": "v1", "kind": "ServiceAccount",
                              "metadata": {"name": "gitlab-global", "namespace": "gitlab"}})
        self.assertEqual(connection_secret["metadata"], {"name": "gitlab-rails-storage", "namespace": "gitlab"})
        connection = yaml_docs(connection_secret["stringData"]["connection"])[0]
        self.assertEqual(connection, {"provider": "AWS", "region": "us-east-1", "endpoint": SRV.endpoint,
                                      "path_style": True, "use_iam_profile": True, "aws_signature_version": 4})
        self.assertEqual(registry_secret["metadata"], {"name": "registry-storage", "namespace": "gitlab"})
        registry = yaml_docs(registry_secret["stringData"]["config"])[0]
        self.assertEqual(registry, {"s3": {"bucket": f"{PREFIX}-registry", "region": "us-east-1",
                                           "regionendpoint": SRV.endpoint, "pathstyle": True, "v4auth": True,
                                           "secure": False},
                                    "redirect": {"disable": True}})
        for key in ("aws_access_key_id", "aws_secret_access_key", "accesskey", "secretkey", "sessiontoken"):
            self.assertIsNone(re.search(rf"^\s*{key}\s*:", text, re.M), key)

    def test_2_parts_and_options(self):
        args = ["gitlab", "values", "--endpoint", "https://s3.store.example", "--name-prefix", "acme",
                "--region", "eu-west-1", "--registry-driver", "s3_v2"]
        whole = podbucket(*args).stdout
        parts = {p: podbucket(*args, "--part", p).stdout
                 for p in ("values", "manifests", "connection", "registry-storage")}
        self.assertIn(parts["values"] + "---\n" + parts["manifests"], whole)
        self.assertEqual(yaml_docs(parts["connection"])[0]["endpoint"], "https://s3.store.example")
        self.assertEqual(yaml_docs(parts["registry-storage"])[0],
                         {"s3_v2": {"bucket": "acme-registry", "region": "eu-west-1",
                                    "regionendpoint": "https://s3.store.example", "pathstyle": True, "secure": True},
                          "redirect": {"disable": True}})
        self.assertEqual(yaml_docs(parts["values"])[0]["global"]["appConfig"]["backups"]["tmpBucket"], "acme-tmp")

    def test_3_bad_options(self):
        for args, message in ((["--endpoint", "ftp://x"], "--endpoint"),
                              (["--endpoint", "http://h:1/path"], "/path"),
                              (["--name-prefix", "Bad_Prefix"], "not a valid bucket name"),
                              (["--region", "us east"], "--region")):
            p = podbucket("gitlab", "values", *args, check=False)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn(message, p.stderr)
            self.assertEqual(p.stdout, "")
        p = podbucket("gitlab", "values", "--part", "secrets", check=False)
        self.assertNotEqual(p.returncode, 0)


class TestValuesWork(unittest.TestCase):
    """The settings against the provisioned server, with nothing but the pod's env block for credentials."""

    def test_1_buckets_exist_with_the_seeds_settings(self):
        values = yaml_docs(podbucket("gitlab", "values", "--endpoint", SRV.endpoint, "--part", "values").stdout)[0]
        app = values["global"]["appConfig"]
        named = [app[k]["bucket"] for k in ("lfs", "artifacts", "uploads", "packages", "backups")]
        named += [app["backups"]["tmpBucket"], values["global"]["registry"]["bucket"]]
        self.assertEqual(sorted(named), sorted(f"{PREFIX}-{s}" for s in SUFFIXES))
        s3 = SRV.s3()
        for bucket in named:
            self.assertEqual(s3.get_bucket_versioning(Bucket=bucket).get("Status"), "Enabled", bucket)
            rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
            self.assertEqual(rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"], "aws:kms", bucket)
            pab = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
            self.assertEqual(set(pab.values()), {True}, bucket)

    def test_2_a_keyless_client_from_the_connection_secret(self):
        """What Rails and Workhorse get: provider/region/endpoint/path_style from the secret, credentials from the
        pod's container-credentials env (use_iam_profile: true)."""
        import botocore.config
        conn = yaml_docs(podbucket("gitlab", "values", "--endpoint", SRV.endpoint, "--part", "connection").stdout)[0]
        self.assertTrue(conn["use_iam_profile"])
        s3 = SRV.pod_session().client(
            "s3", endpoint_url=conn["endpoint"], region_name=conn["region"],
            config=botocore.config.Config(s3={"addressing_style": "path" if conn["path_style"] else "virtual"},
                                          signature_version="s3v4", retries={"max_attempts": 1}))
        identity = SRV.pod_session().client("sts", endpoint_url=SRV.endpoint, region_name="us-east-1") \
            .get_caller_identity()
        self.assertTrue(identity["Arn"].startswith(
            f"arn:aws:sts::{SRV.role_arn.split(':')[4]}:assumed-role/{PREFIX}-eks-global/"), identity)
        for kind in ("lfs", "artifacts", "uploads", "packages"):
            bucket = f"{PREFIX}-{kind}"
            body = os.urandom(1000)
            put = s3.put_object(Bucket=bucket, Key="tmp/uploads/values-check", Body=body)
            self.assertEqual(put["ETag"], '"%s"' % hashlib.md5(body).hexdigest())
            self.assertEqual(put["ServerSideEncryption"], "aws:kms")
            self.assertEqual(s3.get_object(Bucket=bucket, Key="tmp/uploads/values-check")["Body"].read(), body)
            s3.delete_object(Bucket=bucket, Key="tmp/uploads/values-check")

    @unittest.skipUnless(os.path.exists(AWS), "Debian awscli (/usr/bin/aws) is not installed")
    def test_3_toolbox_extra_args_with_awscli(self):
        values = yaml_docs(podbucket("gitlab", "values", "--endpoint", SRV.endpoint, "--part", "values").stdout)[0]
        args = values["gitlab"]["toolbox"]["backups"]["cron"]["extraArgs"].split()
        self.assertEqual(args[:2], ["--s3tool", "awscli"])
        endpoint = args[args.index("--aws-s3-endpoint-url") + 1]
        region = args[args.index("--aws-region") + 1]
        backups = values["global"]["appConfig"]["backups"]["bucket"]
        env = SRV.pod_env()
        # backup-utility's awscli calls: head-bucket, cp, ls, rm, with the flags it builds from extraArgs.
        aws = [AWS, "--endpoint-url", endpoint, "--region", region]
        harness.run_cli(aws + ["s3api", "head-bucket", "--bucket", backups], env)
        src = SRV.tmp / "small_gitlab_backup.tar"
        src.write_bytes(os.urandom(4096))
        harness.run_cli(aws + ["s3", "cp", str(src), f"s3://{backups}/1700000000_gitlab_backup.tar"], env)
        listing = harness.run_cli(aws + ["s3", "ls", f"s3://{backups}/"], env).stdout
        self.assertIn("1700000000_gitlab_backup.tar", listing)
        harness.run_cli(aws + ["s3", "rm", f"s3://{backups}/1700000000_gitlab_backup.tar"], env)
        self.assertNotIn("1700000000_gitlab_backup.tar", harness.run_cli(aws + ["s3", "ls", f"s3://{backups}/"],
                                                                          env, check=False).stdout)


# ---- check ------------------------------------------------------------------------------------------------------

def check(server, *args, env=None):
    if env is None:
        env = {"PATH": "/usr/bin:/bin", "PODBUCKET_ROOT_ACCESS_KEY_ID": server.access_key,
               "PODBUCKET_ROOT_SECRET_ACCESS_KEY": server.secret_key}
    return podbucket("gitlab", "check", "--endpoint", server.endpoint, *args, env=env, check=False)


def report_lines(stdout):
    """The report without the header line and the advisory kms line."""
    return [l for l in stdout.splitlines()[1:] if not l.startswith("kms ")]


class TestCheck(unittest.TestCase):
    def test_1_fixed_policies_allow_everything(self):
        p = check(SRV, "--role", SRV.role_arn)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        lines = p.stdout.splitlines()
        self.assertTrue(lines[0].startswith(f"GitLab on role {SRV.role_arn}, buckets {PREFIX}-"), lines[0])
        for component in ("rails", "workhorse", "registry", "toolbox-backup", "toolbox-restore"):
            line = next(l for l in lines if l.startswith(component + " "))
            self.assertRegex(line, rf"^{component} +allowed (\d+)/\1 +by {PREFIX}-s3-")
        self.assertEqual(report_lines(p.stdout), (GOLDEN / "check_fixed.txt").read_text().splitlines())
        kms = next(l for l in lines if l.startswith("kms "))
        self.assertIn(f"14/14 by {PREFIX}-s3-kms-policy statement 1", kms)
        self.assertIn(SRV.kms_key_arn, kms)

    def test_2_seed_exact_reports_the_gaps(self):
        p = check(EXACT, "--role", EXACT.role_arn)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        out = p.stdout
        # The server's simulator agrees with the in-process evaluation, line for line.
        self.assertEqual(report_lines(out), (GOLDEN / "check_seed_exact.txt").read_text().splitlines())
        self.assertRegex(out, r"(?m)^toolbox-backup +DENIED +12/14 .*denied: s3:AbortMultipartUpload \(implicitDeny\), "
                              r"s3:ListBucket \(implicitDeny\)$")
        self.assertIn(f"  - s3:ListBucket denied on {PREFIX}-backups (ListObjectsV2): implicitDeny, no statement "
                      "allows it; GitLab prunes old backups", out)
        self.assertIn(f"  - s3:AbortMultipartUpload denied on {PREFIX}-lfs, {PREFIX}-artifacts, {PREFIX}-uploads, "
                      f"{PREFIX}-packages (AbortMultipartUpload): implicitDeny", out)
        self.assertRegex(out, rf"(?m)^registry +allowed 7/7 +by {PREFIX}-s3-registry-policy statements 1, 2$")
        self.assertRegex(out, r"(?m)^kms +note +0/14 +by nothing; .* advisory only")
        self.assertTrue(out.rstrip().endswith("result: 15 of 94 checks denied: GitLab will fail where the lines "
                                              "above say DENIED"), out[-300:])

    def test_3_explicit_deny_names_its_statement(self):
        iam = SRV.client("iam")
        name = "gitlab-check-denied"
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole",
                 "sts:TagSession"], "Principal": {"Service": "pods.eks.amazonaws.com"}}]}
        arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        for attached in iam.list_attached_role_policies(RoleName=f"{PREFIX}-eks-global")["AttachedPolicies"]:
            iam.attach_role_policy(RoleName=name, PolicyArn=attached["PolicyArn"])
        deny = {"Version": "2012-10-17", "Statement": [
            {"Sid": "KeepTheDocs", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::docs/*"},
            {"Sid": "NoRegistryDeletes", "Effect": "Deny", "Action": "s3:DeleteObject",
             "Resource": f"arn:aws:s3:::{PREFIX}-registry/*"}]}
        iam.put_role_policy(RoleName=name, PolicyName="guard", PolicyDocument=json.dumps(deny))
        p = check(SRV, "--role", arn, "--kms-key", "none")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertRegex(p.stdout, r"(?m)^registry +DENIED +6/7 +by .*; denied: s3:DeleteObject \(explicitDeny\)$")
        self.assertIn(f"  - s3:DeleteObject denied on {PREFIX}-registry (DeleteObjects): explicitDeny by "
                      f"role/{name} inline guard statement 2 (NoRegistryDeletes); GitLab cleans up", p.stdout)
        # toolbox-restore empties the registry bucket too.
        self.assertRegex(p.stdout, r"(?m)^toolbox-restore +DENIED ")
        self.assertNotIn("kms ", p.stdout)

    def test_4_cannot_check(self):
        p = check(SRV, "--role", "arn:aws:iam::000000000000:role/no-such-role")
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn("NoSuchEntity", p.stderr)
        p = check(SRV, "--role", SRV.role_arn, env={"PATH": "/usr/bin:/bin"})
        self.assertEqual(p.returncode, 2)
        self.assertIn("PODBUCKET_ROOT_ACCESS_KEY_ID", p.stderr)
        p = check(SRV, "--role", SRV.role_arn, env={"PATH": "/usr/bin:/bin", "PODBUCKET_ROOT_ACCESS_KEY_ID":
                                                    SRV.access_key, "PODBUCKET_ROOT_SECRET_ACCESS_KEY": "wrong"})
        self.assertEqual(p.returncode, 2)
        self.assertIn("SignatureDoesNotMatch", p.stderr)
        p = podbucket("gitlab", "check", "--endpoint", f"http://127.0.0.1:{harness.free_port()}", "--role",
                      SRV.role_arn, env={"PATH": "/usr/bin:/bin", "PODBUCKET_ROOT_ACCESS_KEY_ID": "AKIAX",
                                         "PODBUCKET_ROOT_SECRET_ACCESS_KEY": "x"}, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("ConnectFailed", p.stderr + p.stdout)


if __name__ == "__main__":
    harness.main()
