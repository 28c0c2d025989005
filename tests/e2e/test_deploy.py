"""The Kubernetes deployment: deploy/helm/podbucket and the plain manifests rendered from its defaults,
deploy/manifests/ (no Helm here: written by hand, so this test holds them to the chart).

- Every manifest (and the optional ones) passes the Kubernetes OpenAPI validators of the npm package
  kubernetes-models (and @kubernetes-models/* for ServiceMonitor and cert-manager), plus a `tsc --strict` check
  against the same API's TypeScript types, which rejects misspelt fields (tests/deploy/js/check.mjs).
- The chart and the manifests agree: every template line that the defaults render and this test can evaluate
  (literal lines, `.Values`, `.Release`, the name/image/URL helpers, `quote`, `default`) appears in the manifest
  of the same name, in order; every `.Values` path a template reads exists in values.yaml.
- The podbucket containers use only flags that `podbucket ... --help` lists, and `podbucket webhook manifest`
  prints the same registration as the chart.
- The fields the agent and the webhook rely on: hostNetwork, the 169.254.170.23 bind, NET_ADMIN for `agent init`,
  the probe ports, the webhook's rules, selectors and caBundle path, the TLS Secret shared by the certgen Jobs and
  the webhook, RBAC for the Jobs, and selectors, named ports and NetworkPolicies that line up.
Nothing here talks to a cluster or the network."""
import copy
import os
import re
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import deploy_js  # noqa: E402
import harness  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "deploy" / "helm" / "podbucket"
TEMPLATES = CHART / "templates"
MANIFESTS = REPO / "deploy" / "manifests"
RELEASE = {"Name": "podbucket", "Namespace": "podbucket", "Service": "Helm"}
# Templates whose objects the defaults leave out: rendered into manifests/optional/ with these values.
OPTIONAL = {
    "servicemonitor.yaml": {"serviceMonitor": {"enabled": True}},
    "webhook-certmanager.yaml": {"webhook": {"certManager": {"enabled": True}}},
}
AGENT_ADDRESS = "169.254.170.23"

REPORT = {}


def setUpModule():
    deploy_js.ensure_packages()
    files = sorted(MANIFESTS.glob("*.yaml")) + sorted((MANIFESTS / "optional").glob("*.yaml"))
    REPORT["documents"] = deploy_js.check("manifests", *files)["documents"]
    REPORT["values"] = deploy_js.parse_yaml(CHART / "values.yaml")[0]
    REPORT["chart"] = deploy_js.parse_yaml(CHART / "Chart.yaml")[0]


def documents(optional=False):
    return [d for d in REPORT["documents"] if optional or "/optional/" not in d["file"]]


def find(kind, name=None, optional=False):
    """The one manifest object of `kind` (and `name`)."""
    found = [d["object"] for d in documents(optional) if d["kind"] == kind and (name is None or d["name"] == name)]
    if len(found) != 1:
        raise AssertionError(f"expected one {kind} {name or ''} in deploy/manifests, found {len(found)}")
    return found[0]


def pod_spec(obj):
    return obj["spec"]["template"]["spec"]


def container(obj, name, init=False):
    for c in pod_spec(obj)["initContainers" if init else "containers"]:
        if c["name"] == name:
            return c
    raise AssertionError(f"{obj['kind']} {obj['metadata']['name']} has no container {name}")


def flag(c, name):
    """The value of `--name=value` in the container's args (None when absent)."""
    for a in c.get("args", []):
        if a.startswith(f"--{name}="):
            return a.split("=", 1)[1]
    return None


def port_number(c, port):
    """A probe's or Service's port (a number or a container port's name) as a number."""
    if isinstance(port, int):
        return port
    for p in c.get("ports", []):
        if p["name"] == port:
            return p["containerPort"]
    raise AssertionError(f"container {c['name']} has no port named {port}")


def matches(selector, labels):
    return all(labels.get(k) == v for k, v in selector.items())


def merged(base, override):
    out = copy.deepcopy(base)
    for k, v in override.items():
        out[k] = merged(out.get(k, {}), v) if isinstance(v, dict) else v
    return out


