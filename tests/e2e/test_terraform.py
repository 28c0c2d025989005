"""The seed's own provisioning against podbucket: fixtures/gitlab-seed/run.sh runs Terraform (hashicorp/aws from the
local mirror) init, apply, a plan that must show no drift, the seed's two `aws eks` commands (WITH_ASSOC=1, when
the server serves EKS), and destroy. The server claims the seed's region, ap-northeast-1."""
import os
import shutil
import subprocess
import sys
import unittest
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SEED = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "gitlab-seed"
if not SEED.exists():
    SEED = Path("/work/shared/fixtures/gitlab-seed")

SRV = harness.Server(extra_args=["--region", "ap-northeast-1"])


def setUpModule():
    if shutil.which("terraform") is None:
        raise unittest.SkipTest("terraform is not installed")
    if not (SEED / "run.sh").exists():
        raise unittest.SkipTest(f"seed fixture not found at {SEED}")
    SRV.start()


def tearDownModule():
    SRV.stop()


class SeedTerraform(unittest.TestCase):
    def run_seed(self, with_assoc):
        env = SRV.client_env(AWS_DEFAULT_REGION="ap-northeast-1", AWS_REGION="ap-northeast-1",
                             WORKDIR=str(SRV.tmp / ("tf-assoc" if with_assoc else "tf")),
                             PATH="/usr/local/bin:/usr/bin:/bin")
        if with_assoc:
            env["WITH_ASSOC"] = "1"
        proc = subprocess.run(["bash", str(SEED / "run.sh"), SRV.endpoint], env=env, capture_output=True,
                              text=True, timeout=900)
        tail = (proc.stdout + proc.stderr)[-6000:]
        self.assertEqual(proc.returncode, 0, tail)
        self.assertIn("run.sh: OK", proc.stdout + proc.stderr, tail)
        return proc.stdout

    def test_apply_plan_without_drift_association_destroy(self):
        out = self.run_seed(with_assoc=True)
        self.assertIn("Apply complete! Resources: 37 added", out)
        self.assertIn("Destroy complete! Resources: 37 destroyed", out)
        # The seed's two `aws eks` commands ran (assoc.sh): the add-on and the association, read back and removed.
        self.assertIn("assoc.sh: OK (association", out)
        # Nothing is left behind: the buckets, role and policies are gone.
        names = [b["Name"] for b in SRV.client("s3", region="ap-northeast-1").list_buckets()["Buckets"]]
        self.assertFalse([n for n in names if n.startswith("example-gitlab-eks-")], names)
        roles = SRV.client("iam", region="ap-northeast-1").list_roles()["Roles"]
        self.assertFalse([r for r in roles if r["RoleName"].startswith("example-gitlab-eks")])


if __name__ == "__main__":
    unittest.main(verbosity=2)
