"""Every API upgrade rule's after golden passes the real API server's strict dry run.

The before files use APIs the server no longer serves (it refuses them outright); the after
files are what ``--upgrade-apis`` makes of them (tests/unit/manifests/test_upgrade.py pins
that), so this is the check that the rules produce objects today's Kubernetes accepts.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.cluster.conftest import cp
from tests.cluster.deploy_support import (  # noqa: F401 - cluster_app_fixture registers the fixture
    ClusterApp,
    cluster_app_fixture,
)

pytestmark = pytest.mark.cluster

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "upgrade-apis"
CASES = sorted(p.name.removesuffix(".after.yaml") for p in GOLDEN.glob("*.after.yaml"))


def _dry_run(plane: cp.ControlPlane, namespace: str, path: Path) -> subprocess.CompletedProcess[str]:
    command = [
        str(plane.bin_dir / "kubectl"),
        "--kubeconfig", str(plane.kubeconfig), "--context", "admin", "--namespace", namespace,
        "create", "--dry-run=server", "--validate=strict", "-o", "name", "-f", str(path),
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)


@pytest.mark.parametrize("case", CASES)
def test_after_passes_a_strict_server_dry_run(
    control_plane: cp.ControlPlane, namespace: str, case: str
) -> None:
    result = _dry_run(control_plane, namespace, GOLDEN / f"{case}.after.yaml")
    assert result.returncode == 0, result.stderr
    # The ingress-class annotation stays on purpose (spec.ingressClassName needs an IngressClass
    # object the old app never had); every other warning is a rule's mistake.
    warnings = [w for w in result.stderr.splitlines() if w and "kubernetes.io/ingress.class" not in w]
    assert not warnings, result.stderr
    before = (GOLDEN / f"{case}.before.yaml").read_text()
    assert len(result.stdout.splitlines()) == before.count("\nkind: ") + before.startswith("kind: ")


def test_before_is_refused_by_the_server(control_plane: cp.ControlPlane, namespace: str) -> None:
    result = _dry_run(control_plane, namespace, GOLDEN / "workloads-extensions-v1beta1.before.yaml")
    assert result.returncode != 0
    assert 'no matches for kind "Deployment" in version "extensions/v1beta1"' in result.stderr


OLD_APP = """\
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - {name: web, image: nginx:1.27}
"""


def test_apply_names_the_removed_api_then_upgrades_it(cluster_app: ClusterApp) -> None:
    app, ns = cluster_app, cluster_app.namespace
    (app.root / "components" / "web.yaml.txt").write_text(OLD_APP)
    (app.root / "components" / "web.jsonnet").write_text(
        "std.native('parseYaml')(importstr 'web.yaml.txt')\n"
    )

    refused = app("apply", "default")
    assert refused.code == 1
    assert (
        "extensions/v1beta1 Deployment was removed in Kubernetes 1.16: use apps/v1 "
        "(kfkit can rewrite it: --upgrade-apis)"
    ) in refused.err
    assert "missing CRD" not in refused.err
    assert app.live("v1", "Service", "web") is None  # pre-flight: nothing written

    applied = app.ok("apply", "default", "--upgrade-apis")
    assert applied.out.splitlines() == [f"Service {ns}/web created", f"Deployment {ns}/web created"]
    live = app.live("apps/v1", "Deployment", "web")
    assert live["spec"]["selector"] == {"matchLabels": {"app": "web"}}
    assert app("diff", "default", "--upgrade-apis").code == 0
