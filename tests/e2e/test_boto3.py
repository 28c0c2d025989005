"""boto3 (Debian 1.26 / botocore 1.29) against a real podbucket: objects, ranges, conditionals, presigned URLs,
metadata, DeleteObjects, listing, multipart (incl. error codes), additional checksums and auth errors."""
import base64
import datetime
import hashlib
import os
import sys
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

import botocore.config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

SRV = harness.Server()
MiB = 1 << 20


def setUpModule():
    SRV.start()


def tearDownModule():
    SRV.stop()


def sha(b):
    return hashlib.sha256(b).hexdigest()


def md5_etag(b):
    return '"%s"' % hashlib.md5(b).hexdigest()


def crc32_b64(b):
    return base64.b64encode(zlib.crc32(b).to_bytes(4, "big")).decode()


def sha256_b64(b):
    return base64.b64encode(hashlib.sha256(b).digest()).decode()


class Boto3Base(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s3 = SRV.s3()
        cls.bucket = harness.unique_bucket("boto")
        cls.s3.create_bucket(Bucket=cls.bucket)

    def assertCode(self, ctx, code, status=None):
        err = ctx.exception.response.get("Error", {})
        meta = ctx.exception.response.get("ResponseMetadata", {})
        self.assertEqual(err.get("Code"), code, f"full error response: {ctx.exception.response}")
        if status is not None:
            self.assertEqual(meta.get("HTTPStatusCode"), status, f"full error response: {ctx.exception.response}")

    def put(self, key, body, **kw):
        return self.s3.put_object(Bucket=self.bucket, Key=key, Body=body, **kw)


class TestObjects(Boto3Base):
    def test_put_get_head_roundtrip(self):
        for size in (0, 1, 1000, 3 * MiB + 17):
            body = os.urandom(size)
            key = f"rt/{size}.bin"
            r = self.put(key, body)
            self.assertEqual(r["ETag"], md5_etag(body))
            g = self.s3.get_object(Bucket=self.bucket, Key=key)
            data = g["Body"].read()
            self.assertEqual(sha(data), sha(body), key)
            self.assertEqual(g["ContentLength"], size)
            self.assertEqual(g["ETag"], md5_etag(body))
            h = self.s3.head_object(Bucket=self.bucket, Key=key)
            self.assertEqual(h["ContentLength"], size)
            self.assertEqual(h["ETag"], md5_etag(body))
            self.assertIsInstance(h["LastModified"], datetime.datetime)

    def test_keys_with_special_characters(self):
        keys = ["sp ace.txt", "plus+sign", "per%cent", "uni/日本語/ファイル.txt", "a/../b.txt", "../up.txt",
                "q?mark&amp=1#frag", "tilde~star*", "//double//slash", "emoji 🎉.bin", "trailing/"]
        for k in keys:
            body = k.encode() * 3
            self.put(k, body)
            self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key=k)["Body"].read(), body, k)
        listed = set()
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            listed |= {o["Key"] for o in page.get("Contents", [])}
        for k in keys:
            self.assertIn(k, listed)
        self.assertNotIn("b.txt", listed, "a/../b.txt must not be normalized")
        self.assertNotIn("up.txt", listed)

    def test_overwrite_and_delete(self):
        self.put("ow", b"one")
        self.put("ow", b"two-two")
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key="ow")["Body"].read(), b"two-two")
        r = self.s3.delete_object(Bucket=self.bucket, Key="ow")
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 204)
        with self.assertRaises(ClientError) as c:
            self.s3.get_object(Bucket=self.bucket, Key="ow")
        self.assertCode(c, "NoSuchKey", 404)
        # deleting a missing key is not an error
        r = self.s3.delete_object(Bucket=self.bucket, Key="ow")
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 204)

    def test_copy_object(self):
        body = os.urandom(100000)
        self.put("copy/src", body, Metadata={"color": "blue"}, ContentType="image/png")
        r = self.s3.copy_object(Bucket=self.bucket, Key="copy/dst", CopySource={"Bucket": self.bucket, "Key": "copy/src"})
        self.assertEqual(r["CopyObjectResult"]["ETag"], md5_etag(body))
        g = self.s3.get_object(Bucket=self.bucket, Key="copy/dst")
        self.assertEqual(sha(g["Body"].read()), sha(body))
        self.assertEqual(g["Metadata"], {"color": "blue"})
        self.assertEqual(g["ContentType"], "image/png")
        # REPLACE directive
        self.s3.copy_object(Bucket=self.bucket, Key="copy/dst2", CopySource=f"{self.bucket}/copy/src",
                            MetadataDirective="REPLACE", Metadata={"shape": "round"}, ContentType="text/plain")
        h = self.s3.head_object(Bucket=self.bucket, Key="copy/dst2")
        self.assertEqual(h["Metadata"], {"shape": "round"})
        self.assertEqual(h["ContentType"], "text/plain")
        # copy onto itself without REPLACE is InvalidRequest
        with self.assertRaises(ClientError) as c:
            self.s3.copy_object(Bucket=self.bucket, Key="copy/src", CopySource=f"{self.bucket}/copy/src")
        self.assertCode(c, "InvalidRequest", 400)
        # missing source
        with self.assertRaises(ClientError) as c:
            self.s3.copy_object(Bucket=self.bucket, Key="copy/x", CopySource=f"{self.bucket}/copy/missing")
        self.assertCode(c, "NoSuchKey", 404)
        # key with special characters as copy source
        self.put("copy/sp ace+plus%.bin", body)
        self.s3.copy_object(Bucket=self.bucket, Key="copy/dst3",
                            CopySource={"Bucket": self.bucket, "Key": "copy/sp ace+plus%.bin"})
        self.assertEqual(sha(self.s3.get_object(Bucket=self.bucket, Key="copy/dst3")["Body"].read()), sha(body))

    def test_metadata_and_content_headers_roundtrip(self):
        expires = datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
        self.put("meta", b"x" * 10, Metadata={"Alpha": "one", "beta-two": "Two Words"},
                 ContentType="application/x-test", ContentDisposition='attachment; filename="a b.txt"',
                 ContentEncoding="identity", ContentLanguage="de-DE", CacheControl="max-age=60", Expires=expires)
        for r in (self.s3.head_object(Bucket=self.bucket, Key="meta"), self.s3.get_object(Bucket=self.bucket, Key="meta")):
            self.assertEqual(r["Metadata"], {"alpha": "one", "beta-two": "Two Words"})
            self.assertEqual(r["ContentType"], "application/x-test")
            self.assertEqual(r["ContentDisposition"], 'attachment; filename="a b.txt"')
            self.assertEqual(r["ContentEncoding"], "identity")
            self.assertEqual(r["ContentLanguage"], "de-DE")
            self.assertEqual(r["CacheControl"], "max-age=60")
            self.assertEqual(r["Expires"], expires)

    def test_default_content_type(self):
        self.put("noct", b"abc")
        h = self.s3.head_object(Bucket=self.bucket, Key="noct")
        self.assertEqual(h["ContentType"], "binary/octet-stream")

    def test_response_overrides(self):
        self.put("ovr", b"hello", ContentType="text/plain")
        g = self.s3.get_object(Bucket=self.bucket, Key="ovr", ResponseContentType="application/x-over",
                               ResponseContentDisposition='attachment; filename="o.bin"',
                               ResponseCacheControl="no-cache", ResponseContentLanguage="fr",
                               ResponseContentEncoding="gzip",
                               ResponseExpires=datetime.datetime(2031, 1, 1, tzinfo=datetime.timezone.utc))
        self.assertEqual(g["Body"].read(), b"hello")
        self.assertEqual(g["ContentType"], "application/x-over")
        self.assertEqual(g["ContentDisposition"], 'attachment; filename="o.bin"')
        self.assertEqual(g["CacheControl"], "no-cache")
        self.assertEqual(g["ContentLanguage"], "fr")
        self.assertEqual(g["ContentEncoding"], "gzip")
        self.assertEqual(g["Expires"], datetime.datetime(2031, 1, 1, tzinfo=datetime.timezone.utc))


