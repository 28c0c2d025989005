"""AWS SDK for JavaScript v3 (pinned in js/package.json) against a real podbucket: PutObject with the default CRC32
aws-chunked trailer, GetObject with checksum validation, lib-storage multipart Upload, CopyObject, ListObjectsV2,
DeleteObject, DeleteObjects. The node script js/sdk_roundtrip.mjs does the work and prints one JSON line per step."""
import json
import os
import shutil
import subprocess
import sys
import unittest
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SRV = harness.Server()
JS = Path(__file__).resolve().parent / "js"


def setUpModule():
    node = shutil.which("node", path="/usr/local/bin:/usr/bin:/bin")
    if not node:
        raise unittest.SkipTest("node is not installed")
    if not (JS / "node_modules" / "@aws-sdk" / "client-s3").exists():
        p = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=JS, capture_output=True, text=True,
                           timeout=600, env={**os.environ, "PATH": "/usr/local/bin:/usr/bin:/bin"})
        if p.returncode != 0:
            raise AssertionError(f"npm ci in {JS} failed:\n{p.stdout}\n{p.stderr}")
    SRV.start()


def tearDownModule():
    SRV.stop()


class TestJsSdk(unittest.TestCase):
    def test_sdk_roundtrip(self):
        node = shutil.which("node", path="/usr/local/bin:/usr/bin:/bin")
        env = SRV.client_env(PATH="/usr/local/bin:/usr/bin:/bin", NODE_NO_WARNINGS="1")
        p = subprocess.run([node, "sdk_roundtrip.mjs", SRV.endpoint, harness.unique_bucket("js")], cwd=JS, env=env,
                           capture_output=True, text=True, timeout=600)
        steps = []
        for line in p.stdout.splitlines():
            try:
                steps.append(json.loads(line))
            except ValueError:
                pass
        for s in steps:
            print("  js:", json.dumps(s), file=sys.stderr)
        failed = [s for s in steps if not s.get("ok")]
        self.assertFalse(failed, f"JS SDK step failed: {failed}\nstderr:\n{p.stderr[-3000:]}")
        self.assertEqual(p.returncode, 0, f"node exited {p.returncode}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr[-3000:]}")
        self.assertEqual(steps[-1:], [{"step": "done", "ok": True}], p.stdout)
        put = next(s for s in steps if s["step"].startswith("PutObject(stream"))
        self.assertIn("TRAILER", put.get("contentSha256", ""), put)


if __name__ == "__main__":
    harness.main()
