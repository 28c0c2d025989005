"""KMS over the wire with real clients. awscli (Debian's 2.9, /usr/bin/aws): the AWS managed alias/aws/s3 key on a
fresh server (the first call Terraform makes), create-key, aliases, encrypt/decrypt with an encryption context, the
wrong-context and disabled-key errors. boto3: data keys, re-encryption, rotation, deletion scheduling, a key policy
that binds the root user too, an IAM user's permissions, and keys surviving a restart with the root key file."""
import base64
import json
import os
import stat
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

from botocore.exceptions import ClientError  # noqa: E402

SRV = harness.Server()
AWS = harness.AWS_CLI


def setUpModule():
    SRV.start()


def tearDownModule():
    SRV.stop()


aws, aws_json, aws_error = SRV.aws, SRV.aws_json, SRV.aws_error


def error_code(e):
    return e.response["Error"]["Code"]


def kms_raw(operation, payload):
    """One KMS call signed by botocore for service kms, for operations Debian's botocore does not know yet.
    Returns (status, parsed JSON body or {})."""
    import urllib.error
    import urllib.request
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    body = json.dumps(payload).encode()
    req = AWSRequest(method="POST", url=SRV.endpoint + "/", data=body, headers={
        "X-Amz-Target": f"TrentService.{operation}", "Content-Type": "application/x-amz-json-1.1"})
    SigV4Auth(Credentials(SRV.access_key, SRV.secret_key), "kms", "us-east-1").add_auth(req)
    prepared = req.prepare()
    raw = urllib.request.Request(prepared.url, data=body, headers=dict(prepared.headers), method="POST")
    try:
        with urllib.request.urlopen(raw, timeout=30) as r:
            data = r.read()
            return r.status, json.loads(data) if data else {}
    except urllib.error.HTTPError as e:
        data = e.read()
        return e.code, json.loads(data) if data else {}


@unittest.skipUnless(os.path.exists(AWS), "Debian awscli (/usr/bin/aws) is not installed")
class TestKmsWithAwsCli(unittest.TestCase):
    def test_1_aws_s3_key_exists_on_a_fresh_server(self):
        meta = aws_json("kms", "describe-key", "--key-id", "alias/aws/s3")["KeyMetadata"]
        self.assertEqual(meta["KeyManager"], "AWS")
        self.assertEqual(meta["KeyState"], "Enabled")
        self.assertEqual(meta["KeySpec"], "SYMMETRIC_DEFAULT")
        self.assertEqual(meta["KeyUsage"], "ENCRYPT_DECRYPT")
        self.assertEqual(meta["Origin"], "AWS_KMS")
        self.assertRegex(meta["Arn"], r"^arn:aws:kms:us-east-1:\d{12}:key/[0-9a-f-]{36}$")
        self.assertTrue(meta["Arn"].endswith(meta["KeyId"]))
        again = aws_json("kms", "describe-key", "--key-id", "alias/aws/s3")["KeyMetadata"]
        self.assertEqual(again["KeyId"], meta["KeyId"])
        policy = json.loads(aws_json("kms", "get-key-policy", "--key-id", meta["KeyId"],
                                     "--policy-name", "default")["Policy"])
        self.assertEqual(policy["Statement"][0]["Condition"]["StringEquals"]["kms:ViaService"],
                         "s3.us-east-1.amazonaws.com")
        names = [a["AliasName"] for a in aws_json("kms", "list-aliases")["Aliases"]]
        self.assertIn("alias/aws/s3", names)

    def test_2_create_key_alias_encrypt_decrypt(self):
        meta = aws_json("kms", "create-key", "--description", "e2e key")["KeyMetadata"]
        key_id = meta["KeyId"]
        self.assertEqual(meta["KeyManager"], "CUSTOMER")
        self.assertEqual(meta["Description"], "e2e key")
        aws("kms", "create-alias", "--alias-name", "alias/e2e-cli", "--target-key-id", key_id)
        self.assertEqual(aws_json("kms", "describe-key", "--key-id", "alias/e2e-cli")["KeyMetadata"]["KeyId"], key_id)

        plain = SRV.tmp / "plain.bin"
        plain.write_bytes(b"attack at dawn \x00\xff")
        out = aws_json("kms", "encrypt", "--key-id", "alias/e2e-cli", "--plaintext", f"fileb://{plain}",
                       "--encryption-context", "purpose=e2e,tenant=a")
        self.assertEqual(out["KeyId"], meta["Arn"])
        blob = SRV.tmp / "blob.bin"
        blob.write_bytes(base64.b64decode(out["CiphertextBlob"]))

        back = aws_json("kms", "decrypt", "--ciphertext-blob", f"fileb://{blob}",
                        "--encryption-context", "purpose=e2e,tenant=a")
        self.assertEqual(base64.b64decode(back["Plaintext"]), plain.read_bytes())
        self.assertEqual(back["KeyId"], meta["Arn"])

        err = aws_error("kms", "decrypt", "--ciphertext-blob", f"fileb://{blob}",
                        "--encryption-context", "purpose=e2e,tenant=b")
        self.assertIn("InvalidCiphertextException", err)
        err = aws_error("kms", "decrypt", "--ciphertext-blob", f"fileb://{blob}")
        self.assertIn("InvalidCiphertextException", err)

        aws("kms", "disable-key", "--key-id", key_id)
        err = aws_error("kms", "encrypt", "--key-id", key_id, "--plaintext", f"fileb://{plain}")
        self.assertIn("DisabledException", err)
        err = aws_error("kms", "decrypt", "--ciphertext-blob", f"fileb://{blob}",
                        "--encryption-context", "purpose=e2e,tenant=a")
        self.assertIn("DisabledException", err)
        aws("kms", "enable-key", "--key-id", key_id)
        aws("kms", "decrypt", "--ciphertext-blob", f"fileb://{blob}", "--encryption-context", "purpose=e2e,tenant=a")

    def test_3_errors_for_missing_keys_and_reserved_aliases(self):
        err = aws_error("kms", "describe-key", "--key-id", "alias/does-not-exist")
        self.assertIn("NotFoundException", err)
        key_id = aws_json("kms", "describe-key", "--key-id", "alias/aws/s3")["KeyMetadata"]["KeyId"]
        err = aws_error("kms", "delete-alias", "--alias-name", "alias/aws/s3")
        self.assertIn("NotAuthorizedException", err)
        err = aws_error("kms", "disable-key", "--key-id", key_id)
        self.assertIn("AccessDeniedException", err)
        err = aws_error("kms", "schedule-key-deletion", "--key-id", key_id, "--pending-window-in-days", "7")
        self.assertIn("AccessDeniedException", err)


