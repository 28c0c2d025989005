"""GitLab's real storage clients against the seed's layout as `podbucket up` provisions it (fixed policies; a second
`podbucket up --seed-exact` shows the seed's backups gap). Credentials come from the Pod Identity agent that `up`
runs (AWS_CONTAINER_CREDENTIALS_FULL_URI on 127.0.0.1 + the token file it keeps fresh), except where a client cannot
use it, as said per class:

- Container registry: Debian's docker-registry 2.8 (s3 driver) in the registry bucket. Its driver has no container-
  credentials provider (test-rig.md 1.3), so a wrapper fetches the role's credentials from the agent, hands them
  over as AWS_ACCESS_KEY_ID/SECRET/SESSION_TOKEN and restarts the registry before they expire. The storage section
  is `podbucket gitlab values --part registry-storage`, with redirects on so that skopeo fetches blobs through
  presigned URLs. skopeo pushes an OCI image built with umoci (3 layers, one of 21 MiB), pulls it back with equal
  digests, and a second push is deduplicated.
- Rails uploads: ruby-fog-aws 3.15 with CarrierWave 1.3, as GitLab's Rails uses them. fog 3.15 predates Pod
  Identity (it reads only AWS_CONTAINER_CREDENTIALS_RELATIVE_URI), so it gets the role session's credentials the
  agent hands out (an assumed-role session from EKS Auth) as static keys + session token.
- Workhorse-style direct upload with curl: presigned PUT, presigned multipart with part ETags checked against
  MD5, Complete through a presigned POST, Abort and Delete through presigned DELETEs, then an artifact ZIP read
  through Range GETs. The URLs are presigned with the pod's credentials (boto3's container provider).
- Backups: awscli with Pod Identity as `backup-utility --s3tool awscli` drives it: a 300 MiB backup tarball up
  (multipart), listed, pruned, fetched and restored through the tmp bucket; s3cmd with static keys (it has no
  container-credentials provider) of an IAM user holding the role's four policies. With --seed-exact, the pruning
  listing fails with AccessDenied.

Debian's botocore 1.29 reads AWS_CONTAINER_AUTHORIZATION_TOKEN but not the _FILE variable, so awscli and boto3 get
the token file's content (test-rig.md 4). Every process binds and talks to 127.0.0.1 only.
"""
import calendar
import hashlib
import io
import json
import os
import re
import signal
import struct
import subprocess
import sys
import tarfile
import threading
import time
import unittest
import urllib.request
import zipfile
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import UpServer, podbucket_cli as podbucket  # noqa: E402

MiB = 1 << 20
PREFIX = "example-gitlab-eks"
AWS = "/usr/bin/aws"
S3CMD = "/usr/bin/s3cmd"
CURL = "/usr/bin/curl"
RUBY = "/usr/bin/ruby"
REGISTRY = "/usr/bin/docker-registry"
UMOCI = "/usr/bin/umoci"
SKOPEO = "/usr/bin/skopeo"
ROLE_SESSION = f"assumed-role/{PREFIX}-eks-global/"

SRV = UpServer()
EXACT = UpServer(seed_exact=True)


def setUpModule():
    SRV.start()


def tearDownModule():
    try:
        SRV.stop()
    finally:
        EXACT.stop()


def bucket(suffix):
    return f"{PREFIX}-{suffix}"


def access_log(server, operation=None, since=0):
    """The server's JSON access-log entries (from `podbucket up`'s output), from entry number `since` on."""
    entries = []
    for line in server.log().splitlines():
        if line.startswith("{"):
            try:
                entries.append(json.loads(line))
            except ValueError:
                continue
    return [e for e in entries[since:] if operation is None or e.get("operation") == operation]


def log_mark(server):
    """The number of access-log entries so far (for access_log(since=...))."""
    return len(access_log(server))


def md5_hex(data):
    return hashlib.md5(data).hexdigest()


# ---- container registry -----------------------------------------------------------------------------------------