class TemplateLines:
    """Evaluates the small part of Helm's template language that the chart's lines use, line by line. A line is
    None when it cannot be evaluated here (toYaml, nindent, printf, ...); such lines are not compared."""

    ACTION = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}")
    CONTROL = re.compile(r"^\s*\{\{-?\s*(if|else|end|with|range)\b\s*(.*?)\s*-?\}\}\s*$")

    def __init__(self, values, chart):
        self.values = values
        self.chart = chart

    def fullname(self):
        if self.values.get("fullnameOverride"):
            return self.values["fullnameOverride"]
        name = self.values.get("nameOverride") or self.chart["name"]
        return RELEASE["Name"] if name in RELEASE["Name"] else f"{RELEASE['Name']}-{name}"

    def helper(self, name):
        v = self.values
        return {
            "podbucket.fullname": self.fullname(),
            "podbucket.image": f"{v['image']['repository']}:{v['image']['tag'] or self.chart['appVersion']}",
            "podbucket.serverUrl": f"http://{self.fullname()}.{RELEASE['Namespace']}.svc:{v['server']['port']}",
        }.get(name)

    def lookup(self, path):
        """Values of `.Values.a.b`, `.Release.X`, `.Chart.X`; raises KeyError for an unknown path."""
        parts = path.lstrip(".").split(".")
        root = {"Values": self.values, "Release": RELEASE,
                "Chart": {"Name": self.chart["name"], "Version": self.chart["version"],
                          "AppVersion": self.chart["appVersion"]}}
        value = root
        for p in parts:
            value = value[p]
        return value

    def term(self, tokens):
        """Evaluates one term off the front of `tokens`; None when it is not supported."""
        t = tokens.pop(0)
        if t == "(":
            value = self.expression(tokens)
            if not tokens or tokens.pop(0) != ")":
                return None
            return value
        if t.startswith("."):
            return self.lookup(t)
        if t.startswith('"'):
            return t.strip('"')
        if t == "not":
            v = self.term(tokens)
            return None if v is None else not v
        if t == "and":
            a, b = self.term(tokens), self.term(tokens)
            return None if a is None or b is None else (a and b)
        if t == "include":
            name = tokens.pop(0).strip('"')
            if tokens.pop(0) != ".":
                return None
            return self.helper(name)
        return None

    def expression(self, tokens):
        value = self.term(tokens)
        while tokens and tokens[0] == "|":
            tokens.pop(0)
            fn = tokens.pop(0)
            if fn == "quote":
                value = f'"{self.text(value)}"'
            elif fn == "default":
                fallback = self.term(tokens)
                value = value if value else fallback
            else:
                return None
        return value

    def evaluate(self, source):
        tokens = re.findall(r'"[^"]*"|\(|\)|\||[^\s()|]+', source)
        try:
            value = self.expression(tokens)
        except (IndexError, KeyError, TypeError):
            return None
        return None if tokens else value

    @staticmethod
    def text(value):
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    def render(self, path):
        """[(template line number, rendered line)] for the lines this class can render, in order."""
        out, stack = [], []
        for number, line in enumerate(path.read_text().splitlines(), 1):
            control = self.CONTROL.match(line)
            if control:
                keyword, expr = control.groups()
                if keyword == "if":
                    value = self.evaluate(expr)
                    stack.append(None if value is None else bool(value))
                elif keyword == "else":
                    stack[-1] = None if stack[-1] is None else not stack[-1]
                elif keyword == "with":
                    value = self.evaluate(expr)
                    stack.append(None if value is None else bool(value))
                elif keyword == "range":
                    stack.append(None)
                else:
                    stack.pop()
                continue
            if False in stack or None in stack or line.strip().startswith("{{/*"):
                continue
            rendered, ok = line, True
            for action in self.ACTION.finditer(line):
                value = self.evaluate(action.group(1))
                if value is None:
                    ok = False
                    break
                rendered = rendered.replace(action.group(0), self.text(value), 1)
            if ok:
                out.append((number, rendered.rstrip()))
        return out


