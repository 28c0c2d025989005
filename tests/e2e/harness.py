"""End-to-end test harness: runs a real `podbucket server` on a free loopback port in a fresh temp dir.

Stdlib only, plus Debian's python3-boto3 (run every test with /usr/bin/python3). Every test file owns one server:

    SRV = harness.Server()
    def setUpModule(): SRV.start()
    def tearDownModule(): SRV.stop()          # SIGTERM, then asserts a clean exit (code 0)

Environment:
    PODBUCKET_BIN        path of the podbucket binary (CTest sets it); default: <repo>/build/podbucket
    PODBUCKET_SKIP_HUGE  "1" skips the multi-GiB tests
    PODBUCKET_E2E_FAKE   "moto" runs moto_server instead of podbucket. Only to check the tests themselves:
                         moto verifies no signature and differs in many details.
Only 127.0.0.1 is ever contacted.
"""
import atexit
import base64
import datetime
import hashlib
import json
import hmac
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
REGION = "us-east-1"
AWS_CLI = "/usr/bin/aws"  # Debian's awscli 2.9
# The trust policy EKS Pod Identity roles carry (the seed's): pods.eks.amazonaws.com may assume and tag sessions.
PODS_TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"},
    "Action": ["sts:AssumeRole", "sts:TagSession"]}]}
LISTEN_RE = re.compile(r"listening on http://127\.0\.0\.1:(\d+)")
ADMIN_LISTEN_RE = re.compile(r"admin listening on (http://127\.0\.0\.1:\d+)")
FAKE = os.environ.get("PODBUCKET_E2E_FAKE", "")


def _scrub_process_env():
    """Removes every AWS_* and proxy variable from this process, so boto3 sees only what a test passes."""
    for k in list(os.environ):
        if k.startswith("AWS_") or k.lower() in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
            del os.environ[k]
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    os.environ["AWS_CONFIG_FILE"] = "/nonexistent/podbucket-e2e/config"
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/podbucket-e2e/credentials"
    os.environ["NO_PROXY"] = "127.0.0.1,localhost"


_scrub_process_env()


def podbucket_bin():
    """The binary under test: $PODBUCKET_BIN (CTest sets it), else <repo>/build/podbucket."""
    path = os.path.abspath(os.environ.get("PODBUCKET_BIN") or str(REPO / "build" / "podbucket"))
    if not os.path.exists(path):
        raise unittest.SkipTest(f"podbucket binary {path} not found; build it or set PODBUCKET_BIN")
    return path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sha256_file(path, bufsize=1 << 20):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            b = f.read(bufsize)
            if not b:
                return h.hexdigest()
            h.update(b)


def write_random_file(path, size, seed=0):
    """Writes `size` bytes of pseudo-random data (fast: a random 1 MiB block salted per MiB). Returns its sha256 hex."""
    gen = PseudoRandomStream(size, seed)
    with open(path, "wb") as f:
        while True:
            b = gen.read(8 << 20)
            if not b:
                break
            f.write(b)
    return gen.sha256.hexdigest()


class PseudoRandomStream:
    """A readable file-like object producing `size` deterministic pseudo-random bytes without holding them in memory.
    Hashes what it hands out in `.sha256`. Each 1 MiB block = an 8-byte block counter + a slice of a random pool,
    so no two blocks are equal."""

    POOL = None

    def __init__(self, size, seed=0):
        if PseudoRandomStream.POOL is None:
            import random
            PseudoRandomStream.POOL = random.Random(1234).randbytes(2 << 20)
        self.size = size
        self.pos = 0
        self.seed = seed
        self.sha256 = hashlib.sha256()

    def read(self, n=-1):
        if n is None or n < 0:
            n = self.size - self.pos
        n = min(n, self.size - self.pos)
        pool = memoryview(self.POOL)
        pieces, want = [], n
        while want > 0:
            idx, off = divmod(self.pos, 1 << 20)
            base = (idx * 7919 + self.seed * 104729) % (1 << 20)
            # block idx = 8-byte counter + pool[base : base + 1 MiB - 8]
            if off < 8:
                head = (idx + self.seed * (1 << 40)).to_bytes(8, "little")[off:off + want]
                pieces.append(head)
                self.pos += len(head)
                want -= len(head)
                continue
            take = min(want, (1 << 20) - off)
            start = base + off - 8
            pieces.append(pool[start:start + take])
            self.pos += take
            want -= take
        b = b"".join(pieces)
        self.sha256.update(b)
        return b

    def __len__(self):
        return self.size


