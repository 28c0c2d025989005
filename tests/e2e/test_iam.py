"""IAM over the wire with real clients. awscli (Debian's 2.9, /usr/bin/aws): the seed's four policies and its role
(fixtures/gitlab-seed/main.tf) created, attached, listed and read back as Terraform reads them; versions, tags,
errors and the simulator. boto3: users and access keys, and a user with a limited policy whose denied S3 and IAM
requests get AccessDenied in AWS's current wording. Finally the IAM state survives kill -9."""
import json
import os
import sys
import unittest
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

from botocore.exceptions import ClientError  # noqa: E402

SRV = harness.Server()
AWS = harness.AWS_CLI
PREFIX = "example-gitlab-eks"
NAMES = ["registry", "lfs", "artifacts", "uploads", "packages", "backups", "tmp"]
GENERAL = [n for n in NAMES if n not in ("registry", "backups")]
KMS_KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
PODS_TRUST = {"Version": "2012-10-17", "Statement": [
    {"Action": ["sts:AssumeRole", "sts:TagSession"], "Effect": "Allow",
     "Principal": {"Service": "pods.eks.amazonaws.com"}}]}


def arn(name):
    return f"arn:aws:s3:::{PREFIX}-{name}"


def seed_policies():
    """The seed's four policy documents, as Terraform's jsonencode renders them."""
    return harness.seed_policies(KMS_KEY_ARN)


def setUpModule():
    SRV.start()


def tearDownModule():
    SRV.stop()


aws, aws_json, aws_error = SRV.aws, SRV.aws_json, SRV.aws_error


