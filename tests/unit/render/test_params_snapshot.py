"""Params after an edit: only the edited component's block is evaluated again, and only when
nothing else can decide its params; every render equals a render without the cache."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from kfkit import App, RenderOptions
from kfkit.app import AppDir
from kfkit.errors import KfkitError
from kfkit.manifests import to_yaml
from kfkit.params import resolve_params, set_param
from kfkit.render import _params
from kfkit.render._cache import default_dir

COMPONENT = (
    'local env = std.extVar("__ksonnet/environments");\n'
    'local params = std.extVar("__ksonnet/params").components["%s"];\n'
    '{apiVersion: "v1", kind: "ConfigMap", metadata: {name: "%s"}, data: {p: std.manifestJson(params)}}\n'
)
PARAMS = """\
{
  global: {},
  components: {
    // one block per component
    a: { x: 1, s: "}{", nested: { deep: [1, 2] } },
    b: { x: 2 },
    c: { x: 3 },
  },
}
"""


@pytest.fixture
def app(tmp_path: Path) -> App:
    app = App.init(tmp_path / "app")
    for name in "abc":
        (app.root / "components" / f"{name}.jsonnet").write_text(COMPONENT % (name, name))
    app.dir.params_file.write_text(PARAMS)
    return app


@pytest.fixture
def resolved(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The components each params evaluation was asked for (None: all of them)."""
    calls: list[object] = []

    def spy(
        app: AppDir, env: str, names: Sequence[str] | None = None, overrides: Mapping[Path, str] | None = None
    ) -> dict[str, dict[str, Any]]:
        calls.append(names)
        return resolve_params(app, env, names, overrides or {})

    monkeypatch.setattr(_params, "resolve_params", spy)
    return calls


def show(app: App, *, cache: bool = True) -> str:
    return to_yaml(App.load(app.root).render("default", options=RenderOptions(cache=cache)))


def rendered_after(app: App, resolved: list[object], change: Callable[[App], object]) -> list[object]:
    """Which params evaluations a render after ``change`` made; it must equal an uncached one."""
    change(app)
    resolved.clear()
    cached = show(app)
    calls = list(resolved)
    assert cached == show(app, cache=False)
    assert json.loads(json.dumps(resolve_params(app.dir, "default"))) == resolve_params(app.dir, "default")
    return calls


def setting(component: str, key: str, value: int) -> Callable[[App], object]:
    return lambda app: set_param(app.dir, component, key, value)


def replace(old: str, new: str) -> Callable[[App], object]:
    return lambda app: app.dir.params_file.write_text(app.dir.params_file.read_text().replace(old, new))


@pytest.mark.parametrize(
    ("change", "block"),
    [
        (lambda app: set_param(app.dir, "a", "x", 5), "a"),
        (lambda app: set_param(app.dir, "a", "nested.deep", {"k": "}"}), "a"),
        (lambda app: set_param(app.dir, "c", "new", [1, "two"]), "c"),
        (replace('s: "}{"', 's: "{", t: @"v""q"'), "a"),
        (replace("b: { x: 2 }", "b: { x: 2, // a comment\n }"), "b"),
    ],
)
def test_an_edit_inside_one_block_evaluates_only_that_block(
    app: App, resolved: list[object], change: Callable[[App], object], block: str
) -> None:
    show(app)
    assert rendered_after(app, resolved, change) == [[block]]
    assert rendered_after(app, resolved, lambda app: set_param(app.dir, "c", "x", 8)) == [["c"]]
    assert rendered_after(app, resolved, lambda app: set_param(app.dir, "a", "y", "z")) == [["a"]]


@pytest.mark.parametrize(
    "change",
    [
        lambda app: set_param(app.dir, None, "g", 1),  # global reaches every component
        replace("c: { x: 3 },", "c: { x: 3 },\n    d: { x: 4 },"),  # a new block
        replace("b: { x: 2 }", "b: { x: 1 + 1 }"),  # computed
        replace("global: {}", "global:: { x: 9 }"),
        replace("a: { x: 4", "a: { x: $.components.b.x"),
    ],
)
def test_anything_but_a_data_edit_inside_one_block_resolves_the_whole_file(
    app: App, resolved: list[object], change: Callable[[App], object]
) -> None:
    show(app)
    rendered_after(app, resolved, lambda app: set_param(app.dir, "a", "x", 4))  # blocks found
    assert rendered_after(app, resolved, change) == [None]
    rendered_after(app, resolved, lambda app: set_param(app.dir, "c", "x", 6))


def test_a_hidden_global_stays_hidden_in_the_stand_in(app: App, resolved: list[object]) -> None:
    replace("global: {}", "global:: { x: 9 }")(app)
    show(app)
    rendered_after(app, resolved, lambda app: set_param(app.dir, "a", "x", 4))
    assert rendered_after(app, resolved, lambda app: set_param(app.dir, "b", "x", 5)) == [["b"]]


