"""The bucket configuration surface with real clients: awscli s3api round trips for every setting and each "not
configured" error, boto3 for the same settings plus the 15-call read Terraform's aws_s3_bucket makes, CORS preflight
and response headers over raw HTTP, GetObjectAttributes, and rclone listing old versions with --s3-versions."""
import http.client
import json
import os
import re
import sys
import time
import unittest
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SRV = harness.Server()
AWS = harness.AWS_CLI
RCLONE = "/usr/bin/rclone"


def setUpModule():
    SRV.start()


def tearDownModule():
    SRV.stop()


aws, aws_json = SRV.aws, SRV.aws_json


def aws_error_code(*args):
    """Runs an s3api command that must fail; returns the AWS error code from its stderr."""
    stderr = SRV.aws_error(*args)
    m = re.search(r"An error occurred \(([^)]+)\)", stderr)
    if not m:
        raise AssertionError(f"no error code in: {stderr}")
    return m.group(1)


def boto_code(fn, *args, **kwargs):
    import botocore.exceptions
    try:
        fn(*args, **kwargs)
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"]
    raise AssertionError(f"{fn.__name__} succeeded unexpectedly")


@unittest.skipUnless(os.path.exists(AWS), "Debian awscli (/usr/bin/aws) is not installed")
class TestAwsCli(unittest.TestCase):
    def setUp(self):
        self.bucket = harness.unique_bucket("cfg-cli")
        aws("s3api", "create-bucket", "--bucket", self.bucket)
        self.tmp = Path(SRV.tmp) / self.bucket
        self.tmp.mkdir()

    def file_arg(self, name, doc):
        path = self.tmp / name
        path.write_text(json.dumps(doc))
        return f"file://{path}"

    def test_not_configured_errors(self):
        b = self.bucket
        for command, code in (("get-bucket-tagging", "NoSuchTagSet"),
                              ("get-bucket-cors", "NoSuchCORSConfiguration"),
                              ("get-bucket-website", "NoSuchWebsiteConfiguration"),
                              ("get-bucket-lifecycle-configuration", "NoSuchLifecycleConfiguration"),
                              ("get-bucket-replication", "ReplicationConfigurationNotFoundError"),
                              ("get-object-lock-configuration", "ObjectLockConfigurationNotFoundError"),
                              ("get-bucket-policy", "NoSuchBucketPolicy")):
            self.assertEqual(aws_error_code("s3api", command, "--bucket", b), code, command)
            self.assertEqual(aws_error_code("s3api", command, "--bucket", b + "-missing"), "NoSuchBucket", command)
        self.assertEqual(aws_json("s3api", "get-bucket-logging", "--bucket", b), {})
        self.assertEqual(aws_json("s3api", "get-bucket-accelerate-configuration", "--bucket", b), {})
        self.assertEqual(aws_json("s3api", "get-bucket-request-payment", "--bucket", b), {"Payer": "BucketOwner"})
        self.assertEqual(aws_json("s3api", "get-bucket-notification-configuration", "--bucket", b), {})
        self.assertEqual(aws_json("s3api", "get-bucket-versioning", "--bucket", b), {})

    def test_tagging(self):
        b = self.bucket
        aws("s3api", "put-bucket-tagging", "--bucket", b, "--tagging",
            "TagSet=[{Key=team,Value=gitlab},{Key=env,Value=prod}]")
        tags = aws_json("s3api", "get-bucket-tagging", "--bucket", b)["TagSet"]
        self.assertEqual(sorted((t["Key"], t["Value"]) for t in tags), [("env", "prod"), ("team", "gitlab")])
        self.assertEqual(aws_error_code("s3api", "put-bucket-tagging", "--bucket", b, "--tagging",
                                        "TagSet=[{Key=aws:x,Value=1}]"), "InvalidTag")
        aws("s3api", "delete-bucket-tagging", "--bucket", b)
        self.assertEqual(aws_error_code("s3api", "get-bucket-tagging", "--bucket", b), "NoSuchTagSet")

    def test_cors(self):
        b = self.bucket
        cors = {"CORSRules": [{"ID": "web", "AllowedOrigins": ["https://gitlab.example.com"],
                               "AllowedMethods": ["GET", "PUT"], "AllowedHeaders": ["*"],
                               "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 3000}]}
        aws("s3api", "put-bucket-cors", "--bucket", b, "--cors-configuration", self.file_arg("cors.json", cors))
        self.assertEqual(aws_json("s3api", "get-bucket-cors", "--bucket", b), cors)
        bad = {"CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["PATCH"]}]}
        self.assertEqual(aws_error_code("s3api", "put-bucket-cors", "--bucket", b, "--cors-configuration",
                                        self.file_arg("bad.json", bad)), "InvalidRequest")
        aws("s3api", "delete-bucket-cors", "--bucket", b)
        self.assertEqual(aws_error_code("s3api", "get-bucket-cors", "--bucket", b), "NoSuchCORSConfiguration")

    def test_acls(self):
        b = self.bucket
        acl = aws_json("s3api", "get-bucket-acl", "--bucket", b)
        self.assertEqual(len(acl["Grants"]), 1)
        grant = acl["Grants"][0]
        self.assertEqual(grant["Permission"], "FULL_CONTROL")
        self.assertEqual(grant["Grantee"]["Type"], "CanonicalUser")
        self.assertEqual(grant["Grantee"]["ID"], acl["Owner"]["ID"])
        aws("s3api", "put-bucket-acl", "--bucket", b, "--acl", "private")
        self.assertEqual(aws_error_code("s3api", "put-bucket-acl", "--bucket", b, "--acl", "public-read"),
                         "AccessControlListNotSupported")
        aws("s3api", "put-object", "--bucket", b, "--key", "o", "--acl", "bucket-owner-full-control")
        self.assertEqual(aws_json("s3api", "get-object-acl", "--bucket", b, "--key", "o")["Grants"], acl["Grants"])
        aws("s3api", "put-object-acl", "--bucket", b, "--key", "o", "--acl", "private")
        self.assertEqual(aws_error_code("s3api", "put-object-acl", "--bucket", b, "--key", "o", "--acl",
                                        "public-read-write"), "AccessControlListNotSupported")

    def test_ownership_controls(self):
        b = self.bucket
        self.assertEqual(aws_json("s3api", "get-bucket-ownership-controls", "--bucket", b),
                         {"OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}})
        aws("s3api", "put-bucket-ownership-controls", "--bucket", b, "--ownership-controls",
            "Rules=[{ObjectOwnership=BucketOwnerPreferred}]")
        self.assertEqual(aws_json("s3api", "get-bucket-ownership-controls", "--bucket", b)["OwnershipControls"],
                         {"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
        aws("s3api", "delete-bucket-ownership-controls", "--bucket", b)
        self.assertEqual(aws_error_code("s3api", "get-bucket-ownership-controls", "--bucket", b),
                         "OwnershipControlsNotFoundError")

    def test_website(self):
        b = self.bucket
        site = {"IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "404.html"},
                "RoutingRules": [{"Condition": {"KeyPrefixEquals": "docs/"},
                                  "Redirect": {"ReplaceKeyPrefixWith": "documents/"}}]}
        aws("s3api", "put-bucket-website", "--bucket", b, "--website-configuration", self.file_arg("w.json", site))
        self.assertEqual(aws_json("s3api", "get-bucket-website", "--bucket", b), site)
        aws("s3api", "delete-bucket-website", "--bucket", b)
        self.assertEqual(aws_error_code("s3api", "get-bucket-website", "--bucket", b), "NoSuchWebsiteConfiguration")

    def test_logging_accelerate_request_payment_notification(self):
        b = self.bucket
        logging = {"LoggingEnabled": {"TargetBucket": b, "TargetPrefix": "logs/"}}
        aws("s3api", "put-bucket-logging", "--bucket", b, "--bucket-logging-status", self.file_arg("l.json", logging))
        self.assertEqual(aws_json("s3api", "get-bucket-logging", "--bucket", b), logging)
        aws("s3api", "put-bucket-logging", "--bucket", b, "--bucket-logging-status", "{}")
        self.assertEqual(aws_json("s3api", "get-bucket-logging", "--bucket", b), {})

        aws("s3api", "put-bucket-accelerate-configuration", "--bucket", b, "--accelerate-configuration",
            "Status=Suspended")
        self.assertEqual(aws_json("s3api", "get-bucket-accelerate-configuration", "--bucket", b),
                         {"Status": "Suspended"})
        aws("s3api", "put-bucket-request-payment", "--bucket", b, "--request-payment-configuration",
            "Payer=Requester")
        self.assertEqual(aws_json("s3api", "get-bucket-request-payment", "--bucket", b), {"Payer": "Requester"})

        notification = {"QueueConfigurations": [{"Id": "uploads", "QueueArn": "arn:aws:sqs:us-east-1:1:q",
                                                 "Events": ["s3:ObjectCreated:*"]}]}
        aws("s3api", "put-bucket-notification-configuration", "--bucket", b, "--notification-configuration",
            self.file_arg("n.json", notification))
        self.assertEqual(aws_json("s3api", "get-bucket-notification-configuration", "--bucket", b), notification)
        aws("s3api", "put-bucket-notification-configuration", "--bucket", b, "--notification-configuration", "{}")
        self.assertEqual(aws_json("s3api", "get-bucket-notification-configuration", "--bucket", b), {})

    def test_lifecycle(self):
        b = self.bucket
        rules = {"Rules": [{"ID": "tmp", "Filter": {"Prefix": "tmp/"}, "Status": "Enabled",
                            "Expiration": {"Days": 7},
                            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}},
                           {"ID": "old", "Filter": {"And": {"Prefix": "a/", "Tags": [{"Key": "k", "Value": "v"}]}},
                            "Status": "Disabled",
                            "NoncurrentVersionExpiration": {"NoncurrentDays": 30, "NewerNoncurrentVersions": 2}}]}
        aws("s3api", "put-bucket-lifecycle-configuration", "--bucket", b, "--lifecycle-configuration",
            self.file_arg("lc.json", rules))
        self.assertEqual(aws_json("s3api", "get-bucket-lifecycle-configuration", "--bucket", b), rules)
        bad = {"Rules": [{"ID": "x", "Filter": {}, "Status": "Enabled", "Expiration": {"Days": 0}}]}
        self.assertEqual(aws_error_code("s3api", "put-bucket-lifecycle-configuration", "--bucket", b,
                                        "--lifecycle-configuration", self.file_arg("bad.json", bad)),
                         "InvalidArgument")
        aws("s3api", "delete-bucket-lifecycle", "--bucket", b)
        self.assertEqual(aws_error_code("s3api", "get-bucket-lifecycle-configuration", "--bucket", b),
                         "NoSuchLifecycleConfiguration")

    def test_object_attributes(self):
        b = self.bucket
        body = self.tmp / "obj"
        body.write_bytes(b"hello")
        aws("s3api", "put-object", "--bucket", b, "--key", "obj", "--body", str(body), "--checksum-algorithm", "SHA256")
        attrs = aws_json("s3api", "get-object-attributes", "--bucket", b, "--key", "obj", "--object-attributes",
                         "ETag", "Checksum", "ObjectSize", "StorageClass")
        self.assertEqual(attrs["ETag"], "5d41402abc4b2a76b9719d911017c592")
        self.assertEqual(attrs["ObjectSize"], 5)
        self.assertEqual(attrs["StorageClass"], "STANDARD")
        self.assertEqual(attrs["Checksum"]["ChecksumSHA256"], "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=")
        self.assertIn("LastModified", attrs)


class TestBoto3(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s3 = SRV.s3()

    def setUp(self):
        self.bucket = harness.unique_bucket("cfg-boto")
        self.s3.create_bucket(Bucket=self.bucket, ACL="private")

    def test_terraform_bucket_read_on_a_fresh_bucket(self):
        """The 15 calls of aws_s3_bucket's read: each answers data or the code the provider tolerates."""
        s3, b = self.s3, self.bucket
        tolerated = {"NoSuchBucketPolicy", "NoSuchCORSConfiguration", "NoSuchWebsiteConfiguration",
                     "NoSuchLifecycleConfiguration", "ReplicationConfigurationNotFoundError",
                     "ServerSideEncryptionConfigurationNotFoundError", "ObjectLockConfigurationNotFoundError",
                     "NoSuchTagSet", "NotImplemented"}
        import botocore.exceptions
        calls = [s3.head_bucket, s3.get_bucket_policy, s3.get_bucket_acl, s3.get_bucket_cors, s3.get_bucket_website,
                 s3.get_bucket_versioning, s3.get_bucket_accelerate_configuration, s3.get_bucket_request_payment,
                 s3.get_bucket_logging, s3.get_bucket_lifecycle_configuration, s3.get_bucket_replication,
                 s3.get_bucket_encryption, s3.get_object_lock_configuration, s3.head_bucket, s3.get_bucket_tagging]
        answered = {}
        for call in calls:
            try:
                call(Bucket=b)
                answered[call.__name__] = "ok"
            except botocore.exceptions.ClientError as e:
                code = e.response["Error"]["Code"]
                self.assertIn(code, tolerated, call.__name__)
                answered[call.__name__] = code
        self.assertEqual(answered["get_bucket_tagging"], "NoSuchTagSet")
        self.assertEqual(answered["get_bucket_cors"], "NoSuchCORSConfiguration")
        self.assertEqual(answered["get_bucket_lifecycle_configuration"], "NoSuchLifecycleConfiguration")
        self.assertEqual(answered["get_bucket_acl"], "ok")
        self.assertEqual(answered["get_bucket_request_payment"], "ok")

    def test_round_trips(self):
        s3, b = self.s3, self.bucket
        s3.put_bucket_tagging(Bucket=b, Tagging={"TagSet": [{"Key": "a", "Value": "1"}]})
        self.assertEqual(s3.get_bucket_tagging(Bucket=b)["TagSet"], [{"Key": "a", "Value": "1"}])
        rules = [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET", "HEAD"]}]
        s3.put_bucket_cors(Bucket=b, CORSConfiguration={"CORSRules": rules})
        self.assertEqual(s3.get_bucket_cors(Bucket=b)["CORSRules"], rules)
        s3.put_bucket_lifecycle_configuration(Bucket=b, LifecycleConfiguration={"Rules": [
            {"Filter": {"Tag": {"Key": "tmp", "Value": "1"}}, "Status": "Enabled", "Expiration": {"Days": 3}}]})
        got = s3.get_bucket_lifecycle_configuration(Bucket=b)["Rules"]
        self.assertEqual(len(got), 1)
        self.assertTrue(got[0]["ID"], "an ID is assigned")
        self.assertEqual(got[0]["Filter"], {"Tag": {"Key": "tmp", "Value": "1"}})
        self.assertEqual(boto_code(s3.put_bucket_lifecycle_configuration, Bucket=b, LifecycleConfiguration={
            "Rules": [{"Filter": {}, "Status": "Enabled", "Expiration": {"Date": "2030-01-01T12:00:00Z"}}]}),
            "InvalidArgument")
        self.assertEqual(boto_code(s3.put_bucket_lifecycle_configuration, Bucket=b, LifecycleConfiguration={
            "Rules": [{"Filter": {}, "Status": "Enabled",
                       "Transitions": [{"Days": 30, "StorageClass": "GLACIER"}]}]}), "NotImplemented")
        self.assertEqual(boto_code(s3.put_bucket_replication, Bucket=b, ReplicationConfiguration={
            "Role": "arn:aws:iam::1:role/r", "Rules": [{"Status": "Enabled", "Prefix": "",
                                                         "Destination": {"Bucket": "arn:aws:s3:::x"}}]}),
            "InvalidRequest")
        s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
        self.assertEqual(s3.get_bucket_versioning(Bucket=b)["Status"], "Enabled")
        s3.delete_bucket_cors(Bucket=b)
        s3.delete_bucket_lifecycle(Bucket=b)
        s3.delete_bucket_tagging(Bucket=b)
        self.assertEqual(boto_code(s3.get_bucket_tagging, Bucket=b), "NoSuchTagSet")

    def test_object_attributes_of_a_multipart_upload(self):
        s3, b = self.s3, self.bucket
        up = s3.create_multipart_upload(Bucket=b, Key="mp", ChecksumAlgorithm="SHA256")["UploadId"]
        parts = []
        for n, data in ((1, b"a" * (5 << 20)), (2, b"tail")):
            r = s3.upload_part(Bucket=b, Key="mp", UploadId=up, PartNumber=n, Body=data, ChecksumAlgorithm="SHA256")
            parts.append({"PartNumber": n, "ETag": r["ETag"], "ChecksumSHA256": r["ChecksumSHA256"]})
        s3.complete_multipart_upload(Bucket=b, Key="mp", UploadId=up, MultipartUpload={"Parts": parts})
        attrs = s3.get_object_attributes(Bucket=b, Key="mp", ObjectAttributes=["ObjectParts", "ObjectSize"],
                                         MaxParts=1)
        self.assertEqual(attrs["ObjectSize"], (5 << 20) + 4)
        op = attrs["ObjectParts"]
        self.assertEqual(op["TotalPartsCount"], 2)
        self.assertTrue(op["IsTruncated"])
        self.assertEqual([p["PartNumber"] for p in op["Parts"]], [1])
        self.assertEqual(op["Parts"][0]["ChecksumSHA256"], parts[0]["ChecksumSHA256"])
        self.assertEqual(boto_code(s3.get_object_attributes, Bucket=b, Key="nope", ObjectAttributes=["ETag"]),
                         "NoSuchKey")


class TestCors(unittest.TestCase):
    """Preflights are unsigned OPTIONS requests; actual requests carry Origin and get Access-Control-* back."""

    @classmethod
    def setUpClass(cls):
        cls.s3 = SRV.s3()
        cls.bucket = harness.unique_bucket("cors")
        cls.s3.create_bucket(Bucket=cls.bucket)
        cls.s3.put_object(Bucket=cls.bucket, Key="file.txt", Body=b"x")

    def options(self, path, headers):
        conn = http.client.HTTPConnection("127.0.0.1", SRV.port, timeout=30)
        try:
            conn.request("OPTIONS", path, headers=headers)
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()

    def test_preflight_and_actual_requests(self):
        b = self.bucket
        pre = {"Origin": "https://gitlab.example.com", "Access-Control-Request-Method": "PUT",
               "Access-Control-Request-Headers": "content-type,x-amz-date"}
        status, _, body = self.options(f"/{b}/file.txt", pre)
        self.assertEqual(status, 403)
        self.assertEqual(harness.error_code(body), "AccessForbidden")
        self.assertIn(b"CORS is not enabled for this bucket", body)

        self.s3.put_bucket_cors(Bucket=b, CORSConfiguration={"CORSRules": [
            {"AllowedOrigins": ["https://*.example.com"], "AllowedMethods": ["GET", "PUT"],
             "AllowedHeaders": ["content-type", "x-amz-*"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 600}]})
        status, headers, body = self.options(f"/{b}/file.txt", pre)
        self.assertEqual(status, 200, body)
        self.assertEqual(headers["access-control-allow-origin"], "https://gitlab.example.com")
        self.assertEqual(headers["access-control-allow-methods"], "GET, PUT")
        self.assertEqual(headers["access-control-allow-headers"], "content-type, x-amz-date")
        self.assertEqual(headers["access-control-max-age"], "600")
        self.assertEqual(headers["access-control-expose-headers"], "ETag")

        status, _, body = self.options(f"/{b}/file.txt", dict(pre, Origin="https://evil.test"))
        self.assertEqual(status, 403)
        self.assertIn(b"This CORS request is not allowed", body)
        status, _, body = self.options(f"/{b}", {"Access-Control-Request-Method": "GET"})
        self.assertEqual((status, harness.error_code(body)), (400, "BadRequest"))

        status, headers, _ = SRV.request("GET", f"/{b}/file.txt", headers={"Origin": "https://a.example.com"})
        self.assertEqual(status, 200)
        self.assertEqual(headers.get("access-control-allow-origin"), "https://a.example.com")
        self.assertEqual(headers.get("access-control-expose-headers"), "ETag")
        status, headers, _ = SRV.request("GET", f"/{b}/file.txt", headers={"Origin": "https://evil.test"})
        self.assertEqual(status, 200)
        self.assertNotIn("access-control-allow-origin", headers)


@unittest.skipUnless(os.path.exists(RCLONE), "rclone is not installed")
class TestRcloneVersions(unittest.TestCase):
    def test_old_versions_are_listed_and_readable(self):
        s3 = SRV.s3()
        bucket = harness.unique_bucket("rcv")
        s3.create_bucket(Bucket=bucket)
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        contents = [b"first", b"second!", b"third one"]
        for data in contents:
            s3.put_object(Bucket=bucket, Key="dir/doc.txt", Body=data)
            time.sleep(1.1)  # distinct second-resolution version names
        s3.put_object(Bucket=bucket, Key="gone.txt", Body=b"deleted later")
        s3.delete_object(Bucket=bucket, Key="gone.txt")

        work = Path(SRV.tmp) / "rclone-versions"
        work.mkdir()
        conf = work / "rclone.conf"
        conf.write_text("\n".join(["[pb]", "type = s3", "provider = Other", "env_auth = false",
                                   f"access_key_id = {SRV.access_key}", f"secret_access_key = {SRV.secret_key}",
                                   "region = us-east-1", f"endpoint = {SRV.endpoint}", "force_path_style = true",
                                   ""]))

        def rclone(*args):
            return harness.run_cli([RCLONE, "--config", str(conf), "--retries", "1", "--low-level-retries", "1",
                                    *args], SRV.client_env(), timeout=300).stdout

        plain = rclone("ls", f"pb:{bucket}")
        self.assertRegex(plain, r"(?m)^\s*9 dir/doc\.txt$")
        self.assertNotIn("gone.txt", plain)
        listing = rclone("--s3-versions", "ls", f"pb:{bucket}")
        entries = dict((name, int(size)) for size, name in re.findall(r"(?m)^\s*(\d+) (\S+)$", listing))
        old = sorted(n for n in entries if re.fullmatch(r"dir/doc-v\d{4}-\d\d-\d\d-\d{6}-\d{3}\.txt", n))
        self.assertEqual(len(old), 2, listing)
        self.assertEqual(entries["dir/doc.txt"], 9)
        self.assertEqual(sorted(entries[n] for n in old), [5, 7])
        self.assertTrue(any(re.fullmatch(r"gone-v.*\.txt", n) for n in entries), "the deleted key's old version")
        # Old versions download as files of their own (rclone 1.60 reads them from a directory listing; naming a
        # single version-suffixed file only works from rclone 1.61 on).
        down = work / "down"
        rclone("--s3-versions", "copy", f"pb:{bucket}/dir", str(down))
        self.assertEqual(sorted(p.name for p in down.iterdir()), sorted([Path(n).name for n in old] + ["doc.txt"]))
        self.assertEqual((down / Path(old[0]).name).read_bytes(), b"first")
        self.assertEqual((down / Path(old[1]).name).read_bytes(), b"second!")
        self.assertEqual((down / "doc.txt").read_bytes(), b"third one")


if __name__ == "__main__":
    harness.main()