class TestSchemas(unittest.TestCase):
    def test_every_manifest_passes_the_kubernetes_schemas(self):
        docs = documents(optional=True)
        self.assertGreater(len(docs), 20)
        failures = [f"{Path(d['file']).name}: {d['kind']} {d['name']}: {e}" for d in docs for e in d["errors"]]
        self.assertEqual(failures, [], "\n".join(failures))
        kinds = {d["kind"] for d in docs}
        for kind in ("StatefulSet", "DaemonSet", "Deployment", "MutatingWebhookConfiguration", "Service", "ConfigMap",
                     "ServiceAccount", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding", "Job",
                     "NetworkPolicy", "ServiceMonitor", "Issuer", "Certificate", "Namespace"):
            self.assertIn(kind, kinds)

    def test_the_validators_reject_broken_manifests(self):
        """The same check on damaged copies: a misspelt field, a wrong type, a missing required field, a wrong
        enum value and an unknown kind each fail."""
        daemonset = find("DaemonSet")
        broken = []
        d = copy.deepcopy(daemonset)
        c = d["spec"]["template"]["spec"]["containers"][0]
        c["readinesProbe"] = c.pop("readinessProbe")
        broken.append(("misspelt", d))
        d = copy.deepcopy(daemonset)
        d["spec"]["template"]["spec"]["hostNetwork"] = "true"
        broken.append(("type", d))
        d = copy.deepcopy(daemonset)
        del d["spec"]["selector"]
        broken.append(("required", d))
        mwc = copy.deepcopy(find("MutatingWebhookConfiguration"))
        mwc["webhooks"][0]["timeoutSeconds"] = "ten"
        broken.append(("webhook", mwc))
        broken.append(("kind", {"apiVersion": "v1", "kind": "Bucket", "metadata": {"name": "x"}}))
        with tempfile.TemporaryDirectory() as tmp:
            files = []
            for label, obj in broken:
                path = Path(tmp) / f"{label}.json"  # JSON is YAML
                path.write_text(__import__("json").dumps(obj))
                files.append(path)
            report = deploy_js.check("manifests", *files)["documents"]
        self.assertEqual(len(report), len(broken))
        for (label, _), doc in zip(broken, report):
            self.assertTrue(doc["errors"], f"{label}: accepted")
        self.assertTrue(any("readinesProbe" in e for e in report[0]["errors"]), report[0]["errors"])
        self.assertTrue(any("hostNetwork" in e for e in report[1]["errors"]), report[1]["errors"])
        self.assertTrue(any("selector" in e for e in report[2]["errors"]), report[2]["errors"])
        self.assertIn("no schema for v1 Bucket", report[4]["errors"])


class TestChartAndManifests(unittest.TestCase):
    def test_chart_version_and_image_follow_the_project(self):
        chart = REPORT["chart"]
        version = re.search(r"project\(podbucket VERSION (\S+)", (REPO / "CMakeLists.txt").read_text()).group(1)
        self.assertEqual(chart["apiVersion"], "v2")
        self.assertEqual(chart["appVersion"], version)
        for kind in ("StatefulSet", "DaemonSet", "Deployment"):
            for c in pod_spec(find(kind))["containers"]:
                self.assertEqual(c["image"], f"podbucket/podbucket:{version}")

    def test_every_rendered_template_line_appears_in_its_manifest(self):
        checked = 0
        for template in sorted(TEMPLATES.glob("*.yaml")):
            values = merged(REPORT["values"], OPTIONAL.get(template.name, {}))
            lines = TemplateLines(values, REPORT["chart"]).render(template)
            target = MANIFESTS / ("optional" if template.name in OPTIONAL else "") / template.name
            if not lines:
                self.assertFalse(target.exists(), f"{template.name} renders nothing, but {target} exists")
                continue
            self.assertTrue(target.exists(), f"{template.name} has no rendered manifest {target}")
            manifest = [line.rstrip() for line in target.read_text().splitlines()]
            at = 0
            for number, line in lines:
                try:
                    at = manifest.index(line, at) + 1
                except ValueError:
                    self.fail(f"{template.name}:{number}: {line.strip()!r} is not in {target.name} "
                              f"(after line {at})")
                checked += 1
        self.assertGreater(checked, 500)

    def test_every_manifest_comes_from_a_template(self):
        names = {t.name for t in TEMPLATES.glob("*.yaml")}
        for path in list(MANIFESTS.glob("*.yaml")) + list((MANIFESTS / "optional").glob("*.yaml")):
            if path.name == "00-namespace.yaml":
                continue
            self.assertIn(path.name, names)
            sources = re.findall(r"^# Source: podbucket/templates/(\S+)$", path.read_text(), re.M)
            docs = [d for d in documents(optional=True) if d["file"] == str(path)]
            self.assertEqual(len(sources), len(docs), path.name)
            self.assertEqual(set(sources), {path.name})

    def test_templates_read_only_values_that_exist(self):
        values = REPORT["values"]
        text = "\n".join(p.read_text() for p in TEMPLATES.iterdir())
        paths = set(re.findall(r"\.Values\.([A-Za-z0-9_.]+)", text))
        self.assertGreater(len(paths), 30)
        for path in sorted(paths):
            node = values
            for part in path.split("."):
                self.assertIsInstance(node, dict, path)
                self.assertIn(part, node, f".Values.{path} is not in values.yaml")
                node = node[part]


