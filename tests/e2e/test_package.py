"""Packaging: the .deb that `cpack` builds (cmake/packaging.cmake), its systemd unit and default config, and the
Dockerfile.

- cpack runs on the build directory of the binary under test (PODBUCKET_BUILD_DIR, else the directory of
  PODBUCKET_BIN) and writes the package into a temp dir; `dpkg-deb -I/-c` show its control data and files.
- The package's own binary, unpacked with `dpkg-deb -x`, prints `podbucket version` with the package's version.
- The unit passes `systemd-analyze verify` (where systemd-analyze exists) and runs `podbucket server --config` on
  the packaged config as its own user, hardened.
- Where the machine allows (root, dpkg, no podbucket package installed already, PODBUCKET_DEB_INSTALL not "0"), the
  package is really installed with `dpkg -i`: the installed /usr/bin/podbucket prints its version and, run as the
  podbucket user on the packaged config, serves on a loopback port; then `dpkg --purge` removes it, and the
  podbucket user and group are deleted again when this test created them. CI runs as root on a throwaway machine.
- The Dockerfile parses (npm dockerfile-ast), runs the server from debian:12-slim as a non-root numeric user, and
  copies the .deb built in its first stage. No image is built here: nothing can be pulled.
"""
import json
import os
import grp
import pwd
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import unittest
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import deploy_js  # noqa: E402
import harness  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
UNIT = "usr/lib/systemd/system/podbucket.service"
CONFIG = "etc/podbucket/config.yaml"
DEB = {}


def run(*cmd, check=True, timeout=120, **kw):
    p = subprocess.run(list(map(str, cmd)), capture_output=True, text=True, timeout=timeout, **kw)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, cmd))} exited {p.returncode}:\n{p.stdout}\n{p.stderr}")
    return p


def build_dir():
    path = os.environ.get("PODBUCKET_BUILD_DIR") or os.path.dirname(harness.podbucket_bin())
    if not (Path(path) / "CPackConfig.cmake").exists():
        raise unittest.SkipTest(f"{path} has no CPackConfig.cmake (configure it with CMake first)")
    return Path(path)


def setUpModule():
    for tool in ("cpack", "dpkg-deb"):
        if not shutil.which(tool):
            raise unittest.SkipTest(f"{tool} is not installed")
    build = build_dir()
    tmp = tempfile.mkdtemp(prefix="podbucket-deb-")
    DEB["tmp"] = Path(tmp)
    run("cpack", "-G", "DEB", "--config", build / "CPackConfig.cmake", "-B", tmp, cwd=build, timeout=600)
    version = re.search(r'set\(CPACK_PACKAGE_VERSION "([^"]+)"\)', (build / "CPackConfig.cmake").read_text()).group(1)
    arch = run("dpkg", "--print-architecture").stdout.strip()
    DEB["version"], DEB["arch"] = version, arch
    DEB["path"] = Path(tmp) / f"podbucket_{version}_{arch}.deb"
    if not DEB["path"].exists():
        raise AssertionError(f"cpack made {os.listdir(tmp)}, not {DEB['path'].name}")
    DEB["root"] = Path(tmp) / "root"
    run("dpkg-deb", "-x", DEB["path"], DEB["root"])


def tearDownModule():
    if "tmp" in DEB:
        shutil.rmtree(DEB["tmp"], ignore_errors=True)


def unit_settings(text):
    """{(section, key): [values]} of a systemd unit file."""
    out, section = {}, None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        out.setdefault((section, key), []).append(value)
    return out


def start_line_reader(proc):
    """A thread that queues the lines of proc.stdout (None at its end)."""
    lines = queue.Queue()

    def pump():
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)
    threading.Thread(target=pump, daemon=True).start()
    return lines