class Server:
    """One podbucket server process with its own temp dir, data dir and root credentials."""

    def __init__(self, data_dir=None, extra_args=(), env=None, command="server", preexec=None):
        self.tmp = Path(tempfile.mkdtemp(prefix="podbucket-e2e-"))
        self.data_dir = Path(data_dir) if data_dir else self.tmp / "data"
        self.data_dir_arg = str(self.data_dir)  # what --data-dir says
        if isinstance(data_dir, str) and data_dir.startswith("./"):
            # Passed as written, relative to the server's cwd (tmp), as scripts/run.sh passes ./data.
            self.data_dir = self.tmp / data_dir
            self.data_dir_arg = data_dir
        self.home = self.tmp / "home"
        self.home.mkdir()
        self.access_key = "AKIA" + hashlib.sha1(os.urandom(8)).hexdigest()[:16].upper()
        self.secret_key = base64.b64encode(os.urandom(30)).decode()
        self.extra_args = list(extra_args)
        self.command = command  # "server", or "up" (server + agent + GitLab layout)
        self.extra_env = dict(env or {})
        self.preexec = preexec  # runs in the child before exec (e.g. to lower its resource limits)
        self.proc = None
        self.port = None
        self.admin_endpoint = None  # "http://127.0.0.1:PORT" of the admin listener (/metrics, /healthz, /readyz)
        self.log_path = None
        self.starts = 0

    # ---- lifecycle -------------------------------------------------------------------------------------------
    def start(self, timeout=30):
        self.starts += 1
        self.log_path = self.tmp / f"server-{self.starts}.log"
        env = {"PATH": "/usr/bin:/bin", "HOME": str(self.home), "LANG": "C.UTF-8",
               "PODBUCKET_ROOT_ACCESS_KEY_ID": self.access_key,
               "PODBUCKET_ROOT_SECRET_ACCESS_KEY": self.secret_key}
        env.update(self.extra_env)
        if FAKE == "moto":
            port = free_port()
            cmd = [shutil.which("moto_server", path=os.environ.get("PATH", "") + ":" +
                                os.path.expanduser("~/.pyenv/shims")) or "moto_server", "-H", "127.0.0.1", "-p", str(port)]
            env["PATH"] = os.environ.get("PATH", "/usr/bin:/bin") + ":" + os.path.expanduser("~/.pyenv/shims")
        else:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            cmd = [podbucket_bin(), self.command, "--listen", "127.0.0.1:0", "--data-dir", self.data_dir_arg]
            if "--admin-listen" not in self.extra_args:
                cmd += ["--admin-listen", "127.0.0.1:0"]  # never the fixed default port
            cmd += self.extra_args
        admin_off = "--admin-listen" in self.extra_args and \
            self.extra_args[self.extra_args.index("--admin-listen") + 1:][:1] == ["off"]
        with open(self.log_path, "wb") as logf:
            self.proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         env=env, cwd=str(self.tmp), preexec_fn=self.preexec)
        # unittest skips tearDownModule when setUpModule fails: never leave a server behind the test run.
        atexit.register(self._kill_leftover, self.proc)
        deadline = time.time() + timeout
        while time.time() < deadline:
            text = self.log()
            m = LISTEN_RE.search(text) or (FAKE and re.search(r"Running on http://127\.0\.0\.1:(\d+)", text))
            if m:
                self.port = int(m.group(1))
                if FAKE:
                    self._wait_tcp()
                elif not admin_off:
                    self.admin_endpoint = self.wait_for(ADMIN_LISTEN_RE, max(1, deadline - time.time())).group(1)
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode} before listening:\n{text[-4000:]}")
            time.sleep(0.05)
        self.proc.kill()
        raise RuntimeError(f"server printed no 'listening on' line within {timeout}s:\n{self.log()[-4000:]}")

    @staticmethod
    def _kill_leftover(proc):
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    def _wait_tcp(self):
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)

    def stop(self, timeout=30, cleanup=True):
        """SIGTERM, wait for exit, assert exit code 0 (the server must drain and exit cleanly)."""
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        keep = os.environ.get("PODBUCKET_E2E_KEEP")
        try:
            if proc.poll() is not None:
                raise AssertionError(f"server had already exited with {proc.returncode}:\n{self.log()[-4000:]}")
            proc.send_signal(signal.SIGTERM)
            try:
                rc = proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                raise AssertionError(f"server did not exit within {timeout}s of SIGTERM:\n{self.log()[-4000:]}")
            if rc != 0 and not FAKE:
                raise AssertionError(f"server exited with {rc} after SIGTERM:\n{self.log()[-4000:]}")
        except AssertionError:
            if not keep:  # keep the logs for a look, drop the (possibly multi-GiB) data
                shutil.rmtree(self.data_dir, ignore_errors=True)
            raise
        if cleanup and not keep:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def wait_for(self, pattern, timeout=60):
        """Waits until the server's output matches `pattern` (a regex); returns the match."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            m = re.search(pattern, self.log())
            if m:
                return m
            if self.proc is None or self.proc.poll() is not None:
                raise RuntimeError(f"server exited before printing {pattern!r}:\n{self.log()[-4000:]}")
            time.sleep(0.05)
        raise RuntimeError(f"server did not print {pattern!r} within {timeout}s:\n{self.log()[-4000:]}")

    def kill9(self):
        """SIGKILL (crash simulation); the data dir is kept for a restart."""
        self.proc.kill()
        self.proc.wait()
        self.proc = None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def log(self):
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    @property
    def pid(self):
        return self.proc.pid

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def proc_status(self):
        """VmRSS and VmHWM of the server in KiB, from /proc/PID/status."""
        out = {}
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    k, v = line.split(":", 1)
                    out[k] = int(v.split()[0])
        return out

    # ---- clients ---------------------------------------------------------------------------------------------
    def s3(self, access_key=None, secret_key=None, **config):
        """A boto3 S3 client: path-style, us-east-1, no retries (errors must show as they are)."""
        import boto3
        import botocore.config
        cfg = dict(s3={"addressing_style": "path"}, retries={"max_attempts": 1, "mode": "standard"},
                   connect_timeout=10, read_timeout=120)
        cfg.update(config)
        return boto3.session.Session().client(
            "s3", endpoint_url=self.endpoint, region_name=REGION,
            aws_access_key_id=access_key or self.access_key,
            aws_secret_access_key=secret_key or self.secret_key,
            config=botocore.config.Config(**cfg))

    def client(self, service, access_key=None, secret_key=None, session_token=None, region=REGION, **config):
        """A boto3 client of any service (iam, sts, kms, s3, ...) on this server: no retries, path-style.
        Credentials default to the root user's; the region to us-east-1."""
        import boto3
        import botocore.config
        cfg = dict(s3={"addressing_style": "path"}, retries={"max_attempts": 1, "mode": "standard"},
                   connect_timeout=10, read_timeout=120)
        cfg.update(config)
        return boto3.session.Session().client(
            service, endpoint_url=self.endpoint, region_name=region,
            aws_access_key_id=access_key or self.access_key,
            aws_secret_access_key=secret_key or self.secret_key,
            aws_session_token=session_token,
            config=botocore.config.Config(**cfg))

    def client_env(self, **extra):
        """A clean environment for CLI clients (awscli, s3cmd, rclone, node): no stray AWS_* variable leaks in."""
        env = {"PATH": "/usr/bin:/bin", "HOME": str(self.home), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
               "AWS_ACCESS_KEY_ID": self.access_key, "AWS_SECRET_ACCESS_KEY": self.secret_key,
               "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION, "AWS_EC2_METADATA_DISABLED": "true",
               "AWS_CONFIG_FILE": str(self.home / "aws-config"),
               "AWS_SHARED_CREDENTIALS_FILE": str(self.home / "aws-credentials"),
               "AWS_PAGER": "", "NO_PROXY": "127.0.0.1,localhost"}
        env.update(extra)
        return env

    def signed(self, method, path, body=None, query="", service="eks", access_key=None, secret_key=None, token=None,
               region=REGION):
        """One REST-JSON request (EKS, EKS Auth, admin routes) signed by botocore's SigV4Auth for `service`, as the
        root user by default. `body` (if not None) is sent as JSON; `query` is an encoded query string. Returns
        (status, headers with lower-case names, body bytes)."""
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        data = json.dumps(body).encode() if body is not None else b""
        target = path + ("?" + query if query else "")
        headers = {"Content-Type": "application/json"} if body is not None else {}
        req = AWSRequest(method=method, url=self.endpoint + target, data=data, headers=headers)
        SigV4Auth(Credentials(access_key or self.access_key, secret_key or self.secret_key, token), service,
                  region).add_auth(req)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, target, body=data or None, headers=dict(req.prepare().headers))
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, ShortBytes(r.read())
        finally:
            conn.close()

    def signed_json(self, method, path, body=None, service="eks", access_key=None, secret_key=None, token=None,
                    region=REGION):
        """As signed(), with the reply parsed: (status, headers with lower-case names, parsed JSON or raw bytes)."""
        status, headers, raw = self.signed(method, path, body, service=service, access_key=access_key,
                                           secret_key=secret_key, token=token, region=region)
        try:
            return status, headers, json.loads(raw)
        except ValueError:
            return status, headers, raw

    def eks(self, method, path, body=None, query="", **kw):
        """An EKS call (signed() for service eks) that must answer 200; returns the JSON reply."""
        status, headers, data = self.signed(method, path, body, query, service="eks", **kw)
        if status != 200:
            raise AssertionError(f"{method} {path} -> {status} {headers.get('x-amzn-errortype')}: {data!r}")
        return json.loads(data)

    # ---- awscli ----------------------------------------------------------------------------------------------
    def aws(self, *args, check=True, timeout=120):
        """Runs Debian's awscli (AWS_CLI) against this server as the root user; returns the CompletedProcess."""
        return run_cli([AWS_CLI, "--endpoint-url", self.endpoint, "--region", REGION, *args], self.client_env(),
                       timeout=timeout, check=check)

    def aws_json(self, *args, timeout=120):
        """aws() with --output json; returns the parsed reply ({} when there is none)."""
        p = self.aws(*args, "--output", "json", timeout=timeout)
        return json.loads(p.stdout) if p.stdout.strip() else {}

    def aws_error(self, *args, timeout=120):
        """Runs an awscli command that must fail; returns its stderr."""
        p = self.aws(*args, check=False, timeout=timeout)
        if p.returncode == 0:
            raise AssertionError(f"aws {' '.join(args)} succeeded unexpectedly: {p.stdout}")
        return p.stderr

    # ---- IAM and EKS setup -----------------------------------------------------------------------------------
    def account(self):
        """The root user's account id (STS GetCallerIdentity)."""
        return self.client("sts").get_caller_identity()["Account"]

    def role(self, name, trust, policy=None):
        """Creates IAM role `name` with trust policy `trust` (a dict), or reuses it if it exists; puts `policy` (a
        dict) as its inline policy "p". Returns the role's ARN."""
        from botocore.exceptions import ClientError
        iam = self.client("iam")
        try:
            arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        except ClientError as e:
            if e.response["Error"]["Code"] != "EntityAlreadyExists":
                raise
            arn = iam.get_role(RoleName=name)["Role"]["Arn"]
        if policy:
            iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
        return arn

    def user_keys(self, name, policy):
        """Creates IAM user `name` with `policy` (a dict) as inline policy "p" and an access key; returns
        (access key id, secret access key)."""
        iam = self.client("iam")
        iam.create_user(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
        k = iam.create_access_key(UserName=name)["AccessKey"]
        return k["AccessKeyId"], k["SecretAccessKey"]

    def ensure_cluster(self, name):
        """Creates EKS cluster `name` unless it exists."""
        status, _, _ = self.signed("GET", f"/clusters/{name}")
        if status == 404:
            role_arn = f"arn:aws:iam::{self.account()}:role/eks-cluster-role"
            self.eks("POST", "/clusters", {"name": name, "roleArn": role_arn,
                                           "resourcesVpcConfig": {"subnetIds": ["subnet-00000000000000001"]}})

    def mint(self, cluster, namespace, service_account, audience=None, expires_in=None, pod="web-5d8f7c9b4-x2x7q",
             pod_uid="8c4e3f0a-1b2c-4d5e-8f90-a1b2c3d4e5f6"):
        """A projected-service-account-style token for a pod of `cluster` from the server's root-only mint route
        (POST /_podbucket/clusters/NAME/token, what `podbucket token` calls). `expires_in` in seconds."""
        body = {"namespace": namespace, "serviceAccount": service_account, "podName": pod, "podUid": pod_uid}
        if audience:
            body["audience"] = audience
        if expires_in:
            body["expiresIn"] = expires_in
        return self.eks("POST", f"/_podbucket/clusters/{cluster}/token", body)["token"]

    # ---- raw HTTP ---------------------------------------------------------------------------------------------
    def request(self, method, path, query="", headers=None, body=b"", sign=True, payload_hash=None,
                host=None, timeout=60):
        """Sends one SigV4-signed (or unsigned) request with http.client. `path` is the raw (already encoded) path.
        Returns (status, headers dict with lower-case names, body bytes)."""
        headers = dict(headers or {})
        if sign:
            headers = sign_v4(method, host or f"127.0.0.1:{self.port}", path, query, headers,
                              body if payload_hash is None else None, self.access_key, self.secret_key,
                              payload_hash=payload_hash)
        elif host:
            headers.setdefault("Host", host)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.putrequest(method, path + ("?" + query if query else ""), skip_host="Host" in headers or
                            "host" in headers, skip_accept_encoding=True)
            for k, v in headers.items():
                conn.putheader(k, v)
            if body is not None and not any(k.lower() in ("content-length", "transfer-encoding") for k in headers):
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body if body else None)
            r = conn.getresponse()
            data = r.read()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, ShortBytes(data)
        finally:
            conn.close()