class TestCommandLines(unittest.TestCase):
    def help_text(self, *subcommand):
        p = subprocess.run([harness.podbucket_bin(), *subcommand, "--help"], capture_output=True, text=True,
                           timeout=30)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout

    def test_podbucket_containers_use_real_flags(self):
        seen = 0
        for d in documents():
            spec = d["object"].get("spec", {}).get("template", {}).get("spec")
            if not spec:
                continue
            for c in spec.get("initContainers", []) + spec["containers"]:
                if not c["image"].startswith("podbucket/"):
                    continue
                args = c["args"]
                words = [a for a in args if not a.startswith("-")]
                flags = [a.split("=", 1)[0] for a in args if a.startswith("--")]
                self.assertTrue(flags, c["name"])
                help_text = self.help_text(*words)
                for f in flags:
                    self.assertRegex(help_text, rf"(^|[\s,]){re.escape(f)}\b", f"{c['name']}: {' '.join(words)} {f}")
                seen += 1
        self.assertEqual(seen, 4)  # server, agent-init, agent, webhook

    def test_the_config_file_passes_config_check(self):
        config = find("ConfigMap", "podbucket-config")["data"]["config.yaml"]
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "config.yaml"
            path.write_text(config)
            parsed = deploy_js.parse_yaml(path)[0]
            self.assertEqual(set(parsed), {"server"})
            if not re.search(r"^\s+config\s", self.help_text(), re.M):
                self.skipTest("this podbucket has no `config check` yet")
            p = subprocess.run([harness.podbucket_bin(), "config", "check", str(path)], capture_output=True,
                               text=True, timeout=30)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_webhook_manifest_command_prints_the_charts_registration(self):
        mwc = find("MutatingWebhookConfiguration")
        hook = mwc["webhooks"][0]
        service = hook["clientConfig"]["service"]
        with tempfile.TemporaryDirectory() as tmp:
            ca = Path(tmp) / "ca.pem"
            ca.write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
            out = Path(tmp) / "mwc.yaml"
            p = subprocess.run([harness.podbucket_bin(), "webhook", "manifest", "--ca-file", str(ca),
                                "--name", mwc["metadata"]["name"], "--service-name", service["name"],
                                "--service-namespace", service["namespace"], "--service-port", str(service["port"])],
                               capture_output=True, text=True, timeout=30)
            self.assertEqual(p.returncode, 0, p.stderr)
            out.write_text(p.stdout)
            printed = deploy_js.check("manifests", out)["documents"]
        self.assertEqual(len(printed), 1)
        self.assertEqual(printed[0]["errors"], [])
        theirs = printed[0]["object"]
        self.assertEqual(theirs["metadata"]["name"], mwc["metadata"]["name"])
        self.assertEqual(len(theirs["webhooks"]), 1)
        ours = copy.deepcopy(hook)
        theirs_hook = theirs["webhooks"][0]
        self.assertTrue(theirs_hook["clientConfig"].pop("caBundle"))
        self.assertEqual(ours, theirs_hook)


