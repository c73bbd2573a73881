"""Finding one component by its file names answers exactly what listing every component does.

``show -c``, ``param set`` and the other commands naming a component look it up directly
(:meth:`AppDir.find_component`) instead of listing components/; these tests hold the two
to the same components and the same errors.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kfkit.app import AppDir
from kfkit.errors import AppError, UsageError
from kfkit.render import RenderOptions, render

NAMESPACE = '{apiVersion: "v1", kind: "Namespace", metadata: {name: "%s"}}\n'


@pytest.fixture
def app(tmp_path: Path) -> AppDir:
    root = tmp_path / "app"
    AppDir.create(root)
    files = {
        "web.jsonnet": NAMESPACE % "web",
        "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
        "old.yml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: old\n",
        "raw.json": '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "raw"}}',
        "dotted.name.jsonnet": NAMESPACE % "dotted",
        ".hidden.jsonnet": NAMESPACE % "hidden",
        "notes.txt": "not a component",
        "db/params.libsonnet": "{ global: {}, components: {} }\n",
        "db/redis.jsonnet": NAMESPACE % "redis",
        "db/cache/params.libsonnet": "{ global: {}, components: {} }\n",
        "db/cache/memcached.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: memcached\n",
        "helpers/util.jsonnet": "{}",  # no params file: not a module, not a component
    }
    for rel, text in files.items():
        path = root / "components" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return AppDir.load(root)


def test_every_listed_component_is_found_as_listed(app: AppDir) -> None:
    listed = app.components()
    assert {c.name for c in listed} >= {"web", "cm", "old", "raw", "dotted.name", ".hidden", "db.redis"}
    modules = app.modules()
    for component in listed:
        assert app.find_component(component.name, modules) == component
        assert app.component(component.name) == component
        # and within the module alone, as an environment targeting only it renders it
        own = [m for m in modules if m.name == component.module]
        assert app.find_component(component.name, own) == component


@pytest.mark.parametrize(
    "name",
    [
        "nope",
        "notes",
        "db",
        "db.cache",
        "helpers.util",
        "util",
        "redis",
        "db/redis",
        "../app/web",
        "",
        "web.jsonnet",
    ],
)
def test_names_listing_does_not_know_are_not_found(app: AppDir, name: str) -> None:
    assert name not in {c.name for c in app.components()}
    assert app.find_component(name, app.modules()) is None
    with pytest.raises(UsageError, match=f'component "{name}" not found in app .*; known: '):
        app.component(name)


def _listing_error(app: AppDir) -> str:
    with pytest.raises(AppError) as listed:
        app.components()
    return str(listed.value)


@pytest.mark.parametrize(
    ("name", "extra"),
    [
        ("web", "web.yaml"),  # two files of one component in one module
        ("web", "web.json"),
        ("db.redis", "db.redis.jsonnet"),  # a root file named like a module's component
        ("cm", "cm.yml"),
    ],
)
def test_two_files_of_one_name_are_the_same_error(app: AppDir, name: str, extra: str) -> None:
    (app.components_dir / extra).write_text("{}")
    expected = _listing_error(app)
    assert "is ambiguous" in expected
    with pytest.raises(AppError) as found:
        app.find_component(name, app.modules())
    assert str(found.value) == expected


@pytest.mark.parametrize("kind", ["dangling", "loop", "directory"])
def test_a_selected_path_that_is_not_a_file_is_the_same_error(app: AppDir, kind: str) -> None:
    bad = app.components_dir / "bad.jsonnet"
    if kind == "dangling":
        bad.symlink_to(app.root / "gone.jsonnet")
    elif kind == "loop":
        bad.symlink_to(bad)
    else:
        bad.mkdir()
    expected = _listing_error(app)
    assert expected.startswith("components/bad.jsonnet: ")
    with pytest.raises(AppError) as found:
        app.find_component("bad", app.modules())
    assert str(found.value) == expected


def test_dash_c_renders_what_the_whole_render_has_for_the_component(app: AppDir) -> None:
    options = RenderOptions(cache=False)
    everything = render(app, "default", options=options)
    for name, made in {"web": "web", "cm": "cm", "dotted.name": "dotted", ".hidden": "hidden"}.items():
        mine = [o for o in everything if o["metadata"]["name"] == made]
        assert len(mine) == 1
        selected = render(app, "default", components=[name], options=options)
        assert selected == mine, name


def test_an_unknown_dash_c_name_lists_the_environments_components(app: AppDir) -> None:
    with pytest.raises(UsageError) as raised:
        render(app, "default", components=["nope"])
    known = ", ".join(c.name for c in app.components())
    assert str(raised.value) == f'component "nope" not found in app "{app.name}"; known: {known}'


def test_a_component_of_a_module_the_environment_does_not_render_is_named_so(app: AppDir) -> None:
    with pytest.raises(
        UsageError, match=re.escape('component "db.redis" is in module "db", which environment "default"')
    ):
        render(app, "default", components=["db.redis"])


def test_a_broken_other_component_fails_the_whole_render_but_not_dash_c(app: AppDir) -> None:
    """-c renders, diffs and prunes only the selected components' objects (prune selects them by
    label), so another component's file cannot make it drop objects."""
    (app.components_dir / "gone.yaml").symlink_to(app.root / "moved-away.yaml")
    with pytest.raises(AppError, match=re.escape("components/gone.yaml: a dangling symlink")):
        render(app, "default", options=RenderOptions(cache=False))
    assert [o["metadata"]["name"] for o in render(app, "default", components=["web"])] == ["web"]
