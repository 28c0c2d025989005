"""Checks podbucket_sink, the load method's ceiling (sink_server.cc): it must read every body byte it is sent
(else the ceiling it measures is too high), MD5 them when asked, and stop cleanly on SIGTERM.
usage: sink_test.py PATH_TO_podbucket_sink"""
import hashlib
import http.client
import os
import signal
import subprocess
import sys
import unittest

SINK = sys.argv.pop(1) if len(sys.argv) > 1 else os.environ.get("PODBUCKET_SINK_BIN", "build/bench/podbucket_sink")


class Sink:
    def __init__(self, *flags):
        self.proc = subprocess.Popen([SINK, "--port", "0", *flags], stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        self.port = int(line.split("127.0.0.1:")[1].split()[0])

    def put(self, body, keep=None):
        conn = keep or http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request("PUT", "/bucket/key", body=body)
        resp = conn.getresponse()
        resp.read()
        return conn, resp.status, resp.getheader("ETag")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=30)


class SinkTest(unittest.TestCase):
    def test_md5_of_every_byte_over_one_connection(self):
        sink = Sink("--md5")
        try:
            conn = None
            # Sizes around the 1 MiB read size, and an empty body; all on one keep-alive connection, so a
            # body left partly unread would corrupt the next request.
            for size in (0, 1, (1 << 20) - 1, 1 << 20, (3 << 20) + 17):
                body = os.urandom(size)
                conn, status, etag = sink.put(body, conn)
                self.assertEqual(status, 200)
                self.assertEqual(etag, '"%s"' % hashlib.md5(body).hexdigest(), size)
            conn.close()
        finally:
            self.assertEqual(sink.stop(), 0)

    def test_discard_only(self):
        sink = Sink()
        try:
            _, status, etag = sink.put(os.urandom(5 << 20))
            self.assertEqual(status, 200)
            self.assertEqual(etag, '"%s"' % ("0" * 32))
        finally:
            self.assertEqual(sink.stop(), 0)

    def test_rejects_unknown_flags(self):
        self.assertEqual(subprocess.run([SINK, "--bogus"], capture_output=True).returncode, 2)


if __name__ == "__main__":
    unittest.main()