class ChildProcess:
    """A podbucket helper process (agent, webhook) next to a Server: output in a temp log file under `log_dir`,
    started by launch() + wait_ready(), stopped with SIGTERM and a check for exit code 0. Subclasses set `name`."""

    name = "process"
    proc = None
    log = None

    def launch(self, cmd, env, log_dir):
        """Starts `cmd` with exactly `env`, stdout and stderr to a fresh log file."""
        fd, self.log = tempfile.mkstemp(prefix=f"podbucket-{self.name}-", suffix=".log", dir=log_dir)
        os.close(fd)
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)

    def wait_ready(self, ready, timeout):
        """Polls `ready(output)` until it is true (returns self); raises if the process exits first or `timeout`
        seconds pass (then kills it)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if ready(self.output()):
                return self
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.name} exited with {self.proc.returncode}:\n{self.output()}")
            time.sleep(0.05)
        self.proc.kill()
        raise AssertionError(f"{self.name} did not start within {timeout}s:\n{self.output()}")

    def output(self):
        try:
            return Path(self.log).read_text(errors="replace")
        except (OSError, TypeError):
            return ""

    def stop(self, timeout=40):
        """SIGTERM, then asserts a clean exit (code 0) within `timeout` seconds."""
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise AssertionError(f"{self.name} ignored SIGTERM:\n{self.output()}")
        if rc != 0:
            raise AssertionError(f"{self.name} exited {rc} after SIGTERM:\n{self.output()}")


class UpServer(Server):
    """`podbucket up` (server + Pod Identity agent + the seed's GitLab layout) in a fresh temp dir, on free loopback
    ports. After start(): endpoint, role_arn, kms_key_arn, pod_exports (the printed env block) and the root keys of
    Server (fixed through PODBUCKET_ROOT_ACCESS_KEY_ID/SECRET)."""

    def __init__(self, seed_exact=False, extra_args=()):
        super().__init__(extra_args=["--agent-listen", "127.0.0.1:0", *extra_args] +
                         (["--seed-exact"] if seed_exact else []), command="up")
        self.role_arn = None
        self.kms_key_arn = None
        self.pod_exports = {}

    def start(self, timeout=90):
        """Starts `podbucket up` and waits for its env block; SkipTest when the binary has no `up` command."""
        if subprocess.run([podbucket_bin(), "up", "--help"], capture_output=True).returncode != 0:
            raise unittest.SkipTest("this podbucket has no `up` command yet")
        super().start(timeout)
        self.wait_for(r"(?m)^export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=.*\n", timeout)
        text = self.log()
        self.role_arn = re.search(r"^\s*role:\s+(\S+)", text, re.M).group(1)
        m = re.search(r"^\s*kms key:\s+(\S+)", text, re.M)
        self.kms_key_arn = m.group(1) if m else None
        self.pod_exports = dict(re.findall(r"^export (AWS_[A-Z_]+)=(.*)$", text, re.M))
        return self

    # ---- Pod Identity ---------------------------------------------------------------------------------------------
    def pod_token(self):
        return Path(self.pod_exports["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]).read_text()

    def pod_env(self, home=None, **extra):
        """A clean environment with only the pod's env block (plus the token's content for Debian's botocore)."""
        env = {"PATH": "/usr/bin:/bin", "HOME": str(home or self.home), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
               "AWS_EC2_METADATA_DISABLED": "true", "AWS_PAGER": "", "NO_PROXY": "127.0.0.1,localhost",
               "AWS_CONFIG_FILE": "/nonexistent/podbucket-e2e/config",
               "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/podbucket-e2e/credentials"}
        env.update(self.pod_exports)
        env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = self.pod_token()
        env.update(extra)
        return env

    def pod_credentials(self):
        """The role's session credentials from the agent, as a pod's SDK fetches them (GET /v1/credentials with the
        token file's content as Authorization)."""
        req = urllib.request.Request(self.pod_exports["AWS_CONTAINER_CREDENTIALS_FULL_URI"],
                                     headers={"Authorization": self.pod_token()})
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(req, timeout=10) as r:
            return json.loads(r.read())

    def pod_session(self):
        """A boto3 session whose credentials come from the agent through botocore's container provider."""
        import boto3
        import botocore.session
        saved = {k: os.environ.get(k) for k in ("AWS_CONTAINER_CREDENTIALS_FULL_URI",
                                                 "AWS_CONTAINER_AUTHORIZATION_TOKEN")}
        os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = self.pod_exports["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
        os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = self.pod_token()
        try:
            core = botocore.session.Session()
            creds = core.get_credentials()
            assert creds is not None and creds.method == "container-role", creds and creds.method
            creds.get_frozen_credentials()
            return boto3.session.Session(botocore_session=core)
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v


def podbucket_cli(*args, env=None, check=True):
    """Runs the podbucket binary with `args` (PATH only, unless `env`); returns the CompletedProcess."""
    return run_cli([podbucket_bin(), *args], env or {"PATH": "/usr/bin:/bin"}, timeout=120,
                   check=check)


# ---- the seed (fixtures/gitlab-seed/main.tf) ------------------------------------------------------------------------
SEED_PREFIX = "example-gitlab-eks"
SEED_BUCKETS = ["registry", "lfs", "artifacts", "uploads", "packages", "backups", "tmp"]
_SEED_GENERAL = [n for n in SEED_BUCKETS if n not in ("registry", "backups")]


def _seed_arn(name):
    return f"arn:aws:s3:::{SEED_PREFIX}-{name}"


def seed_policies(kms_key_arn):
    """The seed's four policy documents (fixtures/gitlab-seed/main.tf) for its seven buckets, as Terraform's
    jsonencode renders them, the KMS one on `kms_key_arn`."""
    return {
        "s3-policy": {"Version": "2012-10-17", "Statement": [
            {"Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"], "Effect": "Allow",
             "Resource": [_seed_arn(n) + "/*" for n in _SEED_GENERAL]},
            {"Action": ["s3:ListBucket"], "Effect": "Allow", "Resource": [_seed_arn(n) for n in _SEED_GENERAL]}]},
        "s3-backups-policy": {"Version": "2012-10-17", "Statement": [
            {"Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"], "Effect": "Allow",
             "Resource": [_seed_arn("backups") + "/*"]}]},
        "s3-registry-policy": {"Version": "2012-10-17", "Statement": [
            {"Action": ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"],
             "Effect": "Allow", "Resource": _seed_arn("registry")},
            {"Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:ListMultipartUploadParts",
                        "s3:AbortMultipartUpload"], "Effect": "Allow", "Resource": _seed_arn("registry") + "/*"}]},
        "s3-kms-policy": {"Version": "2012-10-17", "Statement": [
            {"Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Effect": "Allow",
             "Condition": {"StringLike": {"kms:EncryptionContext:aws:s3:arn": [_seed_arn(n) for n in SEED_BUCKETS]}},
             "Resource": kms_key_arn}]},
    }