class TestRangesAndConditionals(Boto3Base):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.body = os.urandom(10000)
        cls.etag = cls.s3.put_object(Bucket=cls.bucket, Key="r", Body=cls.body)["ETag"]

    def get(self, **kw):
        return self.s3.get_object(Bucket=self.bucket, Key="r", **kw)

    def test_ranges(self):
        b = self.body
        cases = [("bytes=0-9", b[0:10], "bytes 0-9/10000"), ("bytes=100-199", b[100:200], "bytes 100-199/10000"),
                 ("bytes=9990-", b[9990:], "bytes 9990-9999/10000"), ("bytes=-7", b[-7:], "bytes 9993-9999/10000"),
                 ("bytes=9000-20000", b[9000:], "bytes 9000-9999/10000"), ("bytes=0-", b, "bytes 0-9999/10000")]
        for rng, want, crange in cases:
            g = self.get(Range=rng)
            self.assertEqual(g["ResponseMetadata"]["HTTPStatusCode"], 206, rng)
            self.assertEqual(g["Body"].read(), want, rng)
            self.assertEqual(g["ContentRange"], crange, rng)
            self.assertEqual(g["ContentLength"], len(want), rng)

    def test_unsatisfiable_range(self):
        with self.assertRaises(ClientError) as c:
            self.get(Range="bytes=10000-10010")
        self.assertCode(c, "InvalidRange", 416)
        h = c.exception.response["ResponseMetadata"]["HTTPHeaders"]
        if "content-range" in h:  # RFC 7233 suggests it; S3 does not always send it
            self.assertEqual(h["content-range"], "bytes */10000")

    def test_invalid_range_syntax_is_ignored(self):
        g = self.get(Range="bytes=abc")
        self.assertEqual(g["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(g["Body"].read(), self.body)

    def test_conditionals(self):
        old = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
        # the object's own Last-Modified: "not modified since" is then unambiguous (no future dates involved)
        lm = self.s3.head_object(Bucket=self.bucket, Key="r")["LastModified"]
        future = lm
        self.assertEqual(self.get(IfMatch=self.etag)["Body"].read(), self.body)
        self.assertEqual(self.get(IfNoneMatch='"0123"')["Body"].read(), self.body)
        self.assertEqual(self.get(IfModifiedSince=old)["Body"].read(), self.body)
        self.assertEqual(self.get(IfUnmodifiedSince=future)["Body"].read(), self.body)
        for kw, status, code in [({"IfNoneMatch": self.etag}, 304, "304"), ({"IfModifiedSince": future}, 304, "304"),
                                 ({"IfMatch": '"deadbeef"'}, 412, "PreconditionFailed"),
                                 ({"IfUnmodifiedSince": old}, 412, "PreconditionFailed")]:
            with self.assertRaises(ClientError) as c:
                self.get(**kw)
            self.assertEqual(c.exception.response["ResponseMetadata"]["HTTPStatusCode"], status, kw)
            self.assertEqual(c.exception.response["Error"]["Code"], code, kw)
            with self.assertRaises(ClientError) as c:
                self.s3.head_object(Bucket=self.bucket, Key="r", **kw)
            self.assertEqual(c.exception.response["ResponseMetadata"]["HTTPStatusCode"], status, ("HEAD", kw))
        # If-Match wins over If-Unmodified-Since; If-None-Match wins over If-Modified-Since (RFC 7232 / S3 docs)
        self.assertEqual(self.get(IfMatch=self.etag, IfUnmodifiedSince=old)["Body"].read(), self.body)
        with self.assertRaises(ClientError) as c:
            self.get(IfNoneMatch=self.etag, IfModifiedSince=old)
        self.assertEqual(c.exception.response["ResponseMetadata"]["HTTPStatusCode"], 304)

    def test_conditional_with_range(self):
        g = self.get(IfMatch=self.etag, Range="bytes=1-2")
        self.assertEqual(g["Body"].read(), self.body[1:3])

    def test_put_if_none_match_star(self):
        """Conditional write (If-None-Match: *), added to S3 in 2024; boto3 1.26 has no parameter, so add the header."""
        s3 = SRV.s3()

        def add_header(request, **kw):
            request.headers["If-None-Match"] = "*"

        s3.meta.events.register("before-sign.s3.PutObject", add_header)
        s3.put_object(Bucket=self.bucket, Key="cond-new", Body=b"first")
        with self.assertRaises(ClientError) as c:
            s3.put_object(Bucket=self.bucket, Key="cond-new", Body=b"second")
        self.assertCode(c, "PreconditionFailed", 412)
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key="cond-new")["Body"].read(), b"first")


