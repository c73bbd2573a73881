"""``kfkit review`` against a real kube-apiserver: what the report says about a pending change."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
import yaml

from kfkit import App, ConnectionOptions
from kfkit.review import to_html
from tests.cluster.conftest import cp
from tests.cluster.deploy_support import (  # noqa: F401 - cluster_app_fixture registers the fixture
    ClusterApp,
    client_of,
    cluster_app_fixture,
    config_map,
    deployment,
    widget_crd,
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
    written = app.ok("review", "default", "-o", str(out))  # changes alone: exit 0, unlike diff's 10
    assert f"wrote {out}: 1 to create, 1 to change, 1 to prune, 1 unchanged" in written.err
    assert app("diff", "default").code == 10
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


def test_against_the_cluster_what_the_server_refuses_is_in_the_report(
    cluster_app: ClusterApp, tmp_path: Path
) -> None:
    """apply's own pre-flight runs once: a removed API and a server refusal become findings and
    refused objects, and every other object is still reviewed; nothing is written."""
    app, ns = cluster_app, cluster_app.namespace
    legacy = {**deployment("legacy"), "apiVersion": "extensions/v1beta1"}
    mismatched = deployment("mismatched")
    mismatched["spec"]["selector"] = {"matchLabels": {"app": "other"}}  # valid offline, not to the server
    app.component("legacy", legacy)
    app.component("mismatched", mismatched)
    app.component("fine", config_map("fine-config", k="v"))

    out = tmp_path / "report.html"
    written = app("review", "default", "-o", str(out))
    assert written.code == 1  # the report is written, and says apply would stop
    assert "1 to create" in written.err and "2 refused" in written.err
    verdict = "kfkit apply would stop: 2 refused objects."  # their findings are the refusals
    assert written.err.splitlines()[-1] == f"error: {verdict}"
    printed = app("review", "default", "-o", "json")
    assert printed.code == 1
    data = json.loads(printed.out)
    assert (data["verdict"], data["wouldApply"]) == (verdict, False)
    assert (data["validated"], data["serverValidated"]) == (True, True)
    assert data["summary"]["refused"] == 2 and data["summary"]["create"] == 1
    removed = "extensions/v1beta1 Deployment was removed in Kubernetes 1.16: use apps/v1"
    assert [(f["object"], f["code"], f["refusal"]) for f in data["removedApis"]] == [
        ("Deployment legacy", "removed-api", True)
    ]
    assert (data["summary"]["removedApis"], data["summary"]["errors"]) == (0, 0)
    assert data["removedApis"][0]["message"].startswith(removed)
    (server,) = [f for f in data["findings"] if f["code"] == "server"]
    assert server["object"] == f"Deployment {ns}/mismatched" and "selector" in server["message"]
    objects = {o["name"]: o for c in data["components"] for o in c["objects"]}
    assert {name: o["action"] for name, o in objects.items()} == {
        "legacy": "refused",
        "mismatched": "refused",
        "fine-config": "create",
    }
    assert objects["legacy"]["refused"].startswith(removed)
    assert "kind: Deployment" in objects["legacy"]["rendered"]  # shown, to be fixed
    assert "+  k: v" in objects["fine-config"]["diff"]

    text = Page.of(out.read_text()).all_text()
    assert f"kfkit apply would stop here: {removed}" in text
    assert "and by the target API server's dry run" in text
    assert app.live("v1", "ConfigMap", "fine-config") is None  # a review writes nothing


def test_review_of_an_applied_render_dry_runs_nothing_again(
    control_plane: cp.ControlPlane, namespace: str, tmp_path: Path
) -> None:
    """The pre-flight is apply's: an object whose render is what kfkit last applied is not
    dry-run (two unchanged ConfigMaps: read by LISTs, neither dry-run)."""
    connection = ConnectionOptions(kubeconfig=str(control_plane.kubeconfig), context="admin")
    with App.init(
        tmp_path / "app", server=control_plane.server, namespace=namespace, connection=connection
    ) as kf:
        objects = [config_map("a", k="1"), config_map("b", k="2")]
        (kf.root / "components" / "web.yaml").write_text(yaml.safe_dump_all(objects))
        kf.apply(kf.plan_apply("default"))
        client_of(kf).requests.clear()

        report = kf.review("default")

        assert {o.object_id.name: o.status for o in report.objects} == {"a": "unchanged", "b": "unchanged"}
        assert report.server_validated
        assert client_of(kf).requests["apply-dry-run"] == 0


def test_custom_resources_are_checked_against_the_clusters_crd(cluster_app: ClusterApp) -> None:
    """Offline validation in a review finds CRDs in the cluster, as ``validate --server`` does."""
    app, ns = cluster_app, cluster_app.namespace
    group = f"{ns}.example.com"
    app.component("crd", widget_crd(group))
    app.ok("apply", "default", "-c", "crd")  # installs the CRD and waits until it is established
    widget = {"apiVersion": f"{group}/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"size": 2}}
    app.component("widget", widget)

    fine = json.loads(app.ok("review", "default", "-c", "widget", "-o", "json").out)
    assert (fine["findings"], fine["summary"]["create"]) == ([], 1)  # no "not checked" warning

    app.component("widget", {**widget, "spec": {"size": "big", "colour": "red"}})
    result = app("review", "default", "-c", "widget", "-o", "json")
    assert result.code == 1
    offline = [
        (f["code"], f["field"], f["message"])
        for f in json.loads(result.out)["findings"]
        if f["code"] != "server"
    ]
    assert offline == [
        ("unknown-field", "spec.colour", "unknown field"),
        ("type", "spec.size", "expected integer, got string 'big'"),
    ]


def test_against_another_environment_crds_come_from_the_reviewed_environments_cluster(
    cluster_app: ClusterApp,
) -> None:
    """``review A --against remote:B`` checks A's custom resources against A's cluster's CRDs (the
    one A applies to), never silently against B's; a cluster it cannot reach is said so."""
    app, ns = cluster_app, cluster_app.namespace
    group = f"{ns}.example.com"
    app.component("crd", widget_crd(group))
    app.ok("apply", "default", "-c", "crd")
    bad = {
        "apiVersion": f"{group}/v1",
        "kind": "Widget",
        "metadata": {"name": "w"},
        "spec": {"colour": "red"},
    }
    app.component("widget", bad)
    app.admin.resources.get(api_version="v1", kind="Namespace").create(body={"metadata": {"name": f"{ns}-b"}})
    app.ok("env", "add", "staging", "--server", app.server, "--namespace", f"{ns}-b")
    app.ok("env", "add", "elsewhere", "--server", "https://elsewhere.invalid:6443", "--namespace", "x")

    staging = app("review", "staging", "-c", "widget", "--against", "remote:default", "-o", "json")
    data = json.loads(staging.out)
    assert app.server in data["crdsFrom"] and f'namespace "{ns}-b"' in data["target"]
    assert [(f["code"], f["field"]) for f in data["findings"]] == [("unknown-field", "spec.colour")]
    assert "custom resources checked against: " in staging.err

    elsewhere = json.loads(
        app("review", "elsewhere", "-c", "widget", "--against", "remote:default", "-o", "json").out
    )
    assert elsewhere["crdsFrom"] == "" and "elsewhere.invalid" in elsewhere["crdsUnread"]
    assert [f["code"] for f in elsewhere["findings"]] == ["not-checked"]  # not checked against default's CRD


