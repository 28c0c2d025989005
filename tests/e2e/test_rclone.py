"""Debian's rclone 1.60 against a real podbucket: copy/check/ls/delete of a tree including a 110 MiB file that goes
up as a multipart upload (upload_cutoff 100M, 5 MiB chunks, 4 in parallel)."""
import os
import sys
import unittest
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SRV = harness.Server()
RCLONE = "/usr/bin/rclone"
MiB = 1 << 20


def setUpModule():
    if not os.path.exists(RCLONE):
        raise unittest.SkipTest("rclone is not installed")
    SRV.start()


def tearDownModule():
    SRV.stop()


class TestRclone(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = Path(SRV.tmp) / "rclone"
        cls.work.mkdir()
        cls.conf = cls.work / "rclone.conf"
        cls.conf.write_text("\n".join([
            "[pb]",
            "type = s3",
            "provider = Other",
            "env_auth = false",
            f"access_key_id = {SRV.access_key}",
            f"secret_access_key = {SRV.secret_key}",
            "region = us-east-1",
            f"endpoint = {SRV.endpoint}",
            "force_path_style = true",
            "upload_cutoff = 100M",
            "chunk_size = 5M",
            "",
        ]))
        cls.bucket = harness.unique_bucket("rclone")

    def rclone(self, *args, check=True):
        return harness.run_cli([RCLONE, "--config", str(self.conf), "--retries", "1", "--low-level-retries", "1",
                                *args], SRV.client_env(), check=check, timeout=900)

    def test_copy_check_ls_delete(self):
        src = self.work / "src"
        files = {"big/large.bin": 110 * MiB, "a.txt": 10, "sub dir/b+c.bin": 300000, "ünï/çødé.txt": 77,
                 "deep/x/y/z.bin": 6 * MiB, "empty": 0}
        for rel, size in files.items():
            p = src / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            harness.write_random_file(p, size, seed=len(rel))
        remote = f"pb:{self.bucket}/tree"
        self.rclone("mkdir", f"pb:{self.bucket}")
        self.rclone("copy", str(src), remote)
        # check compares sizes and MD5s (the multipart object's MD5 comes from rclone's own metadata)
        self.rclone("check", str(src), remote)
        ls = self.rclone("ls", remote).stdout
        for rel, size in files.items():
            self.assertRegex(ls, rf"(?m)^\s*{size} {rel}$".replace("+", r"\+"))
        lsjson = self.rclone("lsjson", "-R", "--hash", remote).stdout
        self.assertIn("large.bin", lsjson)
        down = self.work / "down"
        self.rclone("copy", remote, str(down))
        self.assertEqual(harness.tree_hashes(down), harness.tree_hashes(src))
        # a modified local file makes check fail
        (src / "a.txt").write_bytes(b"changed!!!")
        p = self.rclone("check", str(src), remote, check=False)
        self.assertNotEqual(p.returncode, 0, "rclone check did not notice a changed file")
        self.rclone("delete", remote)
        self.assertEqual(self.rclone("ls", remote).stdout.strip(), "")
        self.rclone("rmdir", f"pb:{self.bucket}")
        self.assertNotIn(self.bucket, self.rclone("lsd", "pb:").stdout)


if __name__ == "__main__":
    harness.main()