class TestKmsWithBoto3(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.kms = SRV.client("kms")

    def test_data_keys_and_reencrypt(self):
        a = self.kms.create_key()["KeyMetadata"]
        b = self.kms.create_key(Description="second")["KeyMetadata"]
        ctx = {"aws:s3:arn": "arn:aws:s3:::bucket/key"}
        dk = self.kms.generate_data_key(KeyId=a["KeyId"], KeySpec="AES_256", EncryptionContext=ctx)
        self.assertEqual(len(dk["Plaintext"]), 32)
        self.assertEqual(dk["KeyId"], a["Arn"])
        back = self.kms.decrypt(CiphertextBlob=dk["CiphertextBlob"], EncryptionContext=ctx)
        self.assertEqual(back["Plaintext"], dk["Plaintext"])
        no_plain = self.kms.generate_data_key_without_plaintext(KeyId=a["Arn"], NumberOfBytes=64)
        self.assertNotIn("Plaintext", no_plain)
        self.assertEqual(len(self.kms.decrypt(CiphertextBlob=no_plain["CiphertextBlob"])["Plaintext"]), 64)
        moved = self.kms.re_encrypt(CiphertextBlob=dk["CiphertextBlob"], SourceEncryptionContext=ctx,
                                    DestinationKeyId=b["KeyId"])
        self.assertEqual(moved["SourceKeyId"], a["Arn"])
        self.assertEqual(moved["KeyId"], b["Arn"])
        self.assertEqual(self.kms.decrypt(CiphertextBlob=moved["CiphertextBlob"])["Plaintext"], dk["Plaintext"])
        with self.assertRaises(ClientError) as cm:
            self.kms.decrypt(CiphertextBlob=dk["CiphertextBlob"], EncryptionContext=ctx, KeyId=b["KeyId"])
        self.assertEqual(error_code(cm.exception), "IncorrectKeyException")
        self.assertEqual(len(self.kms.generate_random(NumberOfBytes=20)["Plaintext"]), 20)

    def test_rotation_keeps_old_ciphertexts(self):
        key = self.kms.create_key()["KeyMetadata"]["KeyId"]
        old = self.kms.encrypt(KeyId=key, Plaintext=b"before rotation")["CiphertextBlob"]
        self.kms.enable_key_rotation(KeyId=key)
        status = self.kms.get_key_rotation_status(KeyId=key)
        self.assertTrue(status["KeyRotationEnabled"])
        status, out = kms_raw("RotateKeyOnDemand", {"KeyId": key})  # newer than Debian's botocore
        self.assertEqual((status, out), (200, {"KeyId": key}))
        new = self.kms.encrypt(KeyId=key, Plaintext=b"after rotation")["CiphertextBlob"]
        self.assertNotEqual(new[40:44], old[40:44])  # another key version in the blob header
        self.assertEqual(self.kms.decrypt(CiphertextBlob=old)["Plaintext"], b"before rotation")
        self.assertEqual(self.kms.decrypt(CiphertextBlob=new)["Plaintext"], b"after rotation")
        status, out = kms_raw("ListKeyRotations", {"KeyId": key})
        self.assertEqual(status, 200)
        self.assertEqual([r["RotationType"] for r in out["Rotations"]], ["ON_DEMAND"])

    def test_deletion_scheduling(self):
        key = self.kms.create_key()["KeyMetadata"]["KeyId"]
        with self.assertRaises(ClientError) as cm:
            self.kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=3)
        self.assertEqual(error_code(cm.exception), "ValidationException")
        out = self.kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
        self.assertEqual(out["KeyState"], "PendingDeletion")
        meta = self.kms.describe_key(KeyId=key)["KeyMetadata"]
        self.assertEqual(meta["KeyState"], "PendingDeletion")
        self.assertIn("DeletionDate", meta)
        with self.assertRaises(ClientError) as cm:
            self.kms.encrypt(KeyId=key, Plaintext=b"x")
        self.assertEqual(error_code(cm.exception), "KMSInvalidStateException")
        self.kms.cancel_key_deletion(KeyId=key)
        self.assertEqual(self.kms.describe_key(KeyId=key)["KeyMetadata"]["KeyState"], "Disabled")

    def test_root_cannot_use_the_aws_managed_key_directly(self):
        with self.assertRaises(ClientError) as cm:
            self.kms.encrypt(KeyId="alias/aws/s3", Plaintext=b"x")
        self.assertEqual(error_code(cm.exception), "AccessDeniedException")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)

    def test_iam_user_needs_identity_policy_on_delegating_keys(self):
        iam = SRV.client("iam")
        name = harness.unique_bucket("kms-user")
        iam.create_user(UserName=name)
        ak = iam.create_access_key(UserName=name)["AccessKey"]
        user_kms = SRV.client("kms", access_key=ak["AccessKeyId"], secret_key=ak["SecretAccessKey"])
        key = self.kms.create_key()["KeyMetadata"]["KeyId"]
        with self.assertRaises(ClientError) as cm:
            user_kms.encrypt(KeyId=key, Plaintext=b"x")
        self.assertEqual(error_code(cm.exception), "AccessDeniedException")
        self.assertIn(f":user/{name} is not authorized to perform: kms:Encrypt", str(cm.exception))
        iam.put_user_policy(UserName=name, PolicyName="kms", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*"}]}))
        blob = user_kms.encrypt(KeyId=key, Plaintext=b"x")["CiphertextBlob"]
        self.assertEqual(user_kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"x")
        with self.assertRaises(ClientError) as cm:  # the AWS managed key is usable only through S3
            user_kms.encrypt(KeyId="alias/aws/s3", Plaintext=b"x")
        self.assertEqual(error_code(cm.exception), "AccessDeniedException")

    def test_unknown_operation(self):
        status, out = kms_raw("MakeCoffee", {})
        self.assertEqual(status, 400)
        self.assertEqual(out["__type"], "UnknownOperationException")
        status, out = kms_raw("DescribeKey", {})
        self.assertEqual(status, 400)
        self.assertEqual(out["__type"], "ValidationException")


class TestKmsRootKey(unittest.TestCase):
    def test_root_key_file_and_restart(self):
        srv = harness.Server()
        srv.start()
        try:
            key_file = srv.data_dir / "kms-root-key"
            self.assertTrue(key_file.exists(), "the server generates DATA_DIR/kms-root-key on first start")
            self.assertEqual(stat.S_IMODE(key_file.stat().st_mode), 0o600)
            kms = srv.client("kms")
            key = kms.create_key()["KeyMetadata"]["KeyId"]
            blob = kms.encrypt(KeyId=key, Plaintext=b"survives", EncryptionContext={"a": "b"})["CiphertextBlob"]
            srv.stop(cleanup=False)
            srv.start()
            kms = srv.client("kms")
            self.assertEqual(kms.decrypt(CiphertextBlob=blob, EncryptionContext={"a": "b"})["Plaintext"], b"survives")
            # With another root key the server refuses to start rather than lose the keys.
            original = key_file.read_bytes()
            srv.stop(cleanup=False)
            key_file.write_text(os.urandom(32).hex() + "\n")
            with self.assertRaises(RuntimeError):
                srv.start(timeout=15)
            key_file.write_bytes(original)
            srv.start()
            self.assertEqual(srv.client("kms").decrypt(CiphertextBlob=blob, EncryptionContext={"a": "b"})["Plaintext"],
                             b"survives")
        finally:
            srv.stop()

    def test_root_key_from_environment(self):
        srv = harness.Server(env={"PODBUCKET_KMS_ROOT_KEY": base64.b64encode(os.urandom(32)).decode()})
        srv.start()
        try:
            self.assertFalse((srv.data_dir / "kms-root-key").exists())
            kms = srv.client("kms")
            blob = kms.encrypt(KeyId=kms.create_key()["KeyMetadata"]["KeyId"], Plaintext=b"env")["CiphertextBlob"]
            self.assertEqual(kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"env")
        finally:
            srv.stop()


if __name__ == "__main__":
    harness.main()