class TestAgent(unittest.TestCase):
    def setUp(self):
        self.ds = find("DaemonSet")
        self.spec = pod_spec(self.ds)
        self.agent = container(self.ds, "agent")

    def test_host_network_and_address(self):
        self.assertIs(self.spec["hostNetwork"], True)
        self.assertEqual(self.spec["dnsPolicy"], "ClusterFirstWithHostNet")
        self.assertEqual(self.agent["args"][0], "agent")
        self.assertEqual(flag(self.agent, "bind-hosts"), AGENT_ADDRESS)
        self.assertEqual(flag(self.agent, "port"), "80")
        self.assertEqual(flag(self.agent, "cluster-name"), REPORT["values"]["clusterName"])
        # Runs on every node, tainted or not.
        self.assertIn({"operator": "Exists"}, self.spec["tolerations"])

    def test_init_container_sets_up_the_address_with_net_admin(self):
        init = container(self.ds, "agent-init", init=True)
        self.assertEqual(init["args"][:2], ["agent", "init"])
        self.assertEqual(flag(init, "ipv4"), AGENT_ADDRESS)
        caps = init["securityContext"]["capabilities"]
        self.assertEqual(caps["add"], ["NET_ADMIN"])
        self.assertEqual(caps["drop"], ["ALL"])
        self.assertEqual(init["securityContext"]["runAsUser"], 0)
        # The agent itself keeps only the right to bind port 80.
        self.assertEqual(self.agent["securityContext"]["capabilities"]["add"], ["NET_BIND_SERVICE"])
        self.assertIs(self.agent["securityContext"]["allowPrivilegeEscalation"], False)

    def test_probes_hit_the_probe_port_on_loopback(self):
        probe_port = int(flag(self.agent, "probe-port"))
        self.assertEqual(probe_port, 2703)
        for kind, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
            get = self.agent[kind]["httpGet"]
            self.assertEqual(get["path"], path)
            self.assertEqual(port_number(self.agent, get["port"]), probe_port)
            self.assertEqual(get["host"], "127.0.0.1")  # `--probe-port`: "on 127.0.0.1"
        self.assertEqual(port_number(self.agent, "metrics"), int(flag(self.agent, "metrics-port")))
        self.assertEqual(int(flag(self.agent, "metrics-port")), 2705)
        # Port 80 is not declared (it would be a host port).
        self.assertNotIn(80, [p["containerPort"] for p in self.agent["ports"]])

    def test_reaches_the_server_and_its_own_keys(self):
        endpoint = urlsplit(flag(self.agent, "endpoint"))
        service = find("Service", "podbucket")
        self.assertEqual(endpoint.hostname, f"{service['metadata']['name']}.{service['metadata']['namespace']}.svc")
        self.assertIn(endpoint.port, [p["port"] for p in service["spec"]["ports"] if p["name"] == "s3"])
        mount = self.agent["volumeMounts"][0]
        self.assertEqual(os.path.dirname(flag(self.agent, "credentials-file")), mount["mountPath"])
        volume = next(v for v in self.spec["volumes"] if v["name"] == mount["name"])
        self.assertIs(volume["secret"]["optional"], True)