def wait_for_listening(lines, pattern=harness.LISTEN_RE, timeout=30):
    """Takes lines from the reader's queue until one matches `pattern` ('listening on http://127.0.0.1:PORT');
    returns PORT."""
    seen = ""
    while True:
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            line = None
        if line is None:
            raise AssertionError(f"no line matching {pattern.pattern!r}; output so far:\n{seen}")
        seen += line
        m = pattern.search(line)
        if m:
            return int(m.group(1))


class TestDeb(unittest.TestCase):
    def test_control_data(self):
        info = run("dpkg-deb", "-I", DEB["path"]).stdout
        fields = dict(re.findall(r"^ (\S+): (.*)$", info, re.M))
        self.assertEqual(fields["Package"], "podbucket")
        self.assertEqual(fields["Version"], DEB["version"])
        self.assertEqual(fields["Architecture"], DEB["arch"])
        for dependency in ("adduser", "libssl3", "libsqlite3-0", "libc6"):
            self.assertIn(dependency, fields["Depends"])
        for script in ("postinst", "prerm", "postrm", "conffiles"):
            self.assertRegex(info, rf"\s{script}\s")
        conffiles = run("dpkg-deb", "--info", DEB["path"], "conffiles").stdout.split()
        self.assertEqual(conffiles, ["/" + CONFIG])

    def test_files(self):
        listing = run("dpkg-deb", "-c", DEB["path"]).stdout
        files = {line.split()[-1]: line.split()[0] for line in listing.splitlines() if not line.endswith("/")}
        self.assertEqual(files.get("./usr/bin/podbucket"), "-rwxr-xr-x")
        self.assertEqual(files.get("./" + UNIT), "-rw-r--r--")
        self.assertEqual(files.get("./" + CONFIG), "-rw-r--r--")
        self.assertEqual(files.get("./usr/share/doc/podbucket/configuration.md"), "-rw-r--r--")  # the config's reference
        self.assertRegex(listing, r"root/root\s+\d+ \S+ \S+ \./usr/bin/podbucket")

    def test_packaged_binary_prints_its_version(self):
        out = run(DEB["root"] / "usr/bin/podbucket", "version").stdout
        self.assertEqual(out.splitlines()[0].split()[:2], ["podbucket", DEB["version"]])

    def test_unit_runs_the_server_on_the_config_as_its_own_user(self):
        settings = unit_settings((DEB["root"] / UNIT).read_text())
        self.assertEqual(settings[("Service", "ExecStart")], ["/usr/bin/podbucket server --config /" + CONFIG])
        self.assertEqual(settings[("Service", "User")], ["podbucket"])
        self.assertEqual(settings[("Service", "StateDirectory")], ["podbucket"])
        self.assertEqual(settings[("Install", "WantedBy")], ["multi-user.target"])
        hardening = {"NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes",
                     "PrivateDevices": "yes", "CapabilityBoundingSet": "", "RestrictSUIDSGID": "yes",
                     "MemoryDenyWriteExecute": "yes", "SystemCallFilter": "@system-service"}
        for key, value in hardening.items():
            self.assertEqual(settings[("Service", key)], [value], key)
        config = deploy_js.parse_yaml(DEB["root"] / CONFIG)[0]
        self.assertEqual(config["server"]["data_dir"], "/var/lib/podbucket")
        self.assertTrue(config["server"]["listen"].startswith("127.0.0.1:"))

    def test_packaged_config_passes_config_check(self):
        binary = DEB["root"] / "usr/bin/podbucket"
        if not re.search(r"^\s+config\s", run(binary, "--help").stdout, re.M):
            self.skipTest("this podbucket has no `config check` yet")
        p = run(binary, "config", "check", DEB["root"] / CONFIG, check=False)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_unit_passes_systemd_analyze_verify(self):
        if not shutil.which("systemd-analyze"):
            self.skipTest("systemd-analyze is not installed")
        # verify checks that ExecStart's binary exists: point it at the unpacked one.
        unit = DEB["tmp"] / "podbucket.service"
        unit.write_text((DEB["root"] / UNIT).read_text().replace(
            "/usr/bin/podbucket", str(DEB["root"] / "usr/bin/podbucket")))
        p = run("systemd-analyze", "verify", unit, check=False)
        self.assertEqual((p.returncode, p.stdout.strip(), p.stderr.strip()), (0, "", ""))

    def test_install_run_and_purge(self):
        """The package installs with dpkg, runs, and is purged again, leaving nothing behind."""
        if os.environ.get("PODBUCKET_DEB_INSTALL") == "0":
            self.skipTest("PODBUCKET_DEB_INSTALL=0")
        if os.geteuid() != 0 or not shutil.which("dpkg"):
            self.skipTest("installing a package needs root and dpkg")
        status = run("dpkg-query", "-W", "-f=${Status}", "podbucket", check=False).stdout
        if "installed" in status and "not-installed" not in status:
            self.skipTest("a podbucket package is installed on this machine already; leaving it alone")
        if Path("/usr/bin/podbucket").exists() or Path("/etc/podbucket").exists():
            self.skipTest("/usr/bin/podbucket or /etc/podbucket exists without the package; leaving it alone")
        had_user = self.exists(pwd.getpwnam, "podbucket")
        had_group = self.exists(grp.getgrnam, "podbucket")
        had_data = Path("/var/lib/podbucket").exists()
        try:
            run("dpkg", "-i", DEB["path"], timeout=300)
            out = run("/usr/bin/podbucket", "version").stdout
            self.assertEqual(out.split()[:2], ["podbucket", DEB["version"]])
            self.assertEqual(run("dpkg-query", "-W", "-f=${Version}", "podbucket").stdout, DEB["version"])
            user = pwd.getpwnam("podbucket")
            self.assertLess(user.pw_uid, 1000)  # a system user
            self.assertEqual(Path("/var/lib/podbucket").owner(), "podbucket")
            self.assertTrue(Path("/" + UNIT).exists())
            self.serve_as_podbucket()
        finally:
            run("dpkg", "--purge", "podbucket", check=False, timeout=300)
            if not had_user and self.exists(pwd.getpwnam, "podbucket"):
                run("userdel", "podbucket", check=False)
            if not had_group and self.exists(grp.getgrnam, "podbucket"):
                run("groupdel", "podbucket", check=False)
            if not had_data:
                shutil.rmtree("/var/lib/podbucket", ignore_errors=True)
        self.assertFalse(Path("/usr/bin/podbucket").exists())
        self.assertFalse(Path("/" + UNIT).exists())
        self.assertFalse(Path("/etc/podbucket").exists())
        self.assertIn("not-installed", run("dpkg-query", "-W", "-f=${Status}", "podbucket", check=False).stdout +
                      "not-installed")

    @staticmethod
    def exists(lookup, name):
        try:
            lookup(name)
            return True
        except KeyError:
            return False

    def serve_as_podbucket(self):
        """The installed binary, as the podbucket user, on the installed config (with free loopback ports and a
        temp data dir): the unit's command line, minus systemd."""
        help_text = run("/usr/bin/podbucket", "server", "--help").stdout
        if "--config" not in help_text:
            return  # this podbucket reads no config file yet
        with tempfile.TemporaryDirectory() as data:
            shutil.chown(data, "podbucket", "podbucket")
            args = ["/usr/bin/podbucket", "server", "--config", "/" + CONFIG, "--listen", "127.0.0.1:0",
                    "--data-dir", data]
            if "--admin-listen" in help_text:
                args += ["--admin-listen", "127.0.0.1:0"]
            env = {"PATH": "/usr/bin:/bin", "PODBUCKET_ROOT_ACCESS_KEY_ID": "AKIAPACKAGETEST00001",
                   "PODBUCKET_ROOT_SECRET_ACCESS_KEY": "package-test-secret-key-0000000000000000"}
            proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                    cwd=data, user="podbucket", group="podbucket", extra_groups=[])
            try:
                lines = start_line_reader(proc)
                port = wait_for_listening(lines)
                with self.assertRaises(urllib.error.HTTPError) as denied:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10)
                self.assertEqual(denied.exception.code, 403)  # anonymous ListBuckets: AccessDenied
                if "--admin-listen" in help_text:
                    admin = wait_for_listening(lines, re.compile(r"admin listening on http://127\.0\.0\.1:(\d+)"))
                    with urllib.request.urlopen(f"http://127.0.0.1:{admin}/healthz", timeout=10) as r:
                        self.assertEqual(r.status, 200)
                proc.send_signal(signal.SIGTERM)
                self.assertEqual(proc.wait(timeout=30), 0, proc.stderr.read())
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()


