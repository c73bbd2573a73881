"""Unreachable servers and rejected credentials: one line each, exit 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cluster.deploy_support import (  # noqa: F401 - cluster_app_fixture registers the fixture
    ClusterApp,
    cluster_app_fixture,
    config_map,
)

pytestmark = pytest.mark.cluster


def _kubeconfig(app: ClusterApp, tmp_path: Path, *, server: str = "", token: str = "") -> str:
    """A copy of the plane's kubeconfig with another server or token."""
    config = json.loads(app.kubeconfig.read_text())
    for cluster in config["clusters"]:
        cluster["cluster"]["server"] = server or cluster["cluster"]["server"]
    for user in config["users"]:
        user["user"]["token"] = token or user["user"]["token"]
    path = tmp_path / "kubeconfig"
    path.write_text(json.dumps(config))
    return str(path)


def test_unreachable_server(cluster_app: ClusterApp, tmp_path: Path) -> None:
    app = cluster_app
    app.component("web", config_map("web", k="v"))
    app.ok("env", "set", "default", "--server", "https://127.0.0.1:1")

    result = app("apply", "default", "--kubeconfig", _kubeconfig(app, tmp_path, server="https://127.0.0.1:1"))

    assert result.code == 1
    assert (
        result.err.splitlines()[-1]
        == 'error: cannot reach https://127.0.0.1:1 (context "admin"): Connection refused'
    )


def test_rejected_credentials(cluster_app: ClusterApp, tmp_path: Path) -> None:
    app = cluster_app
    app.component("web", config_map("web", k="v"))

    result = app("diff", "default", "--kubeconfig", _kubeconfig(app, tmp_path, token="not-a-token"))

    assert result.code == 1
    assert (
        result.err.splitlines()[-1]
        == f'error: {app.server} rejected the credentials of context "admin" (401)'
    )