class TestPresigned(Boto3Base):
    def presigner(self, **cfg):
        return SRV.s3(signature_version="s3v4", **cfg)

    def test_presigned_get_put(self):
        p = self.presigner()
        body = os.urandom(50000)
        url = p.generate_presigned_url("put_object", Params={"Bucket": self.bucket, "Key": "pre/put sp+ace"},
                                       ExpiresIn=300)
        self.assertIn("X-Amz-Signature=", url)
        req = urllib.request.Request(url, data=body, method="PUT",
                                     headers={"Content-Type": "application/octet-stream"})
        with urllib.request.urlopen(req, timeout=30) as r:
            self.assertEqual(r.status, 200)
            self.assertEqual(r.headers["ETag"], md5_etag(body))
        url = p.generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": "pre/put sp+ace"},
                                       ExpiresIn=300)
        with urllib.request.urlopen(url, timeout=30) as r:
            self.assertEqual(sha(r.read()), sha(body))

    def test_presigned_get_with_response_overrides(self):
        self.put("pre/ovr", b"data")
        url = self.presigner().generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": "pre/ovr", "ResponseContentType": "text/x-pre",
                                  "ResponseContentDisposition": "attachment; filename=p.txt"}, ExpiresIn=60)
        with urllib.request.urlopen(url, timeout=30) as r:
            self.assertEqual(r.read(), b"data")
            self.assertEqual(r.headers["Content-Type"], "text/x-pre")
            self.assertEqual(r.headers["Content-Disposition"], "attachment; filename=p.txt")

    def test_presigned_tampered_and_expired(self):
        self.put("pre/t", b"secret")
        url = self.presigner().generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": "pre/t"},
                                                      ExpiresIn=60)
        bad = url.replace("pre/t", "pre/T")
        with self.assertRaises(urllib.error.HTTPError) as c:
            urllib.request.urlopen(bad, timeout=30)
        self.assertEqual(c.exception.code, 403)
        self.assertEqual(harness.error_code(c.exception.read()), "SignatureDoesNotMatch")
        url = self.presigner().generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": "pre/t"},
                                                      ExpiresIn=1)
        time.sleep(2.5)
        with self.assertRaises(urllib.error.HTTPError) as c:
            urllib.request.urlopen(url, timeout=30)
        self.assertEqual(c.exception.code, 403)
        self.assertEqual(harness.error_code(c.exception.read()), "AccessDenied")

    def test_presigned_get_default_boto3_signature(self):
        """boto3 1.26's default presign (no signature_version) -- SigV2 query auth on custom endpoints
        (test-rig.md §4). Clients such as GitLab's use it, so the server should accept it."""
        self.put("pre/v2", b"v2 body")
        url = SRV.s3().generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": "pre/v2"},
                                              ExpiresIn=60)
        with urllib.request.urlopen(url, timeout=30) as r:
            self.assertEqual(r.read(), b"v2 body", url)


class TestDeleteObjects(Boto3Base):
    def test_delete_objects_verbose_and_quiet(self):
        keys = [f"del/{i}" for i in range(10)]
        for k in keys:
            self.put(k, b"x")
        r = self.s3.delete_objects(Bucket=self.bucket, Delete={"Objects": [{"Key": k} for k in keys[:5]] +
                                                               [{"Key": "del/never-existed"}]})
        self.assertEqual(sorted(d["Key"] for d in r["Deleted"]), sorted(keys[:5] + ["del/never-existed"]))
        self.assertNotIn("Errors", r)
        r = self.s3.delete_objects(Bucket=self.bucket, Delete={"Objects": [{"Key": k} for k in keys[5:]], "Quiet": True})
        self.assertNotIn("Deleted", r, "Quiet mode must not list successes")
        left = self.s3.list_objects_v2(Bucket=self.bucket, Prefix="del/")
        self.assertEqual(left["KeyCount"], 0)

    def test_delete_objects_per_key_error(self):
        self.put("delerr/a", b"a")
        self.put("delerr/b", b"b")
        r = self.s3.delete_objects(Bucket=self.bucket, Delete={"Quiet": True, "Objects": [
            {"Key": "delerr/a"}, {"Key": "delerr/b", "VersionId": "no-such-version-id"}]})
        self.assertNotIn("Deleted", r)
        errs = r.get("Errors", [])
        self.assertEqual([e["Key"] for e in errs], ["delerr/b"], r)
        self.assertIn(errs[0]["Code"], ("NoSuchVersion", "InvalidArgument"), r)
        with self.assertRaises(ClientError):
            self.s3.head_object(Bucket=self.bucket, Key="delerr/a")
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key="delerr/b")["Body"].read(), b"b")

    def test_delete_object_version_id_format(self):
        # S3: a versionId that cannot be a version id is 400 InvalidArgument; a well-formed one that names no
        # version is a 204 no-op.
        self.put("delver/a", b"a")
        with self.assertRaises(ClientError) as c:
            self.s3.delete_object(Bucket=self.bucket, Key="delver/a", VersionId="no-such-version-id")
        self.assertCode(c, "InvalidArgument", 400)
        r = self.s3.delete_object(Bucket=self.bucket, Key="delver/a", VersionId="A" * 32)
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key="delver/a")["Body"].read(), b"a")
        self.s3.delete_object(Bucket=self.bucket, Key="delver/a", VersionId="null")
        with self.assertRaises(ClientError) as c:
            self.s3.head_object(Bucket=self.bucket, Key="delver/a")

    def test_delete_objects_special_keys(self):
        keys = ["delsp/a b", "delsp/c+d", "delsp/e%f", "delsp/ü&<>"]
        for k in keys:
            self.put(k, b"z")
        r = self.s3.delete_objects(Bucket=self.bucket, Delete={"Objects": [{"Key": k} for k in keys]})
        self.assertEqual(sorted(d["Key"] for d in r["Deleted"]), sorted(keys))
        self.assertEqual(self.s3.list_objects_v2(Bucket=self.bucket, Prefix="delsp/")["KeyCount"], 0)