class TestDockerfile(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        deploy_js.ensure_packages()
        cls.report = deploy_js.check("dockerfile", REPO / "Dockerfile")

    def instructions(self, keyword, stage=-1):
        """The stage's instructions of one keyword (stage -1: the final one)."""
        stages = self.report["stages"]
        index = stage % len(stages)
        start = stages[index]["line"]
        end = stages[index + 1]["line"] if index + 1 < len(stages) else 10 ** 9
        return [i for i in self.report["instructions"] if i["keyword"] == keyword and start <= i["line"] < end]

    def test_parses(self):
        self.assertEqual(self.report["problems"], [])
        self.assertEqual(len(self.report["stages"]), 2)

    def test_final_stage_is_debian_slim_and_runs_as_a_non_root_user(self):
        self.assertEqual(self.report["stages"][-1]["image"], "debian:12-slim")
        users = self.instructions("USER")
        self.assertEqual(len(users), 1)
        uid, _, gid = users[0]["args"][0].partition(":")
        self.assertTrue(uid.isdigit() and int(uid) > 0, users)  # numeric: runAsNonRoot can check it
        self.assertTrue(gid.isdigit() and int(gid) > 0, users)
        # The chart's securityContext runs the server and the webhook as that uid.
        statefulset = (REPO / "deploy/manifests/server-statefulset.yaml").read_text()
        self.assertIn(f"runAsUser: {uid}", statefulset)
        self.assertIn(f"fsGroup: {gid}", statefulset)
        last = self.report["instructions"][-1]
        self.assertNotEqual(last["keyword"], "USER", "USER must stay in force to the end")
        self.assertEqual([i["keyword"] for i in self.report["instructions"]].count("USER"), 1)

    def test_entrypoint_and_ports(self):
        entrypoint = self.instructions("ENTRYPOINT")[0]["args"]
        self.assertEqual(json.loads(" ".join(entrypoint)), ["/usr/bin/podbucket"])
        cmd = json.loads(" ".join(self.instructions("CMD")[0]["args"]))
        self.assertEqual(cmd[:3], ["server", "--config", "/" + CONFIG])
        self.assertEqual(sorted(self.instructions("EXPOSE")[0]["args"]), ["9000", "9001"])

    def test_installs_the_deb_built_in_the_first_stage(self):
        self.assertEqual(self.report["stages"][0]["image"], "debian:12")
        build = " ".join(" ".join(i["args"]) for i in self.instructions("RUN", stage=0))
        self.assertIn("cpack -G DEB", build)
        self.assertIn("--target podbucket", build)
        copies = [" ".join(i["flags"] + i["args"]) for i in self.instructions("COPY")]
        self.assertTrue(any(c.startswith(f"--from={self.report['stages'][0]['name']} ") and ".deb" in c
                            for c in copies), copies)
        install = " ".join(" ".join(i["args"]) for i in self.instructions("RUN"))
        self.assertIn("apt-get install -y --no-install-recommends /tmp/podbucket.deb", install)
        ignore = (REPO / ".dockerignore").read_text().split()
        for entry in ("build", "build-*", ".git", "**/node_modules"):
            self.assertIn(entry, ignore)


if __name__ == "__main__":
    harness.main()