@pytest.mark.parametrize(
    ("file", "old", "new"),
    [
        ("params.libsonnet", "components+: {", "components+: { a+: { x: 10 },"),  # env overrides
        ("globals.libsonnet", "{", '{ n: std.length(std.extVar("__ksonnet/params").components),'),
    ],
    ids=["env-overrides", "globals-reading-params"],
)
def test_no_snapshot_unless_the_environment_resolves_each_component_alone(
    app: App, resolved: list[object], file: str, old: str, new: str
) -> None:
    path = app.root / "environments" / "default" / file
    path.write_text(path.read_text().replace(old, new, 1))
    show(app)
    for value in (4, 5):
        assert rendered_after(app, resolved, setting("a", "x", value)) == [None]


def _whole_resolution(app: App) -> object:
    """The params through every layer, the template's shortcut defeated by one override line."""
    path = app.root / "environments" / "default" / "params.libsonnet"
    template = path.read_text()
    path.write_text(template.replace("components+: {", "components+: { unused_override+: {},"))
    try:
        value: dict[str, dict[str, Any]] = resolve_params(app.dir, "default")
        value.pop("unused_override")
        return value
    finally:
        path.write_text(template)


@pytest.mark.parametrize(
    "text",
    [
        PARAMS,
        PARAMS.replace("b: { x: 2 }", 'b: null, d: "s", e: [1], f:: { h: 1 }'),  # non-objects, hidden
        PARAMS.replace("global: {}", "global:: { x: 9 }"),
        PARAMS.replace("global: {}", "global: { x: 9 }"),  # merged: the whole resolution
        PARAMS.replace("x: 1,", "x: std.extVar('__ksonnet/environments').namespace,"),
    ],
)
def test_params_as_written_equal_the_whole_resolution(app: App, text: str) -> None:
    app.dir.params_file.write_text(text)
    assert resolve_params(app.dir, "default") == _whole_resolution(app)


@pytest.mark.parametrize(
    "text", ["{ global: {} }", "{ components:: {} }", "{ components: 1 }", "[]", "{ components: {}, } x"]
)
def test_params_files_of_the_wrong_shape_fail_as_they_always_did(app: App, text: str) -> None:
    app.dir.params_file.write_text(text)
    with pytest.raises(KfkitError) as shortcut:
        resolve_params(app.dir, "default")
    with pytest.raises(KfkitError) as whole:
        _whole_resolution(app)
    assert str(shortcut.value) == str(whole.value)


def test_an_environment_override_set_on_a_template_environment_is_seen(app: App) -> None:
    """The environment's file stops being the template, so its override is merged in."""
    set_param(app.dir, "a", "x", 5, env="default")
    assert resolve_params(app.dir, "default")["a"]["x"] == 5
    assert resolve_params(app.dir, "default") == _whole_resolution(app)


def test_params_read_while_the_file_changes_are_not_stored(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit landing between hashing the files and reading them must not leave the new params
    under the old files' name: going back to the old text would then render the new params."""
    show(app)
    set_param(app.dir, "a", "x", 4)
    real = _params._read

    def edit_then_read(path: Path) -> str | None:
        monkeypatch.setattr(_params, "_read", real)
        set_param(app.dir, "b", "x", 9)
        return real(path)

    monkeypatch.setattr(_params, "_read", edit_then_read)
    show(app)
    set_param(app.dir, "b", "x", 2)  # back to the text whose name was taken before the edit
    assert show(app) == show(app, cache=False)


def test_the_snapshot_names_its_params_entry_and_a_trimmed_one_resolves_the_whole_file(
    app: App, resolved: list[object]
) -> None:
    """Named, not copied: after an edit the 800 components' params are written once, not twice."""
    show(app)
    rendered_after(app, resolved, setting("a", "x", 4))  # blocks found
    entries = [json.loads(p.read_bytes()) for p in default_dir().glob("*/*")]
    (snapshot,) = [e for e in entries if isinstance(e, dict) and "blocks" in e]
    assert sorted(snapshot) == ["blocks", "global", "params", "text"]
    (default_dir() / snapshot["params"][:2] / snapshot["params"][2:]).unlink()
    assert rendered_after(app, resolved, setting("b", "x", 5)) == [None]
    assert rendered_after(app, resolved, setting("c", "x", 6)) == [["c"]]


PAD = '    pad: { s: "%s" },\n' % ("p" * 70_000)  # large enough for param set's outlines


@pytest.mark.parametrize(
    "text",
    [
        PARAMS.replace("    c: { x: 3 },\n", "    c: { x: 3 },\n" + PAD),
        # global last and not empty: the stand-in takes its text from behind the edited block
        PARAMS.replace("  global: {},\n", "").replace("  },\n}", PAD + "  },\n  global: { g: 9 },\n}"),
    ],
    ids=["global-first", "global-last"],
)
def test_the_first_edit_after_a_whole_resolution_finds_the_blocks_in_param_sets_outline(
    app: App, resolved: list[object], monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    """Not by parsing the whole file (0.9 s for 800 components): ``param set`` outlined its new text."""
    app.dir.params_file.write_text(text)
    show(app)
    parsed: list[str] = []

    def no_whole_parse(snapshot: dict[str, Any], filename: str) -> bool:
        parsed.append(filename)
        return False

    monkeypatch.setattr(_params, "_find_blocks", no_whole_parse)
    assert rendered_after(app, resolved, setting("b", "x", 5)) == [["b"]]
    assert rendered_after(app, resolved, setting("a", "x", 6)) == [["a"]]
    assert parsed == []