class TestWebhook(unittest.TestCase):
    def setUp(self):
        self.mwc = find("MutatingWebhookConfiguration")
        self.hook = self.mwc["webhooks"][0]
        self.deployment = find("Deployment")
        self.webhook = container(self.deployment, "webhook")

    def test_registration(self):
        hook = self.hook
        self.assertEqual(hook["failurePolicy"], "Ignore")
        self.assertEqual(hook["sideEffects"], "None")
        self.assertEqual(hook["admissionReviewVersions"], ["v1"])
        self.assertEqual(hook["rules"], [{"operations": ["CREATE"], "apiGroups": [""], "apiVersions": ["v1"],
                                          "resources": ["pods"]}])
        self.assertEqual(hook["objectSelector"], {"matchExpressions": [
            {"key": "eks.amazonaws.com/skip-pod-identity-webhook", "operator": "DoesNotExist"}]})
        self.assertEqual(hook["clientConfig"]["service"]["path"], "/mutate")

    def test_service_reaches_the_https_listener(self):
        ref = self.hook["clientConfig"]["service"]
        service = find("Service", ref["name"])
        self.assertEqual(service["metadata"]["namespace"], ref["namespace"])
        self.assertEqual(self.deployment["metadata"]["namespace"], ref["namespace"])
        port = next(p for p in service["spec"]["ports"] if p["port"] == ref["port"])
        self.assertTrue(matches(service["spec"]["selector"], self.deployment["spec"]["template"]["metadata"]["labels"]))
        listen_port = int(flag(self.webhook, "listen").rsplit(":", 1)[1])
        self.assertEqual(port_number(self.webhook, port["targetPort"]), listen_port)

    def test_probes_reach_the_plain_http_probe_listener(self):
        probe_port = int(flag(self.webhook, "probe-listen").rsplit(":", 1)[1])
        for kind, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
            get = self.webhook[kind]["httpGet"]
            self.assertEqual((get.get("scheme", "HTTP"), get["path"]), ("HTTP", path))
            self.assertEqual(port_number(self.webhook, get["port"]), probe_port)

    def test_injected_uri_is_the_agents_address(self):
        uri = urlsplit(flag(self.webhook, "container-credentials-full-uri"))
        agent = container(find("DaemonSet"), "agent")
        self.assertEqual(uri.hostname, flag(agent, "bind-hosts"))
        self.assertEqual(uri.port or 80, int(flag(agent, "port")))
        self.assertEqual(uri.path, "/v1/credentials")
        self.assertEqual(flag(self.webhook, "cluster-name"), flag(agent, "cluster-name"))

    def tls_volume(self):
        mount_dir = os.path.dirname(flag(self.webhook, "tls-cert"))
        self.assertEqual(os.path.dirname(flag(self.webhook, "tls-key")), mount_dir)
        mount = next(m for m in self.webhook["volumeMounts"] if m["mountPath"] == mount_dir)
        return next(v for v in pod_spec(self.deployment)["volumes"] if v["name"] == mount["name"])["secret"]

    def test_certgen_jobs_make_the_secret_and_inject_the_ca_bundle(self):
        """caBundle is absent from the manifest (re-applying keeps the injected one); the patch Job writes it into
        this very MutatingWebhookConfiguration from the Secret the create Job made for the Service's DNS names,
        which is the Secret the webhook mounts (keys cert, key as tls.crt, tls.key)."""
        self.assertNotIn("caBundle", self.hook["clientConfig"])
        secret = self.tls_volume()
        self.assertEqual({i["key"]: i["path"] for i in secret["items"]}, {
            "cert": os.path.basename(flag(self.webhook, "tls-cert")),
            "key": os.path.basename(flag(self.webhook, "tls-key"))})
        create = container(find("Job", "podbucket-webhook-certgen-create"), "create")
        patch = container(find("Job", "podbucket-webhook-certgen-patch"), "patch")
        ref = self.hook["clientConfig"]["service"]
        self.assertEqual(create["args"][0], "create")
        self.assertIn(f"{ref['name']}.{ref['namespace']}.svc", flag(create, "host").split(","))
        self.assertEqual(flag(create, "secret-name"), secret["secretName"])
        self.assertEqual(flag(create, "namespace"), ref["namespace"])
        self.assertEqual(patch["args"][0], "patch")
        self.assertEqual(flag(patch, "webhook-name"), self.mwc["metadata"]["name"])
        self.assertEqual(flag(patch, "secret-name"), secret["secretName"])
        self.assertEqual((flag(patch, "patch-mutating"), flag(patch, "patch-validating")), ("true", "false"))

    def test_certgen_rbac_allows_exactly_what_the_jobs_do(self):
        job = find("Job", "podbucket-webhook-certgen-create")
        account = pod_spec(job)["serviceAccountName"]
        self.assertEqual(pod_spec(find("Job", "podbucket-webhook-certgen-patch"))["serviceAccountName"], account)
        find("ServiceAccount", account)
        role = find("Role", account)
        self.assertEqual(role["rules"], [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "create"]}])
        cluster_role = find("ClusterRole", account)
        self.assertEqual(cluster_role["rules"], [{
            "apiGroups": ["admissionregistration.k8s.io"], "resources": ["mutatingwebhookconfigurations"],
            "resourceNames": [self.mwc["metadata"]["name"]], "verbs": ["get", "update"]}])
        for kind, role_kind in (("RoleBinding", "Role"), ("ClusterRoleBinding", "ClusterRole")):
            binding = find(kind, account)
            self.assertEqual(binding["roleRef"], {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind,
                                                  "name": account})
            self.assertEqual(binding["subjects"], [{"kind": "ServiceAccount", "name": account,
                                                    "namespace": job["metadata"]["namespace"]}])

    def test_cert_manager_variant(self):
        certificate = find("Certificate", optional=True)
        issuer = find("Issuer", optional=True)
        ref = self.hook["clientConfig"]["service"]
        self.assertEqual(certificate["spec"]["secretName"], self.tls_volume()["secretName"])
        self.assertIn(f"{ref['name']}.{ref['namespace']}.svc", certificate["spec"]["dnsNames"])
        self.assertEqual(certificate["spec"]["issuerRef"]["name"], issuer["metadata"]["name"])
        # cert-manager's CA injector reads the annotation naming this Certificate, as the template writes it.
        template = (TEMPLATES / "webhook-mutatingwebhookconfiguration.yaml").read_text()
        self.assertIn('cert-manager.io/inject-ca-from: {{ .Release.Namespace }}/{{ include "podbucket.fullname" . '
                      '}}-pod-identity-webhook', template)
        self.assertEqual(certificate["metadata"]["name"], self.mwc["metadata"]["name"])


