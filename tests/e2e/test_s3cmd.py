"""Debian's s3cmd 2.3 against a real podbucket: mb/put/get/ls/del/rb with a config file (SigV4, path-style, http)."""
import os
import shutil
import sys
import unittest
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SRV = harness.Server()
S3CMD = "/usr/bin/s3cmd"
MiB = 1 << 20


def setUpModule():
    if not os.path.exists(S3CMD):
        raise unittest.SkipTest("s3cmd is not installed")
    SRV.start()


def tearDownModule():
    SRV.stop()


class TestS3cmd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = Path(SRV.tmp) / "s3cmd"
        cls.work.mkdir()
        cls.cfg = cls.work / "s3cfg"
        hostport = f"127.0.0.1:{SRV.port}"
        cls.cfg.write_text("\n".join([
            "[default]",
            f"access_key = {SRV.access_key}",
            f"secret_key = {SRV.secret_key}",
            f"host_base = {hostport}",
            f"host_bucket = {hostport}",
            "bucket_location = us-east-1",
            "use_https = False",
            "signature_v2 = False",
            "check_ssl_certificate = False",
            "multipart_chunk_size_mb = 5",
            "",
        ]))
        cls.bucket = harness.unique_bucket("s3cmd")

    def s3cmd(self, *args, check=True):
        return harness.run_cli([S3CMD, "-c", str(self.cfg), "--no-progress", *args], SRV.client_env(), check=check,
                               timeout=600)

    def test_lifecycle(self):
        b = f"s3://{self.bucket}"
        self.s3cmd("mb", b)
        self.assertIn(b, self.s3cmd("ls").stdout)
        files = {"small.txt": os.urandom(2000), "with space+plus.bin": os.urandom(70000),
                 "big.bin": os.urandom(12 * MiB + 3)}  # > multipart_chunk_size_mb: 3 parts
        for name, data in files.items():
            (self.work / name).write_bytes(data)
            self.s3cmd("put", str(self.work / name), f"{b}/dir/{name}")
        ls = self.s3cmd("ls", f"{b}/dir/").stdout
        for name, data in files.items():
            self.assertIn(f"{b}/dir/{name}", ls)
        la = self.s3cmd("la", "-r").stdout
        self.assertIn(f"{b}/dir/big.bin", la)
        info = self.s3cmd("info", f"{b}/dir/small.txt").stdout
        self.assertIn("2000", info)
        down = self.work / "down"
        down.mkdir()
        for name, data in files.items():
            out = down / name
            self.s3cmd("get", f"{b}/dir/{name}", str(out))
            self.assertEqual(harness.sha256_file(out), harness.hashlib.sha256(data).hexdigest(), name)
        self.s3cmd("cp", f"{b}/dir/small.txt", f"{b}/copy/small.txt")
        self.s3cmd("get", f"{b}/copy/small.txt", str(down / "copy.txt"))
        self.assertEqual((down / "copy.txt").read_bytes(), files["small.txt"])
        # rb on a non-empty bucket fails with BucketNotEmpty
        p = self.s3cmd("rb", b, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("BucketNotEmpty", p.stdout + p.stderr)
        for name in files:
            self.s3cmd("del", f"{b}/dir/{name}")
        self.s3cmd("del", f"{b}/copy/small.txt")
        self.assertEqual(self.s3cmd("ls", "-r", b).stdout.strip(), "")
        self.s3cmd("rb", b)
        self.assertNotIn(b + "\n", self.s3cmd("ls").stdout + "\n")
        shutil.rmtree(down)

    def test_sync_recursive(self):
        b = f"s3://{self.bucket}-sync"
        self.s3cmd("mb", b)
        src = self.work / "tree"
        for rel in ("a/1.txt", "a/b/2.txt", "sp ace/3 + 4.txt", "ü/ß.txt"):
            p = src / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(os.urandom(500))
        self.s3cmd("sync", str(src) + "/", f"{b}/t/")
        out = self.work / "tree-down"
        out.mkdir()
        self.s3cmd("sync", f"{b}/t/", str(out) + "/")
        self.assertEqual(harness.tree_hashes(out), harness.tree_hashes(src))
        self.s3cmd("del", "--recursive", "--force", f"{b}/")
        self.s3cmd("rb", b)

    def test_missing_object(self):
        p = self.s3cmd("get", f"s3://{self.bucket}-nope/x", str(self.work / "nope"), check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertRegex(p.stdout + p.stderr, "NoSuchBucket|404|does not exist")


if __name__ == "__main__":
    harness.main()
