"""``param set``/``delete`` in a large params file through its remembered outline: the same bytes,
the same refusals (file unchanged), and a whole parse whenever the outline cannot vouch."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kfkit import App
from kfkit.app import AppDir
from kfkit.errors import KfkitError
from kfkit.jsonnet import Document, _edit
from kfkit.jsonnet._lexer import lex
from kfkit.params import _store, delete_param, set_param

Step = Callable[[AppDir], object]
STEPS: list[Step] = [
    lambda a: set_param(a, "m1", "modelName", "inception"),  # a string for a null
    lambda a: set_param(a, "m1", "modelName", "resnet"),  # a string for a string
    lambda a: set_param(a, "m1", "replicas", 3),
    lambda a: set_param(a, "m2", "limits", {"cpu": "2", "memory": "4Gi", "list": [1, "a", None]}),
    lambda a: set_param(a, "m2", "limits.gpu", 1),  # inside an object the last edit wrote
    lambda a: set_param(a, "m0", "brand-new key", "é 'quoted' \"both\""),
    lambda a: delete_param(a, "m2", "limits.cpu"),
    lambda a: delete_param(a, "m0", "brand-new key"),
    lambda a: set_param(a, "m1", "empty", {}),
    lambda a: set_param(a, "m1", "empty.inner", True),
    lambda a: set_param(a, None, "shared", 1),  # the globals: not a component block
    lambda a: set_param(a, "m3", "replicas", 2),  # a component generated after the outline
]


def make_app(root: Path) -> AppDir:
    """Three tf-serving components, and one whose notes make the params file large."""
    app = App.init(root)
    for name in ("m0", "m1", "m2", "big"):
        app.generate("tf-serving", name, {}, {"modelPath": f"/models/{name}"})
    set_param(app.dir, "big", "notes", "n" * _store.OUTLINE_FROM)
    return AppDir.load(root)


@pytest.fixture
def whole_parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The length of each file the editor lexed and parsed whole."""
    sizes: list[int] = []

    def spy(source: str, filename: str) -> Any:
        sizes.append(len(source))
        return lex(source, filename)

    monkeypatch.setattr(_edit, "lex", spy)
    return sizes


@pytest.fixture
def apps(tmp_path: Path) -> tuple[AppDir, AppDir]:
    return make_app(tmp_path / "outlined"), make_app(tmp_path / "whole")


def run(app: AppDir, step: Step, outlines: bool, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(_store, "OUTLINE_FROM", _store.OUTLINE_FROM if outlines else 10**12)
    try:
        step(app)
    except KfkitError as exc:
        return f"error: {exc}"
    finally:
        monkeypatch.undo()
    return "ok"


def test_every_edit_writes_the_bytes_a_whole_parse_writes(
    apps: tuple[AppDir, AppDir], monkeypatch: pytest.MonkeyPatch
) -> None:
    outlined, whole = apps
    (outlined.components_dir / "m3.jsonnet").write_text("{}")
    (whole.components_dir / "m3.jsonnet").write_text("{}")
    set_param(outlined, "m3", "replicas", 1)
    set_param(whole, "m3", "replicas", 1)
    for i, step in enumerate(STEPS):
        assert run(outlined, step, True, monkeypatch) == run(whole, step, False, monkeypatch) == "ok", i
        assert outlined.params_file.read_bytes() == whole.params_file.read_bytes(), i


def test_after_the_first_edit_only_the_edited_block_is_parsed(
    tmp_path: Path, whole_parses: list[int]
) -> None:
    app = make_app(tmp_path / "app")
    set_param(app, "m1", "replicas", 2)  # makes the outline (the file as written by generate has none)
    whole_parses.clear()
    for i in range(5):
        set_param(app, "m1", "replicas", 3 + i)
        set_param(app, "m0", "extra", {"i": i})
        delete_param(app, "m0", "extra")
    assert [n for n in whole_parses if n >= _store.OUTLINE_FROM] == []


@pytest.mark.parametrize(
    ("step", "message"),
    [
        (lambda a: set_param(a, "m1", "replicas.deeper", 1), "cannot set a field inside"),
        (lambda a: delete_param(a, "m1", "missing"), "has no param 'missing'"),
        (lambda a: set_param(a, "m1", "x", float("inf")), "numbers must be finite"),
        (lambda a: set_param(a, "m1", "x", "\ud800"), "lone surrogate"),
    ],
)
def test_refusals_are_the_same_and_leave_the_file_unchanged(
    apps: tuple[AppDir, AppDir], monkeypatch: pytest.MonkeyPatch, step: Step, message: str
) -> None:
    outlined, whole = apps
    set_param(outlined, "m1", "replicas", 2)  # the outline exists from here on
    set_param(whole, "m1", "replicas", 2)
    before = outlined.params_file.read_bytes()
    refused = run(outlined, step, True, monkeypatch)
    assert message in refused
    assert refused == run(whole, step, False, monkeypatch)
    assert outlined.params_file.read_bytes() == before


def test_a_file_changed_by_hand_is_parsed_whole_and_outlined_again(
    tmp_path: Path, whole_parses: list[int]
) -> None:
    app = make_app(tmp_path / "app")
    set_param(app, "m1", "replicas", 2)
    text = app.params_file.read_text()
    app.params_file.write_text(text.replace("replicas: 2", "replicas: 7"))
    whole_parses.clear()
    set_param(app, "m1", "modelName", "x")
    set_param(app, "m1", "modelName", "y")
    assert len([n for n in whole_parses if n > _store.OUTLINE_FROM]) == 1
    assert "replicas: 7" in app.params_file.read_text()


def test_a_damaged_outline_is_no_outline(tmp_path: Path, whole_parses: list[int]) -> None:
    app = make_app(tmp_path / "app")
    set_param(app, "m1", "replicas", 2)
    for entry in _store._outlines().iterdir():
        entry.write_text('{"root": [0, 1], "blocks": ')
    whole_parses.clear()
    set_param(app, "m1", "replicas", 3)
    assert [n for n in whole_parses if n >= _store.OUTLINE_FROM]
    reference = Document(app.params_file.read_text(), "p")
    assert reference.get(reference.root_object(), ["components", "m1", "replicas"]) is not None
    assert "replicas: 3" in app.params_file.read_text()


def test_a_small_file_never_reads_or_writes_outlines(tmp_path: Path) -> None:
    app = AppDir.create(tmp_path / "app")
    (app.components_dir / "web.jsonnet").write_text("{}")
    set_param(app, "web", "replicas", 1)
    set_param(app, "web", "replicas", 2)
    assert not _store._outlines().exists()
