"""``kfkit review`` against a real kube-apiserver: what the report says about a pending change."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from kfkit.review import to_html
from tests.cluster.deploy_support import (  # noqa: F401 - cluster_app_fixture registers the fixture
    ClusterApp,
    cluster_app_fixture,
    config_map,
)
from tests.unit.review.support import Page

pytestmark = pytest.mark.cluster


def test_review_of_a_param_change_against_the_cluster(cluster_app: ClusterApp, tmp_path: Path) -> None:
    app, ns = cluster_app, cluster_app.namespace
    app.ok("env", "current", "--set", "default")
    app.seed()
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "creds"},
        "data": {"password": base64.b64encode(b"hunter2").decode()},
    }
    app.component("extra", config_map("leftover", k="v"))
    app.ok("apply", "default")
    app.ok("component", "rm", "extra")
    app.component("creds", secret)
    app.ok("param", "set", "model-server", "modelServerImage", "other:1")

    out = tmp_path / "report.html"
    written = app.ok("review", "default", "-o", str(out))
    assert f"wrote {out}: 1 to create, 1 to change, 1 to prune, 1 unchanged" in written.err
    assert f'comparing with: context "admin", server {app.server}, namespace "{ns}"' in written.err
    html = out.read_text()
    assert "hunter2" not in html and base64.b64encode(b"hunter2").decode() not in html
    assert "&lt;secret sha256:" in html
    text = Page.of(html).all_text()
    assert "+        image: other:1" in text and "-        image: katacoda/tensorflow_serving" in text
    assert "kfkit apply default --prune" in text
    assert f"ConfigMap {ns}/leftover" in text

    data = json.loads(app.ok("review", "-o", "json").out)
    assert data["against"] == "remote:default"
    (server,) = [c for c in data["components"] if c["name"] == "model-server"]
    params = {p["name"]: p for p in server["params"]}
    # compared with the params the last apply recorded in the history
    assert (params["modelServerImage"]["status"], params["modelServerImage"]["before"]) == (
        "changed",
        "katacoda/tensorflow_serving",
    )
    assert params["modelServerImage"]["source"] == "components/params.libsonnet"
    assert params["modelPath"]["status"] == "unchanged"
    actions = {o["object"]: o["action"] for c in data["components"] for o in c["objects"]}
    assert actions == {
        f"Service {ns}/inception": "unchanged",
        f"Deployment {ns}/inception-v1": "configure",
        f"Secret {ns}/creds": "create",
        f"ConfigMap {ns}/leftover": "prune",
    }

    markdown = app.ok("review", "default", "-c", "model-server", "-o", "md").out
    assert "```diff" in markdown and "kfkit apply default -c model-server" in markdown


def test_review_against_another_environments_render_needs_no_cluster(
    cluster_app: ClusterApp, tmp_path: Path
) -> None:
    app = cluster_app
    app.seed()
    app.ok("env", "add", "prod", "--server", "https://prod.invalid:6443", "--namespace", "prod")
    app.ok("param", "set", "model-server", "modelServerImage", "prod:2", "--env", "prod")
    out = tmp_path / "report.md"
    app.ok("review", "default", "--against", "local:prod", "-o", str(out))
    markdown = out.read_text()
    assert "Compared with | `local:prod`" in markdown
    assert '| `modelServerImage` | `"katacoda/tensorflow_serving"`' in markdown
    assert '| changed | `"prod:2"` |' in markdown


def test_report_of_the_library_is_what_the_cli_writes(cluster_app: ClusterApp) -> None:
    from kfkit import App

    app = cluster_app
    app.component("a", config_map("a-config", k="v"))
    report = App.load(app.root).review("default")
    assert [o.object_id.name for o in report.objects] == ["a-config"]
    assert report.command == "kfkit apply default"
    assert "a-config" in to_html(report)
