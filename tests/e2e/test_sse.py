"""Server-side encryption over the wire. awscli (Debian's 2.9, /usr/bin/aws): a bucket with default SSE-KMS under the
AWS managed alias/aws/s3 key (the seed's Terraform configuration), put/get/head headers, a range GET across
encryption chunks, a 20 MiB multipart `aws s3 cp`. boto3: SSE-C round trips and every SSE-C error, copies that change
the encryption, KMS key state errors. Finally the data dir is scanned for the plaintext written: it must not be
there, and the server log must not hold a customer key."""
import base64
import hashlib
import json
import os
import sys
import unittest
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

from botocore.exceptions import ClientError  # noqa: E402

SRV = harness.Server()
AWS = "/usr/bin/aws"
CHUNK = 64 * 1024  # s3/encryption's plaintext chunk size
MARKER = b"PODBUCKET-SSE-E2E-PLAINTEXT-"
KEY_A = hashlib.sha256(b"customer key A").digest()  # 32 bytes
KEY_B = hashlib.sha256(b"customer key B").digest()


def setUpModule():
    SRV.start()
    s3 = SRV.s3()
    bucket = harness.unique_bucket("sse-probe")
    s3.create_bucket(Bucket=bucket)
    put = s3.put_object(Bucket=bucket, Key="probe", Body=b"x")
    s3.delete_object(Bucket=bucket, Key="probe")
    s3.delete_bucket(Bucket=bucket)
    if "ServerSideEncryption" not in put:
        SRV.stop()
        raise unittest.SkipTest("the server does not encrypt objects yet (KMS is not wired into S3's Context)")


def tearDownModule():
    SRV.stop()


def aws(*args, check=True):
    return harness.run_cli([AWS, "--endpoint-url", SRV.endpoint, "--region", "us-east-1", *args],
                           SRV.client_env(), timeout=300, check=check)


def aws_json(*args):
    p = aws(*args, "--output", "json")
    return json.loads(p.stdout) if p.stdout.strip() else {}


def marked(size, tag):
    """`size` bytes of the marker pattern, numbered so that every chunk differs."""
    out = bytearray()
    i = 0
    while len(out) < size:
        out += MARKER + f"{tag}-{i:09d}|".encode()
        i += 1
    return bytes(out[:size])


def code(e):
    return e.response["Error"]["Code"]


def status(e):
    return e.response["ResponseMetadata"]["HTTPStatusCode"]


