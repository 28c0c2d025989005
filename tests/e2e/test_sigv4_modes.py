"""Every SigV4 payload mode, signed by the harness's own stdlib signer and sent over http.client, against a real
podbucket. The shapes are the ones real clients send (test-rig.md §2/§5): fog's streaming chunks inside HTTP chunked
with no Content-Length, the JS SDK's unsigned aws-chunked trailers, the Java/Go SDKs' signed trailers, Host without
the port, an empty signed Content-Type. Each upload is read back and compared byte for byte."""
import base64
import hashlib
import http.client
import os
import sys
import unittest
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

from botocore.exceptions import ClientError  # noqa: E402

SRV = harness.Server()
KiB = 1024


def setUpModule():
    SRV.start()


def tearDownModule():
    SRV.stop()


def crc32_b64(b):
    return base64.b64encode(zlib.crc32(b).to_bytes(4, "big")).decode()


def send(method, path, headers, body_parts, query=""):
    """Sends headers as given and then each bytes object of body_parts; returns (status, headers, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", SRV.port, timeout=60)
    try:
        conn.putrequest(method, path + ("?" + query if query else ""), skip_host=True, skip_accept_encoding=True)
        for k, v in headers.items():
            conn.putheader(k, v)
        conn.endheaders()
        for p in body_parts:
            conn.send(p)
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, harness.ShortBytes(r.read())
    finally:
        conn.close()


def http_chunked(data, sizes=(1000, 7, 65536, 333)):
    """Wraps bytes in HTTP/1.1 chunked transfer coding, with chunk sizes unrelated to the aws-chunked frames."""
    out, i, k = [], 0, 0
    while i < len(data):
        n = sizes[k % len(sizes)]
        piece = data[i:i + n]
        out.append(b"%x\r\n" % len(piece) + piece + b"\r\n")
        i += n
        k += 1
    out.append(b"0\r\n\r\n")
    return b"".join(out)


class SigV4Modes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s3 = SRV.s3()
        cls.bucket = harness.unique_bucket("sigv4")
        cls.s3.create_bucket(Bucket=cls.bucket)
        cls.host = f"127.0.0.1:{SRV.port}"

    def sign(self, method, key, headers, payload_hash, host=None, query=""):
        """Signs every header except Transfer-Encoding, which clients add below the signer."""
        info = {}
        te = {k: v for k, v in headers.items() if k.lower() == "transfer-encoding"}
        rest = {k: v for k, v in headers.items() if k.lower() != "transfer-encoding"}
        h = harness.sign_v4(method, host or self.host, f"/{self.bucket}/{key}", query, rest, None, SRV.access_key,
                            SRV.secret_key, payload_hash=payload_hash, info=info)
        h.update(te)
        return h, info

    def aws_chunked(self, data, info, chunk=64 * KiB, trailer=None, signed=True):
        """aws-chunked frames of `data`; signed chunks chain from the seed signature. `trailer` = (name, value)."""
        frames, prev = [], info["signature"] if signed else None
        pieces = [data[i:i + chunk] for i in range(0, len(data), chunk)] + [b""]
        for p in pieces:
            if signed:
                sig = harness.chunk_signature(info["key"], info["amz_date"], info["scope"], prev, p)
                prev = sig
                frames.append(b"%x;chunk-signature=%s\r\n" % (len(p), sig.encode()))
            else:
                frames.append(b"%x\r\n" % len(p))
            if p:
                frames.append(p + b"\r\n")
        if trailer:
            name, value = trailer
            frames.append(f"{name}:{value}\r\n".encode())
            if signed:
                tsig = harness.trailer_signature(info["key"], info["amz_date"], info["scope"], prev,
                                                 f"{name}:{value}\n".encode())
                frames.append(f"x-amz-trailer-signature:{tsig}\r\n".encode())
        frames.append(b"\r\n")
        return b"".join(frames)

    def get(self, key, **kw):
        return self.s3.get_object(Bucket=self.bucket, Key=key, **kw)

    def assertStored(self, key, data):
        got = self.get(key)["Body"].read()
        self.assertEqual(hashlib.sha256(got).hexdigest(), hashlib.sha256(data).hexdigest(),
                         f"{key}: stored {len(got)} bytes, sent {len(data)}")

    def assertAbsent(self, key):
        with self.assertRaises(ClientError) as c:
            self.s3.head_object(Bucket=self.bucket, Key=key)
        self.assertEqual(c.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)

    # ---- plain payload modes --------------------------------------------------------------------------------------
    def test_hex_payload(self):
        data = os.urandom(10000)
        h, _ = self.sign("PUT", "hex", {"Content-Length": str(len(data))}, hashlib.sha256(data).hexdigest())
        st, _, body = send("PUT", f"/{self.bucket}/hex", h, [data])
        self.assertEqual(st, 200, body)
        self.assertStored("hex", data)

    def test_unsigned_payload(self):
        data = os.urandom(10000)
        h, _ = self.sign("PUT", "unsigned", {"Content-Length": str(len(data))}, "UNSIGNED-PAYLOAD")
        st, _, body = send("PUT", f"/{self.bucket}/unsigned", h, [data])
        self.assertEqual(st, 200, body)
        self.assertStored("unsigned", data)

    def test_host_without_port_and_empty_content_type(self):
        """fog: `Host: 127.0.0.1` (no port) is what it signs and sends, and an empty Content-Type is signed."""
        data = b"fog style"
        h, _ = self.sign("PUT", "fog", {"Content-Length": str(len(data)), "Content-Type": ""},
                         hashlib.sha256(data).hexdigest(), host="127.0.0.1")
        st, _, body = send("PUT", f"/{self.bucket}/fog", h, [data])
        self.assertEqual(st, 200, body)
        self.assertStored("fog", data)

    # ---- aws-chunked ------------------------------------------------------------------------------------------------
    def test_streaming_signed_with_content_length(self):
        data = os.urandom(200 * KiB + 17)
        h, info = self.sign("PUT", "stream-cl", {"Content-Encoding": "aws-chunked",
                                                "X-Amz-Decoded-Content-Length": str(len(data)),
                                                "Content-Length": "0"}, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
        # Content-Length is signed; compute it first with a throwaway signature of the same length
        body = self.aws_chunked(data, info)
        h, info = self.sign("PUT", "stream-cl", {"Content-Encoding": "aws-chunked",
                                                "X-Amz-Decoded-Content-Length": str(len(data)),
                                                "Content-Length": str(len(body))}, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
        body = self.aws_chunked(data, info)
        st, _, resp = send("PUT", f"/{self.bucket}/stream-cl", h, [body])
        self.assertEqual(st, 200, resp)
        self.assertStored("stream-cl", data)
        self.assertEqual(self.s3.head_object(Bucket=self.bucket, Key="stream-cl").get("ContentEncoding"), None,
                         "aws-chunked must not be stored as the object's Content-Encoding")

    def test_streaming_signed_inside_http_chunked(self):
        """fog-aws 3.15 default: STREAMING-AWS4-HMAC-SHA256-PAYLOAD, Transfer-Encoding: chunked, no Content-Length
        and no Content-Encoding header."""
        data = os.urandom(150 * KiB + 5)
        h, info = self.sign("PUT", "stream-te", {"X-Amz-Decoded-Content-Length": str(len(data)),
                                                "Transfer-Encoding": "chunked"}, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
        wire = http_chunked(self.aws_chunked(data, info))
        st, _, resp = send("PUT", f"/{self.bucket}/stream-te", h, [wire])
        self.assertEqual(st, 200, resp)
        self.assertStored("stream-te", data)

    def test_streaming_unsigned_trailer(self):
        """JS SDK v3 / boto3 >= 1.36 default over https: STREAMING-UNSIGNED-PAYLOAD-TRAILER with a CRC32 trailer."""
        data = os.urandom(100 * KiB + 3)
        base = {"Content-Encoding": "aws-chunked", "X-Amz-Decoded-Content-Length": str(len(data)),
                "X-Amz-Trailer": "x-amz-checksum-crc32"}
        body = self.aws_chunked(data, None, signed=False, trailer=("x-amz-checksum-crc32", crc32_b64(data)))
        h, _ = self.sign("PUT", "trailer", {**base, "Content-Length": str(len(body))}, "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
        st, rh, resp = send("PUT", f"/{self.bucket}/trailer", h, [body])
        self.assertEqual(st, 200, resp)
        self.assertEqual(rh.get("x-amz-checksum-crc32"), crc32_b64(data), rh)
        self.assertStored("trailer", data)
        self.assertEqual(self.get("trailer", ChecksumMode="ENABLED").get("ChecksumCRC32"), crc32_b64(data))
        # the same through HTTP chunked, without Content-Length
        h, _ = self.sign("PUT", "trailer-te", {**base, "Transfer-Encoding": "chunked"},
                         "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
        st, _, resp = send("PUT", f"/{self.bucket}/trailer-te", h, [http_chunked(body)])
        self.assertEqual(st, 200, resp)
        self.assertStored("trailer-te", data)

    def test_streaming_unsigned_trailer_wrong_checksum(self):
        data = os.urandom(5000)
        body = self.aws_chunked(data, None, signed=False, trailer=("x-amz-checksum-crc32", crc32_b64(b"other")))
        h, _ = self.sign("PUT", "trailer-bad", {"Content-Encoding": "aws-chunked", "Content-Length": str(len(body)),
                                               "X-Amz-Decoded-Content-Length": str(len(data)),
                                               "X-Amz-Trailer": "x-amz-checksum-crc32"},
                         "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
        st, _, resp = send("PUT", f"/{self.bucket}/trailer-bad", h, [body])
        self.assertEqual(st, 400, resp)
        self.assertEqual(harness.error_code(resp), "BadDigest", resp)
        self.assertAbsent("trailer-bad")

    def test_streaming_signed_trailer(self):
        data = os.urandom(70 * KiB)
        hdr = {"Content-Encoding": "aws-chunked", "X-Amz-Decoded-Content-Length": str(len(data)),
               "X-Amz-Trailer": "x-amz-checksum-crc32"}
        h, info = self.sign("PUT", "signed-trailer", {**hdr, "Content-Length": "0"},
                            "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER")
        n = len(self.aws_chunked(data, info, trailer=("x-amz-checksum-crc32", crc32_b64(data))))
        h, info = self.sign("PUT", "signed-trailer", {**hdr, "Content-Length": str(n)},
                            "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER")
        body = self.aws_chunked(data, info, trailer=("x-amz-checksum-crc32", crc32_b64(data)))
        st, _, resp = send("PUT", f"/{self.bucket}/signed-trailer", h, [body])
        self.assertEqual(st, 200, resp)
        self.assertStored("signed-trailer", data)

    def test_streaming_tampered_chunk(self):
        data = os.urandom(130 * KiB)
        hdr = {"Content-Encoding": "aws-chunked", "X-Amz-Decoded-Content-Length": str(len(data))}
        h, info = self.sign("PUT", "tampered", {**hdr, "Content-Length": "0"}, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
        n = len(self.aws_chunked(data, info))
        h, info = self.sign("PUT", "tampered", {**hdr, "Content-Length": str(n)}, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
        body = bytearray(self.aws_chunked(data, info))
        body[-200] ^= 0xFF  # flip a byte inside the second (last data) chunk
        st, _, resp = send("PUT", f"/{self.bucket}/tampered", h, [bytes(body)])
        self.assertEqual(st, 403, resp)
        self.assertEqual(harness.error_code(resp), "SignatureDoesNotMatch", resp)
        self.assertAbsent("tampered")

    def test_streaming_wrong_decoded_length(self):
        data = os.urandom(10 * KiB)
        body = self.aws_chunked(data, None, signed=False, trailer=("x-amz-checksum-crc32", crc32_b64(data)))
        h, _ = self.sign("PUT", "badlen", {"Content-Encoding": "aws-chunked", "Content-Length": str(len(body)),
                                          "X-Amz-Decoded-Content-Length": str(len(data) + 1),
                                          "X-Amz-Trailer": "x-amz-checksum-crc32"},
                         "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
        st, _, resp = send("PUT", f"/{self.bucket}/badlen", h, [body])
        self.assertEqual(st, 400, resp)
        self.assertIn(harness.error_code(resp), ("IncompleteBody", "InvalidRequest", "InvalidArgument"), resp)
        self.assertAbsent("badlen")

    def test_streaming_upload_part(self):
        up = self.s3.create_multipart_upload(Bucket=self.bucket, Key="stream-mpu")["UploadId"]
        data = os.urandom(5 * 1024 * KiB + 1)
        q = f"partNumber=1&uploadId={up}"
        hdr = {"Content-Encoding": "aws-chunked", "X-Amz-Decoded-Content-Length": str(len(data))}
        h, info = self.sign("PUT", "stream-mpu", {**hdr, "Content-Length": "0"}, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
                            query=q)
        n = len(self.aws_chunked(data, info))
        h, info = self.sign("PUT", "stream-mpu", {**hdr, "Content-Length": str(n)}, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
                            query=q)
        st, rh, resp = send("PUT", f"/{self.bucket}/stream-mpu", h, [self.aws_chunked(data, info)], query=q)
        self.assertEqual(st, 200, resp)
        self.assertEqual(rh.get("etag"), '"%s"' % hashlib.md5(data).hexdigest())
        self.s3.complete_multipart_upload(Bucket=self.bucket, Key="stream-mpu", UploadId=up, MultipartUpload={
            "Parts": [{"PartNumber": 1, "ETag": rh["etag"]}]})
        self.assertStored("stream-mpu", data)


if __name__ == "__main__":
    harness.main()