def test_an_object_named_by_a_removed_api_is_not_also_pruned(cluster_app: ClusterApp) -> None:
    """A render that names a live apps/v1 Deployment by extensions/v1beta1 refers to that very
    object: the review refuses it (the removed API) and does not list the live one as a prune."""
    app, ns = cluster_app, cluster_app.namespace
    app.component("web", deployment("web"))
    app.ok("apply", "default")
    app.component("web", {**deployment("web"), "apiVersion": "extensions/v1beta1"})

    result = app("review", "default", "-o", "json")
    assert result.code == 1
    data = json.loads(result.out)
    actions = [(o["object"], o["apiVersion"], o["action"]) for c in data["components"] for o in c["objects"]]
    assert actions == [("Deployment web", "extensions/v1beta1", "refused")]
    assert (data["summary"]["prune"], data["command"]) == (0, "kfkit apply default")

    app.ok("env", "set", "default", "--upgrade-apis")
    upgraded = json.loads(app.ok("review", "default", "-o", "json").out)
    actions = [
        (o["object"], o["apiVersion"], o["action"]) for c in upgraded["components"] for o in c["objects"]
    ]
    assert actions == [(f"Deployment {ns}/web", "apps/v1", "unchanged")]
    assert upgraded["summary"]["prune"] == 0
    assert app.live("apps/v1", "Deployment", "web") is not None