# ---- SigV4 (stdlib) -----------------------------------------------------------------------------------------------
class ShortBytes(bytes):
    """Response bytes whose repr is cut to 800 bytes, so failure messages stay readable."""

    def __repr__(self):
        if len(self) <= 800:
            return bytes.__repr__(bytes(self))
        return bytes.__repr__(bytes(self[:800])) + f"...<{len(self)} bytes>"


def _hmac(key, msg):
    return hmac.new(key, msg.encode() if isinstance(msg, str) else msg, hashlib.sha256).digest()


def signing_key(secret, date, region=REGION, service="s3"):
    k = _hmac(("AWS4" + secret).encode(), date)
    k = _hmac(k, region)
    k = _hmac(k, service)
    return _hmac(k, "aws4_request")


def _uri_encode(s, safe="-_.~"):
    return urllib.parse.quote(s, safe=safe)


def canonical_query(query):
    pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
    enc = sorted((_uri_encode(k), _uri_encode(v)) for k, v in pairs)
    return "&".join(f"{k}={v}" for k, v in enc)


def sign_v4(method, host, path, query, headers, body, access_key, secret_key, payload_hash=None,
            now=None, region=REGION, info=None):
    """Adds Host, X-Amz-Date, X-Amz-Content-Sha256 and Authorization (AWS4-HMAC-SHA256, header auth) to `headers`.
    `path` is sent as-is and signed as-is (S3 does not normalize). `payload_hash` overrides the body hash
    (e.g. UNSIGNED-PAYLOAD or STREAMING-...). Returns the new headers dict. If `info` (a dict) is given, it receives
    signature, key (signing key bytes), scope, amz_date and canonical_request (for chunk signatures)."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    date = amz_date[:8]
    h = dict(headers)
    h["Host"] = host
    h["X-Amz-Date"] = amz_date
    if payload_hash is None:
        payload_hash = hashlib.sha256(body or b"").hexdigest()
    h["X-Amz-Content-Sha256"] = payload_hash
    canon = {}
    for k, v in h.items():
        canon.setdefault(k.lower().strip(), []).append(re.sub(r"\s+", " ", str(v).strip()))
    signed = sorted(canon)
    canonical_headers = "".join(f"{k}:{','.join(canon[k])}\n" for k in signed)
    signed_headers = ";".join(signed)
    creq = "\n".join([method, path, canonical_query(query), canonical_headers, signed_headers, payload_hash])
    scope = f"{date}/{region}/s3/aws4_request"
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(creq.encode()).hexdigest()])
    key = signing_key(secret_key, date, region)
    sig = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
    h["Authorization"] = (f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, "
                          f"SignedHeaders={signed_headers}, Signature={sig}")
    if info is not None:
        info.update(signature=sig, key=key, scope=scope, amz_date=amz_date, canonical_request=creq)
    return h


def chunk_signature(key, amz_date, scope, prev_sig, data):
    sts = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, prev_sig,
                     hashlib.sha256(b"").hexdigest(), hashlib.sha256(data).hexdigest()])
    return hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()


def trailer_signature(key, amz_date, scope, prev_sig, trailer_bytes):
    sts = "\n".join(["AWS4-HMAC-SHA256-TRAILER", amz_date, scope, prev_sig,
                     hashlib.sha256(trailer_bytes).hexdigest()])
    return hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()


def error_code(body):
    m = re.search(rb"<Code>([^<]*)</Code>", body or b"")
    return m.group(1).decode() if m else None


def raw_exchange(port, data, timeout=10, read_all=True):
    """Sends raw bytes on a fresh connection, returns whatever comes back until close/timeout."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(data)
        out = b""
        while True:
            try:
                b = s.recv(65536)
            except socket.timeout:
                break
            if not b:
                break
            out += b
            if not read_all and b"\r\n\r\n" in out:
                break
        return ShortBytes(out)
    finally:
        s.close()


