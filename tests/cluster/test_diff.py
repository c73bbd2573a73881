"""kfkit diff against a real kube-apiserver: masking, prune preview, environment comparisons."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tests.cluster.deploy_support import (  # noqa: F401 - cluster_app_fixture registers the fixture
    ClusterApp,
    cluster_app_fixture,
    config_map,
    deployment,
)

pytestmark = pytest.mark.cluster


def _secret(password: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "creds"},
        "stringData": {"password": password},
    }


def test_secret_values_never_show_but_changes_do(cluster_app: ClusterApp) -> None:
    app = cluster_app
    app.component("creds", _secret("first-s3cret"))
    app.ok("apply", "default")
    app.component("creds", _secret("second-s3cret"))

    diff = app("diff", "default")

    assert diff.code == 10
    printed = diff.out + diff.err
    for value in ("first-s3cret", "second-s3cret"):
        assert value not in printed
        assert base64.b64encode(value.encode()).decode() not in printed
    removed = [line for line in diff.out.splitlines() if line.startswith("-  password: ")]
    added = [line for line in diff.out.splitlines() if line.startswith("+  password: ")]
    assert len(removed) == len(added) == 1
    assert removed[0].startswith("-  password: <secret sha256:")
    assert removed[0][1:] != added[0][1:]


def test_objects_the_render_dropped_show_as_would_be_pruned(cluster_app: ClusterApp) -> None:
    app, ns = cluster_app, cluster_app.namespace
    app.component("keep", config_map("keep", k="v"))
    app.component("drop", config_map("drop", k="v"))
    app.ok("apply", "default")
    app.ok("component", "rm", "drop")

    diff = app("diff", "default")

    assert diff.code == 10
    assert f"--- live/ConfigMap/{ns}/drop\n+++ local/ConfigMap/{ns}/drop\n" in diff.out
    body = diff.out.split(f"+++ local/ConfigMap/{ns}/drop\n", 1)[1].splitlines()[1:]
    assert body
    assert all(line.startswith("-") for line in body)
    assert "0 changed, 0 new, 1 unchanged, 1 would be pruned" in diff.err


def test_two_environments_local_and_remote(cluster_app: ClusterApp) -> None:
    app, ns = cluster_app, cluster_app.namespace
    other_ns = f"{ns}-b"
    app.admin.resources.get(api_version="v1", kind="Namespace").create(body={"metadata": {"name": other_ns}})
    app.ok("env", "add", "staging", "--server", app.server, "--namespace", other_ns)
    app.component("settings", config_map("settings", level="info"))
    app.ok("apply", "default")
    app.ok("apply", "staging")

    assert app.ok("diff", "remote:default", "remote:staging").out == ""
    assert app.ok("diff", "local:default", "local:staging").out == ""

    app.ok("param", "set", "settings", "data.level", "debug", "--env", "staging")
    local = app("diff", "local:staging", "local:default")
    assert local.code == 10
    assert local.out.splitlines()[:2] == [
        "--- local:default/ConfigMap/settings",
        "+++ local:staging/ConfigMap/settings",
    ]
    assert "-  level: info\n+  level: debug\n" in local.out

    app.ok("apply", "staging")
    remote = app("diff", "remote:staging", "remote:default")
    assert remote.code == 10
    assert remote.out.splitlines()[:2] == [
        f"--- remote:default/ConfigMap/{ns}/settings",
        f"+++ remote:staging/ConfigMap/{other_ns}/settings",
    ]
    assert "-  level: info\n+  level: debug\n" in remote.out


def test_a_render_on_a_removed_api_is_compared_with_its_live_successor(cluster_app: ClusterApp) -> None:
    """local:A's extensions/v1beta1 Deployment and remote:B's live apps/v1 one of that name are one
    object, as prune already treats them: one change in ``diff`` and in ``review --against``."""
    app, ns = cluster_app, cluster_app.namespace
    app.ok("env", "add", "legacy", "--server", app.server, "--namespace", ns)
    app.component("web", deployment("web"))
    app.ok("apply", "default")
    app.component("web", {**deployment("web"), "apiVersion": "extensions/v1beta1"})

    diff = app("diff", "local:legacy", "remote:default")

    assert diff.code == 10
    assert diff.out.splitlines()[:2] == [
        f"--- remote:default/Deployment/{ns}/web",
        "+++ local:legacy/Deployment/web",
    ]
    assert "-apiVersion: apps/v1\n+apiVersion: extensions/v1beta1\n" in diff.out
    review = json.loads(app("review", "legacy", "--against", "remote:default", "-o", "json").out)
    actions = [(o["object"], o["action"]) for c in review["components"] for o in c["objects"]]
    assert actions == [("Deployment web", "configure")]
