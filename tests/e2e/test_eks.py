"""EKS Pod Identity over the wire: clusters with podbucket as their OIDC issuer, the seed's two `aws eks` commands
(create-addon with Debian's awscli 2.9; create-pod-identity-association, which that awscli predates, as a raw
request signed by botocore for service eks, as fixtures/gitlab-seed/eks_raw.py sends it), OIDC discovery on the
shared port, and EKS Auth AssumeRoleForPodIdentity: a round trip whose credentials then work for S3 within the
role's policies (including ABAC on the session tags), and every error path of the spec with its status, header and
body. Tokens are minted by the server (POST /_podbucket/clusters/NAME/token, root only), as `podbucket token` does.
"""
import base64
import http.client
import json
import os
import sys
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

from botocore.exceptions import ClientError  # noqa: E402

SRV = harness.Server()
AWS = harness.AWS_CLI
CLUSTER = "gitlab-cluster-blog"
PODS_TRUST = harness.PODS_TRUST
LEEWAY = 10  # eks::Config::token_leeway


def setUpModule():
    SRV.start()
    status, _, body = signed("GET", "/clusters", service="eks")
    if status == 501:
        SRV.stop()
        raise unittest.SkipTest("the server does not serve EKS yet (api/dispatcher + cli wiring): " + body.decode())


def tearDownModule():
    SRV.stop()


# ---- clients ----------------------------------------------------------------------------------------------------

signed, eks, mint = SRV.signed, SRV.eks, SRV.mint
ensure_cluster, account, role, user_keys = SRV.ensure_cluster, SRV.account, SRV.role, SRV.user_keys


def unsigned_get(path):
    conn = http.client.HTTPConnection("127.0.0.1", SRV.port, timeout=30)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def aws(*args, check=True):
    return SRV.aws("--output", "json", *args, check=check)


def assume_for_pod(cluster, token_body, keys):
    """AssumeRoleForPodIdentity as the agent sends it, signed for eks-auth with the agent's keys."""
    return signed("POST", f"/clusters/{cluster}/assume-role-for-pod-identity", token_body, service="eks-auth",
                  access_key=keys[0], secret_key=keys[1])


# ---- clusters ---------------------------------------------------------------------------------------------------