@unittest.skipUnless(os.path.exists(AWS), "Debian awscli (/usr/bin/aws) is not installed")
class TestSeedWithAwsCli(unittest.TestCase):
    """The seed's IAM resources, created and read back with awscli the way Terraform reads them."""

    @classmethod
    def setUpClass(cls):
        work = Path(SRV.tmp) / "iam-cli"
        work.mkdir(exist_ok=True)
        cls.role = f"{PREFIX}-eks-global"
        trust = work / "trust.json"
        trust.write_text(json.dumps(PODS_TRUST))
        role = aws_json("iam", "create-role", "--role-name", cls.role, "--path", "/", "--max-session-duration",
                        "3600", "--assume-role-policy-document", f"file://{trust}")
        cls.role_arn = role["Role"]["Arn"]
        cls.account = cls.role_arn.split(":")[4]
        cls.policy_arns = {}
        for name, doc in seed_policies().items():
            f = work / f"{name}.json"
            f.write_text(json.dumps(doc))
            p = aws_json("iam", "create-policy", "--policy-name", f"{PREFIX}-{name}", "--path", "/",
                         "--policy-document", f"file://{f}")
            cls.policy_arns[name] = p["Policy"]["Arn"]
            aws("iam", "attach-role-policy", "--role-name", cls.role, "--policy-arn", p["Policy"]["Arn"])
        cls.work = work

    def test_role_shape(self):
        self.assertRegex(self.account, r"^\d{12}$")
        self.assertEqual(self.role_arn, f"arn:aws:iam::{self.account}:role/{self.role}")
        role = aws_json("iam", "get-role", "--role-name", self.role)["Role"]
        self.assertRegex(role["RoleId"], r"^AROA[A-Z0-9]{17}$")
        self.assertEqual(role["Path"], "/")
        self.assertEqual(role["MaxSessionDuration"], 3600)
        self.assertEqual(role["AssumeRolePolicyDocument"], PODS_TRUST)  # URL-encoded on the wire, decoded by awscli
        self.assertRegex(role["CreateDate"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
        listed = aws_json("iam", "list-roles")["Roles"]
        self.assertIn(self.role, [r["RoleName"] for r in listed])

    def test_policies_read_back_as_terraform_does(self):
        for name, doc in seed_policies().items():
            with self.subTest(policy=name):
                p = aws_json("iam", "get-policy", "--policy-arn", self.policy_arns[name])["Policy"]
                self.assertEqual(p["Arn"], f"arn:aws:iam::{self.account}:policy/{PREFIX}-{name}")
                self.assertRegex(p["PolicyId"], r"^ANPA[A-Z0-9]{17}$")
                self.assertEqual(p["DefaultVersionId"], "v1")
                self.assertEqual(p["AttachmentCount"], 1)
                self.assertTrue(p["IsAttachable"])
                v = aws_json("iam", "get-policy-version", "--policy-arn", self.policy_arns[name],
                             "--version-id", "v1")["PolicyVersion"]
                self.assertEqual(v["Document"], doc)
                self.assertTrue(v["IsDefaultVersion"])
        names = [p["PolicyName"] for p in aws_json("iam", "list-policies", "--scope", "Local")["Policies"]]
        for name in seed_policies():
            self.assertIn(f"{PREFIX}-{name}", names)

    def test_role_attachments_and_inline_listing(self):
        attached = aws_json("iam", "list-attached-role-policies", "--role-name", self.role)["AttachedPolicies"]
        self.assertEqual(sorted(a["PolicyArn"] for a in attached), sorted(self.policy_arns.values()))
        self.assertEqual(aws_json("iam", "list-role-policies", "--role-name", self.role)["PolicyNames"], [])
        profiles = aws_json("iam", "list-instance-profiles-for-role", "--role-name", self.role)
        self.assertEqual(profiles["InstanceProfiles"], [])
        ents = aws_json("iam", "list-entities-for-policy", "--policy-arn", self.policy_arns["s3-policy"])
        self.assertEqual([r["RoleName"] for r in ents["PolicyRoles"]], [self.role])

    def test_simulator_answers_the_scenario(self):
        def decide(action, resource):
            out = aws_json("iam", "simulate-principal-policy", "--policy-source-arn", self.role_arn,
                           "--action-names", action, "--resource-arns", resource)
            return out["EvaluationResults"][0]["EvalDecision"]
        self.assertEqual(decide("s3:GetObject", arn("registry") + "/docker/x"), "allowed")
        self.assertEqual(decide("s3:ListBucket", arn("lfs")), "allowed")
        self.assertEqual(decide("s3:ListBucket", arn("backups")), "implicitDeny")
        self.assertEqual(decide("s3:GetObjectVersion", arn("lfs") + "/k"), "implicitDeny")
        self.assertEqual(decide("s3:AbortMultipartUpload", arn("lfs") + "/k"), "implicitDeny")
        self.assertEqual(decide("s3:AbortMultipartUpload", arn("registry") + "/k"), "allowed")

    def test_errors(self):
        self.assertIn("NoSuchEntity", aws_error("iam", "get-role", "--role-name", "no-such-role"))
        self.assertIn("DeleteConflict", aws_error("iam", "delete-role", "--role-name", self.role))
        self.assertIn("DeleteConflict", aws_error("iam", "delete-policy", "--policy-arn",
                                                  self.policy_arns["s3-policy"]))
        bad = self.work / "principal.json"
        bad.write_text(json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}))
        err = aws_error("iam", "create-policy", "--policy-name", "bad", "--policy-document", f"file://{bad}")
        self.assertIn("MalformedPolicyDocument", err)
        self.assertIn("Policy document should not specify a principal.", err)
        trust = self.work / "trust.json"
        self.assertIn("EntityAlreadyExists", aws_error("iam", "create-role", "--role-name", self.role,
                                                       "--assume-role-policy-document", f"file://{trust}"))

    def test_policy_versions(self):
        doc = self.work / "scratch.json"
        doc.write_text(json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}))
        p_arn = aws_json("iam", "create-policy", "--policy-name", "scratch", "--policy-document",
                         f"file://{doc}")["Policy"]["Arn"]
        for i in range(2, 6):
            v = aws_json("iam", "create-policy-version", "--policy-arn", p_arn, "--policy-document", f"file://{doc}",
                         *(["--set-as-default"] if i == 3 else []))["PolicyVersion"]
            self.assertEqual(v["VersionId"], f"v{i}")
        self.assertIn("LimitExceeded", aws_error("iam", "create-policy-version", "--policy-arn", p_arn,
                                                 "--policy-document", f"file://{doc}"))
        self.assertEqual(aws_json("iam", "get-policy", "--policy-arn", p_arn)["Policy"]["DefaultVersionId"], "v3")
        self.assertIn("DeleteConflict", aws_error("iam", "delete-policy-version", "--policy-arn", p_arn,
                                                  "--version-id", "v3"))
        aws("iam", "set-default-policy-version", "--policy-arn", p_arn, "--version-id", "v1")
        # Terraform's destroy: list the versions, delete the non-default ones, then the policy.
        versions = aws_json("iam", "list-policy-versions", "--policy-arn", p_arn)["Versions"]
        self.assertEqual(len(versions), 5)
        self.assertIn("DeleteConflict", aws_error("iam", "delete-policy", "--policy-arn", p_arn))
        for v in versions:
            if not v["IsDefaultVersion"]:
                aws("iam", "delete-policy-version", "--policy-arn", p_arn, "--version-id", v["VersionId"])
        aws("iam", "delete-policy", "--policy-arn", p_arn)
        self.assertIn("NoSuchEntity", aws_error("iam", "get-policy", "--policy-arn", p_arn))

    def test_role_tags_and_update(self):
        trust = self.work / "trust.json"
        aws("iam", "create-role", "--role-name", "tagged", "--assume-role-policy-document", f"file://{trust}",
            "--tags", "Key=team,Value=gitlab")
        aws("iam", "tag-role", "--role-name", "tagged", "--tags", "Key=env,Value=prod")
        tags = aws_json("iam", "list-role-tags", "--role-name", "tagged")["Tags"]
        self.assertEqual(sorted((t["Key"], t["Value"]) for t in tags), [("env", "prod"), ("team", "gitlab")])
        aws("iam", "untag-role", "--role-name", "tagged", "--tag-keys", "team")
        self.assertEqual(aws_json("iam", "list-role-tags", "--role-name", "tagged")["Tags"],
                         [{"Key": "env", "Value": "prod"}])
        aws("iam", "update-role", "--role-name", "tagged", "--max-session-duration", "7200",
            "--description", "pods")
        role = aws_json("iam", "get-role", "--role-name", "tagged")["Role"]
        self.assertEqual(role["MaxSessionDuration"], 7200)
        self.assertEqual(role["Description"], "pods")
        self.assertIn("ValidationError", aws_error("iam", "update-role", "--role-name", "tagged",
                                                   "--max-session-duration", "60000"))
        aws("iam", "delete-role", "--role-name", "tagged")