class TestObjectTagging(Boto3Base):
    def test_put_get_delete_tagging(self):
        self.put("tag/a", b"a", Tagging="x=1&y=two%20words")
        r = self.s3.get_object_tagging(Bucket=self.bucket, Key="tag/a")
        self.assertEqual(r["TagSet"], [{"Key": "x", "Value": "1"}, {"Key": "y", "Value": "two words"}])
        self.s3.put_object_tagging(Bucket=self.bucket, Key="tag/a",
                                   Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
        self.assertEqual(self.s3.get_object_tagging(Bucket=self.bucket, Key="tag/a")["TagSet"],
                         [{"Key": "k", "Value": "v"}])
        self.assertEqual(self.s3.head_object(Bucket=self.bucket, Key="tag/a")["ResponseMetadata"]["HTTPHeaders"]
                         .get("x-amz-tagging-count"), "1")
        r = self.s3.delete_object_tagging(Bucket=self.bucket, Key="tag/a")
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertEqual(self.s3.get_object_tagging(Bucket=self.bucket, Key="tag/a")["TagSet"], [])

    def test_tagging_errors(self):
        self.put("tag/b", b"b")
        with self.assertRaises(ClientError) as c:
            self.s3.get_object_tagging(Bucket=self.bucket, Key="tag/missing")
        self.assertCode(c, "NoSuchKey", 404)
        with self.assertRaises(ClientError) as c:
            self.s3.put_object_tagging(Bucket=self.bucket, Key="tag/b", Tagging={"TagSet": [
                {"Key": f"k{i}", "Value": "v"} for i in range(11)]})
        self.assertCode(c, "InvalidTag", 400)
        with self.assertRaises(ClientError) as c:
            self.s3.put_object_tagging(Bucket=self.bucket, Key="tag/b", Tagging={"TagSet": [
                {"Key": "k" * 129, "Value": "v"}]})
        self.assertCode(c, "InvalidTag", 400)
        with self.assertRaises(ClientError) as c:
            self.s3.get_object_tagging(Bucket=self.bucket, Key="tag/b", VersionId="not-a-version-id")
        self.assertCode(c, "InvalidArgument", 400)
        self.assertEqual(self.s3.get_object_tagging(Bucket=self.bucket, Key="tag/b")["TagSet"], [])

    def test_versioned_tagging_and_delete_marker(self):
        bucket = harness.unique_bucket("tagver")
        self.s3.create_bucket(Bucket=bucket)
        self.s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        v1 = self.s3.put_object(Bucket=bucket, Key="k", Body=b"1", Tagging="gen=1")["VersionId"]
        v2 = self.s3.put_object(Bucket=bucket, Key="k", Body=b"2", Tagging="gen=2")["VersionId"]
        r = self.s3.get_object_tagging(Bucket=bucket, Key="k")
        self.assertEqual((r["VersionId"], r["TagSet"]), (v2, [{"Key": "gen", "Value": "2"}]))
        r = self.s3.get_object_tagging(Bucket=bucket, Key="k", VersionId=v1)
        self.assertEqual((r["VersionId"], r["TagSet"]), (v1, [{"Key": "gen", "Value": "1"}]))
        marker = self.s3.delete_object(Bucket=bucket, Key="k")["VersionId"]
        with self.assertRaises(ClientError) as c:
            self.s3.get_object_tagging(Bucket=bucket, Key="k")
        self.assertCode(c, "MethodNotAllowed", 405)
        with self.assertRaises(ClientError) as c:
            self.s3.get_object_tagging(Bucket=bucket, Key="k", VersionId=marker)
        self.assertCode(c, "MethodNotAllowed", 405)
        for v in (marker, v2, v1):
            self.s3.delete_object(Bucket=bucket, Key="k", VersionId=v)
        self.s3.delete_bucket(Bucket=bucket)


class TestVersioning(Boto3Base):
    def test_overwrite_delete_and_restore_an_old_version_by_copy(self):
        bucket = harness.unique_bucket("ver")
        self.s3.create_bucket(Bucket=bucket)
        self.assertNotIn("Status", self.s3.get_bucket_versioning(Bucket=bucket))
        self.s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        self.assertEqual(self.s3.get_bucket_versioning(Bucket=bucket)["Status"], "Enabled")

        v1 = self.s3.put_object(Bucket=bucket, Key="doc", Body=b"first")["VersionId"]
        v2 = self.s3.put_object(Bucket=bucket, Key="doc", Body=b"second")["VersionId"]
        self.assertNotEqual(v1, v2)
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="doc")["Body"].read(), b"second")
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="doc", VersionId=v1)["Body"].read(), b"first")

        marker = self.s3.delete_object(Bucket=bucket, Key="doc")
        self.assertTrue(marker["DeleteMarker"])
        with self.assertRaises(ClientError) as c:
            self.s3.get_object(Bucket=bucket, Key="doc")
        self.assertCode(c, "NoSuchKey", 404)
        self.assertEqual(c.exception.response["ResponseMetadata"]["HTTPHeaders"].get("x-amz-delete-marker"), "true")

        versions = self.s3.list_object_versions(Bucket=bucket, Prefix="doc")
        self.assertEqual([v["VersionId"] for v in versions["Versions"]], [v2, v1])
        self.assertEqual([m["VersionId"] for m in versions["DeleteMarkers"]], [marker["VersionId"]])
        self.assertTrue(versions["DeleteMarkers"][0]["IsLatest"])

        # Restore the first version by copying it over the delete marker.
        self.s3.copy_object(Bucket=bucket, Key="doc", CopySource={"Bucket": bucket, "Key": "doc", "VersionId": v1})
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="doc")["Body"].read(), b"first")

        with self.assertRaises(ClientError) as c:
            self.s3.delete_bucket(Bucket=bucket)
        self.assertCode(c, "BucketNotEmpty", 409)

        # Suspended: a new write gets the "null" version id.
        self.s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
        self.assertEqual(self.s3.get_bucket_versioning(Bucket=bucket)["Status"], "Suspended")
        self.assertEqual(self.s3.put_object(Bucket=bucket, Key="doc", Body=b"third").get("VersionId"), "null")

        # What Terraform's force_destroy does: delete every version and marker by id, then the bucket.
        listing = self.s3.list_object_versions(Bucket=bucket)
        objects = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                   for v in listing.get("Versions", []) + listing.get("DeleteMarkers", [])]
        self.assertEqual(len(objects), 5)
        self.s3.delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True})
        self.s3.delete_bucket(Bucket=bucket)


