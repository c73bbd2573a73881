"""An environment whose namespace the cluster lacks: a one-line hint, and --create-namespace."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.cluster.deploy_support import (  # noqa: F401 - cluster_app_fixture registers the fixture
    ClusterApp,
    cluster_app_fixture,
    config_map,
)

pytestmark = pytest.mark.cluster


@pytest.fixture
def lacking(cluster_app: ClusterApp) -> Iterator[str]:
    """Environment ``gone`` of the app, in a namespace that does not exist (deleted afterwards)."""
    name = f"{cluster_app.namespace}-gone"
    cluster_app.ok("env", "add", "gone", "--server", cluster_app.server, "--namespace", name)
    cluster_app.component("a", config_map("a-config", k="v"))
    yield name
    namespaces = cluster_app.admin.resources.get(api_version="v1", kind="Namespace")
    if cluster_app.live("v1", "Namespace", name) is not None:
        namespaces.delete(name=name)


@pytest.mark.parametrize("command", [("apply", "gone", "--yes"), ("diff", "gone")])
def test_a_missing_namespace_is_named_with_the_ways_out(
    cluster_app: ClusterApp, lacking: str, command: tuple[str, ...]
) -> None:
    result = cluster_app(*command)

    assert result.code == 1
    hints = [line for line in result.err.splitlines() if line.startswith("hint:")]
    assert hints == [
        f'hint: namespace "{lacking}" does not exist on the cluster: `kfkit apply --create-namespace` '
        f"creates it, or add it to the app: `kfkit generate namespace {lacking} --name={lacking}`"
    ]


def test_create_namespace_creates_it_first_and_never_prunes_or_deletes_it(
    cluster_app: ClusterApp, lacking: str
) -> None:
    dry = cluster_app.ok("apply", "gone", "--create-namespace", "--dry-run")
    assert dry.out.splitlines() == [
        f"Namespace {lacking} created (dry run; --create-namespace)",
        f"ConfigMap {lacking}/a-config created (dry run; not checked: needs Namespace {lacking})",
    ]
    assert cluster_app.live("v1", "Namespace", lacking) is None

    applied = cluster_app.ok("apply", "gone", "--create-namespace", "--yes")
    assert applied.out.splitlines() == [
        f"Namespace {lacking} created (--create-namespace)",
        f"ConfigMap {lacking}/a-config created",
    ]
    assert "kfkit.io/app" not in (
        cluster_app.live("v1", "Namespace", lacking)["metadata"].get("labels") or {}
    )

    cluster_app.ok("apply", "gone", "--create-namespace", "--yes")  # it exists now: nothing to create
    cluster_app.component("b", config_map("b-config", k="v"))
    (cluster_app.root / "components/a.yaml").unlink()
    cluster_app.ok("apply", "gone", "--prune", "--yes")
    cluster_app.ok("delete", "gone", "--yes")
    assert cluster_app.live("v1", "ConfigMap", "a-config", namespace=lacking) is None
    assert cluster_app.live("v1", "Namespace", lacking) is not None
