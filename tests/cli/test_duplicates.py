"""An object rendered by two components (ksonnet #15 5(d)): ks showed both; kfkit shows both
with a warning, validate reports a warning-level finding, and apply still refuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from kfkit import App
from tests.cli.support import Kf

CONFIG_MAP = '{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "shared"%s }, data: { by: "%s" } }\n'
WARNING = (
    "warning: ConfigMap default/shared is rendered by components 'a' and 'b'; "
    "apply refuses it until only one renders it\n"
)


@pytest.fixture
def twice(app: Path) -> Path:
    """Components ``a`` and ``b`` render ConfigMap ``shared``, one in the environment's namespace by name."""
    (app / "components" / "a.jsonnet").write_text(CONFIG_MAP % ("", "a"))
    (app / "components" / "b.jsonnet").write_text(CONFIG_MAP % (', namespace: "default"', "b"))
    return app


def test_show_prints_both_objects_and_one_warning(twice: Path, kf: Kf) -> None:
    result = kf("show", "default", cwd=twice)
    assert result.code == 0, result.err
    assert [d["data"]["by"] for d in yaml.safe_load_all(result.out)] == ["a", "b"]
    assert result.err == WARNING


def test_validate_reports_a_warning_finding_and_passes(twice: Path, kf: Kf) -> None:
    result = kf("validate", "default", "-o", "json", cwd=twice)
    assert result.code == 0, result.err
    report = json.loads(result.out)
    duplicates = [f for f in report["findings"] if f["code"] == "duplicate-object"]
    assert duplicates == [
        {
            "severity": "warning",
            "code": "duplicate-object",
            "component": "a",
            "object": {"apiVersion": "v1", "kind": "ConfigMap", "namespace": "default", "name": "shared"},
            "path": "",
            "message": WARNING.removeprefix("warning: ").rstrip("\n"),
        }
    ]
    assert "warning:" not in result.err  # reported once, as the finding
    text = kf("validate", "default", cwd=twice)
    assert text.code == 0 and "rendered by components 'a' and 'b'" in text.out


def test_library_validate_reports_it_too(twice: Path) -> None:
    result = App.load(twice).validate("default")
    assert [(f.severity, str(f.code)) for f in result.findings] == [("warning", "duplicate-object")]


@pytest.mark.parametrize(
    "command",
    [("apply", "default"), ("diff", "default"), ("delete", "default", "--yes"), ("review", "default")],
)
def test_apply_diff_delete_and_review_still_refuse_before_any_cluster(
    twice: Path, kf: Kf, command: tuple[str, ...]
) -> None:
    result = kf(*command, cwd=twice)
    assert result.code == 1
    assert result.err == "error: ConfigMap default/shared is rendered twice: by component 'a' and 'b'\n"