class TestListing(Boto3Base):
    KEYS = ["a/1", "a/2", "a/b/3", "b/4", "c", "d e/5", "f+g/6", "日本/7", "z%/8"]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for k in cls.KEYS:
            cls.s3.put_object(Bucket=cls.bucket, Key=k, Body=k.encode())

    def sorted_keys(self):
        return sorted(self.KEYS, key=lambda k: k.encode())

    def test_v2_paging(self):
        seen, token, pages = [], None, 0
        while True:
            kw = {"ContinuationToken": token} if token else {}
            r = self.s3.list_objects_v2(Bucket=self.bucket, MaxKeys=2, **kw)
            pages += 1
            self.assertLessEqual(r["KeyCount"], 2)
            seen += [o["Key"] for o in r.get("Contents", [])]
            if not r["IsTruncated"]:
                break
            token = r["NextContinuationToken"]
        self.assertEqual(seen, self.sorted_keys())
        self.assertEqual(pages, 5)
        o = self.s3.list_objects_v2(Bucket=self.bucket, Prefix="c")["Contents"][0]
        self.assertEqual(o["Size"], 1)
        self.assertEqual(o["ETag"], md5_etag(b"c"))
        self.assertEqual(o["StorageClass"], "STANDARD")

    def test_v2_delimiter_prefix_start_after(self):
        r = self.s3.list_objects_v2(Bucket=self.bucket, Delimiter="/")
        self.assertEqual([o["Key"] for o in r.get("Contents", [])], ["c"])
        self.assertEqual([p["Prefix"] for p in r["CommonPrefixes"]],
                         sorted(["a/", "b/", "d e/", "f+g/", "日本/", "z%/"], key=lambda k: k.encode()))
        r = self.s3.list_objects_v2(Bucket=self.bucket, Delimiter="/", Prefix="a/")
        self.assertEqual([o["Key"] for o in r["Contents"]], ["a/1", "a/2"])
        self.assertEqual([p["Prefix"] for p in r["CommonPrefixes"]], ["a/b/"])
        self.assertEqual(r["KeyCount"], 3)
        r = self.s3.list_objects_v2(Bucket=self.bucket, StartAfter="b/4")
        self.assertEqual([o["Key"] for o in r["Contents"]], self.sorted_keys()[4:])
        r = self.s3.list_objects_v2(Bucket=self.bucket, Prefix="nothing")
        self.assertEqual(r["KeyCount"], 0)
        self.assertNotIn("Contents", r)

    def test_v2_delimiter_paging_counts_prefixes(self):
        items, token = [], None
        while True:
            kw = {"ContinuationToken": token} if token else {}
            r = self.s3.list_objects_v2(Bucket=self.bucket, Delimiter="/", MaxKeys=1, **kw)
            got = [o["Key"] for o in r.get("Contents", [])] + [p["Prefix"] for p in r.get("CommonPrefixes", [])]
            self.assertEqual(len(got), 1, r)
            items += got
            if not r["IsTruncated"]:
                break
            token = r["NextContinuationToken"]
        self.assertEqual(items, sorted(["a/", "b/", "c", "d e/", "f+g/", "日本/", "z%/"], key=lambda k: k.encode()))

    def test_v1_paging_with_marker(self):
        seen, marker = [], ""
        while True:
            r = self.s3.list_objects(Bucket=self.bucket, MaxKeys=3, Marker=marker)
            keys = [o["Key"] for o in r.get("Contents", [])]
            seen += keys
            if not r["IsTruncated"]:
                break
            marker = r.get("NextMarker", keys[-1])
        self.assertEqual(seen, self.sorted_keys())
        r = self.s3.list_objects(Bucket=self.bucket, Delimiter="/", MaxKeys=2)
        self.assertTrue(r["IsTruncated"])
        self.assertIn("NextMarker", r, "v1 with a delimiter must return NextMarker when truncated")
        r2 = self.s3.list_objects(Bucket=self.bucket, Delimiter="/", Marker=r["NextMarker"])
        got = [p["Prefix"] for p in r.get("CommonPrefixes", []) + r2.get("CommonPrefixes", [])]
        self.assertEqual(len(got), len(set(got)), "a common prefix was returned twice")
        self.assertEqual(sorted(got + [o["Key"] for o in r.get("Contents", []) + r2.get("Contents", [])]),
                         sorted(["a/", "b/", "c", "d e/", "f+g/", "日本/", "z%/"]))

    def test_encoding_type_url(self):
        """With EncodingType passed explicitly botocore does not decode, so we see the raw encoded keys."""
        for fn in ("list_objects", "list_objects_v2"):
            r = getattr(self.s3, fn)(Bucket=self.bucket, EncodingType="url")
            self.assertEqual(r.get("EncodingType"), "url", fn)
            raw = [o["Key"] for o in r["Contents"]]
            for k in raw:
                self.assertNotIn(" ", k, fn)
                self.assertTrue(k.isascii(), (fn, k))
            self.assertEqual(sorted(urllib.parse.unquote_plus(k) for k in raw), sorted(self.KEYS), (fn, raw))
            r = getattr(self.s3, fn)(Bucket=self.bucket, EncodingType="url", Delimiter="/")
            prefixes = [urllib.parse.unquote_plus(p["Prefix"]) for p in r["CommonPrefixes"]]
            self.assertIn("日本/", prefixes)
            self.assertIn("f+g/", prefixes)
        # the default botocore behaviour (auto encoding-type=url + decode) round-trips too
        r = self.s3.list_objects_v2(Bucket=self.bucket)
        self.assertEqual([o["Key"] for o in r["Contents"]], self.sorted_keys())

    def test_list_buckets(self):
        names = [b["Name"] for b in self.s3.list_buckets()["Buckets"]]
        self.assertIn(self.bucket, names)
        self.assertEqual(names, sorted(names))


