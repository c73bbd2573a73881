"""Params edits: exact on every file shape, verified before writing, through symlinks, locked visibly."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kfkit.app import AppDir, write_atomic
from kfkit.params import module_params, parse_value, set_param
from tests.cli.support import Kf
from tests.safety.support import assert_refused, tree_hash

_COMPOSED = """\
{
  global: {},
  components: {
    a: { x: 1 },
    b: { z: 1 },
  },
} + { global+: {} }
"""


@pytest.fixture
def two(app: Path) -> Path:
    for name in ("a", "b"):
        (app / f"components/{name}.jsonnet").write_text("{}\n")
    (app / "components/params.libsonnet").write_text(_COMPOSED)
    return app


def _params(app: Path) -> dict[str, Any]:
    return module_params(AppDir.load(app), None)


@pytest.mark.parametrize(
    ("args", "changed"),
    [
        (("a", "y", "2"), {"components": {"a": {"x": 1, "y": 2}, "b": {"z": 1}}, "global": {}}),
        (("a", "x", "5"), {"components": {"a": {"x": 5}, "b": {"z": 1}}, "global": {}}),
        (("g.h", "1"), {"components": {"a": {"x": 1}, "b": {"z": 1}}, "global": {"g": {"h": 1}}}),
        (("c", "w", "1"), {"components": {"a": {"x": 1}, "b": {"z": 1}, "c": {"w": 1}}, "global": {}}),
    ],
)
def test_set_on_a_composed_params_file_keeps_every_sibling(
    two: Path, kf: Kf, args: tuple[str, ...], changed: object
) -> None:
    if args[0] == "c":
        (two / "components/c.jsonnet").write_text("{}\n")
    result = kf("param", "set", *args, cwd=two)
    assert result.code == 0, result.err
    assert _params(two) == changed
    left = _COMPOSED.split("} + {")[0]
    assert (two / "components/params.libsonnet").read_text().startswith(left)  # only the right side edited


def test_an_edit_that_changes_more_than_the_key_is_refused_before_writing(
    two: Path, kf: Kf, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The right side redefines a's x after a sibling: deleting it would expose the left's value."""
    assert kf("param", "set", "a", "x", "5", cwd=two).code == 0
    writes: list[Path] = []
    import kfkit.params._store as store

    def spy(path: Path, text: str) -> None:
        writes.append(path)
        write_atomic(path, text)

    monkeypatch.setattr(store, "write_atomic", spy)
    before = tree_hash(two)
    result = kf("param", "delete", "a", "x", cwd=two)
    assert_refused(
        result, "components/params.libsonnet", "components.a.x would be set (1)", "file left unchanged"
    )
    assert writes == [] and tree_hash(two) == before


def test_a_symlinked_params_file_is_edited_through_the_link(app: Path, kf: Kf) -> None:
    (app / "components/a.jsonnet").write_text("{}\n")
    shared = app / "lib/shared-params.libsonnet"
    shared.parent.mkdir()
    os.replace(app / "components/params.libsonnet", shared)
    (app / "components/params.libsonnet").symlink_to("../lib/shared-params.libsonnet")
    assert kf("param", "set", "a", "x", "1", cwd=app).code == 0
    assert (app / "components/params.libsonnet").is_symlink()
    assert "x: 1" in shared.read_text()


def test_a_params_symlink_leaving_the_app_is_not_edited(app: Path, kf: Kf) -> None:
    (app / "components/a.jsonnet").write_text("{}\n")
    outside = app.parent / "elsewhere.libsonnet"
    os.replace(app / "components/params.libsonnet", outside)
    (app / "components/params.libsonnet").symlink_to(outside)
    before, outside_before = tree_hash(app), outside.read_bytes()
    result = kf("param", "set", "a", "x", "1", "--allow-import-outside", cwd=app)
    assert_refused(result, "components/params.libsonnet")
    assert tree_hash(app) == before and outside.read_bytes() == outside_before


@pytest.mark.parametrize("text", ["1\n", "1.5\n", "-3\n", " 1", "1 ", "0x10", "1_000", "1e5\n"])
def test_numbers_with_anything_around_them_stay_strings(text: str) -> None:
    assert parse_value(text) == text


def test_a_value_that_is_not_utf8_is_a_usage_error(app: Path, kf: Kf) -> None:
    (app / "components/a.jsonnet").write_text("{}\n")
    before = tree_hash(app)
    assert_refused(kf("param", "set", "a", "x", "bad\udcff", cwd=app), "not valid UTF-8", code=2)
    assert tree_hash(app) == before


def test_a_killed_edit_leaves_no_temp_file_behind(app: Path, kf: Kf) -> None:
    (app / "components/a.jsonnet").write_text("{}\n")
    stale = app / "components/.params.libsonnet.abc123.tmp"
    stale.write_text("half an edit")
    assert kf("param", "set", "a", "x", "1", cwd=app).code == 0
    assert not stale.exists()
    assert not list(app.rglob("*.tmp")) and not (app / ".kfkit.lock").exists()