class TestServer(unittest.TestCase):
    def setUp(self):
        self.sts = find("StatefulSet")
        self.server = container(self.sts, "server")
        self.config = find("ConfigMap", "podbucket-config")

    def test_config_file_is_mounted_and_passed(self):
        path = flag(self.server, "config")
        mount = next(m for m in self.server["volumeMounts"] if m["mountPath"] == os.path.dirname(path))
        volume = next(v for v in pod_spec(self.sts)["volumes"] if v["name"] == mount["name"])
        self.assertEqual(volume["configMap"]["name"], self.config["metadata"]["name"])
        self.assertIn(os.path.basename(path), self.config["data"])

    def test_ports_probes_and_data_match_the_config(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "config.yaml"
            path.write_text(self.config["data"]["config.yaml"])
            server = deploy_js.parse_yaml(path)[0]["server"]
        self.assertEqual(port_number(self.server, "s3"), int(server["listen"].rsplit(":", 1)[1]))
        self.assertEqual(port_number(self.server, "admin"), int(server["admin_listen"].rsplit(":", 1)[1]))
        self.assertTrue(server["listen"].startswith("0.0.0.0:") and server["admin_listen"].startswith("0.0.0.0:"))
        for kind, probe_path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
            self.assertEqual(self.server[kind]["httpGet"], {"path": probe_path, "port": "admin"})
        claim = self.sts["spec"]["volumeClaimTemplates"][0]
        self.assertEqual(claim["spec"]["accessModes"], ["ReadWriteOnce"])
        data = next(m for m in self.server["volumeMounts"] if m["name"] == claim["metadata"]["name"])
        self.assertEqual(data["mountPath"], server["data_dir"])
        self.assertEqual(self.sts["spec"]["serviceName"], "podbucket-headless")
        find("Service", "podbucket-headless")

    def test_root_credentials_come_from_a_secret(self):
        env = {e["name"]: e for e in self.server["env"]}
        for name in ("PODBUCKET_ROOT_ACCESS_KEY_ID", "PODBUCKET_ROOT_SECRET_ACCESS_KEY", "PODBUCKET_KMS_ROOT_KEY"):
            ref = env[name]["valueFrom"]["secretKeyRef"]
            self.assertEqual((ref["name"], ref["key"]), (REPORT["values"]["server"]["rootCredentialsSecret"], name))
        self.assertNotIn("value", str([e for e in self.server["env"] if "value" in e]))

    def test_everything_runs_without_privileges_but_the_agent(self):
        for kind in ("StatefulSet", "Deployment"):
            obj = find(kind)
            self.assertIs(pod_spec(obj)["securityContext"]["runAsNonRoot"], True)
            for c in pod_spec(obj)["containers"]:
                self.assertEqual(c["securityContext"]["capabilities"], {"drop": ["ALL"]})
                self.assertIs(c["securityContext"]["readOnlyRootFilesystem"], True)
                self.assertIs(c["securityContext"]["allowPrivilegeEscalation"], False)


class TestWiring(unittest.TestCase):
    """Selectors, named ports, Services, NetworkPolicies and ServiceMonitors line up."""

    def pods(self):
        return [d["object"] for d in documents(True) if d["kind"] in ("StatefulSet", "DaemonSet", "Deployment", "Job")]

    def test_workload_selectors_match_their_pods(self):
        for obj in self.pods():
            labels = obj["spec"]["template"]["metadata"]["labels"]
            if obj["kind"] != "Job":
                self.assertTrue(matches(obj["spec"]["selector"]["matchLabels"], labels), obj["metadata"]["name"])
            self.assertEqual(pod_spec(obj)["serviceAccountName"],
                             find("ServiceAccount", pod_spec(obj)["serviceAccountName"])["metadata"]["name"])

    def test_services_select_pods_with_their_target_ports(self):
        for service in [d["object"] for d in documents(True) if d["kind"] == "Service"]:
            targets = [o for o in self.pods()
                       if matches(service["spec"]["selector"], o["spec"]["template"]["metadata"]["labels"])]
            self.assertEqual(len(targets), 1, service["metadata"]["name"])
            c = pod_spec(targets[0])["containers"][0]
            for p in service["spec"]["ports"]:
                port_number(c, p["targetPort"])

    def test_network_policies(self):
        server_policy = find("NetworkPolicy", "podbucket-server")
        sts = find("StatefulSet")
        self.assertTrue(matches(server_policy["spec"]["podSelector"]["matchLabels"],
                                sts["spec"]["template"]["metadata"]["labels"]))
        rules = server_policy["spec"]["ingress"]
        s3 = next(r for r in rules if r["ports"][0]["port"] == "s3")
        self.assertNotIn("from", s3)  # every S3 client
        admin = next(r for r in rules if r["ports"][0]["port"] == "admin")
        self.assertIn({"podSelector": {}}, admin["from"])
        server = container(sts, "server")
        for rule in rules:
            port_number(server, rule["ports"][0]["port"])
        hook_policy = find("NetworkPolicy", "podbucket-pod-identity-webhook")
        webhook = find("Deployment")
        self.assertTrue(matches(hook_policy["spec"]["podSelector"]["matchLabels"],
                                webhook["spec"]["template"]["metadata"]["labels"]))
        self.assertEqual(hook_policy["spec"]["policyTypes"], ["Ingress", "Egress"])
        to_server = next(r for r in hook_policy["spec"]["egress"] if "to" in r)
        self.assertTrue(matches(to_server["to"][0]["podSelector"]["matchLabels"],
                                sts["spec"]["template"]["metadata"]["labels"]))
        endpoint = urlsplit(flag(container(webhook, "webhook"), "endpoint"))
        self.assertEqual(to_server["ports"][0]["port"], port_number(server, "s3"))
        self.assertEqual(endpoint.port, port_number(server, "s3"))
        dns = next(r for r in hook_policy["spec"]["egress"] if "to" not in r)
        self.assertEqual({(p["port"], p["protocol"]) for p in dns["ports"]}, {(53, "UDP"), (53, "TCP")})

    def test_service_monitors_scrape_named_ports(self):
        monitors = [d["object"] for d in documents(True) if d["kind"] == "ServiceMonitor"]
        self.assertEqual(len(monitors), 2)
        services = [d["object"] for d in documents(True) if d["kind"] == "Service"]
        for monitor in monitors:
            selected = [s for s in services
                        if matches(monitor["spec"]["selector"]["matchLabels"], s["metadata"]["labels"])]
            self.assertEqual(len(selected), 1, monitor["metadata"]["name"])
            for endpoint in monitor["spec"]["endpoints"]:
                self.assertIn(endpoint["port"], [p["name"] for p in selected[0]["spec"]["ports"]])
                self.assertEqual(endpoint["path"], "/metrics")


if __name__ == "__main__":
    harness.main()