@unittest.skipUnless(os.path.exists(AWS), "Debian awscli (/usr/bin/aws) is not installed")
class TestSseKmsWithAwsCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bucket = harness.unique_bucket("sse-kms")
        cls.tmp = SRV.tmp / "awscli"
        cls.tmp.mkdir(exist_ok=True)
        aws("s3api", "create-bucket", "--bucket", cls.bucket)
        cls.key_arn = aws_json("kms", "describe-key", "--key-id", "alias/aws/s3")["KeyMetadata"]["Arn"]
        # What the seed's aws_s3_bucket_server_side_encryption_configuration sends.
        config = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                                                     "KMSMasterKeyID": cls.key_arn},
                             "BucketKeyEnabled": False}]}
        aws("s3api", "put-bucket-encryption", "--bucket", cls.bucket,
            "--server-side-encryption-configuration", json.dumps(config))

    def test_1_bucket_encryption_is_echoed_exactly(self):
        rule = aws_json("s3api", "get-bucket-encryption", "--bucket", self.bucket)[
            "ServerSideEncryptionConfiguration"]["Rules"][0]
        self.assertEqual(rule["ApplyServerSideEncryptionByDefault"],
                         {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": self.key_arn})
        self.assertFalse(rule["BucketKeyEnabled"])

    def test_2_put_get_head_and_ranges(self):
        data = marked(5 * CHUNK + 333, "cli")
        src = self.tmp / "obj.bin"
        src.write_bytes(data)
        put = aws_json("s3api", "put-object", "--bucket", self.bucket, "--key", "obj.bin", "--body", str(src))
        self.assertEqual(put["ServerSideEncryption"], "aws:kms")
        self.assertEqual(put["SSEKMSKeyId"], self.key_arn)
        self.assertEqual(put["ETag"], '"%s"' % hashlib.md5(data).hexdigest())
        self.assertNotIn("BucketKeyEnabled", put)
        head = aws_json("s3api", "head-object", "--bucket", self.bucket, "--key", "obj.bin")
        self.assertEqual((head["ServerSideEncryption"], head["SSEKMSKeyId"]), ("aws:kms", self.key_arn))
        self.assertEqual(head["ContentLength"], len(data))
        out = self.tmp / "obj.out"
        got = aws_json("s3api", "get-object", "--bucket", self.bucket, "--key", "obj.bin", str(out))
        self.assertEqual(got["SSEKMSKeyId"], self.key_arn)
        self.assertEqual(out.read_bytes(), data)
        for first, last in [(CHUNK - 1, CHUNK), (CHUNK - 10, 3 * CHUNK + 10), (5 * CHUNK, len(data) - 1)]:
            aws("s3api", "get-object", "--bucket", self.bucket, "--key", "obj.bin", "--range",
                f"bytes={first}-{last}", str(out))
            self.assertEqual(out.read_bytes(), data[first:last + 1], (first, last))
        aws("s3api", "get-object", "--bucket", self.bucket, "--key", "obj.bin", "--range", "bytes=-100", str(out))
        self.assertEqual(out.read_bytes(), data[-100:])

    def test_3_multipart_cp_of_20_mib(self):
        data = marked(20 << 20, "mpu")
        src = self.tmp / "big.bin"
        src.write_bytes(data)
        aws("s3", "cp", str(src), f"s3://{self.bucket}/big.bin")
        head = aws_json("s3api", "head-object", "--bucket", self.bucket, "--key", "big.bin")
        self.assertEqual((head["ServerSideEncryption"], head["SSEKMSKeyId"]), ("aws:kms", self.key_arn))
        self.assertRegex(head["ETag"], r'^"[0-9a-f]{32}-3"$')  # awscli's 8 MiB parts
        out = self.tmp / "big.out"
        aws("s3", "cp", f"s3://{self.bucket}/big.bin", str(out))
        self.assertEqual(harness.sha256_file(out), hashlib.sha256(data).hexdigest())
        # A range across the part 1 / part 2 boundary (8 MiB).
        first = (8 << 20) - 5
        aws("s3api", "get-object", "--bucket", self.bucket, "--key", "big.bin", "--range",
            f"bytes={first}-{first + 9}", str(out))
        self.assertEqual(out.read_bytes(), data[first:first + 10])

    def test_4_delete_bucket_encryption_reverts_to_sse_s3(self):
        other = harness.unique_bucket("sse-del")
        aws("s3api", "create-bucket", "--bucket", other)
        rule = aws_json("s3api", "get-bucket-encryption", "--bucket", other)[
            "ServerSideEncryptionConfiguration"]["Rules"][0]
        self.assertEqual(rule["ApplyServerSideEncryptionByDefault"], {"SSEAlgorithm": "AES256"})
        aws("s3api", "put-bucket-encryption", "--bucket", other, "--server-side-encryption-configuration",
            json.dumps({"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]}))
        aws("s3api", "delete-bucket-encryption", "--bucket", other)
        aws("s3api", "delete-bucket-encryption", "--bucket", other)
        rule = aws_json("s3api", "get-bucket-encryption", "--bucket", other)[
            "ServerSideEncryptionConfiguration"]["Rules"][0]
        self.assertEqual(rule["ApplyServerSideEncryptionByDefault"], {"SSEAlgorithm": "AES256"})
        src = self.tmp / "small.bin"
        src.write_bytes(marked(1000, "small"))
        put = aws_json("s3api", "put-object", "--bucket", other, "--key", "s", "--body", str(src))
        self.assertEqual(put["ServerSideEncryption"], "AES256")


class TestSseWithBoto3(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s3 = SRV.s3()
        cls.kms = SRV.client("kms")
        cls.bucket = harness.unique_bucket("sse-boto")
        cls.s3.create_bucket(Bucket=cls.bucket)

    def ssec(self, key=KEY_A, prefix=""):
        return {prefix + "SSECustomerAlgorithm": "AES256", prefix + "SSECustomerKey": key}

    def test_sse_c_round_trip(self):
        data = marked(3 * CHUNK + 5, "ssec")
        put = self.s3.put_object(Bucket=self.bucket, Key="c", Body=data, **self.ssec())
        self.assertEqual(put["SSECustomerAlgorithm"], "AES256")
        self.assertEqual(put["SSECustomerKeyMD5"], base64.b64encode(hashlib.md5(KEY_A).digest()).decode())
        self.assertNotIn("ServerSideEncryption", put)
        got = self.s3.get_object(Bucket=self.bucket, Key="c", **self.ssec())
        self.assertEqual(got["Body"].read(), data)
        self.assertEqual(got["SSECustomerKeyMD5"], put["SSECustomerKeyMD5"])
        ranged = self.s3.get_object(Bucket=self.bucket, Key="c", Range=f"bytes={CHUNK - 3}-{2 * CHUNK + 3}",
                                    **self.ssec())
        self.assertEqual(ranged["Body"].read(), data[CHUNK - 3:2 * CHUNK + 4])
        head = self.s3.head_object(Bucket=self.bucket, Key="c", **self.ssec())
        self.assertEqual(head["ContentLength"], len(data))

    def test_sse_c_errors(self):
        self.s3.put_object(Bucket=self.bucket, Key="e", Body=b"secret", **self.ssec())
        with self.assertRaises(ClientError) as e:
            self.s3.get_object(Bucket=self.bucket, Key="e")
        self.assertEqual((status(e.exception), code(e.exception)), (400, "InvalidRequest"))
        with self.assertRaises(ClientError) as e:
            self.s3.head_object(Bucket=self.bucket, Key="e")
        self.assertEqual(status(e.exception), 400)
        with self.assertRaises(ClientError) as e:
            self.s3.get_object(Bucket=self.bucket, Key="e", **self.ssec(KEY_B))
        self.assertEqual((status(e.exception), code(e.exception)), (403, "AccessDenied"))
        with self.assertRaises(ClientError) as e:
            # With an explicit MD5 botocore sends the key as given: base64 already.
            self.s3.put_object(Bucket=self.bucket, Key="e2", Body=b"x", SSECustomerAlgorithm="AES256",
                               SSECustomerKey=base64.b64encode(KEY_A).decode(),
                               SSECustomerKeyMD5=base64.b64encode(b"0" * 16).decode())
        self.assertEqual(code(e.exception), "InvalidArgument")
        with self.assertRaises(ClientError) as e:
            self.s3.put_object(Bucket=self.bucket, Key="e2", Body=b"x", SSECustomerAlgorithm="AES256",
                               SSECustomerKey=KEY_A[:16])
        self.assertEqual(code(e.exception), "InvalidArgument")
        with self.assertRaises(ClientError) as e:
            self.s3.put_object(Bucket=self.bucket, Key="e2", Body=b"x", SSECustomerAlgorithm="AES128",
                               SSECustomerKey=KEY_A)
        self.assertEqual(code(e.exception), "InvalidEncryptionAlgorithmError")
        with self.assertRaises(ClientError) as e:
            self.s3.put_object(Bucket=self.bucket, Key="e2", Body=b"x", ServerSideEncryption="AES256",
                               **self.ssec())
        self.assertEqual(code(e.exception), "InvalidArgument")
        self.s3.put_object(Bucket=self.bucket, Key="plain", Body=b"x")
        with self.assertRaises(ClientError) as e:
            self.s3.get_object(Bucket=self.bucket, Key="plain", **self.ssec())
        self.assertEqual(code(e.exception), "InvalidRequest")

    def test_sse_c_multipart(self):
        part1, part2 = marked(5 << 20, "mp1"), marked(1000, "mp2")
        up = self.s3.create_multipart_upload(Bucket=self.bucket, Key="mpc", **self.ssec())
        self.assertEqual(up["SSECustomerAlgorithm"], "AES256")
        uid = up["UploadId"]
        with self.assertRaises(ClientError) as e:
            self.s3.upload_part(Bucket=self.bucket, Key="mpc", UploadId=uid, PartNumber=1, Body=part1)
        self.assertEqual(code(e.exception), "InvalidRequest")
        with self.assertRaises(ClientError) as e:
            self.s3.upload_part(Bucket=self.bucket, Key="mpc", UploadId=uid, PartNumber=1, Body=part1,
                                **self.ssec(KEY_B))
        self.assertEqual(code(e.exception), "InvalidRequest")
        e1 = self.s3.upload_part(Bucket=self.bucket, Key="mpc", UploadId=uid, PartNumber=1, Body=part1,
                                 **self.ssec())["ETag"]
        e2 = self.s3.upload_part(Bucket=self.bucket, Key="mpc", UploadId=uid, PartNumber=2, Body=part2,
                                 **self.ssec())["ETag"]
        self.s3.complete_multipart_upload(Bucket=self.bucket, Key="mpc", UploadId=uid, MultipartUpload={
            "Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]})
        got = self.s3.get_object(Bucket=self.bucket, Key="mpc", **self.ssec())["Body"].read()
        self.assertEqual(got, part1 + part2)

    def test_copy_changes_encryption(self):
        data = marked(2 * CHUNK + 7, "copy")
        self.s3.put_object(Bucket=self.bucket, Key="src", Body=data, **self.ssec())
        with self.assertRaises(ClientError) as e:
            self.s3.copy_object(Bucket=self.bucket, Key="dst", CopySource={"Bucket": self.bucket, "Key": "src"})
        self.assertEqual(code(e.exception), "InvalidRequest")
        copied = self.s3.copy_object(Bucket=self.bucket, Key="dst", CopySource={"Bucket": self.bucket, "Key": "src"},
                                     ServerSideEncryption="aws:kms", **self.ssec(prefix="CopySource"))
        self.assertEqual(copied["ServerSideEncryption"], "aws:kms")
        self.assertTrue(copied["SSEKMSKeyId"].startswith("arn:aws:kms:"))
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key="dst")["Body"].read(), data)
        back = self.s3.copy_object(Bucket=self.bucket, Key="dst2", CopySource={"Bucket": self.bucket, "Key": "dst"},
                                   **self.ssec(KEY_B))
        self.assertEqual(back["SSECustomerAlgorithm"], "AES256")
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key="dst2", **self.ssec(KEY_B))["Body"].read(), data)

    def test_kms_key_states_surface_as_s3_errors(self):
        key = self.kms.create_key(Description="sse e2e")["KeyMetadata"]
        arn = key["Arn"]
        args = dict(ServerSideEncryption="aws:kms", SSEKMSKeyId=key["KeyId"])
        put = self.s3.put_object(Bucket=self.bucket, Key="k", Body=b"kms data", **args)
        self.assertEqual(put["SSEKMSKeyId"], arn)  # a key id comes back as the full ARN
        self.kms.disable_key(KeyId=arn)
        try:
            with self.assertRaises(ClientError) as e:
                self.s3.get_object(Bucket=self.bucket, Key="k")
            self.assertEqual((status(e.exception), code(e.exception)), (400, "KMS.DisabledException"))
            with self.assertRaises(ClientError) as e:
                self.s3.put_object(Bucket=self.bucket, Key="k2", Body=b"x", **args)
            self.assertEqual(code(e.exception), "KMS.DisabledException")
            self.assertEqual(self.s3.head_object(Bucket=self.bucket, Key="k")["SSEKMSKeyId"], arn)
        finally:
            self.kms.enable_key(KeyId=arn)
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key="k")["Body"].read(), b"kms data")
        with self.assertRaises(ClientError) as e:
            self.s3.put_object(Bucket=self.bucket, Key="k3", Body=b"x", ServerSideEncryption="aws:kms",
                               SSEKMSKeyId="fake-key-id")
        self.assertEqual((status(e.exception), code(e.exception)), (400, "KMS.NotFoundException"))


class TestZDataAtRest(unittest.TestCase):
    """Runs last (unittest sorts classes by name): everything above has written the marker in every mode."""

    def test_the_data_dir_never_holds_the_plaintext(self):
        s3 = SRV.s3()
        bucket = harness.unique_bucket("sse-scan")
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key="default", Body=marked(300_000, "scan"))
        s3.put_object(Bucket=bucket, Key="kms", Body=marked(300_000, "scan"), ServerSideEncryption="aws:kms")
        files = [p for p in Path(SRV.data_dir).rglob("*") if p.is_file()]
        self.assertTrue(files)
        scanned = 0
        for path in files:
            with open(path, "rb") as f:
                tail = b""
                while True:
                    block = f.read(1 << 20)
                    if not block:
                        break
                    self.assertNotIn(MARKER, tail + block, f"plaintext found in {path}")
                    tail = block[-len(MARKER):]
                    scanned += len(block)
        self.assertGreater(scanned, 600_000)  # at least this test's own blobs were read
        log = SRV.log()
        for key in (KEY_A, KEY_B):
            self.assertNotIn(base64.b64encode(key).decode(), log)


if __name__ == "__main__":
    unittest.main(verbosity=2)