class TestBuckets(Boto3Base):
    def test_bucket_errors(self):
        with self.assertRaises(ClientError) as c:
            self.s3.list_objects_v2(Bucket="no-such-bucket-" + os.urandom(3).hex())
        self.assertCode(c, "NoSuchBucket", 404)
        with self.assertRaises(ClientError) as c:
            self.s3.get_object(Bucket="no-such-bucket-" + os.urandom(3).hex(), Key="k")
        self.assertCode(c, "NoSuchBucket", 404)
        b = harness.unique_bucket("nonempty")
        self.s3.create_bucket(Bucket=b)
        self.s3.head_bucket(Bucket=b)
        try:  # us-east-1 answers 200 to re-creating your own bucket; other regions BucketAlreadyOwnedByYou
            self.s3.create_bucket(Bucket=b)
        except ClientError as e:
            self.assertEqual(e.response["Error"]["Code"], "BucketAlreadyOwnedByYou", e.response)
            self.assertEqual(e.response["ResponseMetadata"]["HTTPStatusCode"], 409)
        self.s3.put_object(Bucket=b, Key="k", Body=b"x")
        with self.assertRaises(ClientError) as c:
            self.s3.delete_bucket(Bucket=b)
        self.assertCode(c, "BucketNotEmpty", 409)
        self.s3.delete_object(Bucket=b, Key="k")
        self.s3.delete_bucket(Bucket=b)
        with self.assertRaises(ClientError) as c:
            self.s3.head_bucket(Bucket=b)
        self.assertEqual(c.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)

    def test_invalid_bucket_names(self):
        for name in ("ab", "Upper-Case", "under_score", "-leading", "a" * 64, "192.168.1.1", "dot..dot"):
            with self.assertRaises(ClientError) as c:
                self.s3.create_bucket(Bucket=name)
            self.assertCode(c, "InvalidBucketName", 400)

    def test_get_bucket_location(self):
        r = self.s3.get_bucket_location(Bucket=self.bucket)
        self.assertIn(r.get("LocationConstraint"), (None, "us-east-1"))


