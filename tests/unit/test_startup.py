"""Start-up stays cheap: ``import kfkit`` and the CLI load only what the command needs (#12 item 6).

Timings are benchmarks/run.py's job; these tests pin what makes them: which modules load.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import kfkit
from kfkit.cli.main import BRANCHES

NETWORK = ("urllib.request", "http.client", "ssl", "email")
"""What only a download (``kfkit import URL``) or a cluster needs: ~25 ms of imports."""
HEAVY = (
    "kfkit.app",
    "kfkit.params",
    "kfkit.jsonnet",
    "kfkit.evaluator",
    "kfkit._natives",
    "kfkit.render",
    "kfkit.deploy",
    "kfkit.validate",
    "kfkit.review",
    "kfkit.history",
    "kfkit.ksonnetlib",
    "kfkit.cluster",
    "yaml",
    "re2",
    "_gojsonnet",
    "kubernetes",
    "jsonschema",
    "pydantic",
    "importlib.metadata",
    *NETWORK,
)
"""Modules neither ``import kfkit`` nor ``kfkit --help`` may load."""
FOR_RENDERING = ("kfkit.render", "kfkit.deploy", "kfkit.validate", "kfkit.review", "kfkit.history")
"""Stages a params edit has no use for."""
FOR_PACKAGES = (
    "kfkit.app._package",
    "kfkit.app._registry",
    "kfkit.app._prototype",
    "kfkit.app._import",
    "kfkit.app._upgrade",
    "tarfile",
)
"""The app layer's registries, packages, prototypes, import and upgrade: an app without packages
loads and renders without them."""


def _loaded(code: str, cwd: Path | None = None) -> set[str]:
    """The modules a fresh interpreter has loaded after running ``code``."""
    script = f"{code}\nimport sys, json\nsys.stdout.write('\\n' + json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=cwd)
    return set(json.loads(done.stdout.splitlines()[-1]))


def _cli(*argv: str) -> str:
    """The command, in-process; a non-zero exit fails ``_loaded`` (a command that stopped early loads little)."""
    return f"from kfkit.cli.main import run\nassert run({list(argv)!r}) == 0"


def _heavy(loaded: set[str], names: tuple[str, ...] = HEAVY) -> set[str]:
    return {m for m in loaded if m in names or m.startswith(tuple(f"{n}." for n in names))}


def _cli_modules(loaded: set[str]) -> set[str]:
    """The modules of kfkit.cli that define commands (and ``_complete``, which defines ``completion``)."""
    helpers = ("_globals", "_help", "_options", "_output", "_progress", "_report", "_state", "_tree")
    return {m.removeprefix("kfkit.cli.") for m in loaded if m.startswith("kfkit.cli.")} - set(helpers)


def test_import_kfkit_loads_nothing_else() -> None:
    loaded = _loaded("import kfkit")
    assert {m for m in loaded if m.startswith("kfkit")} == {"kfkit"}
    assert not _heavy(loaded)


@pytest.mark.parametrize("argv", [["--help"], ["version"], ["param", "--help"], ["apply", "--help"]])
def test_help_and_version_load_no_library_stage(argv: list[str]) -> None:
    loaded = _loaded(_cli(*argv))
    expected = {"_gojsonnet", "kfkit.evaluator"} if argv == ["version"] else set()
    assert _heavy(loaded) == expected
    # the object model, progress events and connection options load with the commands that use them
    assert not _heavy(loaded, ("kfkit._model", "kfkit._progress", "kfkit._connection"))


EVERY_COMMAND_MODULE = {
    "main",
    *BRANCHES.groups,
    *(where.split(":")[0] for where in BRANCHES.commands.values()),
}


@pytest.mark.parametrize(
    ("argv", "modules"),
    [
        (["--help"], EVERY_COMMAND_MODULE),  # its page lists every command's help
        (["version"], {"main"}),
        (["param", "--help"], {"main", "param"}),
        (["apply", "--help"], {"main", "cluster"}),
        (["generate", "--help"], {"main", "prototype"}),
    ],
)
def test_a_command_module_loads_only_when_the_command_line_needs_it(
    argv: list[str], modules: set[str]
) -> None:
    """kfkit/cli/_tree.py: the root names the commands of the other modules of kfkit.cli."""
    assert _cli_modules(_loaded(_cli(*argv))) == modules


def test_the_cli_imports_without_garbage_collections_then_freezes_them() -> None:
    """kfkit/cli/__init__.py pauses the collector; kfkit.cli.main freezes what was imported and resumes it."""
    code = (
        "import gc, kfkit.cli\n"
        "made = lambda: sum(s['collections'] for s in gc.get_stats())\n"
        "before = made()\n"
        "assert not gc.isenabled()\n"
        "import kfkit.cli.main\n"
        "assert made() == before, (made(), before)\n"
        "assert gc.isenabled() and gc.get_freeze_count() > 10_000, gc.get_freeze_count()"
    )
    assert "typer" in _loaded(code)


def test_the_commands_built_on_every_run_have_annotations_typer_need_not_compile() -> None:
    """The root callback (every command line) and ``param set``: no string annotations to evaluate."""
    from kfkit.cli import main, param

    assert main.app.registered_callback is not None and main.app.registered_callback.callback is not None
    for command in (main.app.registered_callback.callback, main.show, main.version, param.set_):
        assert command.__annotations__ and not any(
            isinstance(a, str) for a in command.__annotations__.values()
        )


def test_a_param_edit_loads_no_render_or_cluster_stage(tmp_path: Path) -> None:
    kf = kfkit.App.init(tmp_path / "app", server="")
    kf.generate("tf-serving", "model-server", {"name": "inception"})
    loaded = _loaded(_cli("param", "set", "model-server", "replicas", "2"), cwd=kf.root)
    assert "kfkit.params" in loaded
    assert _cli_modules(loaded) == {"main", "param"}
    unneeded = (
        *FOR_RENDERING,
        *FOR_PACKAGES,
        *NETWORK,
        "kfkit.ksonnetlib",
        "kubernetes",
        "jsonschema",
        "pydantic",
        "yaml",  # app.yaml's parse is remembered (kfkit.App.init above read it once)
        "ruamel",
        "re2",
        "hashlib",  # only a large params file's outline is keyed by digest
        "tempfile",  # kfkit._atomic does without it (and without random)
        "kfkit.jsonnet._outline",  # only a large params file has an outline
        "random",
    )
    assert not _heavy(loaded, unneeded)
    assert {r.param: r.value for r in kf.params("model-server")}["replicas"] == 2


def test_import_kfkit_app_runs_no_submodule_until_a_name_is_used() -> None:
    assert _heavy(_loaded("import kfkit.app"), ("kfkit.app",)) == {"kfkit.app"}
    loaded = _loaded("from kfkit.app import AppDir")
    assert "kfkit.app._app" in loaded
    assert not _heavy(loaded, FOR_PACKAGES)


def test_every_name_of_kfkit_app_can_be_imported() -> None:
    import kfkit.app

    for name in kfkit.app.__all__:
        assert getattr(kfkit.app, name) is not None, name
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = kfkit.app.nothing


def test_the_cluster_client_loads_without_kubernetes_validate() -> None:
    loaded = _loaded(
        "import kfkit.cluster, importlib.util\nassert importlib.util.find_spec('kubernetes_validate')"
    )
    assert "kubernetes" in loaded
    assert not _heavy(loaded, ("kubernetes_validate", "jsonschema", "referencing"))


def test_objects_found_valid_before_are_not_checked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KFKIT_CACHE_DIR", str(tmp_path / "cache"))
    kfkit.App.init(tmp_path / "app", server="")
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"ports": [{"port": 80}]},
    }
    check = (
        f"import kfkit\nassert kfkit.App.load({str(tmp_path / 'app')!r}).validate_objects([{service!r}]).ok"
    )
    assert {"jsonschema", "referencing"} <= _loaded(check)
    assert not _heavy(_loaded(check), ("jsonschema", "referencing"))


def test_show_loads_only_the_render_stage(tmp_path: Path) -> None:
    kf = kfkit.App.init(tmp_path / "app", server="")
    kf.generate("tf-serving", "model-server", {"name": "inception", "modelPath": "/models/inception"})
    assert kf.render("default")  # the ksonnet-lib is generated (kfkit.ksonnetlib's job) on the first render
    for argv in (["show", "-c", "model-server"], ["show"]):
        loaded = _loaded(_cli(*argv), cwd=kf.root)
        assert "kfkit.render" in loaded
        unneeded = ("kfkit.deploy", "kfkit.ksonnetlib", "kfkit.validate", "kfkit.cluster", *FOR_PACKAGES)
        writers = ("tempfile", "random")  # cache entries are written through kfkit._atomic
        assert "concurrent.futures" not in loaded, argv  # one evaluation: no thread pool
        assert not _heavy(loaded, (*unneeded, *writers, *NETWORK, "kubernetes", "jsonschema", "pydantic")), (
            argv
        )
