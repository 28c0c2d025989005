"""STS end to end: awscli `sts assume-role` / `get-caller-identity` and boto3 against a real podbucket.

The root user creates a role through the IAM API (trusting the account, with an S3 policy for one bucket) and an
IAM user allowed to assume roles; the user assumes the role and uses the temporary credentials for S3 and
GetCallerIdentity. Also: an IAM user whose trust needs an
identity Allow, session tags and TagSession, duration limits, role chaining, session policies, GetSessionToken,
invalid and expired session tokens, and sessions surviving a restart.

The root user itself cannot assume roles, as on AWS.

PODBUCKET_E2E_SLOW=1 also runs the real-time expiry test (waits 15 minutes for a 900-second session to expire)."""
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

from botocore.exceptions import ClientError  # noqa: E402

SRV = harness.Server()
AWS = "/usr/bin/aws"
ROLE = "sts-e2e-reader"
BUCKET = "sts-e2e-allowed"
OTHER = "sts-e2e-other"


OPERATOR = "sts-e2e-operator"


class Env:
    account = None
    role_arn = None
    op_key = None
    op_secret = None
    op_arn = None


def setUpModule():
    SRV.start()
    sts = SRV.client("sts")
    Env.account = sts.get_caller_identity()["Account"]
    s3 = SRV.client("s3")
    for b in (BUCKET, OTHER):
        s3.create_bucket(Bucket=b)
    s3.put_object(Bucket=OTHER, Key="secret.txt", Body=b"not for the role")
    iam = SRV.client("iam")
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{Env.account}:root"},
         "Action": ["sts:AssumeRole", "sts:TagSession"]}]}
    role = iam.create_role(RoleName=ROLE, Path="/e2e/", AssumeRolePolicyDocument=json.dumps(trust),
                           MaxSessionDuration=7200)
    Env.role_arn = role["Role"]["Arn"]
    iam.put_role_policy(RoleName=ROLE, PolicyName="bucket-rw", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
             "Resource": f"arn:aws:s3:::{BUCKET}/*"},
            {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{BUCKET}"}]}))
    # The root user cannot assume roles (as on AWS): an IAM user does, with an identity policy that allows it,
    # because the trust policies here name only the account.
    Env.op_arn = iam.create_user(UserName=OPERATOR)["User"]["Arn"]
    iam.put_user_policy(UserName=OPERATOR, PolicyName="assume", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"], "Resource": "*"}]}))
    key = iam.create_access_key(UserName=OPERATOR)["AccessKey"]
    Env.op_key, Env.op_secret = key["AccessKeyId"], key["SecretAccessKey"]


def operator_sts():
    return SRV.client("sts", Env.op_key, Env.op_secret)


def tearDownModule():
    SRV.stop()


def session_clients(creds):
    return (SRV.client("s3", creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]),
            SRV.client("sts", creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]))


class StsCase(unittest.TestCase):
    def assertError(self, ctx, code, status=None, message=None):
        err = ctx.exception.response.get("Error", {})
        meta = ctx.exception.response.get("ResponseMetadata", {})
        self.assertEqual(err.get("Code"), code, f"full error response: {ctx.exception.response}")
        if status is not None:
            self.assertEqual(meta.get("HTTPStatusCode"), status, f"full error response: {ctx.exception.response}")
        if message is not None:
            self.assertEqual(err.get("Message"), message)

    def assume(self, client=None, **kwargs):
        kwargs.setdefault("RoleArn", Env.role_arn)
        kwargs.setdefault("RoleSessionName", "e2e")
        return (client or operator_sts()).assume_role(**kwargs)


