"""Runs tests/deploy/js/check.mjs (the npm-pinned Kubernetes schema validators, YAML parser and Dockerfile parser)
for test_deploy.py and test_package.py, installing its packages with `npm ci` when they are missing."""
import json
import os
import shutil
import subprocess
import unittest
from pathlib import Path

JS = Path(__file__).resolve().parents[1] / "deploy" / "js"
PATH = "/usr/local/bin:/usr/bin:/bin"


def node():
    """The node binary; raises SkipTest when there is none."""
    path = shutil.which("node", path=PATH)
    if not path:
        raise unittest.SkipTest("node is not installed (scripts/deps.sh --test installs it)")
    return path


def ensure_packages():
    """`npm ci` in tests/deploy/js unless its node_modules is complete. Raises AssertionError when npm fails."""
    node()
    if (JS / "node_modules" / ".package-lock.json").exists() and (JS / "node_modules" / "kubernetes-models").exists():
        return
    p = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=JS, capture_output=True, text=True,
                       timeout=600, env={**os.environ, "PATH": PATH})
    if p.returncode != 0:
        raise AssertionError(f"npm ci in {JS} failed:\n{p.stdout}\n{p.stderr}")


def check(mode, *files):
    """Runs `node check.mjs MODE FILES...` and returns its JSON report. Raises AssertionError when it fails."""
    p = subprocess.run([node(), str(JS / "check.mjs"), mode, *map(str, files)], capture_output=True, text=True,
                       timeout=300, env={**os.environ, "PATH": PATH, "NODE_NO_WARNINGS": "1"})
    if p.returncode != 0:
        raise AssertionError(f"check.mjs {mode} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return json.loads(p.stdout)


def parse_yaml(path):
    """The non-empty YAML documents of one file, as Python values."""
    return check("yaml", path)["files"][0]["documents"]
