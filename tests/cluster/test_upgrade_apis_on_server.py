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