class TestBoto3(StsCase):
    def test_root_identity(self):
        ident = SRV.client("sts").get_caller_identity()
        self.assertEqual(ident["Account"], Env.account)
        self.assertEqual(ident["Arn"], f"arn:aws:iam::{Env.account}:root")
        self.assertEqual(ident["UserId"], Env.account)
        self.assertRegex(Env.account, r"^\d{12}$")

    def test_root_cannot_assume_roles(self):
        with self.assertRaises(ClientError) as ctx:
            self.assume(client=SRV.client("sts"))
        self.assertError(ctx, "AccessDenied", 403, "Roles may not be assumed by root accounts.")

    def test_assume_role_and_use_the_session(self):
        before = time.time()
        out = self.assume(RoleSessionName="boto-session")
        creds, user = out["Credentials"], out["AssumedRoleUser"]
        self.assertRegex(creds["AccessKeyId"], r"^ASIA[A-Z2-7]{16}$")
        self.assertEqual(len(creds["SecretAccessKey"]), 40)
        self.assertGreater(len(creds["SessionToken"]), 100)
        remaining = creds["Expiration"].timestamp() - before
        self.assertTrue(3590 <= remaining <= 3610, remaining)
        # The role's path is dropped from the session ARN.
        self.assertEqual(user["Arn"], f"arn:aws:sts::{Env.account}:assumed-role/{ROLE}/boto-session")
        self.assertRegex(user["AssumedRoleId"], r"^AROA[A-Z0-9]{17}:boto-session$")

        s3, sts = session_clients(creds)
        ident = sts.get_caller_identity()
        self.assertEqual(ident["Arn"], user["Arn"])
        self.assertEqual(ident["UserId"], user["AssumedRoleId"])
        self.assertEqual(ident["Account"], Env.account)
        s3.put_object(Bucket=BUCKET, Key="from-session.txt", Body=b"hello")
        self.assertEqual(s3.get_object(Bucket=BUCKET, Key="from-session.txt")["Body"].read(), b"hello")
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
        self.assertIn("from-session.txt", keys)
        with self.assertRaises(ClientError) as ctx:
            s3.get_object(Bucket=OTHER, Key="secret.txt")
        self.assertError(ctx, "AccessDenied", 403)
        with self.assertRaises(ClientError) as ctx:
            s3.create_bucket(Bucket="sts-e2e-not-allowed")
        self.assertError(ctx, "AccessDenied", 403)

    def test_iam_user_needs_identity_permission_when_trust_names_the_account(self):
        iam = SRV.client("iam")
        iam.create_user(UserName="sts-e2e-user")
        key = iam.create_access_key(UserName="sts-e2e-user")["AccessKey"]
        sts = SRV.client("sts", key["AccessKeyId"], key["SecretAccessKey"])
        ident = sts.get_caller_identity()  # never denied, even without any policy
        self.assertEqual(ident["Arn"], f"arn:aws:iam::{Env.account}:user/sts-e2e-user")
        self.assertRegex(ident["UserId"], r"^AIDA")
        with self.assertRaises(ClientError) as ctx:
            self.assume(sts)
        self.assertError(ctx, "AccessDenied", 403,
                         f"User: arn:aws:iam::{Env.account}:user/sts-e2e-user is not authorized to perform: "
                         f"sts:AssumeRole on resource: {Env.role_arn}")
        iam.put_user_policy(UserName="sts-e2e-user", PolicyName="assume", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": Env.role_arn}]}))
        out = self.assume(sts, RoleSessionName="from-user")
        self.assertEqual(out["AssumedRoleUser"]["Arn"], f"arn:aws:sts::{Env.account}:assumed-role/{ROLE}/from-user")

    def test_role_trusting_someone_else_cannot_be_assumed(self):
        iam = SRV.client("iam")
        trust = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"},
             "Action": ["sts:AssumeRole", "sts:TagSession"]}]}
        arn = iam.create_role(RoleName="sts-e2e-pods-only", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        with self.assertRaises(ClientError) as ctx:
            self.assume(RoleArn=arn)
        self.assertError(ctx, "AccessDenied", 403,
                         f"User: {Env.op_arn} is not authorized to perform: sts:AssumeRole on "
                         f"resource: {arn}")
        with self.assertRaises(ClientError) as ctx:
            self.assume(RoleArn=f"arn:aws:iam::{Env.account}:role/does-not-exist")
        self.assertError(ctx, "AccessDenied", 403)

    def test_session_tags_become_principal_tags(self):
        out = self.assume(RoleSessionName="tagged", Tags=[{"Key": "team", "Value": "platform"}],
                          TransitiveTagKeys=["team"])
        self.assertIn("PackedPolicySize", out)
        iam = SRV.client("iam")
        # A role whose policy only lets sessions tagged team=platform read: the tag reaches aws:PrincipalTag.
        iam.put_role_policy(RoleName=ROLE, PolicyName="abac", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{OTHER}/*",
                 "Condition": {"StringEquals": {"aws:PrincipalTag/team": "platform"}}}]}))
        try:
            tagged, _ = session_clients(out["Credentials"])
            self.assertEqual(tagged.get_object(Bucket=OTHER, Key="secret.txt")["Body"].read(), b"not for the role")
            untagged, _ = session_clients(self.assume(RoleSessionName="untagged")["Credentials"])
            with self.assertRaises(ClientError) as ctx:
                untagged.get_object(Bucket=OTHER, Key="secret.txt")
            self.assertError(ctx, "AccessDenied", 403)
        finally:
            iam.delete_role_policy(RoleName=ROLE, PolicyName="abac")

    def test_tags_need_tag_session_in_the_trust_policy(self):
        iam = SRV.client("iam")
        trust = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{Env.account}:root"}, "Action": "sts:AssumeRole"}]}
        arn = iam.create_role(RoleName="sts-e2e-no-tags", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        self.assume(RoleArn=arn)
        with self.assertRaises(ClientError) as ctx:
            self.assume(RoleArn=arn, Tags=[{"Key": "team", "Value": "x"}])
        self.assertError(ctx, "AccessDenied", 403,
                         f"User: {Env.op_arn} is not authorized to perform: sts:TagSession on "
                         f"resource: {arn}")

    def test_duration_limits(self):
        out = self.assume(DurationSeconds=7200)
        self.assertGreater(out["Credentials"]["Expiration"].timestamp() - time.time(), 7100)
        with self.assertRaises(ClientError) as ctx:
            self.assume(DurationSeconds=7201)
        self.assertError(ctx, "ValidationError", 400,
                         "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")

    def test_unsigned_requests_need_credentials(self):
        for action in ("AssumeRole", "GetCallerIdentity", "GetSessionToken"):
            status, _, body = SRV.request(
                "POST", "/", headers={"Content-Type": "application/x-www-form-urlencoded"},
                body=(f"Action={action}&Version=2011-06-15&RoleArn={Env.role_arn}&RoleSessionName=raw").encode(),
                sign=False)
            self.assertEqual(status, 403, body)
            self.assertEqual(harness.error_code(body), "MissingAuthenticationToken", body)

    def test_session_name_validation(self):
        with self.assertRaises(ClientError) as ctx:
            self.assume(RoleSessionName="has space")
        self.assertError(ctx, "ValidationError", 400)
        self.assertIn("roleSessionName", ctx.exception.response["Error"]["Message"])

    def test_role_chaining(self):
        sess = self.assume(RoleSessionName="first", DurationSeconds=7200)["Credentials"]
        _, sts = session_clients(sess)
        # The role's trust names the account: its own policy must allow assuming it again.
        iam = SRV.client("iam")
        iam.put_role_policy(RoleName=ROLE, PolicyName="chain", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": Env.role_arn}]}))
        try:
            with self.assertRaises(ClientError) as ctx:
                self.assume(sts, RoleSessionName="second", DurationSeconds=3601)
            self.assertError(ctx, "ValidationError", 400,
                             "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by "
                             "role chaining.")
            out = self.assume(sts, RoleSessionName="second")
            self.assertEqual(out["AssumedRoleUser"]["Arn"], f"arn:aws:sts::{Env.account}:assumed-role/{ROLE}/second")
        finally:
            iam.delete_role_policy(RoleName=ROLE, PolicyName="chain")

    def test_session_policy_narrows_the_session(self):
        policy = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}]}
        out = self.assume(RoleSessionName="narrow", Policy=json.dumps(policy))
        self.assertIn("PackedPolicySize", out)
        SRV.client("s3").put_object(Bucket=BUCKET, Key="narrow.txt", Body=b"n")
        s3, _ = session_clients(out["Credentials"])
        self.assertEqual(s3.get_object(Bucket=BUCKET, Key="narrow.txt")["Body"].read(), b"n")
        with self.assertRaises(ClientError) as ctx:
            s3.put_object(Bucket=BUCKET, Key="narrow.txt", Body=b"changed")
        self.assertError(ctx, "AccessDenied", 403)
        with self.assertRaises(ClientError) as ctx:
            self.assume(RoleSessionName="bad", Policy='{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}')
        self.assertError(ctx, "MalformedPolicyDocument", 400)

    def test_get_session_token(self):
        iam = SRV.client("iam")
        iam.create_user(UserName="sts-e2e-gst")
        iam.put_user_policy(UserName="sts-e2e-gst", PolicyName="list", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{BUCKET}"}]}))
        key = iam.create_access_key(UserName="sts-e2e-gst")["AccessKey"]
        creds = SRV.client("sts", key["AccessKeyId"], key["SecretAccessKey"]).get_session_token(
            DurationSeconds=900)["Credentials"]
        self.assertRegex(creds["AccessKeyId"], r"^ASIA")
        s3, sts = session_clients(creds)
        self.assertEqual(sts.get_caller_identity()["Arn"], f"arn:aws:iam::{Env.account}:user/sts-e2e-gst")
        s3.list_objects_v2(Bucket=BUCKET)
        with self.assertRaises(ClientError) as ctx:
            s3.list_objects_v2(Bucket=OTHER)
        self.assertError(ctx, "AccessDenied", 403)

    def test_invalid_session_tokens(self):
        creds = self.assume(RoleSessionName="tokens")["Credentials"]
        wrong = dict(creds, SessionToken=creds["SessionToken"][:-8] + "AAAAAAA=")
        s3, sts = session_clients(wrong)
        with self.assertRaises(ClientError) as ctx:
            sts.get_caller_identity()
        self.assertError(ctx, "InvalidClientTokenId", 403, "The security token included in the request is invalid.")
        with self.assertRaises(ClientError) as ctx:
            s3.list_objects_v2(Bucket=BUCKET)
        self.assertError(ctx, "InvalidToken", 400)
        # The temporary key without any session token.
        bare = SRV.client("sts", creds["AccessKeyId"], creds["SecretAccessKey"])
        with self.assertRaises(ClientError) as ctx:
            bare.get_caller_identity()
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        # An ASIA key the server never issued.
        unknown = SRV.client("sts", "ASIAAAAAAAAAAAAAAAAA", creds["SecretAccessKey"], creds["SessionToken"])
        with self.assertRaises(ClientError) as ctx:
            unknown.get_caller_identity()
        self.assertError(ctx, "InvalidClientTokenId", 403)

    @unittest.skipUnless(os.environ.get("PODBUCKET_E2E_SLOW") == "1",
                         "set PODBUCKET_E2E_SLOW=1 to wait 15 minutes for a session to expire")
    def test_expired_session_token(self):
        creds = self.assume(RoleSessionName="short", DurationSeconds=900)["Credentials"]
        s3, sts = session_clients(creds)
        sts.get_caller_identity()
        time.sleep(max(0.0, creds["Expiration"].timestamp() - time.time()) + 2)
        with self.assertRaises(ClientError) as ctx:
            sts.get_caller_identity()
        self.assertError(ctx, "ExpiredToken", 400, "The security token included in the request is expired")
        with self.assertRaises(ClientError) as ctx:
            s3.list_objects_v2(Bucket=BUCKET)
        self.assertError(ctx, "ExpiredToken", 400)


@unittest.skipUnless(os.path.exists(AWS), "Debian awscli (/usr/bin/aws) is not installed")
class TestAwsCli(StsCase):
    def aws(self, *args, env=None, check=True):
        return harness.run_cli([AWS, "--endpoint-url", SRV.endpoint, "--region", "us-east-1", "--output", "json",
                                *args], env or SRV.client_env(), timeout=120, check=check)

    def test_get_caller_identity(self):
        out = json.loads(self.aws("sts", "get-caller-identity").stdout)
        self.assertEqual(out, {"UserId": Env.account, "Account": Env.account,
                               "Arn": f"arn:aws:iam::{Env.account}:root"})

    def operator_env(self):
        return SRV.client_env(AWS_ACCESS_KEY_ID=Env.op_key, AWS_SECRET_ACCESS_KEY=Env.op_secret)

    def test_assume_role_then_use_the_credentials(self):
        out = json.loads(self.aws("sts", "assume-role", "--role-arn", Env.role_arn, "--role-session-name", "cli",
                                  "--duration-seconds", "1800", env=self.operator_env()).stdout)
        creds = out["Credentials"]
        self.assertRegex(creds["AccessKeyId"], r"^ASIA")
        self.assertRegex(creds["Expiration"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
        self.assertEqual(out["AssumedRoleUser"]["Arn"], f"arn:aws:sts::{Env.account}:assumed-role/{ROLE}/cli")
        env = SRV.client_env(AWS_ACCESS_KEY_ID=creds["AccessKeyId"], AWS_SECRET_ACCESS_KEY=creds["SecretAccessKey"],
                             AWS_SESSION_TOKEN=creds["SessionToken"])
        ident = json.loads(self.aws("sts", "get-caller-identity", env=env).stdout)
        self.assertEqual(ident["Arn"], f"arn:aws:sts::{Env.account}:assumed-role/{ROLE}/cli")
        path = SRV.tmp / "cli-upload.txt"
        path.write_text("from awscli")
        self.aws("s3", "cp", str(path), f"s3://{BUCKET}/cli-upload.txt", env=env)
        listing = self.aws("s3", "ls", f"s3://{BUCKET}/", env=env).stdout
        self.assertIn("cli-upload.txt", listing)
        denied = self.aws("s3", "ls", f"s3://{OTHER}/", env=env, check=False)
        self.assertNotEqual(denied.returncode, 0)
        self.assertIn("AccessDenied", denied.stderr)

    def test_assume_role_errors(self):
        p = self.aws("sts", "assume-role", "--role-arn", Env.role_arn, "--role-session-name", "cli",
                     "--duration-seconds", "43200", env=self.operator_env(), check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("ValidationError", p.stderr)
        self.assertIn("MaxSessionDuration", p.stderr)
        p = self.aws("sts", "assume-role", "--role-arn", f"arn:aws:iam::{Env.account}:role/nope",
                     "--role-session-name", "cli", env=self.operator_env(), check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("AccessDenied", p.stderr)


class TestRestart(StsCase):
    def test_sessions_survive_a_restart(self):
        creds = self.assume(RoleSessionName="durable")["Credentials"]
        SRV.stop(cleanup=False)
        SRV.start()
        s3, sts = session_clients(creds)
        self.assertEqual(sts.get_caller_identity()["Arn"], f"arn:aws:sts::{Env.account}:assumed-role/{ROLE}/durable")
        s3.put_object(Bucket=BUCKET, Key="after-restart.txt", Body=b"still valid")


if __name__ == "__main__":
    unittest.main(verbosity=2, warnings="ignore")
