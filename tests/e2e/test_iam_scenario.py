"""The seed's access model, enforced: a role session built from the seed's four policies (fixtures/gitlab-seed/
main.tf) can do, in each of the seven buckets, exactly what the scenario matrix of specs/aws-semantics.md section 7
says, and nothing more. Real clients: boto3 for IAM, STS and S3. The role here trusts the account (the seed's trusts
pods.eks.amazonaws.com, which only EKS Auth can use), so that an IAM user can mint the session with STS AssumeRole
(the root user cannot assume roles, as on AWS)."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import seed_policies  # noqa: E402

from botocore.exceptions import ClientError  # noqa: E402

SRV = harness.Server()
PREFIX = "example-gitlab-eks"
NAMES = ["registry", "lfs", "artifacts", "uploads", "packages", "backups", "tmp"]
GENERAL = [n for n in NAMES if n not in ("registry", "backups")]


def bucket(name):
    return f"{PREFIX}-{name}"


def arn(name):
    return f"arn:aws:s3:::{bucket(name)}"


class Env:
    root_s3 = None
    s3 = None  # the role session's S3 client
    role_arn = None
    account = None


def setUpModule():
    SRV.start()
    iam = SRV.client("iam")
    sts = SRV.client("sts")
    Env.account = sts.get_caller_identity()["Account"]
    Env.root_s3 = SRV.client("s3")
    for n in NAMES:
        Env.root_s3.create_bucket(Bucket=bucket(n))
        Env.root_s3.put_bucket_versioning(Bucket=bucket(n), VersioningConfiguration={"Status": "Enabled"})
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"],
         "Principal": {"AWS": f"arn:aws:iam::{Env.account}:root"}}]}
    role = iam.create_role(RoleName=f"{PREFIX}-eks-global", AssumeRolePolicyDocument=json.dumps(trust))
    Env.role_arn = role["Role"]["Arn"]
    kms_key_arn = f"arn:aws:kms:us-east-1:{Env.account}:key/00000000-0000-0000-0000-000000000000"
    for name, doc in seed_policies(kms_key_arn).items():
        p = iam.create_policy(PolicyName=f"{PREFIX}-{name}", PolicyDocument=json.dumps(doc))
        iam.attach_role_policy(RoleName=f"{PREFIX}-eks-global", PolicyArn=p["Policy"]["Arn"])
    iam.create_user(UserName="operator")
    iam.put_user_policy(UserName="operator", PolicyName="assume", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}))
    key = iam.create_access_key(UserName="operator")["AccessKey"]
    operator = SRV.client("sts", key["AccessKeyId"], key["SecretAccessKey"])
    creds = operator.assume_role(RoleArn=Env.role_arn, RoleSessionName="scenario")["Credentials"]
    Env.s3 = SRV.client("s3", creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])


def tearDownModule():
    SRV.stop()


class ScenarioMatrix(unittest.TestCase):
    """Each row of the matrix, in every bucket."""

    def assertDenied(self, fn, *args, **kwargs):
        with self.assertRaises(ClientError) as cm:
            fn(*args, **kwargs)
        err = cm.exception.response["Error"]
        self.assertEqual(err["Code"], "AccessDenied", err)
        return err

    def test_object_read_write_delete_allowed_everywhere(self):
        for n in NAMES:
            with self.subTest(bucket=n):
                put = Env.s3.put_object(Bucket=bucket(n), Key="a/obj.txt", Body=b"hello " + n.encode())
                self.assertIn("VersionId", put)
                got = Env.s3.get_object(Bucket=bucket(n), Key="a/obj.txt")["Body"].read()
                self.assertEqual(got, b"hello " + n.encode())
                Env.s3.head_object(Bucket=bucket(n), Key="a/obj.txt")
                Env.s3.copy_object(Bucket=bucket(n), Key="a/copy.txt",
                                   CopySource={"Bucket": bucket(n), "Key": "a/obj.txt"})
                Env.s3.delete_object(Bucket=bucket(n), Key="a/copy.txt")

    def test_version_specific_requests_denied_everywhere(self):
        for n in NAMES:
            with self.subTest(bucket=n):
                vid = Env.root_s3.put_object(Bucket=bucket(n), Key="v.txt", Body=b"v")["VersionId"]
                err = self.assertDenied(Env.s3.get_object, Bucket=bucket(n), Key="v.txt", VersionId=vid)
                self.assertIn("s3:GetObjectVersion", err["Message"])
                self.assertDenied(Env.s3.delete_object, Bucket=bucket(n), Key="v.txt", VersionId=vid)
                self.assertDenied(Env.s3.list_object_versions, Bucket=bucket(n))

    def test_listing_and_head_bucket(self):
        for n in NAMES:
            with self.subTest(bucket=n):
                if n == "backups":
                    err = self.assertDenied(Env.s3.list_objects_v2, Bucket=bucket(n))
                    self.assertIn("s3:ListBucket", err["Message"])
                    self.assertIn(f'"{arn(n)}"', err["Message"])
                    self.assertIn("because no identity-based policy allows the s3:ListBucket action",
                                  err["Message"])
                    with self.assertRaises(ClientError) as cm:
                        Env.s3.head_bucket(Bucket=bucket(n))
                    self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
                else:
                    Env.s3.list_objects_v2(Bucket=bucket(n), Prefix="a/")
                    Env.s3.list_objects(Bucket=bucket(n))
                    Env.s3.head_bucket(Bucket=bucket(n))

    def test_missing_key_is_403_without_list_bucket(self):
        for n in NAMES:
            with self.subTest(bucket=n):
                with self.assertRaises(ClientError) as cm:
                    Env.s3.head_object(Bucket=bucket(n), Key="does/not/exist")
                status = cm.exception.response["ResponseMetadata"]["HTTPStatusCode"]
                self.assertEqual(status, 403 if n == "backups" else 404)
                with self.assertRaises(ClientError) as cm:
                    Env.s3.get_object(Bucket=bucket(n), Key="does/not/exist")
                code = cm.exception.response["Error"]["Code"]
                self.assertEqual(code, "AccessDenied" if n == "backups" else "NoSuchKey")

    def test_multipart_rows(self):
        for n in NAMES:
            with self.subTest(bucket=n):
                up = Env.s3.create_multipart_upload(Bucket=bucket(n), Key="mp.bin")
                etag = Env.s3.upload_part(Bucket=bucket(n), Key="mp.bin", UploadId=up["UploadId"], PartNumber=1,
                                          Body=b"x" * 1024)["ETag"]
                if n == "registry":
                    Env.s3.list_multipart_uploads(Bucket=bucket(n))
                    Env.s3.list_parts(Bucket=bucket(n), Key="mp.bin", UploadId=up["UploadId"])
                else:
                    self.assertDenied(Env.s3.list_multipart_uploads, Bucket=bucket(n))
                    self.assertDenied(Env.s3.list_parts, Bucket=bucket(n), Key="mp.bin", UploadId=up["UploadId"])
                Env.s3.complete_multipart_upload(
                    Bucket=bucket(n), Key="mp.bin", UploadId=up["UploadId"],
                    MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
                up2 = Env.s3.create_multipart_upload(Bucket=bucket(n), Key="mp2.bin")
                if n == "registry":
                    Env.s3.abort_multipart_upload(Bucket=bucket(n), Key="mp2.bin", UploadId=up2["UploadId"])
                else:
                    self.assertDenied(Env.s3.abort_multipart_upload, Bucket=bucket(n), Key="mp2.bin",
                                      UploadId=up2["UploadId"])
                    Env.root_s3.abort_multipart_upload(Bucket=bucket(n), Key="mp2.bin", UploadId=up2["UploadId"])

    def test_get_bucket_location_only_on_registry(self):
        for n in NAMES:
            with self.subTest(bucket=n):
                if n == "registry":
                    Env.s3.get_bucket_location(Bucket=bucket(n))
                else:
                    self.assertDenied(Env.s3.get_bucket_location, Bucket=bucket(n))

    def test_delete_objects_checks_each_key(self):
        for n in NAMES:
            with self.subTest(bucket=n):
                vid = Env.root_s3.put_object(Bucket=bucket(n), Key="d1", Body=b"1")["VersionId"]
                Env.root_s3.put_object(Bucket=bucket(n), Key="d2", Body=b"2")
                out = Env.s3.delete_objects(Bucket=bucket(n), Delete={"Objects": [
                    {"Key": "d2"}, {"Key": "d1", "VersionId": vid}]})
                self.assertEqual([d["Key"] for d in out.get("Deleted", [])], ["d2"])
                errors = out.get("Errors", [])
                self.assertEqual([(e["Key"], e["Code"]) for e in errors], [("d1", "AccessDenied")])

    def test_bucket_configuration_denied(self):
        for n in NAMES:
            with self.subTest(bucket=n):
                self.assertDenied(Env.s3.get_bucket_versioning, Bucket=bucket(n))
                self.assertDenied(Env.s3.put_bucket_versioning, Bucket=bucket(n),
                                  VersioningConfiguration={"Status": "Suspended"})
                self.assertDenied(Env.s3.get_public_access_block, Bucket=bucket(n))
                self.assertDenied(Env.s3.delete_bucket_policy, Bucket=bucket(n))
                self.assertDenied(Env.s3.delete_bucket, Bucket=bucket(n))

    def test_no_bucket_creation_or_listing_of_buckets(self):
        self.assertDenied(Env.s3.list_buckets)
        self.assertDenied(Env.s3.create_bucket, Bucket="not-in-the-seed")

    def test_cross_bucket_copy_needs_both_sides(self):
        Env.root_s3.put_object(Bucket=bucket("lfs"), Key="src.txt", Body=b"s")
        # lfs -> backups: GetObject on lfs/* and PutObject on backups/* are both granted.
        Env.s3.copy_object(Bucket=bucket("backups"), Key="from-lfs.txt",
                           CopySource={"Bucket": bucket("lfs"), "Key": "src.txt"})
        # A source outside the seed's buckets is denied even though the destination is allowed.
        Env.root_s3.create_bucket(Bucket="outside-bucket")
        Env.root_s3.put_object(Bucket="outside-bucket", Key="secret.txt", Body=b"x")
        err = self.assertDenied(Env.s3.copy_object, Bucket=bucket("lfs"), Key="stolen.txt",
                                CopySource={"Bucket": "outside-bucket", "Key": "secret.txt"})
        self.assertIn("arn:aws:s3:::outside-bucket/secret.txt", err["Message"])


class AnonymousAndPolicies(unittest.TestCase):
    def test_anonymous_is_denied_without_a_bucket_policy(self):
        status, _, body = SRV.request("GET", f"/{bucket('lfs')}/a/obj.txt", sign=False)
        self.assertEqual(status, 403)
        self.assertIn(b"<Code>AccessDenied</Code>", body)

    def test_denials_carry_cors_headers(self):
        Env.root_s3.create_bucket(Bucket="cors-site")
        Env.root_s3.put_bucket_cors(Bucket="cors-site", CORSConfiguration={"CORSRules": [
            {"AllowedOrigins": ["https://gitlab.example.com"], "AllowedMethods": ["GET"]}]})
        status, headers, body = SRV.request("GET", "/cors-site/x", sign=False,
                                            headers={"Origin": "https://gitlab.example.com"})
        self.assertEqual(status, 403)
        self.assertIn(b"<Code>AccessDenied</Code>", body)
        self.assertEqual(headers.get("access-control-allow-origin"), "https://gitlab.example.com")

    def test_public_bucket_policy_is_blocked_then_allowed(self):
        Env.root_s3.create_bucket(Bucket="public-site")
        Env.root_s3.put_object(Bucket="public-site", Key="index.html", Body=b"<h1>hi</h1>")
        public = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::public-site/*"}]})
        # New buckets block public policies.
        with self.assertRaises(ClientError) as cm:
            Env.root_s3.put_bucket_policy(Bucket="public-site", Policy=public)
        self.assertEqual(cm.exception.response["Error"]["Code"], "AccessDenied")
        Env.root_s3.delete_public_access_block(Bucket="public-site")
        with self.assertRaises(ClientError) as cm:
            Env.root_s3.get_public_access_block(Bucket="public-site")
        self.assertEqual(cm.exception.response["Error"]["Code"], "NoSuchPublicAccessBlockConfiguration")
        Env.root_s3.put_bucket_policy(Bucket="public-site", Policy=public)
        self.assertTrue(Env.root_s3.get_bucket_policy_status(Bucket="public-site")["PolicyStatus"]["IsPublic"])
        self.assertEqual(json.loads(Env.root_s3.get_bucket_policy(Bucket="public-site")["Policy"]),
                         json.loads(public))
        status, _, body = SRV.request("GET", "/public-site/index.html", sign=False)
        self.assertEqual((status, body), (200, b"<h1>hi</h1>"))
        status, _, _ = SRV.request("GET", "/public-site", sign=False)
        self.assertEqual(status, 403)  # the policy grants GetObject only
        # RestrictPublicBuckets turns the public grant off again for anonymous callers.
        Env.root_s3.put_public_access_block(Bucket="public-site", PublicAccessBlockConfiguration={
            "BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": False,
            "RestrictPublicBuckets": True})
        status, _, _ = SRV.request("GET", "/public-site/index.html", sign=False)
        self.assertEqual(status, 403)

    def test_bucket_policy_deny_applies_to_the_role_session(self):
        deny = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Sid": "NoTmpWrites", "Effect": "Deny", "Principal": {"AWS": Env.role_arn}, "Action": "s3:PutObject",
             "Resource": arn("tmp") + "/locked/*"}]})
        Env.root_s3.put_bucket_policy(Bucket=bucket("tmp"), Policy=deny)
        try:
            with self.assertRaises(ClientError) as cm:
                Env.s3.put_object(Bucket=bucket("tmp"), Key="locked/x", Body=b"x")
            self.assertIn("explicit deny in a resource-based policy", cm.exception.response["Error"]["Message"])
            Env.s3.put_object(Bucket=bucket("tmp"), Key="open/x", Body=b"x")
        finally:
            Env.root_s3.delete_bucket_policy(Bucket=bucket("tmp"))

    def test_malformed_bucket_policy(self):
        cases = {
            "not json": "MalformedPolicy",
            json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                 "Resource": "arn:aws:s3:::some-other-bucket/*"}]}): "MalformedPolicy",
        }
        for doc, code in cases.items():
            with self.subTest(doc=doc[:40]):
                with self.assertRaises(ClientError) as cm:
                    Env.root_s3.put_bucket_policy(Bucket=bucket("lfs"), Policy=doc)
                self.assertEqual(cm.exception.response["Error"]["Code"], code)


if __name__ == "__main__":
    unittest.main(verbosity=2)