def test_verification_runs_on_the_edited_text_in_memory(app: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the check evaluates, the file on disk still holds the old text."""
    (app / "components/a.jsonnet").write_text("{}\n")
    kf_app = AppDir.load(app)
    params = app / "components/params.libsonnet"
    original = params.read_text()
    seen: list[str] = []
    import kfkit.params._params as params_module

    for check in ("module_params", "evaluate_part"):  # the whole layer, or the edited object alone
        real = getattr(params_module, check)

        def spy(*args: object, real: Any = real, **kwargs: object) -> object:
            seen.append(params.read_text())
            return real(*args, **kwargs)

        monkeypatch.setattr(params_module, check, spy)
    set_param(kf_app, "a", "x", 1)
    assert seen and all(text == original for text in seen)
    assert params.read_text() != original


@pytest.fixture
def held(app: Path) -> Iterator[Path]:
    """Another holder of the app's lock (flock on the app directory)."""
    fd = os.open(app, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield app
    finally:
        os.close(fd)


def test_a_blocked_edit_says_who_holds_the_lock_and_gives_up(held: Path, kf: Kf) -> None:
    (held / "components/a.jsonnet").write_text("{}\n")
    before = tree_hash(held)
    result = kf("param", "set", "a", "x", "1", "--lock-timeout", "1.5", cwd=held)
    pid = f"held by pid {os.getpid()}"
    assert f"waiting for the lock on components/params.libsonnet ({pid})…" in result.err
    assert_refused(result, "gave up after 1.5 s", "components/params.libsonnet", pid, "--lock-timeout")
    assert tree_hash(held) == before


def _count_whole_layer_checks(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    import kfkit.params._params as params_module

    calls: list[object] = []

    def spy(*args: Any, **kwargs: Any) -> dict[str, Any]:
        calls.append(args)
        return module_params(*args, **kwargs)

    monkeypatch.setattr(params_module, "module_params", spy)
    return calls


_DATA = (
    '{\n  global: {},\n  components: {\n    a: { x: 1 },\n    b: { y: [1, "two", { z: null }] },\n  },\n}\n'
)


@pytest.mark.parametrize(
    ("text", "whole_layer"),
    [
        (_DATA, False),  # plain data: the edited component's block alone proves the edit
        (_DATA.replace("z: null", "z: std.length('abc')"), True),  # computed elsewhere
        (_DATA.replace("x: 1", "x: self.w, w:: 2"), False),  # computed, but only inside the edited block
        (_DATA.replace("x: 1", "x: $.global"), True),  # the block reads the file's root
        ("local n = 1;\n" + _DATA, True),
    ],
)
def test_an_edit_is_checked_on_its_block_alone_only_when_nothing_else_can_see_it(
    app: Path, monkeypatch: pytest.MonkeyPatch, text: str, whole_layer: bool
) -> None:
    for name in ("a", "b"):
        (app / f"components/{name}.jsonnet").write_text("{}\n")
    (app / "components/params.libsonnet").write_text(text)
    expected = _params(app)
    expected["components"]["a"]["v"] = {"k": [1, 2]}
    calls = _count_whole_layer_checks(monkeypatch)
    set_param(AppDir.load(app), "a", "v", {"k": [1, 2]})
    assert bool(calls) == whole_layer
    assert _params(app) == expected


def test_a_block_check_that_disagrees_hands_over_to_the_whole_layer_check(
    app: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The block check can only accept an edit: anything else is the whole check's to judge."""
    import kfkit.params._params as params_module

    (app / "components/a.jsonnet").write_text("{}\n")
    (app / "components/params.libsonnet").write_text(_DATA.replace("b: {", "c: {"))
    monkeypatch.setattr(params_module, "evaluate_part", lambda *args: {"wrong": True})
    calls = _count_whole_layer_checks(monkeypatch)
    set_param(AppDir.load(app), "a", "x", 2)
    assert calls and _params(app)["components"]["a"] == {"x": 2}


def test_a_block_that_imports_its_own_file_is_checked_whole(app: Path, kf: Kf) -> None:
    """Evaluated alone, the block would import the file as on disk, not as edited: x follows y."""
    (app / "components/a.jsonnet").write_text("{}\n")
    own = '{ y: 1, x: (import "params.libsonnet").components.a.y }'
    (app / "components/params.libsonnet").write_text(_DATA.replace("{ x: 1 }", own).replace("b: {", "c: {"))
    before = tree_hash(app)
    assert_refused(kf("param", "set", "a", "y", "2", cwd=app), "components.a.x would read 2, not 1")
    assert tree_hash(app) == before