class TestMultipart(Boto3Base):
    def upload(self, key, parts, **kw):
        up = self.s3.create_multipart_upload(Bucket=self.bucket, Key=key, **kw)["UploadId"]
        done = []
        for i, p in enumerate(parts, 1):
            r = self.s3.upload_part(Bucket=self.bucket, Key=key, UploadId=up, PartNumber=i, Body=p)
            self.assertEqual(r["ETag"], md5_etag(p))
            done.append({"PartNumber": i, "ETag": r["ETag"]})
        return up, done

    def test_multipart_roundtrip_and_list_parts(self):
        parts = [os.urandom(5 * MiB), os.urandom(5 * MiB + 123), os.urandom(1000)]
        up, done = self.upload("mp/obj", parts, ContentType="application/x-mp", Metadata={"m": "v"})
        lp = self.s3.list_parts(Bucket=self.bucket, Key="mp/obj", UploadId=up)
        self.assertEqual([(p["PartNumber"], p["Size"], p["ETag"]) for p in lp["Parts"]],
                         [(d["PartNumber"], len(parts[i]), d["ETag"]) for i, d in enumerate(done)])
        lp1 = self.s3.list_parts(Bucket=self.bucket, Key="mp/obj", UploadId=up, MaxParts=1)
        self.assertTrue(lp1["IsTruncated"])
        lp2 = self.s3.list_parts(Bucket=self.bucket, Key="mp/obj", UploadId=up,
                                 PartNumberMarker=lp1["NextPartNumberMarker"])
        self.assertEqual([p["PartNumber"] for p in lp2["Parts"]], [2, 3])
        ups = self.s3.list_multipart_uploads(Bucket=self.bucket, Prefix="mp/")
        self.assertIn(up, [u["UploadId"] for u in ups.get("Uploads", [])])
        r = self.s3.complete_multipart_upload(Bucket=self.bucket, Key="mp/obj", UploadId=up,
                                              MultipartUpload={"Parts": done})
        want_etag = '"%s-3"' % hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
        self.assertEqual(r["ETag"], want_etag)
        g = self.s3.get_object(Bucket=self.bucket, Key="mp/obj")
        self.assertEqual(sha(g["Body"].read()), sha(b"".join(parts)))
        self.assertEqual(g["ETag"], want_etag)
        self.assertEqual(g["ContentType"], "application/x-mp")
        self.assertEqual(g["Metadata"], {"m": "v"})
        # ranged GET across a part boundary
        g = self.s3.get_object(Bucket=self.bucket, Key="mp/obj", Range=f"bytes={5 * MiB - 10}-{5 * MiB + 9}")
        self.assertEqual(g["Body"].read(), b"".join(parts)[5 * MiB - 10:5 * MiB + 10])
        # PartNumber GET
        g = self.s3.get_object(Bucket=self.bucket, Key="mp/obj", PartNumber=2)
        self.assertEqual(sha(g["Body"].read()), sha(parts[1]))
        self.assertEqual(g.get("PartsCount"), 3)
        ups = self.s3.list_multipart_uploads(Bucket=self.bucket, Prefix="mp/")
        self.assertNotIn(up, [u["UploadId"] for u in ups.get("Uploads", [])])
        with self.assertRaises(ClientError) as c:
            self.s3.list_parts(Bucket=self.bucket, Key="mp/obj", UploadId=up)
        self.assertCode(c, "NoSuchUpload", 404)

    def test_part_overwrite_and_subset(self):
        p1, p2, p3 = os.urandom(5 * MiB), os.urandom(5 * MiB), os.urandom(10)
        up, done = self.upload("mp/subset", [p1, p2, p3])
        p2b = os.urandom(5 * MiB)
        e2b = self.s3.upload_part(Bucket=self.bucket, Key="mp/subset", UploadId=up, PartNumber=2, Body=p2b)["ETag"]
        # part 2 was replaced; completing with parts 2 and 3 only (skipping part 1) is allowed
        self.s3.complete_multipart_upload(Bucket=self.bucket, Key="mp/subset", UploadId=up, MultipartUpload={
            "Parts": [{"PartNumber": 2, "ETag": e2b}, {"PartNumber": 3, "ETag": done[2]["ETag"]}]})
        data = self.s3.get_object(Bucket=self.bucket, Key="mp/subset")["Body"].read()
        self.assertEqual(sha(data), sha(p2b + p3))

    def test_entity_too_small(self):
        up, done = self.upload("mp/small", [b"a" * 1024, b"b" * 1024])
        with self.assertRaises(ClientError) as c:
            self.s3.complete_multipart_upload(Bucket=self.bucket, Key="mp/small", UploadId=up,
                                              MultipartUpload={"Parts": done})
        self.assertCode(c, "EntityTooSmall", 400)
        # a single small part is fine (the last part may be small)
        up, done = self.upload("mp/small1", [b"only" * 10])
        self.s3.complete_multipart_upload(Bucket=self.bucket, Key="mp/small1", UploadId=up,
                                          MultipartUpload={"Parts": done})
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key="mp/small1")["Body"].read(), b"only" * 10)

    def test_invalid_part_and_order(self):
        up, done = self.upload("mp/bad", [os.urandom(5 * MiB), os.urandom(5 * MiB)])
        with self.assertRaises(ClientError) as c:
            self.s3.complete_multipart_upload(Bucket=self.bucket, Key="mp/bad", UploadId=up, MultipartUpload={
                "Parts": [done[0], {"PartNumber": 2, "ETag": '"00000000000000000000000000000000"'}]})
        self.assertCode(c, "InvalidPart", 400)
        with self.assertRaises(ClientError) as c:
            self.s3.complete_multipart_upload(Bucket=self.bucket, Key="mp/bad", UploadId=up, MultipartUpload={
                "Parts": [done[0], {"PartNumber": 7, "ETag": done[1]["ETag"]}]})
        self.assertCode(c, "InvalidPart", 400)
        with self.assertRaises(ClientError) as c:
            self.s3.complete_multipart_upload(Bucket=self.bucket, Key="mp/bad", UploadId=up,
                                              MultipartUpload={"Parts": [done[1], done[0]]})
        self.assertCode(c, "InvalidPartOrder", 400)
        # the upload survives failed completes
        self.s3.complete_multipart_upload(Bucket=self.bucket, Key="mp/bad", UploadId=up, MultipartUpload={"Parts": done})

    def test_abort_and_no_such_upload(self):
        up, _ = self.upload("mp/abort", [b"x" * 100])
        self.s3.abort_multipart_upload(Bucket=self.bucket, Key="mp/abort", UploadId=up)
        with self.assertRaises(ClientError) as c:
            self.s3.upload_part(Bucket=self.bucket, Key="mp/abort", UploadId=up, PartNumber=2, Body=b"y")
        self.assertCode(c, "NoSuchUpload", 404)
        with self.assertRaises(ClientError) as c:
            self.s3.complete_multipart_upload(Bucket=self.bucket, Key="mp/abort", UploadId="bogus-upload-id",
                                              MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": '"x"'}]})
        self.assertCode(c, "NoSuchUpload", 404)
        with self.assertRaises(ClientError):
            self.s3.head_object(Bucket=self.bucket, Key="mp/abort")

    def test_invalid_part_number(self):
        up = self.s3.create_multipart_upload(Bucket=self.bucket, Key="mp/pn")["UploadId"]
        for pn in (0, 10001):
            with self.assertRaises(ClientError) as c:
                self.s3.upload_part(Bucket=self.bucket, Key="mp/pn", UploadId=up, PartNumber=pn, Body=b"x")
            self.assertCode(c, "InvalidArgument", 400)
        self.s3.abort_multipart_upload(Bucket=self.bucket, Key="mp/pn", UploadId=up)

    def test_upload_part_copy(self):
        src = os.urandom(6 * MiB)
        self.put("mp/copysrc", src)
        up = self.s3.create_multipart_upload(Bucket=self.bucket, Key="mp/copydst")["UploadId"]
        r1 = self.s3.upload_part_copy(Bucket=self.bucket, Key="mp/copydst", UploadId=up, PartNumber=1,
                                      CopySource=f"{self.bucket}/mp/copysrc", CopySourceRange=f"bytes=0-{5 * MiB - 1}")
        r2 = self.s3.upload_part_copy(Bucket=self.bucket, Key="mp/copydst", UploadId=up, PartNumber=2,
                                      CopySource=f"{self.bucket}/mp/copysrc", CopySourceRange=f"bytes={5 * MiB}-{6 * MiB - 1}")
        self.s3.complete_multipart_upload(Bucket=self.bucket, Key="mp/copydst", UploadId=up, MultipartUpload={"Parts": [
            {"PartNumber": 1, "ETag": r1["CopyPartResult"]["ETag"]}, {"PartNumber": 2, "ETag": r2["CopyPartResult"]["ETag"]}]})
        self.assertEqual(sha(self.s3.get_object(Bucket=self.bucket, Key="mp/copydst")["Body"].read()), sha(src))

    def test_transfer_manager(self):
        """boto3's managed upload/download (threads, 8 MiB parts, ranged GETs on download)."""
        path = os.path.join(SRV.tmp, "tm.bin")
        want = harness.write_random_file(path, 40 * MiB + 5, seed=3)
        self.s3.upload_file(path, self.bucket, "mp/tm")
        out = path + ".down"
        self.s3.download_file(self.bucket, "mp/tm", out)
        self.assertEqual(harness.sha256_file(out), want)
        os.unlink(path)
        os.unlink(out)


class TestChecksums(Boto3Base):
    def test_put_with_checksums_and_get_checksum_mode(self):
        body = os.urandom(123457)
        for algo, want, field in (("CRC32", crc32_b64(body), "ChecksumCRC32"),
                                  ("SHA256", sha256_b64(body), "ChecksumSHA256")):
            key = f"ck/{algo}"
            r = self.put(key, body, ChecksumAlgorithm=algo)
            self.assertEqual(r.get(field), want, r)
            g = self.s3.get_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
            self.assertEqual(sha(g["Body"].read()), sha(body))  # botocore also validates the checksum here
            self.assertEqual(g.get(field), want, algo)
            h = self.s3.head_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
            self.assertEqual(h.get(field), want, algo)
            # without ChecksumMode the checksum is not returned
            g = self.s3.get_object(Bucket=self.bucket, Key=key)
            self.assertNotIn(field, g)

    def test_wrong_checksum_is_bad_digest(self):
        with self.assertRaises(ClientError) as c:
            self.put("ck/bad", b"payload", ChecksumCRC32=crc32_b64(b"other"))
        self.assertCode(c, "BadDigest", 400)
        with self.assertRaises(ClientError):
            self.s3.head_object(Bucket=self.bucket, Key="ck/bad")

    def test_multipart_sha256_checksums(self):
        parts = [os.urandom(5 * MiB), os.urandom(777)]
        up = self.s3.create_multipart_upload(Bucket=self.bucket, Key="ck/mp", ChecksumAlgorithm="SHA256")["UploadId"]
        done = []
        for i, p in enumerate(parts, 1):
            r = self.s3.upload_part(Bucket=self.bucket, Key="ck/mp", UploadId=up, PartNumber=i, Body=p,
                                    ChecksumAlgorithm="SHA256")
            self.assertEqual(r.get("ChecksumSHA256"), sha256_b64(p))
            done.append({"PartNumber": i, "ETag": r["ETag"], "ChecksumSHA256": r["ChecksumSHA256"]})
        self.s3.complete_multipart_upload(Bucket=self.bucket, Key="ck/mp", UploadId=up, MultipartUpload={"Parts": done})
        composite = base64.b64encode(hashlib.sha256(b"".join(hashlib.sha256(p).digest() for p in parts)).digest()).decode()
        h = self.s3.head_object(Bucket=self.bucket, Key="ck/mp", ChecksumMode="ENABLED")
        self.assertEqual(h.get("ChecksumSHA256"), composite + "-2")
        self.assertEqual(sha(self.s3.get_object(Bucket=self.bucket, Key="ck/mp")["Body"].read()), sha(b"".join(parts)))

    def test_content_md5(self):
        body = b"md5 checked body"
        ok = base64.b64encode(hashlib.md5(body).digest()).decode()
        self.put("md5/ok", body, ContentMD5=ok)
        with self.assertRaises(ClientError) as c:
            self.put("md5/bad", body, ContentMD5=base64.b64encode(hashlib.md5(b"x").digest()).decode())
        self.assertCode(c, "BadDigest", 400)
        with self.assertRaises(ClientError) as c:
            self.put("md5/bad", body, ContentMD5="not-base64!!")
        self.assertCode(c, "InvalidDigest", 400)
        with self.assertRaises(ClientError):
            self.s3.head_object(Bucket=self.bucket, Key="md5/bad")


class TestAuthErrors(Boto3Base):
    def test_bad_signature(self):
        bad = SRV.s3(secret_key=SRV.secret_key[:-2] + "xx")
        with self.assertRaises(ClientError) as c:
            bad.list_objects_v2(Bucket=self.bucket)
        self.assertCode(c, "SignatureDoesNotMatch", 403)
        with self.assertRaises(ClientError) as c:
            bad.put_object(Bucket=self.bucket, Key="auth/x", Body=b"nope")
        self.assertCode(c, "SignatureDoesNotMatch", 403)
        with self.assertRaises(ClientError):
            self.s3.head_object(Bucket=self.bucket, Key="auth/x")

    def test_unknown_access_key(self):
        bad = SRV.s3(access_key="AKIAUNKNOWNKEY000000", secret_key="x" * 40)
        with self.assertRaises(ClientError) as c:
            bad.list_buckets()
        self.assertCode(c, "InvalidAccessKeyId", 403)

    def test_anonymous_is_denied(self):
        anon = SRV.s3(signature_version=botocore.UNSIGNED)
        with self.assertRaises(ClientError) as c:
            anon.list_objects_v2(Bucket=self.bucket)
        self.assertCode(c, "AccessDenied", 403)

    def test_error_body_shape(self):
        st, h, body = SRV.request("GET", f"/{self.bucket}/missing-key")
        self.assertEqual(st, 404)
        self.assertEqual(harness.error_code(body), "NoSuchKey")
        self.assertIn(b"<Key>missing-key</Key>", body)
        self.assertTrue(h.get("x-amz-request-id"), h)
        self.assertIn(f"<RequestId>{h['x-amz-request-id']}</RequestId>".encode(), body)
        self.assertIn("xml", h.get("content-type", ""))


if __name__ == "__main__":
    harness.main()
