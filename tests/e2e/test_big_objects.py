"""Big objects against a real podbucket, with the server's memory watched from /proc/PID/status every 0.5 s:
- a 1 GiB multipart upload (boto3 transfer manager, 8 MiB parts, 10 threads) round-tripped by sha256;
- a 5 GiB single PUT streamed from a generator through a presigned URL (nothing buffered on the client side)
  and streamed back, round-tripped by sha256.
The server's VmRSS and VmHWM must stay under 150 MiB: bodies are streamed to disk, never held in memory.
Set PODBUCKET_SKIP_HUGE=1 to skip the 5 GiB test; it also skips itself when less than 15 GiB of disk are free."""
import hashlib
import http.client
import os
import shutil
import sys
import tempfile
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

import boto3.s3.transfer  # noqa: E402

SRV = harness.Server()
MiB = 1 << 20
GiB = 1 << 30
RSS_LIMIT_KIB = 150 * 1024


def setUpModule():
    SRV.start()


def tearDownModule():
    SRV.stop()


def free_bytes():
    return shutil.disk_usage(tempfile.gettempdir()).free


class TestBigObjects(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s3 = SRV.s3(read_timeout=600)
        cls.bucket = harness.unique_bucket("big")
        cls.s3.create_bucket(Bucket=cls.bucket)

    def assertMemory(self, sampler, what):
        final = SRV.proc_status()
        hwm = max(sampler.hwm, final.get("VmHWM", 0))
        print(f"\n  {what}: {sampler.samples} samples, max VmRSS {sampler.max_rss // 1024} MiB, "
              f"VmHWM {hwm // 1024} MiB", file=sys.stderr)
        self.assertGreater(sampler.samples, 0)
        self.assertLess(sampler.max_rss, RSS_LIMIT_KIB, f"{what}: server VmRSS reached {sampler.max_rss} KiB")
        self.assertLess(hwm, RSS_LIMIT_KIB, f"{what}: server VmHWM reached {hwm} KiB")

    def stream_get_sha256(self, key):
        h = hashlib.sha256()
        body = self.s3.get_object(Bucket=self.bucket, Key=key)["Body"]
        n = 0
        for chunk in iter(lambda: body.read(4 * MiB), b""):
            h.update(chunk)
            n += len(chunk)
        return h.hexdigest(), n

    def test_1gib_multipart(self):
        if free_bytes() < 4 * GiB:
            self.skipTest(f"needs 4 GiB free in {tempfile.gettempdir()}, have {free_bytes() // GiB} GiB")
        size = GiB
        src = harness.PseudoRandomStream(size, seed=1)
        cfg = boto3.s3.transfer.TransferConfig(multipart_threshold=8 * MiB, multipart_chunksize=8 * MiB,
                                               max_concurrency=10)
        sampler = harness.RssSampler(SRV)
        sampler.start()
        t0 = time.time()
        try:
            self.s3.upload_fileobj(src, self.bucket, "one-gib.bin", Config=cfg)
            t1 = time.time()
            got, n = self.stream_get_sha256("one-gib.bin")
            t2 = time.time()
        finally:
            sampler.stop()
        print(f"\n  1 GiB: upload {t1 - t0:.1f}s, download {t2 - t1:.1f}s", file=sys.stderr)
        self.assertEqual(n, size)
        self.assertEqual(got, src.sha256.hexdigest())
        head = self.s3.head_object(Bucket=self.bucket, Key="one-gib.bin")
        self.assertEqual(head["ContentLength"], size)
        self.assertTrue(head["ETag"].endswith('-128"'), head["ETag"])
        self.assertMemory(sampler, "1 GiB multipart")
        self.s3.delete_object(Bucket=self.bucket, Key="one-gib.bin")

    def test_5gib_streamed_put(self):
        if os.environ.get("PODBUCKET_SKIP_HUGE") == "1":
            self.skipTest("PODBUCKET_SKIP_HUGE=1")
        if free_bytes() < 15 * GiB:
            self.skipTest(f"needs 15 GiB free in {tempfile.gettempdir()}, have {free_bytes() / GiB:.1f} GiB")
        size = 5 * GiB  # the largest single PUT S3 accepts
        presigner = SRV.s3(signature_version="s3v4")
        url = presigner.generate_presigned_url("put_object", Params={"Bucket": self.bucket, "Key": "five-gib.bin"},
                                               ExpiresIn=3600)
        u = urllib.parse.urlsplit(url)
        src = harness.PseudoRandomStream(size, seed=5)
        sampler = harness.RssSampler(SRV)
        sampler.start()
        t0 = time.time()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", SRV.port, timeout=600)
            conn.putrequest("PUT", u.path + "?" + u.query, skip_accept_encoding=True)
            conn.putheader("Content-Length", str(size))
            conn.putheader("Content-Type", "application/octet-stream")
            conn.endheaders()
            while True:
                chunk = src.read(4 * MiB)
                if not chunk:
                    break
                conn.send(chunk)
            r = conn.getresponse()
            body = r.read()
            conn.close()
            self.assertEqual(r.status, 200, body[:2000])
            t1 = time.time()
            got, n = self.stream_get_sha256("five-gib.bin")
            t2 = time.time()
        finally:
            sampler.stop()
        print(f"\n  5 GiB: upload {t1 - t0:.1f}s, download {t2 - t1:.1f}s", file=sys.stderr)
        self.assertEqual(n, size)
        self.assertEqual(got, src.sha256.hexdigest())
        self.assertMemory(sampler, "5 GiB streamed PUT")
        self.s3.delete_object(Bucket=self.bucket, Key="five-gib.bin")

    def test_too_large_single_put_is_rejected_early(self):
        """Content-Length over 5 GiB: EntityTooLarge from the header alone, without reading 5 GiB first."""
        presigner = SRV.s3(signature_version="s3v4")
        url = presigner.generate_presigned_url("put_object", Params={"Bucket": self.bucket, "Key": "too-big"},
                                               ExpiresIn=600)
        u = urllib.parse.urlsplit(url)
        conn = http.client.HTTPConnection("127.0.0.1", SRV.port, timeout=30)
        conn.putrequest("PUT", u.path + "?" + u.query, skip_accept_encoding=True)
        conn.putheader("Content-Length", str(5 * GiB + 1))
        conn.endheaders()
        try:
            conn.send(b"\0" * MiB)
        except OSError:
            pass  # the server may already have answered and closed
        r = conn.getresponse()
        body = r.read()
        conn.close()
        self.assertEqual(r.status, 400, body)
        self.assertEqual(harness.error_code(body), "EntityTooLarge", body)


if __name__ == "__main__":
    harness.main()