class RssSampler(threading.Thread):
    """Samples VmRSS/VmHWM of a server every `interval` s until stop(); keeps the maxima in KiB."""

    def __init__(self, server, interval=0.5):
        super().__init__(daemon=True)
        self.server, self.interval = server, interval
        self.max_rss = 0
        self.hwm = 0
        self.samples = 0
        self._halt = threading.Event()

    def run(self):
        while not self._halt.is_set():
            try:
                st = self.server.proc_status()
                self.max_rss = max(self.max_rss, st.get("VmRSS", 0))
                self.hwm = max(self.hwm, st.get("VmHWM", 0))
                self.samples += 1
            except (OSError, AttributeError):
                pass
            self._halt.wait(self.interval)

    def stop(self):
        self._halt.set()
        self.join()
        return self


def run_cli(args, env, cwd=None, timeout=600, check=True, input=None):
    """Runs a CLI client; returns CompletedProcess (text). On `check`, a non-zero exit raises with full output."""
    p = subprocess.run(args, env=env, cwd=cwd, timeout=timeout, capture_output=True, text=True, input=input,
                       stdin=None if input is not None else subprocess.DEVNULL)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, args))} exited {p.returncode}\nstdout:\n{p.stdout[-3000:]}\n"
                             f"stderr:\n{p.stderr[-3000:]}")
    return p


