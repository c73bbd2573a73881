"""``kfkit validate`` and apply's offline validation, through the CLI, with no cluster."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, NoReturn

import pytest
import yaml

from kfkit import App, ValidateOptions
from kfkit.render._cache import Store
from kfkit.validate._cache import CleanObjects
from tests.cli import support
from tests.cli.support import Kf


def _component(app: Path, name: str, *objects: dict[str, Any]) -> None:
    (app / "components" / f"{name}.yaml").write_text(yaml.safe_dump_all(objects, sort_keys=False))


def _broken_deployment() -> dict[str, Any]:
    container = {"name": "web", "image": "nginx", "securityContext": {"fsGroup": 1000}}
    labels = {"app": "web"}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": "2",
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": {"containers": [container]}},
        },
    }


GIZMO = {"apiVersion": "example.com/v1", "kind": "Gizmo", "metadata": {"name": "g"}, "spec": {"size": 1}}


def test_the_serving_story_validates_clean(seed_app: Path, kf: Kf) -> None:
    result = kf("validate", "default", cwd=seed_app)
    assert result.code == 0, result.err
    assert result.out == ""
    assert result.err.startswith("2 objects valid (checked against Kubernetes 1.")


def test_each_finding_is_one_line_and_errors_exit_1(app: Path, kf: Kf) -> None:
    _component(app, "web", _broken_deployment())
    _component(app, "gizmo", GIZMO)

    result = kf("validate", "default", "--k8s-version", "1.34", cwd=app)

    assert result.code == 1
    assert result.out.splitlines() == [
        "error: component \"web\": Deployment web: spec.replicas: expected integer, got string '2'",
        'error: component "web": Deployment web: '
        "spec.template.spec.containers[0].securityContext.fsGroup: unknown field",
        'warning: component "gizmo": Gizmo g: not checked: no CustomResourceDefinition for Gizmo '
        "(example.com/v1) in the render or the CRD directories",
    ]
    assert result.err == ("error: 2 errors and 1 warning in 2 objects (checked against Kubernetes 1.34)\n")


def test_strict_makes_an_unchecked_custom_resource_an_error(app: Path, kf: Kf) -> None:
    _component(app, "gizmo", GIZMO)
    assert kf("validate", "default", cwd=app).code == 0
    result = kf("validate", "default", "--strict", cwd=app)
    assert result.code == 1
    assert result.out.startswith('error: component "gizmo": Gizmo g: not checked:')


def test_crds_from_a_directory_and_from_vendor(app: Path, kf: Kf, tmp_path: Path) -> None:
    crd = support.crd("example.com", "Gizmo", {"type": "object", "properties": {"size": {"type": "string"}}})
    _component(app, "gizmo", GIZMO)
    (tmp_path / "crds").mkdir()
    (tmp_path / "crds" / "gizmo.yaml").write_text(yaml.safe_dump(crd))

    result = kf("validate", "default", "--crd-dir", str(tmp_path / "crds"), cwd=app)
    assert result.code == 1
    assert result.out == 'error: component "gizmo": Gizmo g: spec.size: expected string, got integer 1\n'

    (app / "vendor" / "gizmos" / "crds").mkdir(parents=True)
    (app / "vendor" / "gizmos" / "crds" / "gizmo.json").write_text(json.dumps(crd))
    assert kf("validate", "default", "--strict", cwd=app).out.startswith(
        'error: component "gizmo": Gizmo g: spec.size'
    )


def test_json_report(app: Path, kf: Kf) -> None:
    _component(app, "web", _broken_deployment())

    result = kf("validate", "default", "-o", "json", "--k8s-version", "v1.30.1", cwd=app)

    assert result.code == 1
    report = json.loads(result.out)
    assert {k: v for k, v in report.items() if k != "findings"} == {
        "reportVersion": 1,
        "k8sVersion": "1.30",
        "server": False,
        "ok": False,
        "objects": 1,
        "errors": 2,
        "warnings": 0,
        "notes": [],
    }
    # The library's report (its shape is pinned in tests/unit/validate), printed as is.
    assert report == App.load(app).validate("default", options=ValidateOptions(k8s_version="1.30")).to_dict()
    assert [f["code"] for f in report["findings"]] == ["type", "unknown-field"]


def test_bad_options_are_usage_errors(app: Path, kf: Kf) -> None:
    assert kf("validate", "default", "-o", "yaml", cwd=app).err == (
        "error: unknown output format 'yaml'; use text or json\n"
    )
    result = kf("validate", "default", "--k8s-version", "latest", cwd=app)
    assert (result.code, result.err) == (
        2,
        "error: 'latest' is not a Kubernetes version; use MAJOR.MINOR, e.g. 1.34\n",
    )
    missing = kf("validate", "default", "--crd-dir", "/nonexistent", cwd=app)
    _component(app, "gizmo", GIZMO)
    missing = kf("validate", "default", "--crd-dir", "/nonexistent", cwd=app)
    assert missing.err == "error: CRD directory /nonexistent does not exist\n"


def test_apply_validates_offline_before_it_connects(app: Path, kf: Kf) -> None:
    _component(app, "web", _broken_deployment())
    assert kf("env", "set", "default", "--server", "https://127.0.0.1:1", cwd=app).code == 0

    result = kf("apply", "default", cwd=app)

    assert result.code == 1
    assert result.err.splitlines() == [
        "error: component \"web\": Deployment web: spec.replicas: expected integer, got string '2'",
        'error: component "web": Deployment web: '
        "spec.template.spec.containers[0].securityContext.fsGroup: unknown field",
        "error: 2 errors and 0 warnings in 1 object; nothing was applied (--no-validate skips this)",
    ]
    skipped = kf("apply", "default", "--no-validate", cwd=app)
    assert skipped.err.startswith("error: cannot read kubeconfig")  # it went on to connect


def test_offline_validation_never_imports_the_client(seed_app: Path) -> None:
    code = (
        "import sys; from kfkit.cli.main import run; "
        f"assert run(['--dir', {str(seed_app)!r}, 'validate', 'default']) == 0; "
        "assert 'kubernetes' not in sys.modules"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_no_cache_neither_reads_nor_writes_the_render_or_validation_cache(
    seed_app: Path, kf: Kf, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--no-cache`` on every command that renders and validates: validate, apply, diff, review."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("KFKIT_CACHE_DIR", str(cache))
    assert kf("env", "set", "default", "--server", "https://127.0.0.1:1", cwd=seed_app).code == 0
    assert kf("validate", "default", cwd=seed_app).code == 0
    assert list((cache / "validate").glob("*.txt")) and list((cache / "render").iterdir())  # used by default
    shutil.rmtree(cache)

    def refuse(*_: object) -> NoReturn:
        raise AssertionError("a cache was used despite --no-cache")

    for cls, method in ((Store, "get"), (Store, "put"), (CleanObjects, "open")):
        monkeypatch.setattr(cls, method, refuse)
    result = kf("validate", "default", "--no-cache", cwd=seed_app)
    assert result.code == 0, result.err
    review = kf("review", "default", "--against", "local:default", "--no-cache", "-o", "json", cwd=seed_app)
    assert review.code == 0, review.err
    for command in ("apply", "diff"):  # rendered and (apply) validated, then they go on to connect
        result = kf(command, "default", "--no-cache", cwd=seed_app)
        assert result.err.startswith("error: cannot read kubeconfig"), result.err
    assert not (cache / "render").exists() and not (cache / "validate").exists()
