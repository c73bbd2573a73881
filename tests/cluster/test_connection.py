"""Unreachable servers, rejected credentials (one line each, exit 1) and proxies."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from kfkit import App, ConnectionOptions
from tests.cluster.deploy_support import (  # noqa: F401 - cluster_app_fixture registers the fixture
    ClusterApp,
    client_of,
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


@pytest.mark.parametrize("variable", ["HTTPS_PROXY", "https_proxy"])
def test_the_environments_proxy_is_used(
    cluster_app: ClusterApp, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    app = cluster_app
    app.component("web", config_map("web", k="v"))
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, "http://127.0.0.1:1")

    result = app("diff", "default")

    assert result.code == 1
    assert result.err.splitlines()[-1].startswith(f"error: cannot reach {app.server}")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    assert app("diff", "default").code == 10  # the ConfigMap is new


def test_requests_do_not_read_the_proxy_environment_again(
    cluster_app: ClusterApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The client would, before each request (~0.2 ms CPU each): its token hook sets the server again."""
    from kubernetes.client import configuration

    kf = App.load(cluster_app.root, connection=ConnectionOptions(kubeconfig=str(cluster_app.kubeconfig)))
    client = client_of(kf)
    reads: list[dict[str, str]] = []
    real = urllib.request.getproxies

    def getproxies() -> dict[str, str]:
        reads.append(real())
        return reads[-1]

    monkeypatch.setattr(configuration, "getproxies", getproxies)  # what its ``host`` setter calls

    for _ in range(3):
        assert client.list_kind("v1", "ConfigMap", namespace=cluster_app.namespace, selector="") == []
    client.apply(config_map("web", k="v") | {"metadata": {"name": "web", "namespace": cluster_app.namespace}})

    assert reads == []
    assert client.requests["list"] == 3