class TestUsersWithBoto3(unittest.TestCase):
    """Users, access keys, and a user whose limited policy makes S3 and IAM answer AccessDenied."""

    @classmethod
    def setUpClass(cls):
        cls.iam = SRV.client("iam")
        cls.s3 = SRV.client("s3")
        cls.bucket = harness.unique_bucket("iam-user")
        cls.s3.create_bucket(Bucket=cls.bucket)
        cls.s3.put_object(Bucket=cls.bucket, Key="shared/readme.txt", Body=b"hello")
        user = cls.iam.create_user(UserName="limited", Path="/apps/")["User"]
        cls.user_arn = user["Arn"]
        cls.account = cls.user_arn.split(":")[4]
        doc = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
             "Resource": f"arn:aws:s3:::{cls.bucket}/*"},
            {"Effect": "Allow", "Action": ["iam:GetUser", "iam:ListAccessKeys"],
             "Resource": f"arn:aws:iam::{cls.account}:user/apps/${{aws:username}}"}]}
        # Terraform always sends Description, empty when unset.
        p = cls.iam.create_policy(PolicyName="limited-s3", PolicyDocument=json.dumps(doc), Description="")
        cls.iam.attach_user_policy(UserName="limited", PolicyArn=p["Policy"]["Arn"])
        key = cls.iam.create_access_key(UserName="limited")["AccessKey"]
        cls.key_id, cls.secret = key["AccessKeyId"], key["SecretAccessKey"]
        cls.user_s3 = SRV.client("s3", cls.key_id, cls.secret)
        cls.user_iam = SRV.client("iam", cls.key_id, cls.secret)

    def assertAccessDenied(self, fn, *args, **kwargs):
        with self.assertRaises(ClientError) as cm:
            fn(*args, **kwargs)
        err = cm.exception.response["Error"]
        self.assertEqual(err["Code"], "AccessDenied", err)
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        return err["Message"]

    def test_user_and_key_shapes(self):
        self.assertEqual(self.user_arn, f"arn:aws:iam::{self.account}:user/apps/limited")
        self.assertRegex(self.key_id, r"^AKIA[A-Z0-9]{16}$")
        self.assertEqual(len(self.secret), 40)
        user = self.iam.get_user(UserName="limited")["User"]
        self.assertRegex(user["UserId"], r"^AIDA[A-Z0-9]{17}$")
        self.assertEqual(user["Path"], "/apps/")
        keys = self.iam.list_access_keys(UserName="limited")["AccessKeyMetadata"]
        self.assertEqual([(k["AccessKeyId"], k["Status"]) for k in keys], [(self.key_id, "Active")])
        self.assertIn("limited", [u["UserName"] for u in self.iam.list_users()["Users"]])

    def test_allowed_requests_work(self):
        body = self.user_s3.get_object(Bucket=self.bucket, Key="shared/readme.txt")["Body"].read()
        self.assertEqual(body, b"hello")
        self.user_s3.put_object(Bucket=self.bucket, Key="by-user.txt", Body=b"mine")
        # Its own user, through ${aws:username} in the policy's Resource.
        self.assertEqual(self.user_iam.get_user()["User"]["UserName"], "limited")
        self.assertEqual(len(self.user_iam.list_access_keys()["AccessKeyMetadata"]), 1)

    def test_denied_s3_request_says_why(self):
        msg = self.assertAccessDenied(self.user_s3.list_objects_v2, Bucket=self.bucket)
        self.assertIn(f"User: {self.user_arn} is not authorized to perform: s3:ListBucket on resource: "
                      f"\"arn:aws:s3:::{self.bucket}\"", msg)
        self.assertIn("because no identity-based policy allows the s3:ListBucket action", msg)
        self.assertAccessDenied(self.user_s3.delete_object, Bucket=self.bucket, Key="shared/readme.txt")

    def test_denied_iam_request_says_why(self):
        msg = self.assertAccessDenied(self.user_iam.list_users)
        self.assertEqual(msg, f"User: {self.user_arn} is not authorized to perform: iam:ListUsers on resource: * "
                              "because no identity-based policy allows the iam:ListUsers action")
        msg = self.assertAccessDenied(self.user_iam.get_user, UserName="someone-else")
        self.assertIn("iam:GetUser on resource: arn:aws:iam::", msg)

    def test_inactive_key_stops_working(self):
        user = self.iam.create_user(UserName="rotating")["User"]
        self.iam.put_user_policy(UserName="rotating", PolicyName="read", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                    "Resource": f"arn:aws:s3:::{self.bucket}/*"}]}))
        key = self.iam.create_access_key(UserName="rotating")["AccessKey"]
        s3 = SRV.client("s3", key["AccessKeyId"], key["SecretAccessKey"])
        self.assertEqual(s3.get_object(Bucket=self.bucket, Key="shared/readme.txt")["Body"].read(), b"hello")
        self.iam.update_access_key(UserName="rotating", AccessKeyId=key["AccessKeyId"], Status="Inactive")
        with self.assertRaises(ClientError) as cm:
            s3.get_object(Bucket=self.bucket, Key="shared/readme.txt")
        self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidAccessKeyId")
        self.iam.update_access_key(UserName="rotating", AccessKeyId=key["AccessKeyId"], Status="Active")
        self.assertEqual(s3.get_object(Bucket=self.bucket, Key="shared/readme.txt")["Body"].read(), b"hello")
        # Deleting the user needs the key and the policy gone first.
        with self.assertRaises(ClientError) as cm:
            self.iam.delete_user(UserName="rotating")
        self.assertEqual(cm.exception.response["Error"]["Code"], "DeleteConflict")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 409)
        self.iam.delete_access_key(UserName="rotating", AccessKeyId=key["AccessKeyId"])
        self.iam.delete_user_policy(UserName="rotating", PolicyName="read")
        self.iam.delete_user(UserName="rotating")
        with self.assertRaises(ClientError) as cm:
            self.iam.get_user(UserName="rotating")
        self.assertEqual(cm.exception.response["Error"]["Code"], "NoSuchEntity")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)
        self.assertTrue(user["UserId"].startswith("AIDA"))

    def test_granting_takes_effect_at_once(self):
        self.iam.create_user(UserName="grantee")
        key = self.iam.create_access_key(UserName="grantee")["AccessKey"]
        s3 = SRV.client("s3", key["AccessKeyId"], key["SecretAccessKey"])
        self.assertAccessDenied(s3.get_object, Bucket=self.bucket, Key="shared/readme.txt")
        doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                       "Resource": f"arn:aws:s3:::{self.bucket}/shared/*"}]}
        self.iam.put_user_policy(UserName="grantee", PolicyName="read", PolicyDocument=json.dumps(doc))
        self.assertEqual(s3.get_object(Bucket=self.bucket, Key="shared/readme.txt")["Body"].read(), b"hello")
        self.iam.delete_user_policy(UserName="grantee", PolicyName="read")
        self.assertAccessDenied(s3.get_object, Bucket=self.bucket, Key="shared/readme.txt")

    def test_validation_and_quota_errors(self):
        def code(fn, **kwargs):
            with self.assertRaises(ClientError) as cm:
                fn(**kwargs)
            return cm.exception.response["Error"]["Code"], cm.exception.response["ResponseMetadata"]["HTTPStatusCode"]
        self.iam.create_user(UserName="twokeys")
        self.iam.create_access_key(UserName="twokeys")
        self.iam.create_access_key(UserName="twokeys")
        self.assertEqual(code(self.iam.create_access_key, UserName="twokeys"), ("LimitExceeded", 409))
        big = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::" + "x" * 6200}]}
        self.assertEqual(code(self.iam.create_policy, PolicyName="big", PolicyDocument=json.dumps(big)),
                         ("LimitExceeded", 409))
        old = {"Version": "2008-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
        self.assertEqual(code(self.iam.create_policy, PolicyName="old", PolicyDocument=json.dumps(old)),
                         ("MalformedPolicyDocument", 400))
        self.assertEqual(code(self.iam.get_policy, PolicyArn=f"arn:aws:iam::{self.account}:policy/none"),
                         ("NoSuchEntity", 404))


class TestRestart(unittest.TestCase):
    """Acknowledged IAM writes survive kill -9: users, keys, roles, policies and attachments."""

    def test_state_survives_kill9(self):
        iam = SRV.client("iam")
        s3 = SRV.client("s3")
        bucket = harness.unique_bucket("iam-restart")
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key="k", Body=b"v")
        iam.create_user(UserName="durable")
        p = iam.create_policy(PolicyName="durable-read", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                    "Resource": f"arn:aws:s3:::{bucket}/*"}]}))
        iam.attach_user_policy(UserName="durable", PolicyArn=p["Policy"]["Arn"])
        key = iam.create_access_key(UserName="durable")["AccessKey"]
        iam.create_role(RoleName="durable-role", AssumeRolePolicyDocument=json.dumps(PODS_TRUST))
        SRV.kill9()
        SRV.start()
        iam = SRV.client("iam")
        self.assertEqual(iam.get_role(RoleName="durable-role")["Role"]["AssumeRolePolicyDocument"], PODS_TRUST)
        attached = iam.list_attached_user_policies(UserName="durable")["AttachedPolicies"]
        self.assertEqual([a["PolicyArn"] for a in attached], [p["Policy"]["Arn"]])
        user_s3 = SRV.client("s3", key["AccessKeyId"], key["SecretAccessKey"])
        self.assertEqual(user_s3.get_object(Bucket=bucket, Key="k")["Body"].read(), b"v")


if __name__ == "__main__":
    unittest.main(verbosity=2)
