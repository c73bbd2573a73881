"""Objects found valid are remembered across runs (kfkit/validate/_cache.py), and only those."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

import kfkit
from kfkit.validate import BuiltinSchemas, Code, ValidateOptions, _cache, validate_objects
from tests.unit.validate.test_validate import crd, deployment, service, widget

V134 = ValidateOptions(k8s_version="1.34")


def _refuse_schemas(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on any check against a built-in schema fails the test."""

    def refuse(*_: Any) -> None:
        raise AssertionError("a remembered object was checked again")

    monkeypatch.setattr(BuiltinSchemas, "definition_validator", refuse)


def test_valid_objects_are_not_checked_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    objects = [deployment(), service()]
    first = validate_objects(objects, V134, cache=tmp_path)
    assert first.ok and first.findings == [] and first.objects == 2
    _refuse_schemas(monkeypatch)
    again = validate_objects([service(), deployment()], V134, cache=tmp_path)
    assert again.ok and again.findings == [] and again.objects == 2


def test_a_changed_object_is_checked(tmp_path: Path) -> None:
    validate_objects([deployment()], V134, cache=tmp_path)
    changed = deployment()
    changed["spec"]["replicas"] = "two"
    [found] = validate_objects([changed], V134, cache=tmp_path).findings
    assert (found.code, found.field) == (Code.TYPE, "spec.replicas")


def test_an_object_with_findings_is_never_remembered(tmp_path: Path) -> None:
    bad = deployment()
    bad["spec"]["replicas"] = "two"
    runs = [validate_objects([bad], V134, cache=tmp_path).findings for _ in range(2)]
    assert runs[0] == runs[1] and [f.field for f in runs[1]] == ["spec.replicas"]
    assert [p.read_text() for p in tmp_path.glob("*.txt")] == []


def test_each_kubernetes_version_has_its_own_verdicts(tmp_path: Path) -> None:
    # Served by 1.28 (deprecated from 1.29), removed in 1.32: valid then, an error now.
    schema = {
        "apiVersion": "flowcontrol.apiserver.k8s.io/v1beta3",
        "kind": "FlowSchema",
        "metadata": {"name": "fs"},
        "spec": {"priorityLevelConfiguration": {"name": "global-default"}},
    }
    assert validate_objects([schema], ValidateOptions(k8s_version="1.28"), cache=tmp_path).findings == []
    [removed] = validate_objects([schema], V134, cache=tmp_path).findings
    assert removed.code == Code.REMOVED_API
    assert len(list(tmp_path.glob("*.txt"))) == 1  # only 1.28's clean verdict


def test_custom_resources_are_checked_every_time(tmp_path: Path) -> None:
    good = widget(size=2)
    assert validate_objects([crd(), good], V134, cache=tmp_path).findings == []
    stricter = {"type": "object", "properties": {"size": {"type": "integer", "minimum": 5}}}
    [found] = validate_objects([crd(spec=stricter), good], V134, cache=tmp_path).findings
    assert (found.code, found.field) == (Code.INVALID, "spec.size")


def test_the_cache_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_cache, "MAX_OBJECTS", 3)
    monkeypatch.setattr(_cache, "MAX_CONTEXTS", 2)
    objects = []
    for n in range(5):
        obj = copy.deepcopy(service())
        obj["metadata"]["name"] = f"web-{n}"
        objects.append(obj)
    validate_objects(objects, V134, cache=tmp_path)
    [context] = tmp_path.glob("*.txt")
    assert context.read_text().split() == [_cache.CleanObjects.digest(o) for o in objects[-3:]]
    for version in ("1.30", "1.31", "1.32"):
        validate_objects(objects[:1], ValidateOptions(k8s_version=version), cache=tmp_path)
    assert len(list(tmp_path.glob("*.txt"))) == 2


def test_an_unusable_cache_only_costs_time(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    bad = deployment()
    bad["metadata"]["name"], bad["spec"]["replicas"] = "bad", "two"
    result = validate_objects([deployment(), bad], V134, cache=blocked / "validate")
    assert [f.field for f in result.findings] == ["spec.replicas"]


def test_the_library_keeps_verdicts_in_the_user_cache_unless_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KFKIT_CACHE_DIR", str(tmp_path / "cache"))
    kf = kfkit.App.init(tmp_path / "app", server="")
    kf.validate_objects([deployment()], options=ValidateOptions(cache=False))
    assert not (tmp_path / "cache" / "validate").exists()
    kf.validate_objects([deployment()])
    assert len(list((tmp_path / "cache" / "validate").glob("*.txt"))) == 1