@unittest.skipUnless(os.path.exists(AWS), "Debian awscli (/usr/bin/aws) is not installed")
class TestClustersWithAwsCli(unittest.TestCase):
    def test_1_create_describe_list_delete(self):
        name = "cli-cluster"
        p = aws("eks", "describe-cluster", "--name", name, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("ResourceNotFoundException", p.stderr)
        out = json.loads(aws("eks", "create-cluster", "--name", name, "--role-arn",
                             f"arn:aws:iam::{account()}:role/eks-cluster-role", "--resources-vpc-config",
                             "subnetIds=subnet-00000000000000001,subnet-00000000000000002").stdout)
        c = out["cluster"]
        self.assertEqual(c["name"], name)
        self.assertEqual(c["arn"], f"arn:aws:eks:us-east-1:{account()}:cluster/{name}")
        self.assertEqual(c["identity"]["oidc"]["issuer"], f"{SRV.endpoint}/_oidc/{name}")
        self.assertEqual(c["resourcesVpcConfig"]["subnetIds"],
                         ["subnet-00000000000000001", "subnet-00000000000000002"])
        aws("eks", "wait", "cluster-active", "--name", name)
        c = json.loads(aws("eks", "describe-cluster", "--name", name).stdout)["cluster"]
        self.assertEqual(c["status"], "ACTIVE")
        self.assertIsInstance(c["createdAt"], str)  # awscli renders the epoch-seconds timestamp as a date
        self.assertIn(name, json.loads(aws("eks", "list-clusters").stdout)["clusters"])
        p = aws("eks", "create-cluster", "--name", name, "--role-arn", f"arn:aws:iam::{account()}:role/x",
                "--resources-vpc-config", "subnetIds=subnet-1", check=False)
        self.assertIn("ResourceInUseException", p.stderr)
        self.assertEqual(json.loads(aws("eks", "delete-cluster", "--name", name).stdout)["cluster"]["status"],
                         "DELETING")
        aws("eks", "wait", "cluster-deleted", "--name", name)
        p = aws("eks", "describe-cluster", "--name", name, check=False)
        self.assertIn("An error occurred (ResourceNotFoundException) when calling the DescribeCluster operation: "
                      f"No cluster found for name: {name}.", p.stderr)

    def test_2_oidc_discovery_on_the_shared_port(self):
        ensure_cluster("oidc-cluster")
        issuer = eks("GET", "/clusters/oidc-cluster")["cluster"]["identity"]["oidc"]["issuer"]
        path = urllib.parse.urlsplit(issuer).path
        status, headers, body = unsigned_get(path + "/.well-known/openid-configuration")
        self.assertEqual(status, 200, body)
        self.assertEqual(headers["content-type"], "application/json")
        doc = json.loads(body)
        self.assertEqual(doc["issuer"], issuer)
        self.assertEqual(doc["jwks_uri"], issuer + "/keys")
        self.assertEqual(doc["id_token_signing_alg_values_supported"], ["RS256"])
        status, _, body = unsigned_get(path + "/keys")
        self.assertEqual(status, 200, body)
        keys = json.loads(body)["keys"]
        self.assertEqual(len(keys), 1)
        self.assertEqual((keys[0]["kty"], keys[0]["alg"], keys[0]["use"], keys[0]["e"]), ("RSA", "RS256", "sig", "AQAB"))
        self.assertNotIn("d", keys[0])
        status, headers, body = unsigned_get("/_oidc/no-such-cluster/keys")
        self.assertEqual(status, 404)
        self.assertEqual(headers.get("x-amzn-errortype"), "ResourceNotFoundException")
        # A minted token's kid is in the key set; after a rotation both keys are published.
        token = mint("oidc-cluster", "default", "app")
        header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
        self.assertEqual(header, {"alg": "RS256", "kid": keys[0]["kid"]})
        kid = eks("POST", "/_podbucket/clusters/oidc-cluster/rotate-signing-key")["kid"]
        kids = [k["kid"] for k in json.loads(unsigned_get(path + "/keys")[2])["keys"]]
        self.assertEqual(kids, [keys[0]["kid"], kid])


# ---- the seed's commands ------------------------------------------------------------------------------------------

class TestSeedCommands(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        ensure_cluster(CLUSTER)
        cls.role_arn = role("gitlab-eks-global", PODS_TRUST)

    @unittest.skipUnless(os.path.exists(AWS), "Debian awscli (/usr/bin/aws) is not installed")
    def test_1_create_addon_with_awscli(self):
        out = json.loads(aws("eks", "create-addon", "--cluster-name", CLUSTER, "--addon-name",
                             "eks-pod-identity-agent").stdout)
        self.assertEqual(out["addon"]["addonName"], "eks-pod-identity-agent")
        self.assertTrue(out["addon"]["addonArn"].startswith(
            f"arn:aws:eks:us-east-1:{account()}:addon/{CLUSTER}/eks-pod-identity-agent/"))
        aws("eks", "wait", "addon-active", "--cluster-name", CLUSTER, "--addon-name", "eks-pod-identity-agent")
        out = json.loads(aws("eks", "describe-addon", "--cluster-name", CLUSTER, "--addon-name",
                             "eks-pod-identity-agent").stdout)
        self.assertEqual(out["addon"]["status"], "ACTIVE")
        self.assertEqual(json.loads(aws("eks", "list-addons", "--cluster-name", CLUSTER).stdout)["addons"],
                         ["eks-pod-identity-agent"])
        p = aws("eks", "create-addon", "--cluster-name", CLUSTER, "--addon-name", "eks-pod-identity-agent",
                check=False)
        self.assertIn("ResourceInUseException", p.stderr)

    def test_2_create_pod_identity_association_raw(self):
        # Debian's awscli 2.9.19 has no *-pod-identity-association commands: the request eks_raw.py sends.
        base = f"/clusters/{CLUSTER}/pod-identity-associations"
        out = eks("POST", base, {"namespace": "gitlab", "serviceAccount": "gitlab-global", "roleArn": self.role_arn})
        a = out["association"]
        aid = a["associationId"]
        self.assertRegex(aid, r"^a-[a-z0-9]{17}$")
        self.assertEqual(a["associationArn"],
                         f"arn:aws:eks:us-east-1:{account()}:podidentityassociation/{CLUSTER}/{aid}")
        self.assertEqual((a["namespace"], a["serviceAccount"], a["roleArn"]), ("gitlab", "gitlab-global", self.role_arn))
        self.assertIsInstance(a["createdAt"], float)
        self.assertAlmostEqual(a["createdAt"], time.time(), delta=120)

        listed = eks("GET", base, query="namespace=gitlab&serviceAccount=gitlab-global")["associations"]
        self.assertEqual([x["associationId"] for x in listed], [aid])
        self.assertEqual(eks("GET", f"{base}/{aid}")["association"]["roleArn"], self.role_arn)

        status, headers, body = signed("POST", base, {"namespace": "gitlab", "serviceAccount": "gitlab-global",
                                                      "roleArn": self.role_arn})
        self.assertEqual(status, 409)
        self.assertEqual(headers["x-amzn-errortype"], "ResourceInUseException")
        self.assertEqual(headers["content-type"], "application/json")
        # EKS error bodies carry `message` plus the optional members the error names (pod-identity.md 3.1).
        self.assertEqual(json.loads(body), {"message": f"Association already exists: {aid}",
                                            "clusterName": "gitlab-cluster-blog"})

        self.assertEqual(eks("DELETE", f"{base}/{aid}")["association"]["associationId"], aid)
        status, headers, _ = signed("GET", f"{base}/{aid}")
        self.assertEqual((status, headers["x-amzn-errortype"]), (404, "ResourceNotFoundException"))

    def test_3_boto3_parses_the_rest_json_error(self):
        # Debian's botocore 1.29 reads the code from x-amzn-ErrorType.
        eksc = SRV.client("eks")
        with self.assertRaises(ClientError) as e:
            eksc.describe_cluster(name="does-not-exist")
        self.assertEqual(e.exception.response["Error"]["Code"], "ResourceNotFoundException")
        self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)


# ---- EKS Auth -----------------------------------------------------------------------------------------------------

class TestAssumeRoleForPodIdentity(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        ensure_cluster(CLUSTER)
        ensure_cluster("other-cluster")
        s3 = SRV.s3()
        cls.allowed = harness.unique_bucket("gitlab-artifacts")
        cls.denied = harness.unique_bucket("other")
        cls.shared = harness.unique_bucket("shared")
        for b in (cls.allowed, cls.denied, cls.shared):
            s3.create_bucket(Bucket=b)
        cls.role_arn = role("gitlab-pods", PODS_TRUST, {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
             "Resource": [f"arn:aws:s3:::{cls.allowed}", f"arn:aws:s3:::{cls.allowed}/*"]},
            {"Effect": "Allow", "Action": "s3:PutObject",
             "Resource": f"arn:aws:s3:::{cls.shared}/${{aws:PrincipalTag/kubernetes-namespace}}/*"}]})
        cls.association = eks("POST", f"/clusters/{CLUSTER}/pod-identity-associations", {
            "namespace": "gitlab", "serviceAccount": "gitlab-webservice", "roleArn": cls.role_arn})["association"]
        cls.agent = user_keys("pod-identity-agent", {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "eks-auth:AssumeRoleForPodIdentity", "Resource": "*"}]})

    def assume(self, token, cluster=CLUSTER, keys=None):
        return assume_for_pod(cluster, {"token": token}, keys or self.agent)

    def assert_error(self, reply, status, code):
        st, headers, body = reply
        self.assertEqual(st, status, body)
        self.assertEqual(headers.get("x-amzn-errortype"), code, body)
        self.assertEqual(headers.get("content-type"), "application/json")
        self.assertTrue(headers.get("x-amzn-requestid"))
        msg = json.loads(body)
        self.assertEqual(list(msg), ["message"])
        self.assertTrue(msg["message"])
        return msg["message"]

    def test_round_trip_then_s3(self):
        status, _, body = self.assume(mint(CLUSTER, "gitlab", "gitlab-webservice"))
        self.assertEqual(status, 200, body)
        out = json.loads(body)
        self.assertEqual(out["subject"], {"namespace": "gitlab", "serviceAccount": "gitlab-webservice"})
        self.assertEqual(out["audience"], "pods.eks.amazonaws.com")
        self.assertEqual(out["podIdentityAssociation"], {
            "associationArn": self.association["associationArn"], "associationId": self.association["associationId"]})
        self.assertRegex(out["assumedRoleUser"]["arn"],
                         rf"^arn:aws:sts::{account()}:assumed-role/gitlab-pods/eks-{CLUSTER}-web-")
        self.assertRegex(out["assumedRoleUser"]["assumeRoleId"], r"^AROA[A-Z0-9]+:eks-")
        creds = out["credentials"]
        self.assertTrue(creds["accessKeyId"].startswith("ASIA"))
        self.assertIsInstance(creds["expiration"], int)
        # Six hours by default: longer than GitLab's 4 h 15 min presigned URLs.
        self.assertAlmostEqual(creds["expiration"] - time.time(), 6 * 3600, delta=120)

        s3 = SRV.client("s3", access_key=creds["accessKeyId"], secret_key=creds["secretAccessKey"],
                        session_token=creds["sessionToken"])
        s3.put_object(Bucket=self.allowed, Key="pod.txt", Body=b"from a pod")
        self.assertEqual(s3.get_object(Bucket=self.allowed, Key="pod.txt")["Body"].read(), b"from a pod")
        with self.assertRaises(ClientError) as e:
            s3.put_object(Bucket=self.denied, Key="x", Body=b"x")
        self.assertEqual(e.exception.response["Error"]["Code"], "AccessDenied")
        # ABAC: the session tag kubernetes-namespace picks the prefix.
        s3.put_object(Bucket=self.shared, Key="gitlab/ok.txt", Body=b"ok")
        with self.assertRaises(ClientError) as e:
            s3.put_object(Bucket=self.shared, Key="kube-system/no.txt", Body=b"no")
        self.assertEqual(e.exception.response["Error"]["Code"], "AccessDenied")
        # The session acts as the role.
        ident = SRV.client("sts", access_key=creds["accessKeyId"], secret_key=creds["secretAccessKey"],
                           session_token=creds["sessionToken"]).get_caller_identity()
        self.assertEqual(ident["Arn"], out["assumedRoleUser"]["arn"])

    def test_error_no_token(self):
        self.assert_error(assume_for_pod(CLUSTER, {}, self.agent), 400, "InvalidParameterException")

    def test_error_bearer_prefix(self):
        self.assert_error(self.assume("Bearer " + mint(CLUSTER, "gitlab", "gitlab-webservice")), 400,
                          "InvalidTokenException")

    def test_error_wrong_audience(self):
        self.assert_error(self.assume(mint(CLUSTER, "gitlab", "gitlab-webservice", audience="sts.amazonaws.com")),
                          400, "InvalidTokenException")

    def test_error_expired_token(self):
        token = mint(CLUSTER, "gitlab", "gitlab-webservice", expires_in=1)
        time.sleep(LEEWAY + 2.5)
        msg = self.assert_error(self.assume(token), 400, "ExpiredTokenException")
        self.assertTrue(msg.startswith("The token included in the request is expired"), msg)

    def test_error_foreign_issuer(self):
        # A token of another cluster (another issuer, other keys) presented for this one.
        self.assert_error(self.assume(mint("other-cluster", "gitlab", "gitlab-webservice")), 400,
                          "InvalidTokenException")

    def test_error_unassociated_service_account(self):
        self.assert_error(self.assume(mint(CLUSTER, "gitlab", "gitlab-runner")), 404, "ResourceNotFoundException")

    def test_error_unknown_cluster(self):
        self.assert_error(self.assume(mint(CLUSTER, "gitlab", "gitlab-webservice"), cluster="no-such-cluster"), 404,
                          "ResourceNotFoundException")

    def test_error_trust_policy_without_tag_session(self):
        no_tag = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
        arn = role("no-tag-session", no_tag)
        eks("POST", f"/clusters/{CLUSTER}/pod-identity-associations",
            {"namespace": "gitlab", "serviceAccount": "no-tag", "roleArn": arn})
        msg = self.assert_error(self.assume(mint(CLUSTER, "gitlab", "no-tag")), 400, "AccessDeniedException")
        self.assertIn("sts:TagSession", msg)

    def test_error_caller_without_permission(self):
        keys = user_keys("no-eks-auth", {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]})
        msg = self.assert_error(self.assume(mint(CLUSTER, "gitlab", "gitlab-webservice"), keys=keys), 400,
                                "AccessDeniedException")
        self.assertIn("eks-auth:AssumeRoleForPodIdentity", msg)

    def test_mint_is_root_only(self):
        st, headers, _ = signed("POST", f"/_podbucket/clusters/{CLUSTER}/token",
                                {"namespace": "gitlab", "serviceAccount": "x"}, access_key=self.agent[0],
                                secret_key=self.agent[1])
        self.assertEqual((st, headers.get("x-amzn-errortype")), (403, "AccessDeniedException"))


# ---- restart --------------------------------------------------------------------------------------------------------

class TestZRestart(unittest.TestCase):
    def test_clusters_associations_and_keys_survive(self):
        ensure_cluster("durable")
        arn = role("durable-role", PODS_TRUST)
        aid = eks("POST", "/clusters/durable/pod-identity-associations",
                  {"namespace": "ns", "serviceAccount": "sa", "roleArn": arn})["association"]["associationId"]
        kid = json.loads(unsigned_get("/_oidc/durable/keys")[2])["keys"][0]["kid"]
        SRV.stop(cleanup=False)
        SRV.start()
        self.assertEqual(eks("GET", f"/clusters/durable/pod-identity-associations/{aid}")["association"]["roleArn"],
                         arn)
        self.assertEqual(json.loads(unsigned_get("/_oidc/durable/keys")[2])["keys"][0]["kid"], kid)
        status, _, body = assume_for_pod("durable", {"token": mint("durable", "ns", "sa")},
                                         (SRV.access_key, SRV.secret_key))
        self.assertEqual(status, 200, body)


if __name__ == "__main__":
    harness.main()