def tree_hashes(root):
    """{relative path: sha256} of every file under root."""
    root = Path(root)
    return {str(p.relative_to(root)): sha256_file(p) for p in root.rglob("*") if p.is_file()}


def unique_bucket(prefix):
    return f"{prefix}-{os.urandom(4).hex()}"


KNOWN_FAILURES = Path(__file__).with_name("known_failures.txt")


def load_known_failures(path=KNOWN_FAILURES):
    """{"test_file.Class.test_name": reason} from known_failures.txt (one id per line, '#' starts the reason)."""
    out = {}
    if path.exists():
        for line in path.read_text().splitlines():
            test_id, _, reason = line.partition("#")
            if test_id.strip():
                out[test_id.strip()] = reason.strip() or "known server bug"
    return out


def _mark_known_failures(module):
    """Wraps each test listed in known_failures.txt: it still runs; a failure is reported as a skip that says
    KNOWN FAILURE with the reason and the first line of the error; a pass prints a note to remove it from the list.
    PODBUCKET_E2E_STRICT=1 turns this off."""
    if os.environ.get("PODBUCKET_E2E_STRICT") == "1":
        return
    import functools
    stem = Path(sys.argv[0]).stem
    for test_id, reason in load_known_failures().items():
        parts = test_id.split(".")
        if len(parts) != 3 or parts[0] != stem:
            continue
        cls = getattr(module, parts[1], None)
        orig = getattr(cls, parts[2], None) if cls else None
        if orig is None:
            print(f"known_failures.txt: no test {test_id}", file=sys.stderr)
            continue

        def wrapper(self, _orig=orig, _id=test_id, _reason=reason):
            try:
                _orig(self)
            except unittest.SkipTest:
                raise
            except Exception as e:  # noqa: BLE001 -- any failure of a known-bad test becomes a visible skip
                first = (str(e).strip().splitlines() or [type(e).__name__])[0][:300]
                raise unittest.SkipTest(f"KNOWN FAILURE ({_reason}): {type(e).__name__}: {first}")
            print(f"\nNOTE: {_id} passes now; remove it from tests/e2e/known_failures.txt", file=sys.stderr)

        setattr(cls, parts[2], functools.wraps(orig)(wrapper))


def main():
    _mark_known_failures(sys.modules["__main__"])
    unittest.main(verbosity=2, warnings="ignore")
