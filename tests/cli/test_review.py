"""``kfkit review --against local:ENV``: no cluster needed; validation and removed APIs in the report."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from kfkit._types import Obj
from tests.cli.support import Kf
from tests.unit.review.support import Page


def _component(app: Path, name: str, *objects: Obj) -> None:
    (app / "components" / f"{name}.yaml").write_text(yaml.safe_dump_all(objects))


def test_review_reports_validation_findings_and_removed_apis(seed_app: Path, kf: Kf, tmp_path: Path) -> None:
    assert kf("env", "add", "prod", "--namespace", "prod", cwd=seed_app).code == 0
    assert (
        kf("param", "set", "model-server", "modelServerImage", "prod:2", "--env", "prod", cwd=seed_app).code
        == 0
    )
    legacy = {
        "apiVersion": "extensions/v1beta1",
        "kind": "Deployment",
        "metadata": {"name": "legacy"},
        "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "x"}]}}},
    }
    typo = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "typo"}, "datta": {"k": "v"}}
    _component(seed_app, "old", legacy, typo)

    result = kf("review", "prod", "--against", "local:default", "-o", "json", cwd=seed_app)
    assert result.code == 1, result.err  # apply would stop: the report is printed all the same
    report = json.loads(result.out)
    assert report["wouldApply"] is False and report["verdict"].startswith("kfkit apply would stop: ")
    assert result.err.splitlines()[-1] == f"error: {report['verdict']}"
    assert (report["validated"], report["serverValidated"]) == (True, False)
    assert [(f["object"], f["message"][:40]) for f in report["removedApis"]] == [
        ("Deployment legacy", "extensions/v1beta1 Deployment was remove")
    ]
    assert any(
        f["object"] == "ConfigMap typo" and "datta" in f["field"] + f["message"] for f in report["findings"]
    )
    assert report["summary"]["removedApis"] == 1 and report["summary"]["errors"] >= 1
    assert report["command"] == "kfkit apply prod"

    out = tmp_path / "report.html"
    assert kf("review", "prod", "--against", "local:default", "-o", str(out), cwd=seed_app).code == 1
    page = Page.of(out.read_text())
    links = {attrs["href"] for tag, attrs in page.tags if tag == "a"}
    ids = set(page.ids())
    assert {href[1:] for href in links} <= ids  # findings link to their objects
    assert "validation errors" in page.all_text() and "Validation did not run" not in page.all_text()


def test_review_output_must_say_its_format(seed_app: Path, kf: Kf) -> None:
    result = kf("review", "default", "--against", "local:default", "-o", "report.txt", cwd=seed_app)
    assert result.code == 2
    assert "cannot tell the format of 'report.txt'" in result.err
    missing = kf("review", "default", "--against", "local:default", "-o", "/nonexistent/r.html", cwd=seed_app)
    assert missing.code == 2 and "directory /nonexistent does not exist" in missing.err


def test_review_of_changes_apply_would_make_exits_0(seed_app: Path, kf: Kf, tmp_path: Path) -> None:
    """Unlike diff's 10: a review's answer is whether apply would go ahead, not whether it changes anything."""
    assert kf("env", "add", "prod", "--namespace", "prod", cwd=seed_app).code == 0
    assert kf("param", "set", "model-server", "replicas", "3", "--env", "prod", cwd=seed_app).code == 0
    out = tmp_path / "report.md"
    result = kf("review", "prod", "--against", "local:default", "-o", str(out), cwd=seed_app)
    assert result.code == 0, result.err
    assert "error:" not in result.err and "1 to change" in result.err
    report = json.loads(kf("review", "prod", "--against", "local:default", "-o", "json", cwd=seed_app).out)
    assert (report["wouldApply"], report["verdict"]) == (True, "kfkit apply would: change 1.")
