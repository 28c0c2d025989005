"""Debian's awscli 2.9 (/usr/bin/aws) against a real podbucket: s3 mb/cp/ls/rm/sync (incl. 64 MiB multipart and a
tree of awkward key names) and s3api object/multipart calls plus error codes."""
import functools
import json
import os
import shutil
import sys
import unittest
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SRV = harness.Server()
AWS = harness.AWS_CLI
MiB = 1 << 20


def setUpModule():
    if not os.path.exists(AWS):
        raise unittest.SkipTest("Debian awscli (/usr/bin/aws) is not installed")
    SRV.start()


def tearDownModule():
    SRV.stop()


# Big transfers: ten minutes a command.
aws, aws_json, aws_error = (functools.partial(f, timeout=600) for f in (SRV.aws, SRV.aws_json, SRV.aws_error))


class TestAwsCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = Path(SRV.tmp) / "awscli"
        cls.work.mkdir()
        cls.bucket = harness.unique_bucket("cli")
        p = aws("s3", "mb", f"s3://{cls.bucket}")
        assert f"make_bucket: {cls.bucket}" in p.stdout, p.stdout

    def test_cp_small_and_multipart(self):
        for name, size in (("small.bin", 12345), ("big64.bin", 64 * MiB)):
            src = self.work / name
            want = harness.write_random_file(src, size, seed=size % 97)
            aws("s3", "cp", str(src), f"s3://{self.bucket}/cp/{name}")
            out = self.work / (name + ".down")
            aws("s3", "cp", f"s3://{self.bucket}/cp/{name}", str(out))
            self.assertEqual(harness.sha256_file(out), want, name)
            head = aws_json("s3api", "head-object", "--bucket", self.bucket, "--key", f"cp/{name}")
            self.assertEqual(head["ContentLength"], size)
            if size > 8 * MiB:  # awscli default multipart_threshold/chunksize = 8 MiB -> 8 parts
                self.assertTrue(head["ETag"].endswith('-8"'), head["ETag"])
            src.unlink()
            out.unlink()
        # s3 -> s3 copy (server-side CopyObject; multipart copy above 8 MiB)
        aws("s3", "cp", f"s3://{self.bucket}/cp/big64.bin", f"s3://{self.bucket}/cp/big64-copy.bin")
        out = self.work / "copy.down"
        aws("s3", "cp", f"s3://{self.bucket}/cp/big64-copy.bin", str(out))
        gen = harness.PseudoRandomStream(64 * MiB, seed=(64 * MiB) % 97)
        while gen.read(8 * MiB):
            pass
        self.assertEqual(harness.sha256_file(out), gen.sha256.hexdigest())
        out.unlink()
        ls = aws("s3", "ls", f"s3://{self.bucket}/cp/").stdout
        self.assertIn("big64.bin", ls)
        self.assertIn(str(64 * MiB), ls)
        aws("s3", "rm", f"s3://{self.bucket}/cp/", "--recursive")
        self.assertEqual(aws("s3", "ls", f"s3://{self.bucket}/cp/", check=False).stdout.strip(), "")

    def test_cp_stdin_stdout(self):
        data = os.urandom(300000)
        import subprocess  # binary stdin/stdout, so not the text-mode run_cli helper
        p = subprocess.run([AWS, "--endpoint-url", SRV.endpoint, "s3", "cp", "-", f"s3://{self.bucket}/stdin.bin"],
                           input=data, env=SRV.client_env(), capture_output=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        p = subprocess.run([AWS, "--endpoint-url", SRV.endpoint, "s3", "cp", f"s3://{self.bucket}/stdin.bin", "-"],
                           env=SRV.client_env(), capture_output=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, data)

    def test_sync_tree_with_awkward_names(self):
        src = self.work / "tree"
        names = ["plain.txt", "sp ace.txt", "plus+sign.txt", "per%cent.txt", "per%20cent-encoded.txt",
                 "unicodé/ファイル.txt", "dir with space/nested+dir/x y%z.txt", "deep/a/b/c/d/e.txt",
                 "..dots..txt", "amp&and=eq.txt", "empty.txt"]
        for i, n in enumerate(names):
            p = src / n
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(b"" if n == "empty.txt" else os.urandom(1000 + i * 100))
        want = harness.tree_hashes(src)
        aws("s3", "sync", str(src), f"s3://{self.bucket}/tree")
        listed = aws("s3", "ls", "--recursive", f"s3://{self.bucket}/tree/").stdout
        for n in names:
            self.assertIn("tree/" + n, listed)
        # a second sync has nothing to do
        again = aws("s3", "sync", str(src), f"s3://{self.bucket}/tree")
        self.assertEqual(again.stdout.strip(), "", "second sync re-uploaded: " + again.stdout)
        down = self.work / "tree-down"
        aws("s3", "sync", f"s3://{self.bucket}/tree", str(down))
        self.assertEqual(harness.tree_hashes(down), want)
        # --delete propagates a local removal
        (src / "plain.txt").unlink()
        aws("s3", "sync", "--delete", str(src), f"s3://{self.bucket}/tree")
        self.assertNotIn("tree/plain.txt", aws("s3", "ls", "--recursive", f"s3://{self.bucket}/tree/").stdout)
        shutil.rmtree(down)

    def test_parent_dir_keys(self):
        """Keys with '../' are plain names: the server must not resolve them against the path."""
        f = self.work / "dots.bin"
        f.write_bytes(b"dots")
        for key in ("dots/../escape.txt", "../top.txt", "dots/./here.txt"):
            aws("s3api", "put-object", "--bucket", self.bucket, "--key", key, "--body", str(f))
            out = self.work / "dots.out"
            aws("s3api", "get-object", "--bucket", self.bucket, "--key", key, str(out))
            self.assertEqual(out.read_bytes(), b"dots", key)
        keys = [o["Key"] for o in aws_json("s3api", "list-objects-v2", "--bucket", self.bucket).get("Contents", [])]
        for key in ("dots/../escape.txt", "../top.txt", "dots/./here.txt"):
            self.assertIn(key, keys)
        self.assertNotIn("escape.txt", keys)
        self.assertNotIn("top.txt", keys)
        # another bucket is never reachable through '..'
        other = harness.unique_bucket("cli-other")
        aws("s3", "mb", f"s3://{other}")
        aws("s3api", "put-object", "--bucket", other, "--key", "victim", "--body", str(f))
        err = aws_error("s3api", "get-object", "--bucket", self.bucket, "--key", f"../{other}/victim",
                        str(self.work / "v.out"))
        self.assertIn("NoSuchKey", err)

    def test_s3api_object_calls(self):
        f = self.work / "api.bin"
        data = os.urandom(4096)
        f.write_bytes(data)
        r = aws_json("s3api", "put-object", "--bucket", self.bucket, "--key", "api/one", "--body", str(f),
                     "--content-type", "application/x-one", "--metadata", "k1=v1,k2=v2")
        etag = r["ETag"]
        out = self.work / "api.out"
        g = aws_json("s3api", "get-object", "--bucket", self.bucket, "--key", "api/one", str(out))
        self.assertEqual(out.read_bytes(), data)
        self.assertEqual(g["ETag"], etag)
        self.assertEqual(g["Metadata"], {"k1": "v1", "k2": "v2"})
        h = aws_json("s3api", "head-object", "--bucket", self.bucket, "--key", "api/one")
        self.assertEqual(h["ContentType"], "application/x-one")
        self.assertEqual(h["ContentLength"], 4096)
        g = aws_json("s3api", "get-object", "--bucket", self.bucket, "--key", "api/one", "--range", "bytes=10-19",
                     str(out))
        self.assertEqual(out.read_bytes(), data[10:20])
        self.assertEqual(g["ContentRange"], "bytes 10-19/4096")
        c = aws_json("s3api", "copy-object", "--bucket", self.bucket, "--key", "api/two",
                     "--copy-source", f"{self.bucket}/api/one")
        self.assertEqual(c["CopyObjectResult"]["ETag"], etag)
        lst = aws_json("s3api", "list-objects-v2", "--bucket", self.bucket, "--prefix", "api/")
        self.assertEqual([o["Key"] for o in lst["Contents"]], ["api/one", "api/two"])
        d = aws_json("s3api", "delete-objects", "--bucket", self.bucket, "--delete",
                     json.dumps({"Objects": [{"Key": "api/one"}, {"Key": "api/two"}]}))
        self.assertEqual(sorted(x["Key"] for x in d["Deleted"]), ["api/one", "api/two"])
        lst = aws_json("s3api", "list-objects-v2", "--bucket", self.bucket, "--prefix", "api/")
        self.assertEqual(lst.get("Contents", []), [])  # awscli prints nothing at all for an empty listing

    def test_s3api_multipart(self):
        parts = [os.urandom(5 * MiB), os.urandom(2 * MiB)]
        up = aws_json("s3api", "create-multipart-upload", "--bucket", self.bucket, "--key", "mpu/obj")["UploadId"]
        done = []
        for i, p in enumerate(parts, 1):
            f = self.work / f"part{i}"
            f.write_bytes(p)
            r = aws_json("s3api", "upload-part", "--bucket", self.bucket, "--key", "mpu/obj", "--upload-id", up,
                         "--part-number", str(i), "--body", str(f))
            done.append({"PartNumber": i, "ETag": r["ETag"]})
        lp = aws_json("s3api", "list-parts", "--bucket", self.bucket, "--key", "mpu/obj", "--upload-id", up)
        self.assertEqual([(p["PartNumber"], p["Size"]) for p in lp["Parts"]], [(1, 5 * MiB), (2, 2 * MiB)])
        ups = aws_json("s3api", "list-multipart-uploads", "--bucket", self.bucket)
        self.assertIn(up, [u["UploadId"] for u in ups.get("Uploads", [])])
        aws_json("s3api", "complete-multipart-upload", "--bucket", self.bucket, "--key", "mpu/obj", "--upload-id", up,
                 "--multipart-upload", json.dumps({"Parts": done}))
        out = self.work / "mpu.out"
        aws("s3api", "get-object", "--bucket", self.bucket, "--key", "mpu/obj", str(out))
        self.assertEqual(out.read_bytes(), b"".join(parts))
        # abort
        up2 = aws_json("s3api", "create-multipart-upload", "--bucket", self.bucket, "--key", "mpu/aborted")["UploadId"]
        aws("s3api", "abort-multipart-upload", "--bucket", self.bucket, "--key", "mpu/aborted", "--upload-id", up2)
        err = aws_error("s3api", "list-parts", "--bucket", self.bucket, "--key", "mpu/aborted", "--upload-id", up2)
        self.assertIn("NoSuchUpload", err)

    def test_error_codes(self):
        out = str(self.work / "err.out")
        self.assertIn("NoSuchKey", aws_error("s3api", "get-object", "--bucket", self.bucket, "--key", "missing", out))
        self.assertIn("NoSuchBucket", aws_error("s3api", "list-objects-v2", "--bucket", "no-such-bucket-e2e-x"))
        self.assertIn("NoSuchBucket", aws_error("s3", "ls", "s3://no-such-bucket-e2e-x"))
        b = harness.unique_bucket("cli-full")
        aws("s3", "mb", f"s3://{b}")
        f = self.work / "e.txt"
        f.write_text("e")
        aws("s3", "cp", str(f), f"s3://{b}/e.txt")
        self.assertIn("BucketNotEmpty", aws_error("s3api", "delete-bucket", "--bucket", b))
        aws("s3", "rb", "--force", f"s3://{b}")
        self.assertIn("NoSuchBucket", aws_error("s3api", "list-objects-v2", "--bucket", b))
        aws("s3", "cp", str(f), f"s3://{self.bucket}/cond.txt")
        self.assertIn("PreconditionFailed", aws_error("s3api", "get-object", "--bucket", self.bucket, "--key",
                                                      "cond.txt", "--if-match", '"0000"', out))
        self.assertIn("InvalidBucketName", aws_error("s3api", "create-bucket", "--bucket", "Bad_Name"))

    def test_presign(self):
        f = self.work / "ps.txt"
        f.write_bytes(b"presigned by awscli")
        aws("s3", "cp", str(f), f"s3://{self.bucket}/ps.txt")
        url = aws("s3", "presign", f"s3://{self.bucket}/ps.txt", "--expires-in", "120").stdout.strip()
        import urllib.request
        with urllib.request.urlopen(url, timeout=30) as r:
            self.assertEqual(r.read(), b"presigned by awscli")


if __name__ == "__main__":
    harness.main()
