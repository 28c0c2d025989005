#!/usr/bin/python3
"""Prints requests signed by the real botocore signer (Debian python3-botocore), one JSON object per line.

Used by botocore_test.cc: nothing is sent anywhere; a before-send hook captures each prepared request and aborts.
Usage: botocore_requests.py ACCESS_KEY SECRET_KEY [SESSION_TOKEN]
"""
import base64
import json
import os
import sys
import urllib.parse

os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
os.environ["AWS_CONFIG_FILE"] = "/dev/null"
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"

import botocore.session  # noqa: E402
from botocore.config import Config  # noqa: E402

ENDPOINT = "http://127.0.0.1:9000"


class Captured(Exception):
    pass


def emit(name, method, url, headers, body):
    if body is None:
        body = b""
    elif hasattr(body, "read"):
        body = body.read()
    elif isinstance(body, str):
        body = body.encode()
    parts = urllib.parse.urlsplit(url)
    hdrs = [[k, v.decode() if isinstance(v, bytes) else v] for k, v in headers.items()]
    if not any(k.lower() == "host" for k, _ in hdrs):
        hdrs.insert(0, ["Host", parts.netloc])
    print(json.dumps({"name": name, "method": method, "path": parts.path or "/", "query": parts.query,
                      "headers": hdrs, "body": base64.b64encode(bytes(body)).decode()}))


def client(session, service, **cfg):
    return session.create_client(service, region_name="us-east-1", endpoint_url=ENDPOINT,
                                 config=Config(retries={"max_attempts": 1}, **cfg))


def capture(session, service, name, call, **cfg):
    c = client(session, service, **cfg)

    def hook(request, **kwargs):
        emit(name, request.method, request.url, request.headers, request.body)
        raise Captured()

    c.meta.events.register("before-send", hook)
    try:
        call(c)
    except Captured:
        pass


def main():
    access_key, secret = sys.argv[1], sys.argv[2]
    token = sys.argv[3] if len(sys.argv) > 3 else None
    session = botocore.session.get_session()
    session.set_credentials(access_key, secret, token)
    path = {"s3": {"addressing_style": "path"}}
    weird = "dir/a b+c~!'()*,;=:@$&.txt"
    capture(session, "s3", "put_object", lambda c: c.put_object(
        Bucket="bucket", Key=weird, Body=b"hello world", ContentType="text/plain",
        Metadata={"Color": "Blue  Green"}), s3=path["s3"])
    capture(session, "s3", "get_object_unicode", lambda c: c.get_object(
        Bucket="bucket", Key="ключ/файл ü.bin", Range="bytes=0-9"), s3=path["s3"])
    capture(session, "s3", "list_objects_v2", lambda c: c.list_objects_v2(
        Bucket="bucket", Prefix="a/b c+d", Delimiter="/", MaxKeys=10), s3=path["s3"])
    capture(session, "s3", "delete_objects", lambda c: c.delete_objects(
        Bucket="bucket", Delete={"Objects": [{"Key": "a"}, {"Key": "b&c"}]}), s3=path["s3"])
    capture(session, "s3", "create_multipart_upload", lambda c: c.create_multipart_upload(
        Bucket="bucket", Key="big"), s3=path["s3"])
    capture(session, "s3", "upload_part", lambda c: c.upload_part(
        Bucket="bucket", Key="big", UploadId="abc/def==", PartNumber=3, Body=b"x" * 1000), s3=path["s3"])
    capture(session, "s3", "put_object_sha256_checksum", lambda c: c.put_object(
        Bucket="bucket", Key="k", Body=b"checksummed", ChecksumAlgorithm="SHA256"), s3=path["s3"])
    capture(session, "s3", "head_bucket_virtual_host", lambda c: c.head_bucket(Bucket="bucket"),
            s3={"addressing_style": "virtual"})
    capture(session, "sts", "get_caller_identity", lambda c: c.get_caller_identity())
    capture(session, "iam", "list_users", lambda c: c.list_users(PathPrefix="/a b/"))
    s3 = client(session, "s3", signature_version="s3v4", s3=path["s3"])
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "bucket", "Key": weird}, ExpiresIn=600)
    emit("presigned_get_object", "GET", url, {}, b"")
    url = s3.generate_presigned_url("put_object", Params={"Bucket": "bucket", "Key": "up load"}, ExpiresIn=60)
    emit("presigned_put_object", "PUT", url, {}, b"uploaded bytes")
    # Signature Version 2: boto3 1.26's default for presigned URLs, and signature_version="s3" for requests.
    v2 = client(session, "s3", s3=path["s3"])
    url = v2.generate_presigned_url("get_object", Params={
        "Bucket": "bucket", "Key": weird, "ResponseContentDisposition": "attachment; filename=\"a b.txt\""},
        ExpiresIn=600)
    emit("v2_presigned_get_object", "GET", url, {}, b"")
    capture(session, "s3", "v2_put_object", lambda c: c.put_object(
        Bucket="bucket", Key=weird, Body=b"v2 body", ContentType="text/plain", Metadata={"a": "b"}),
        signature_version="s3", s3=path["s3"])
    capture(session, "s3", "v2_get_object_version", lambda c: c.get_object(
        Bucket="bucket", Key="k", VersionId="3/4=", ResponseContentType="text/x y"),
        signature_version="s3", s3=path["s3"])
    # (Bucket sub-resource calls such as get_bucket_acl are left out: botocore 1.29 signs them path-style as
    # "/bucket?acl?acl", which S3 rejects as well.)
    capture(session, "s3", "v2_list_objects", lambda c: c.list_objects(Bucket="bucket", Prefix="a b/", MaxKeys=5),
            signature_version="s3", s3=path["s3"])


if __name__ == "__main__":
    main()