class PodIdentityRegistry:
    """docker-registry 2.8 under the wrapper the issue asks for: the role's credentials fetched from the agent,
    exported as env keys, and a restart scheduled `margin` seconds before they expire (the 2.8 driver never
    refreshes them itself)."""

    def __init__(self, server, config_path, port, log_path, margin=300):
        self.server, self.config_path, self.port, self.log_path, self.margin = server, config_path, port, log_path, margin
        self.proc = None
        self.timer = None
        self.starts = 0
        self.access_key_ids = []
        self._lock = threading.Lock()

    def start(self):
        creds = self.server.pod_credentials()
        self.access_key_ids.append(creds["AccessKeyId"])
        env = {"PATH": "/usr/bin:/bin", "HOME": str(self.server.home), "AWS_EC2_METADATA_DISABLED": "true",
               "AWS_ACCESS_KEY_ID": creds["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
               "AWS_SESSION_TOKEN": creds["Token"]}  # no AWS_CA_BUNDLE: it makes 2.8 panic (test-rig.md 1.4)
        self.starts += 1
        with open(self.log_path, "ab") as logf:
            self.proc = subprocess.Popen([REGISTRY, "serve", str(self.config_path)], stdout=logf,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
                        f"http://127.0.0.1:{self.port}/v2/", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"docker-registry exited with {self.proc.returncode}: {self.log()[-3000:]}")
                time.sleep(0.1)
        else:
            raise RuntimeError("docker-registry did not answer /v2/ within 30 s")
        expires = calendar.timegm(time.strptime(creds["Expiration"], "%Y-%m-%dT%H:%M:%SZ"))
        delay = max(1.0, expires - time.time() - self.margin)
        self.timer = threading.Timer(delay, self.restart)
        self.timer.daemon = True
        self.timer.start()
        return delay

    def _stop_process(self):
        if self.timer:
            self.timer.cancel()
            self.timer = None
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def restart(self):
        """Fresh credentials from the agent, then a new registry process with them."""
        with self._lock:
            self._stop_process()
            return self.start()

    def stop(self):
        with self._lock:
            self._stop_process()

    def log(self):
        return Path(self.log_path).read_text(errors="replace")


@unittest.skipUnless(all(os.path.exists(p) for p in (REGISTRY, UMOCI, SKOPEO)),
                     "docker-registry, umoci and skopeo are not installed (apt-get install docker-registry umoci skopeo)")
class TestContainerRegistry(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import yaml
        cls.work = SRV.tmp / "registry"
        cls.work.mkdir()
        cls.env = {"PATH": "/usr/bin:/bin", "HOME": str(cls.work), "LANG": "C.UTF-8",
                   "AWS_EC2_METADATA_DISABLED": "true"}
        # The image: 3 layers from scratch, the middle one 21 MiB of random bytes (multipart in 5 MiB chunks).
        layout, bundle = cls.work / "layout", cls.work / "bundle"
        cls.umoci("init", "--layout", str(layout))
        cls.umoci("new", "--image", f"{layout}:gl")
        cls.umoci("unpack", "--rootless", "--image", f"{layout}:gl", str(bundle))
        (bundle / "rootfs/etc").mkdir(parents=True)
        (bundle / "rootfs/app").mkdir(parents=True)
        (bundle / "rootfs/etc/gitlab-release").write_text("podbucket e2e\n")
        cls.umoci("repack", "--refresh-bundle", "--image", f"{layout}:gl", str(bundle))
        (bundle / "rootfs/app/random.bin").write_bytes(os.urandom(21 * MiB))
        cls.umoci("repack", "--refresh-bundle", "--image", f"{layout}:gl", str(bundle))
        (bundle / "rootfs/app/hello.sh").write_text("#!/bin/sh\necho hello\n")
        cls.umoci("repack", "--refresh-bundle", "--image", f"{layout}:gl", str(bundle))
        cls.umoci("config", "--image", f"{layout}:gl", "--tag", "v1", "--config.cmd", "/app/hello.sh")
        cls.layout = layout
        cls.policy = cls.work / "policy.json"
        cls.policy.write_text('{"default":[{"type":"insecureAcceptAnything"}]}')

        # The registry's storage section is exactly what `podbucket gitlab values` prints, plus the test's bits.
        storage = yaml.safe_load(podbucket("gitlab", "values", "--endpoint", SRV.endpoint,
                                           "--part", "registry-storage").stdout)
        s3 = dict(storage["s3"])
        assert "accesskey" not in s3 and "secretkey" not in s3
        s3.update(rootdirectory="/", chunksize=5 * MiB)
        cls.port = harness.free_port()
        config = {"version": 0.1, "log": {"level": "info", "fields": {"service": "registry"}},
                  "storage": {"s3": s3, "delete": {"enabled": True}, "cache": {"blobdescriptor": "inmemory"},
                              # Redirects on: skopeo follows 307s to presigned GET/HEAD URLs on podbucket.
                              "redirect": {"disable": False}},
                  "http": {"addr": f"127.0.0.1:{cls.port}"}}
        cls.config = cls.work / "config.yml"
        cls.config.write_text(yaml.safe_dump(config))
        cls.registry = PodIdentityRegistry(SRV, cls.config, cls.port, cls.work / "registry.log")
        cls.registry.start()

    @classmethod
    def tearDownClass(cls):
        cls.registry.stop()

    @classmethod
    def umoci(cls, *args):
        return harness.run_cli([UMOCI, *args], cls.env, timeout=120)

    def skopeo(self, *args):
        return harness.run_cli([SKOPEO, "--policy", str(self.policy), *args], self.env, timeout=300)

    def manifest_digest(self, layout_dir, tag):
        index = json.loads((Path(layout_dir) / "index.json").read_text())
        return next(m["digest"] for m in index["manifests"]
                    if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag)

    def blob_keys(self):
        s3 = SRV.s3()
        keys = []
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket("registry"),
                                                                 Prefix="docker/registry/v2/blobs/"):
            keys += [o["Key"] for o in page.get("Contents", [])]
        return sorted(keys)

    def test_1_push_and_pull_through_s3(self):
        ref = f"docker://127.0.0.1:{self.port}/gitlab/demo"
        mark = log_mark(SRV)
        self.skopeo("copy", "--dest-tls-verify=false", f"oci:{self.layout}:v1", f"{ref}:v1")
        pulled = self.work / "pulled"
        self.skopeo("copy", "--src-tls-verify=false", f"{ref}:v1", f"oci:{pulled}:v1")
        want = self.manifest_digest(self.layout, "v1")
        self.assertEqual(self.manifest_digest(pulled, "v1"), want)
        inspected = json.loads(self.skopeo("inspect", "--tls-verify=false", f"{ref}:v1").stdout)
        self.assertEqual(inspected["Digest"], want)
        manifest = json.loads((self.layout / "blobs" / "sha256" / want.split(":")[1]).read_text())
        self.assertEqual(len(manifest["layers"]), 3)
        self.assertGreater(max(l["size"] for l in manifest["layers"]), 20 * MiB)
        for blob in manifest["layers"] + [manifest["config"]]:
            digest = blob["digest"].split(":")[1]
            data = (pulled / "blobs" / "sha256" / digest).read_bytes()
            self.assertEqual(hashlib.sha256(data).hexdigest(), digest)
        # Every S3 call of the push and the pull was made by the role's session (no other key exists here).
        calls = access_log(SRV, since=mark)
        self.assertTrue(calls)
        self.assertEqual([e for e in calls if ROLE_SESSION not in e.get("principal", "")], [])
        self.assertTrue(any(e["operation"] == "GetObject" for e in calls))
        # The driver's multipart writer was used for the 21 MiB layer (5 MiB chunks).
        self.assertGreaterEqual(len([e for e in calls if e["operation"] == "UploadPart"]), 4)
        # Every blob is in the registry bucket, under the registry's layout, encrypted by the bucket default.
        keys = self.blob_keys()
        for blob in manifest["layers"] + [manifest["config"]]:
            digest = blob["digest"].split(":")[1]
            key = f"docker/registry/v2/blobs/sha256/{digest[:2]}/{digest}/data"
            self.assertIn(key, keys)
        head = SRV.s3().head_object(Bucket=bucket("registry"), Key=key)
        self.assertEqual(head["ServerSideEncryption"], "aws:kms")
        # The pull went through presigned redirects: 307 from the registry, presigned GETs on podbucket made
        # with the role session's credentials.
        self.assertRegex(self.registry.log(), r'"GET /v2/gitlab/demo/blobs/sha256:[0-9a-f]+ HTTP/1.1" 307')
        type(self).keys_after_first_push = keys

    def test_2_second_push_is_deduplicated(self):
        ref = f"docker://127.0.0.1:{self.port}/gitlab/demo"
        uploads_before = len(re.findall(r'"POST /v2/gitlab/demo/blobs/uploads/', self.registry.log()))
        self.skopeo("copy", "--dest-tls-verify=false", f"oci:{self.layout}:v1", f"{ref}:v2")
        log = self.registry.log()
        # Same repository: every blob is found by HEAD (redirected to a presigned HEAD), nothing is uploaded.
        self.assertEqual(len(re.findall(r'"POST /v2/gitlab/demo/blobs/uploads/', log)), uploads_before)
        self.assertRegex(log, r'"HEAD /v2/gitlab/demo/blobs/sha256:[0-9a-f]+ HTTP/1.1" 307')
        # Another repository: skopeo sends the layers again, the registry stores each digest once.
        self.skopeo("copy", "--dest-tls-verify=false", f"oci:{self.layout}:v1",
                    f"docker://127.0.0.1:{self.port}/gitlab/other:v1")
        self.assertEqual(self.blob_keys(), self.keys_after_first_push)
        digest = self.manifest_digest(self.layout, "v1")
        for repo, tag in (("demo", "v2"), ("other", "v1")):
            inspected = json.loads(self.skopeo("inspect", "--tls-verify=false",
                                               f"docker://127.0.0.1:{self.port}/gitlab/{repo}:{tag}").stdout)
            self.assertEqual(inspected["Digest"], digest)

    def test_3_restart_with_fresh_credentials(self):
        # What the wrapper does before Expiration: fetch again, restart. The registry serves on afterwards.
        self.assertGreater(self.registry.restart(), 60)
        self.assertEqual(self.registry.starts, 2)
        pulled = self.work / "pulled-after-restart"
        self.skopeo("copy", "--src-tls-verify=false", f"docker://127.0.0.1:{self.port}/gitlab/demo:v1",
                    f"oci:{pulled}:v1")
        self.assertEqual(self.manifest_digest(pulled, "v1"), self.manifest_digest(self.layout, "v1"))


# ---- Rails: fog-aws + CarrierWave -------------------------------------------------------------------------------

FOG_SCRIPT = r'''
require 'fog/aws'
require 'carrierwave'
require 'digest'
require 'json'
require 'net/http'
require 'uri'

def check(cond, what)
  raise "FAILED: #{what}" unless cond
  puts "ok #{what}"
end

def http_get(url, headers = {})
  uri = URI(url)
  Net::HTTP.start(uri.host, uri.port) do |h|
    req = Net::HTTP::Get.new(uri.request_uri)
    headers.each { |k, v| req[k] = v }
    h.request(req)
  end
end

bucket = ENV.fetch('BUCKET')
work = ENV.fetch('WORK')
tag = ENV.fetch('TAG')
CREDS = { provider: 'AWS', aws_access_key_id: ENV.fetch('AK'), aws_secret_access_key: ENV.fetch('SK'),
          aws_session_token: ENV.fetch('TOKEN'), region: ENV.fetch('REGION'), endpoint: ENV.fetch('S3_ENDPOINT'),
          path_style: true, aws_signature_version: 4,
          enable_signature_v4_streaming: ENV.fetch('STREAMING') == 'true' }

s3 = Fog::Storage.new(CREDS)
dir = s3.directories.new(key: bucket)

# Store and read, as Rails does for its own writes.
tmp_key = "tmp/uploads/#{tag}-hello.txt"
dir.files.create(key: tmp_key, body: "hello from fog\n", content_type: 'text/plain')
check(dir.files.get(tmp_key).body == "hello from fog\n", 'read back')
head = dir.files.head(tmp_key)
check(head.content_length == 15 && head.content_type == 'text/plain', 'head')

# A presigned GET with response-content-disposition, as Rails hands to browsers and Workhorse.
url = dir.files.new(key: tmp_key).url(Time.now + 300,
                                      query: { 'response-content-disposition' => 'attachment; filename="hello.txt"' })
check(url.include?('X-Amz-Security-Token='), 'presigned URL carries the session token')
res = http_get(url)
check(res.code == '200' && res.body == "hello from fog\n", 'presigned GET')
check(res['Content-Disposition'] == 'attachment; filename="hello.txt"', 'response-content-disposition')
res = http_get(url.sub(/X-Amz-Signature=[0-9a-f]+/, 'X-Amz-Signature=' + '0' * 64))
check(res.code == '403', 'tampered presigned GET refused')

# Finalize a direct upload: copy tmp/uploads/ID to the final key, then delete the temp object.
final_key = "@final/#{tag}/hello.txt"
dir.files.get(tmp_key).copy(bucket, final_key)
check(dir.files.get(final_key).body == "hello from fog\n", 'copy to the final key')
dir.files.new(key: tmp_key).destroy
check(dir.files.head(tmp_key).nil?, 'temp object deleted')

# Multipart for a large file (5 MiB parts), then a multipart copy (UploadPartCopy, as s3_multithreaded_uploads).
big = File.join(work, 'big.bin')
big_key = "@final/#{tag}/big.bin"
File.open(big, 'rb') { |io| dir.files.create(key: big_key, body: io, multipart_chunk_size: 5 * 1024 * 1024) }
big_head = dir.files.head(big_key)
check(big_head.etag.end_with?('-3'), "multipart ETag #{big_head.etag}")
check(Digest::MD5.hexdigest(dir.files.get(big_key).body) == Digest::MD5.file(big).hexdigest, 'multipart round trip')
source = dir.files.head(big_key)
source.multipart_chunk_size = 5 * 1024 * 1024
source.copy(bucket, "#{big_key}.copy")
copied = dir.files.head("#{big_key}.copy")
check(copied.content_length == File.size(big) && copied.etag.end_with?('-3'), "multipart copy #{copied.etag}")

# Listing (ListObjects v1, fog get_bucket), as cleanup tasks do.
listed = s3.get_bucket(bucket, 'prefix' => "@final/#{tag}/").body['Contents'].map { |c| c['Key'] }.sort
check(listed == ["@final/#{tag}/big.bin", "@final/#{tag}/big.bin.copy", "@final/#{tag}/hello.txt"], 'list v1')

# CarrierWave as GitLab's uploaders use it: store, authenticated URL, retrieve, copy_to, remove.
CarrierWave.configure do |c|
  c.fog_provider = 'fog/aws'
  c.fog_credentials = CREDS
  c.fog_directory = bucket
  c.fog_public = false
  c.fog_authenticated_url_expiration = 300
  c.cache_dir = File.join(work, 'carrierwave-cache')
end
class GitlabUploader < CarrierWave::Uploader::Base
  storage :fog
  def store_dir
    "uploads/#{ENV.fetch('TAG')}"
  end
end
avatar = File.join(work, 'avatar.txt')
File.write(avatar, "an avatar\n")
up = GitlabUploader.new
up.store!(File.open(avatar))
check(up.url.include?("/#{bucket}/uploads/#{tag}/avatar.txt?"), 'carrierwave url is path-style and presigned')
res = http_get(up.url(query: { 'response-content-disposition' => 'inline' }))
check(res.code == '200' && res.body == "an avatar\n" && res['Content-Disposition'] == 'inline', 'carrierwave url')
again = GitlabUploader.new
again.retrieve_from_store!('avatar.txt')
check(again.file.read == "an avatar\n", 'carrierwave retrieve')
moved = again.file.copy_to("uploads/#{tag}/final/avatar.txt")
check(moved.read == "an avatar\n", 'carrierwave copy_to')
again.remove!
check(dir.files.head("uploads/#{tag}/avatar.txt").nil?, 'carrierwave remove')
puts 'ALL OK'
'''


@unittest.skipUnless(os.path.exists(RUBY), "ruby is not installed")
class TestRailsFogCarrierWave(unittest.TestCase):
    """fog-aws 3.15 predates Pod Identity, so it runs with the role session's credentials from the agent (an
    assumed-role session), passed as static keys + session token."""

    @classmethod
    def setUpClass(cls):
        probe = subprocess.run([RUBY, "-e", "require 'fog/aws'; require 'carrierwave'"], capture_output=True,
                               env={"PATH": "/usr/bin:/bin"})
        if probe.returncode != 0:
            raise unittest.SkipTest("ruby-fog-aws and ruby-carrierwave are not installed")
        cls.work = SRV.tmp / "fog"
        cls.work.mkdir()
        cls.script = cls.work / "rails_storage.rb"
        cls.script.write_text(FOG_SCRIPT)
        harness.write_random_file(cls.work / "big.bin", 12 * MiB + 12345, seed=7)

    def run_fog(self, bucket_name, tag, streaming):
        """Runs the script; returns the access-log entries of its requests."""
        mark = log_mark(SRV)
        creds = SRV.pod_credentials()
        env = {"PATH": "/usr/bin:/bin", "HOME": str(self.work), "LANG": "C.UTF-8",
               "AWS_EC2_METADATA_DISABLED": "true", "BUCKET": bucket_name, "WORK": str(self.work), "TAG": tag,
               "AK": creds["AccessKeyId"], "SK": creds["SecretAccessKey"], "TOKEN": creds["Token"],
               "REGION": "us-east-1", "S3_ENDPOINT": SRV.endpoint, "STREAMING": "true" if streaming else "false"}
        p = harness.run_cli([RUBY, str(self.script)], env, cwd=str(self.work), timeout=300, check=False)
        self.assertEqual(p.returncode, 0, f"stdout:\n{p.stdout[-3000:]}\nstderr:\n{p.stderr[-3000:]}")
        self.assertTrue(p.stdout.rstrip().endswith("ALL OK"), p.stdout[-2000:])
        calls = access_log(SRV, since=mark)
        # All by the role's session, except the one tampered presigned GET (anonymous after the failed check).
        self.assertEqual([(e["operation"], e["status"]) for e in calls if ROLE_SESSION not in e.get("principal", "")
                          and e["status"] != 403], [])
        return calls

    def test_1_uploads_bucket_gitlab_defaults(self):
        """GitLab's setting since 17.4: enable_signature_v4_streaming false (UNSIGNED-PAYLOAD for IO bodies)."""
        calls = self.run_fog(bucket("uploads"), "rails-a", streaming=False)
        s3 = SRV.s3()
        head = s3.head_object(Bucket=bucket("uploads"), Key="@final/rails-a/hello.txt")
        self.assertEqual(head["ServerSideEncryption"], "aws:kms")
        # Versioning keeps the deleted temp object as a noncurrent version behind a delete marker.
        versions = s3.list_object_versions(Bucket=bucket("uploads"), Prefix="tmp/uploads/rails-a-hello.txt")
        self.assertEqual(len(versions.get("DeleteMarkers", [])), 1)
        self.assertEqual(len(versions.get("Versions", [])), 1)
        # fog's multipart copy: UploadPartCopy in 5 MiB ranges; its CopyObject for the small file.
        ops = [e["operation"] for e in calls]
        self.assertEqual(ops.count("UploadPartCopy"), 3)
        self.assertIn("CopyObject", ops)
        self.assertIn("ListObjects", ops)  # fog's get_bucket is ListObjects v1

    def test_2_lfs_bucket_fog_streaming_signatures(self):
        """fog 3.15's own default: STREAMING-AWS4-HMAC-SHA256-PAYLOAD over HTTP chunked for IO bodies."""
        self.run_fog(bucket("lfs"), "rails-b", streaming=True)
        body = SRV.s3().get_object(Bucket=bucket("lfs"), Key="@final/rails-b/big.bin")["Body"].read()
        self.assertEqual(hashlib.sha256(body).hexdigest(), harness.sha256_file(self.work / "big.bin"))


# ---- Workhorse-style direct upload with curl --------------------------------------------------------------------

@unittest.skipUnless(os.path.exists(CURL), "curl is not installed")
class TestWorkhorseDirectUpload(unittest.TestCase):
    """Presigned mode (non-consolidated object storage): Rails presigns, Workhorse sends with plain HTTP. The
    presigning credentials are the pod's (boto3's container provider through the agent)."""

    @classmethod
    def setUpClass(cls):
        import botocore.config
        cls.work = SRV.tmp / "workhorse"
        cls.work.mkdir()
        cls.s3 = SRV.pod_session().client(
            "s3", endpoint_url=SRV.endpoint, region_name="us-east-1",
            config=botocore.config.Config(signature_version="s3v4", s3={"addressing_style": "path"},
                                          retries={"max_attempts": 1}))

    def presign(self, method, expires=4 * 3600 + 15 * 60, **params):
        return self.s3.generate_presigned_url(method, Params=params, ExpiresIn=expires)

    def curl(self, *args):
        """curl -sS with the response headers written to a file; returns (status, headers, body bytes)."""
        hdr = self.work / "headers.txt"
        out = self.work / "body.out"
        p = subprocess.run([CURL, "-sS", "--noproxy", "*", "-D", str(hdr), "-o", str(out), *args],
                           capture_output=True, timeout=120, env={"PATH": "/usr/bin:/bin"})
        self.assertEqual(p.returncode, 0, p.stderr)
        blocks = hdr.read_bytes().decode("latin-1").strip().split("\r\n\r\n")
        lines = blocks[-1].split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        return status, headers, out.read_bytes()

    def test_1_presigned_put_then_delete(self):
        key = "tmp/uploads/1700000000-4242-0001-9876-presigned-put"
        data = os.urandom(3 * MiB + 17)
        src = self.work / "put.bin"
        src.write_bytes(data)
        status, headers, _ = self.curl("-X", "PUT", "-T", str(src),
                                       self.presign("put_object", Bucket=bucket("artifacts"), Key=key))
        self.assertEqual(status, 200)
        # Workhorse compares the ETag with the body's MD5 (even under SSE-KMS, F2).
        self.assertEqual(headers["etag"].strip('"'), md5_hex(data))
        self.assertEqual(headers["x-amz-server-side-encryption"], "aws:kms")
        status, _, body = self.curl(self.presign("get_object", Bucket=bucket("artifacts"), Key=key))
        self.assertEqual((status, body), (200, data))
        status, _, _ = self.curl("-X", "DELETE", self.presign("delete_object", Bucket=bucket("artifacts"), Key=key))
        self.assertEqual(status, 204)
        status, _, _ = self.curl(self.presign("get_object", Bucket=bucket("artifacts"), Key=key))
        self.assertEqual(status, 404)

    def multipart_upload(self, bucket_name, key, data, part_size):
        """Rails initiates, presigns the part URLs and the Complete URL; Workhorse PUTs each part with curl and
        checks its ETag against the part's MD5, then POSTs the Complete XML."""
        upload_id = self.s3.create_multipart_upload(Bucket=bucket_name, Key=key)["UploadId"]
        parts = []
        for n, off in enumerate(range(0, len(data), part_size), start=1):
            chunk = data[off:off + part_size]
            part = self.work / f"part-{n}"
            part.write_bytes(chunk)
            url = self.presign("upload_part", Bucket=bucket_name, Key=key, UploadId=upload_id, PartNumber=n)
            status, headers, _ = self.curl("-X", "PUT", "-T", str(part), url)
            self.assertEqual(status, 200)
            self.assertEqual(headers["etag"].strip('"'), md5_hex(chunk), f"part {n}")
            parts.append((n, headers["etag"]))
        xml = "<CompleteMultipartUpload>" + "".join(
            f"<Part><PartNumber>{n}</PartNumber><ETag>{etag}</ETag></Part>" for n, etag in parts) + \
            "</CompleteMultipartUpload>"
        complete = self.work / "complete.xml"
        complete.write_text(xml)
        url = self.presign("complete_multipart_upload", Bucket=bucket_name, Key=key, UploadId=upload_id)
        status, _, body = self.curl("-X", "POST", "-H", "Content-Type: application/xml", "--data-binary",
                                    f"@{complete}", url)
        self.assertEqual(status, 200, body)
        self.assertNotIn(b"<Error>", body)  # Workhorse reads the 200 body for an <Error>
        self.assertIn(b"<CompleteMultipartUploadResult", body)
        return len(parts)

    def test_2_presigned_multipart_then_artifact_reads_by_range(self):
        # A CI artifacts archive: a real ZIP, stored in 5 MiB parts (Rails rounds part sizes up to 5 MiB).
        buf = io.BytesIO()
        entries = {"metadata/job.json": b'{"id": 4242}', "coverage/index.html": b"<html>coverage</html>" * 50,
                   "bin/tool": os.urandom(6 * MiB)}
        with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as z:
            for name, data in entries.items():
                z.writestr(name, data)
        archive = buf.getvalue()
        key = "tmp/uploads/1700000000-4242-0002-9876-artifacts.zip"
        n = self.multipart_upload(bucket("artifacts"), key, archive, 5 * MiB)
        self.assertEqual(n, 2)
        url = self.presign("get_object", Bucket=bucket("artifacts"), Key=key)

        # Workhorse's httprs: a first GET learns the size from Content-Length, then Range reads.
        status, headers, body = self.curl("-r", "0-3", url)
        self.assertEqual(status, 206)
        self.assertEqual(body, b"PK\x03\x04")
        self.assertEqual(headers["content-range"], f"bytes 0-3/{len(archive)}")
        size = len(archive)
        status, headers, eocd = self.curl("-r", f"{size - 22}-", url)
        self.assertEqual((status, len(eocd)), (206, 22))
        self.assertEqual(eocd[:4], b"PK\x05\x06")
        cd_size, cd_offset = struct.unpack("<II", eocd[12:20])
        status, _, cd = self.curl("-r", f"{cd_offset}-{cd_offset + cd_size - 1}", url)
        self.assertEqual(status, 206)
        # Walk the central directory and read one entry's bytes through its own Range.
        pos, found = 0, {}
        while pos < len(cd):
            (sig, _, _, _, _, _, _, _, csize, _, nlen, elen, clen, _, _, _, local) = struct.unpack(
                "<IHHHHHHIIIHHHHHII", cd[pos:pos + 46])
            self.assertEqual(sig, 0x02014B50)
            found[cd[pos + 46:pos + 46 + nlen].decode()] = (local, csize)
            pos += 46 + nlen + elen + clen
        self.assertEqual(set(found), set(entries))
        local, csize = found["coverage/index.html"]
        status, _, header = self.curl("-r", f"{local}-{local + 29}", url)
        nlen, elen = struct.unpack("<HH", header[26:30])
        start = local + 30 + nlen + elen
        status, _, data = self.curl("-r", f"{start}-{start + csize - 1}", url)
        self.assertEqual((status, data), (206, entries["coverage/index.html"]))
        # Past the end: 416 with the size.
        status, headers, _ = self.curl("-r", f"{size + 10}-", url)
        self.assertEqual(status, 416)
        self.assertEqual(headers.get("content-range"), f"bytes */{size}")
        # No gzip even when asked: Workhorse disables compression and counts on exact lengths.
        status, headers, body = self.curl("-H", "Accept-Encoding: gzip", url)
        self.assertEqual((status, int(headers["content-length"]), len(body)), (200, size, size))
        self.assertNotIn("content-encoding", headers)

    def test_3_presigned_abort(self):
        key = "tmp/uploads/1700000000-4242-0003-9876-aborted"
        upload_id = self.s3.create_multipart_upload(Bucket=bucket("lfs"), Key=key)["UploadId"]
        part = self.work / "abort-part"
        part.write_bytes(os.urandom(5 * MiB))
        url = self.presign("upload_part", Bucket=bucket("lfs"), Key=key, UploadId=upload_id, PartNumber=1)
        self.assertEqual(self.curl("-X", "PUT", "-T", str(part), url)[0], 200)
        # The fixed s3 policy grants s3:AbortMultipartUpload, so Workhorse's AbortURL works.
        url = self.presign("abort_multipart_upload", Bucket=bucket("lfs"), Key=key, UploadId=upload_id)
        self.assertEqual(self.curl("-X", "DELETE", url)[0], 204)
        uploads = SRV.s3().list_multipart_uploads(Bucket=bucket("lfs"), Prefix=key).get("Uploads", [])
        self.assertEqual(uploads, [])


# ---- Backups: backup-utility with awscli (Pod Identity) and s3cmd (static keys) ---------------------------------

def make_backup_tarball(path, size, lfs_files):
    """A GitLab-style backup tar: the lfs objects, then padding to `size` bytes (pseudo-random, incompressible)."""
    with tarfile.open(path, "w") as tar:
        for name, data in lfs_files.items():
            info = tarfile.TarInfo(f"lfs/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        used = sum(512 + ((len(d) + 511) // 512) * 512 for d in lfs_files.values())
        pad = size - used - 512 - 1024 - 10240  # header + end-of-archive blocks + the default record rounding
        info = tarfile.TarInfo("db/database.sql.gz")
        info.size = max(0, pad - pad % 512)
        tar.addfile(info, harness.PseudoRandomStream(info.size, seed=11))


@unittest.skipUnless(os.path.exists(AWS), "Debian awscli (/usr/bin/aws) is not installed")
class TestBackupsWithAwscli(unittest.TestCase):
    """`backup-utility --s3tool awscli --aws-s3-endpoint-url EP --aws-region R` steps, with the pod's credentials."""

    @classmethod
    def setUpClass(cls):
        cls.work = SRV.tmp / "backups"
        cls.work.mkdir()
        cls.env = SRV.pod_env(home=cls.work)

    def aws(self, *args, check=True):
        return harness.run_cli([AWS, "--endpoint-url", SRV.endpoint, "--region", "us-east-1", *args], self.env,
                               timeout=600, check=check)

    def test_backup_prune_restore(self):
        backups, tmp, lfs = bucket("backups"), bucket("tmp"), bucket("lfs")
        # Current data in the lfs bucket (what the restore replaces and stages in tmp first).
        current = {"4e/07/current-a": os.urandom(1000), "9a/bc/current-b": os.urandom(200_000)}
        for name, data in current.items():
            (self.work / "cur").mkdir(exist_ok=True)
            (self.work / "cur" / name.replace("/", "_")).write_bytes(data)
            self.aws("s3", "cp", str(self.work / "cur" / name.replace("/", "_")), f"s3://{lfs}/{name}")

        # Backup: the tarball goes up with `aws s3 cp` (multipart, 8 MiB parts), next to two older backups.
        restored_lfs = {"4e/07/4e07408562bedb8b60ce05c1decfe3ad": os.urandom(70_000),
                        "ff/00/ff00aa": os.urandom(3000)}
        tarball = self.work / "1700000000_2023_11_14_16.5.1_gitlab_backup.tar"
        make_backup_tarball(tarball, 300 * MiB, restored_lfs)
        self.assertGreater(tarball.stat().st_size, 299 * MiB)
        for old in ("1600000000_2020_09_13_13.4.0_gitlab_backup.tar", "1650000000_2022_04_15_14.10.0_gitlab_backup.tar"):
            (self.work / old).write_bytes(os.urandom(1024))
            self.aws("s3", "cp", str(self.work / old), f"s3://{backups}/{old}")
        started = time.time()
        self.aws("s3", "cp", str(tarball), f"s3://{backups}/{tarball.name}")
        upload_s = time.time() - started
        head = json.loads(self.aws("s3api", "head-object", "--bucket", backups, "--key", tarball.name).stdout)
        self.assertEqual(head["ContentLength"], tarball.stat().st_size)
        self.assertRegex(head["ETag"], r'^"[0-9a-f]{32}-38"$')  # 300 MiB in awscli's 8 MiB parts
        self.assertEqual(head["ServerSideEncryption"], "aws:kms")

        # Prune (--maximum-backups 1): list, keep the newest by timestamp, remove the others.
        listing = self.aws("s3", "ls", f"s3://{backups}/").stdout
        names = sorted(re.findall(r"(\d{10}_\S+_gitlab_backup\.tar)", listing))
        self.assertEqual(len(names), 3)
        for name in names[:-1]:
            self.aws("s3", "rm", f"s3://{backups}/{name}")
        self.assertEqual(re.findall(r"(\d{10}_\S+_gitlab_backup\.tar)", self.aws("s3", "ls", f"s3://{backups}/").stdout),
                         [tarball.name])

        # Restore: fetch the tarball, keep a copy of the current data in the tmp bucket, empty the bucket, upload.
        fetched = self.work / "fetched.tar"
        started = time.time()
        self.aws("s3", "cp", f"s3://{backups}/{tarball.name}", str(fetched))
        download_s = time.time() - started
        self.assertEqual(harness.sha256_file(fetched), harness.sha256_file(tarball))
        tarball.unlink()
        stamp = "lfs.1700000500"
        self.aws("s3", "sync", f"s3://{lfs}/", f"s3://{tmp}/{stamp}/")
        self.aws("s3", "rm", "--recursive", f"s3://{lfs}/")
        out = self.work / "restore"
        with tarfile.open(fetched) as tar:
            tar.extractall(out, members=[m for m in tar.getmembers() if m.name.startswith("lfs/")])
        fetched.unlink()
        self.aws("s3", "sync", str(out / "lfs"), f"s3://{lfs}/")

        s3 = SRV.s3()
        now = {o["Key"]: s3.get_object(Bucket=lfs, Key=o["Key"])["Body"].read()
               for o in s3.list_objects_v2(Bucket=lfs).get("Contents", [])
               if not o["Key"].startswith(("tmp/", "@final/", "uploads/"))}
        self.assertEqual(now, restored_lfs)
        staged = {o["Key"][len(stamp) + 1:]: s3.get_object(Bucket=tmp, Key=o["Key"])["Body"].read()
                  for o in s3.list_objects_v2(Bucket=tmp, Prefix=stamp + "/").get("Contents", [])}
        self.assertEqual({k: v for k, v in staged.items() if k in current}, current)
        print(f"\n300 MiB backup: up {upload_s:.1f} s, down {download_s:.1f} s", file=sys.stderr)

    def test_missing_backup_is_404(self):
        # With ListBucket on the backups bucket (a fix to the seed), a missing backup reads as 404, not 403.
        p = self.aws("s3api", "head-object", "--bucket", bucket("backups"), "--key", "0_missing_gitlab_backup.tar",
                     check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("(404)", p.stderr)


@unittest.skipUnless(os.path.exists(S3CMD), "s3cmd is not installed")
class TestBackupsWithS3cmd(unittest.TestCase):
    """The toolbox's default s3cmd has no container-credentials provider (spec F3): static keys of an IAM user that
    holds the role's four policies."""

    @classmethod
    def setUpClass(cls):
        cls.work = SRV.tmp / "s3cmd"
        cls.work.mkdir()
        cls.cfg = s3cmd_config(SRV, cls.work, "gitlab-toolbox-s3cmd")

    def s3cmd(self, *args, check=True):
        return harness.run_cli([S3CMD, "-c", str(self.cfg), "--no-progress", *args],
                               {"PATH": "/usr/bin:/bin", "HOME": str(self.work), "LANG": "C.UTF-8"},
                               timeout=600, check=check)

    def test_put_list_get_sync_delete(self):
        backups, tmp, uploads = bucket("backups"), bucket("tmp"), bucket("uploads")
        src = self.work / "1700000100_gitlab_backup.tar"
        harness.write_random_file(src, 40 * MiB + 5, seed=3)
        self.s3cmd("put", str(src), f"s3://{backups}/{src.name}")  # multipart, 15 MiB chunks
        self.assertIn(src.name, self.s3cmd("ls", f"s3://{backups}/").stdout)
        got = self.work / "got.tar"
        self.s3cmd("get", str(f"s3://{backups}/{src.name}"), str(got))
        self.assertEqual(harness.sha256_file(got), harness.sha256_file(src))
        # Restore staging with s3cmd: server-side copies from a bucket into tmp. s3cmd reads the source's ACL to
        # carry it over (s3:GetObjectAcl), which none of the seed's policies grant (AWS refuses it the same way);
        # with --acl-private it does not ask.
        for i in range(3):
            (self.work / f"u{i}").write_bytes(os.urandom(5000 + i))
            self.s3cmd("put", str(self.work / f"u{i}"), f"s3://{uploads}/s3cmd/u{i}")
        p = self.s3cmd("sync", f"s3://{uploads}/s3cmd/", f"s3://{tmp}/uploads.1700000100/", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("not authorized to perform: s3:GetObjectAcl", p.stderr)
        self.s3cmd("sync", "--acl-private", f"s3://{uploads}/s3cmd/", f"s3://{tmp}/uploads.1700000100/")
        staged = self.s3cmd("ls", f"s3://{tmp}/uploads.1700000100/").stdout
        self.assertEqual(len(re.findall(r"uploads\.1700000100/u\d", staged)), 3)
        # Empty with s3cmd's batch delete (DeleteObjects with Content-MD5), then prune the backup.
        self.s3cmd("del", "--force", "--recursive", f"s3://{uploads}/s3cmd/")
        self.assertNotIn("s3cmd/u", self.s3cmd("ls", "--recursive", f"s3://{uploads}/").stdout)
        self.s3cmd("del", f"s3://{backups}/{src.name}")
        self.assertNotIn(src.name, self.s3cmd("ls", f"s3://{backups}/").stdout)


def s3cmd_config(server, work, user):
    """An IAM user with the layout role's managed policies attached, and an .s3cfg with its static keys."""
    iam = server.client("iam")
    iam.create_user(UserName=user)
    for attached in iam.list_attached_role_policies(RoleName=f"{PREFIX}-eks-global")["AttachedPolicies"]:
        iam.attach_user_policy(UserName=user, PolicyArn=attached["PolicyArn"])
    key = iam.create_access_key(UserName=user)["AccessKey"]
    cfg = work / "s3cfg"
    hostport = f"127.0.0.1:{server.port}"
    cfg.write_text("\n".join([
        "[default]", f"access_key = {key['AccessKeyId']}", f"secret_key = {key['SecretAccessKey']}",
        f"host_base = {hostport}", f"host_bucket = {hostport}",
        "bucket_location = us-east-1",  # no GET ?location: only the registry policy grants s3:GetBucketLocation
        "use_https = False", "signature_v2 = False", "multipart_chunk_size_mb = 15", ""]))
    return cfg


class TestSeedExactBackups(unittest.TestCase):
    """`podbucket up --seed-exact`: the seed's backups policy has no s3:ListBucket, so backup-utility's pruning
    listing fails with AccessDenied (and a missing backup reads as 403), while the upload itself works."""

    @classmethod
    def setUpClass(cls):
        EXACT.start()
        cls.work = EXACT.tmp / "seed-exact"
        cls.work.mkdir()

    def aws(self, *args):
        return harness.run_cli([AWS, "--endpoint-url", EXACT.endpoint, "--region", "us-east-1", *args],
                               EXACT.pod_env(home=self.work), timeout=300, check=False)

    @unittest.skipUnless(os.path.exists(AWS), "Debian awscli (/usr/bin/aws) is not installed")
    def test_awscli_pruning_is_denied(self):
        src = self.work / "1700000000_gitlab_backup.tar"
        harness.write_random_file(src, 9 * MiB, seed=5)  # > 8 MiB: a multipart upload, allowed by s3:PutObject
        p = self.aws("s3", "cp", str(src), f"s3://{bucket('backups')}/{src.name}")
        self.assertEqual(p.returncode, 0, p.stderr)
        p = self.aws("s3", "ls", f"s3://{bucket('backups')}/")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("AccessDenied", p.stderr)
        self.assertIn("ListObjectsV2", p.stderr)
        p = self.aws("s3api", "head-object", "--bucket", bucket("backups"), "--key", "0_missing_gitlab_backup.tar")
        self.assertIn("(403)", p.stderr)
        denied = [e for e in access_log(EXACT) if e.get("error_code") == "AccessDenied"
                  and ROLE_SESSION in e.get("principal", "")]
        self.assertTrue(any(e["operation"] == "ListObjectsV2" for e in denied), denied)

    @unittest.skipUnless(os.path.exists(S3CMD), "s3cmd is not installed")
    def test_s3cmd_pruning_is_denied(self):
        cfg = s3cmd_config(EXACT, self.work, "gitlab-toolbox-seed")
        env = {"PATH": "/usr/bin:/bin", "HOME": str(self.work), "LANG": "C.UTF-8"}
        src = self.work / "1700000200_gitlab_backup.tar"
        src.write_bytes(os.urandom(4096))
        harness.run_cli([S3CMD, "-c", str(cfg), "--no-progress", "put", str(src),
                         f"s3://{bucket('backups')}/{src.name}"], env)
        p = harness.run_cli([S3CMD, "-c", str(cfg), "ls", f"s3://{bucket('backups')}/"], env, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("AccessDenied", p.stderr + p.stdout)


if __name__ == "__main__":
    harness.main()
