"""``-o json`` of diff, apply and delete on the real API server: what CI parses (docs/output.md)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from tests.cluster.deploy_support import (  # noqa: F401 - cluster_app_fixture registers the fixture
    ClusterApp,
    cluster_app_fixture,
    config_map,
    deployment,
)

pytestmark = pytest.mark.cluster


def _report(app: ClusterApp, *args: str, code: int = 0) -> Any:
    result = app(*args, "-o", "json")
    assert result.code == code, result.err
    return json.loads(result.out)  # stdout is exactly one JSON document


def _names(entries: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [(e["object"], e["action"], e.get("done", "")) for e in entries]


def test_apply_diff_and_delete_reports(cluster_app: ClusterApp) -> None:
    ns = cluster_app.namespace
    cluster_app.component("a", config_map("a-config", k="v"))
    cluster_app.component("b", config_map("b-config", k="v"))

    applied = _report(cluster_app, "apply", "default")
    assert {k: applied[k] for k in ("reportVersion", "app", "env", "dryRun", "prune", "wait")} == {
        "reportVersion": 1,
        "app": cluster_app.name,
        "env": "default",
        "dryRun": False,
        "prune": False,
        "wait": False,
    }
    assert applied["target"]["server"] == cluster_app.server
    assert applied["plan"] == {"create": 2, "configure": 0, "unchanged": 0, "prune": 0}
    assert _names(applied["results"]) == [
        (f"ConfigMap {ns}/a-config", "create", "created"),
        (f"ConfigMap {ns}/b-config", "create", "created"),
    ]
    assert applied["results"][0] | {"object": ""} == {
        "object": "",
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "namespace": ns,
        "name": "a-config",
        "component": "a",
        "action": "create",
        "done": "created",
        "note": "",
    }
    assert (applied["recordedRevision"], applied["error"], applied["failures"]) == (1, None, [])

    cluster_app.component("a", config_map("a-config", k="changed"))
    diffed = _report(cluster_app, "diff", "default", code=10)
    assert diffed["changes"] is True
    assert diffed["counts"] == {"create": 0, "configure": 1, "unchanged": 1}
    changed, unchanged = diffed["objects"]
    assert (changed["object"], changed["action"]) == (f"ConfigMap {ns}/a-config", "configure")
    assert "-  k: v\n+  k: changed\n" in changed["diff"]
    assert (unchanged["action"], unchanged["diff"]) == ("unchanged", "")

    deleted = _report(cluster_app, "delete", "default", "--yes")
    assert _names(deleted["results"]) == [
        (f"ConfigMap {ns}/a-config", "delete", "deleted"),
        (f"ConfigMap {ns}/b-config", "delete", "deleted"),
    ]
    assert deleted["recordedRevision"] == 2

    history = _report(cluster_app, "history", "default")
    assert [(r["number"], r["operation"]) for r in history] == [(1, "apply"), (2, "delete")]
    assert yaml.safe_load(cluster_app("history", "default", "-o", "yaml").out) == history


def test_a_failed_wait_still_reports_what_was_applied(cluster_app: ClusterApp) -> None:
    cluster_app.component("web", deployment("web"))  # no controller runs: never ready
    result = cluster_app("apply", "default", "--wait", "--timeout", "2s", "-o", "json")

    assert result.code == 1
    report = json.loads(result.out)
    assert _names(report["results"]) == [(f"Deployment {cluster_app.namespace}/web", "create", "created")]
    assert report["error"].startswith("timed out after 2s waiting for 1 object to be ready")
    assert result.err.endswith(f"1 created; then:\nerror: {report['error']}\n")


def test_objects_the_server_refuses_are_listed_as_failures(cluster_app: ClusterApp) -> None:
    cluster_app.component("a", config_map("a-config", k="v"))
    bad = config_map("b-config")
    bad["data"] = {"k": {"not": "a string"}}
    cluster_app.component("b", bad)

    result = cluster_app("apply", "default", "--no-validate", "-o", "json")

    assert result.code == 1
    assert result.out == ""  # refused at pre-flight: nothing was written, no report (as rollback)
    assert "b-config" in result.err
