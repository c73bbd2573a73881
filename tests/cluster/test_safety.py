"""Safety on a real kube-apiserver: a refused command leaves the cluster exactly as it was."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kfkit.cluster import ClusterClient
from tests.cluster.deploy_support import (  # noqa: F401 - cluster_app_fixture registers the fixture
    ClusterApp,
    cluster_app_fixture,
    config_map,
)
from tests.safety.support import assert_refused

pytestmark = pytest.mark.cluster


def _live(app: ClusterApp) -> dict[str, str]:
    """Every ConfigMap in the app's namespace and its resourceVersion: any write changes it."""
    configmaps = app.admin.resources.get(api_version="v1", kind="ConfigMap")
    items = configmaps.get(namespace=app.namespace).to_dict()["items"]
    return {i["metadata"]["name"]: i["metadata"]["resourceVersion"] for i in items}


@pytest.fixture
def applied(cluster_app: ClusterApp) -> ClusterApp:
    for name in ("a", "b"):
        cluster_app.component(name, config_map(f"{name}-config", k="v"))
    cluster_app.ok("apply", "default")
    return cluster_app


def test_a_dangling_component_symlink_never_lets_prune_delete_its_objects(applied: ClusterApp) -> None:
    before = _live(applied)
    path = applied.root / "components/b.yaml"
    path.unlink()
    path.symlink_to(applied.root / "moved-away.yaml")
    assert_refused(applied("apply", "default", "--prune", "--yes"), "components/b.yaml", "dangling symlink")
    assert _live(applied) == before


@pytest.mark.parametrize("args", [("apply", "default", "--prune"), ("delete", "default")])
def test_destructive_commands_without_a_terminal_change_nothing(
    applied: ClusterApp, args: tuple[str, ...]
) -> None:
    before = _live(applied)
    (applied.root / "components/b.yaml").unlink()
    assert_refused(applied(*args), "--yes", code=2)
    assert _live(applied) == before


def test_one_object_from_two_components_is_never_applied(applied: ClusterApp) -> None:
    before = _live(applied)
    shared = config_map("a-config", k="other")
    shared["metadata"]["namespace"] = applied.namespace
    applied.component("c", shared)
    assert_refused(applied("apply", "default"), "a-config", "'a'", "'c'")
    assert _live(applied) == before


def test_ctrl_c_during_apply_says_how_far_it_got_and_rerunning_converges(
    cluster_app: ClusterApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a", "b", "c"):
        cluster_app.component(name, config_map(f"{name}-config", k="v"))
    real_apply = ClusterClient.apply
    calls = 0

    def interrupted(self: ClusterClient, obj: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        nonlocal calls
        if not kwargs.get("dry_run"):
            calls += 1
            if calls == 2:
                raise KeyboardInterrupt
        return real_apply(self, obj, **kwargs)

    monkeypatch.setattr(ClusterClient, "apply", interrupted)
    result = cluster_app("apply", "default")
    assert result.code == 130
    assert_refused(result, "interrupted while applying", "of 3 objects done", "same command again converges")
    monkeypatch.setattr(ClusterClient, "apply", real_apply)
    cluster_app.ok("apply", "default")
    assert cluster_app("diff", "default").code == 0


def test_control_plane_state_is_per_checkout_or_state_dir(tmp_path: Path) -> None:
    """``stop`` for another state dir (another checkout) leaves this plane running."""
    script = Path(__file__).resolve().parents[2] / "scripts/control_plane.py"

    def plane(command: str, state: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(script), command, "--state-dir", str(state)],
            capture_output=True,
            text=True,
            env=os.environ,
            check=False,
        )

    mine, other = tmp_path / "mine", tmp_path / "other"
    assert plane("start", mine).returncode == 0
    try:
        assert plane("stop", other).stderr == "control plane not running\n"
        assert plane("status", mine).returncode == 0
    finally:
        assert plane("stop", mine).returncode == 0
    assert plane("status", mine).returncode == 1
