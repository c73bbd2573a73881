"""A generated corpus of bad inputs: every one is refused cleanly and changes nothing.

Each case copies one prepared app, breaks one thing (a file of every kind made malformed,
unreadable or hostile; a hostile name, path or flag), runs the CLI in-process, and asserts:
non-zero exit, exactly one ``error:`` line naming the culprit, no traceback, and the app
directory byte-identical to before the command (hashed).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from kfkit.cli.main import run
from tests.cli.support import Kf
from tests.safety.support import add_raw_env, assert_refused, tree_hash

Breaker = Callable[[Path], object]


def _replace_with(path: Path, make: Callable[[], None]) -> None:
    """Remove the file at ``path`` and ``make`` something else there."""
    path.unlink()
    make()


FILES = {
    # file → how an error about it names it
    "app.yaml": "app.yaml",
    "components/params.libsonnet": "components/params.libsonnet",
    "environments/default/params.libsonnet": "environments/default/params.libsonnet",
    "environments/default/main.jsonnet": "environments/default/main.jsonnet",
    "environments/default/globals.libsonnet": "globals.libsonnet",
    "environments/base.libsonnet": "base.libsonnet",
    "components/web.jsonnet": "web",
    "components/cm.yaml": "cm",
}
BREAKERS: dict[str, Breaker] = {
    "not-utf8": lambda p: p.write_bytes(b"\xff\xfe garbage \xc3\x28\n"),
    "truncated": lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),
    "syntax": lambda p: p.write_bytes(b"{ a: : [\n"),
    "wrong-type": lambda p: p.write_bytes(b"[1, 2, 3]\n"),
    "nul-bytes": lambda p: p.write_bytes(b"\x00\x00\x00"),
    "dangling-symlink": lambda p: _replace_with(p, lambda: p.symlink_to(p.parent / "gone")),
    "directory": lambda p: _replace_with(p, p.mkdir),
    "symlink-loop": lambda p: _replace_with(p, lambda: p.symlink_to(p)),
}
NAMED_ELSEWHERE = {
    # The value is wrong where another file uses it; the error names that file.
    ("environments/default/globals.libsonnet", "wrong-type"): "environments/default/params.libsonnet",
    ("environments/base.libsonnet", "wrong-type"): "environments/default/main.jsonnet",
}


def _file_cases() -> list[object]:
    cases: list[object] = []
    for file, named in FILES.items():
        for how in BREAKERS:
            culprit = NAMED_ELSEWHERE.get((file, how), named)
            cases.append(pytest.param(file, how, ("show", "default"), culprit, id=f"{file}-{how}-show"))
    for file in ("components/params.libsonnet", "app.yaml"):
        for how in BREAKERS:
            args = ("param", "set", "web", "replicas", "3")
            cases.append(pytest.param(file, how, args, FILES[file], id=f"{file}-{how}-param-set"))
    for how in BREAKERS:  # the current environment, read when a command names none
        cases.append(pytest.param(".ks_environment", how, ("show",), ".ks_environment", id=f"current-{how}"))
    return cases


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One app with a Jsonnet and a YAML component, params, and a current environment."""
    root = tmp_path_factory.mktemp("template") / "app"
    assert run(["init", str(root)]) == 0
    (root / "components/web.jsonnet").write_text(
        '{apiVersion: "v1", kind: "ConfigMap", metadata: {name: "web"}, data: {a: "b"}}\n'
    )
    (root / "components/cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n")
    assert run(["--dir", str(root), "param", "set", "web", "replicas", "1"]) == 0
    assert run(["--dir", str(root), "env", "current", "--set", "default"]) == 0
    return root


@pytest.fixture
def copy(template: Path, tmp_path: Path) -> Path:
    app = tmp_path / "app"
    shutil.copytree(template, app, symlinks=True)
    return app


def _refused_and_unchanged(kf: Kf, app: Path, args: tuple[str, ...], *culprits: str) -> None:
    before = tree_hash(app)
    assert_refused(kf(*args, cwd=app), *culprits)
    assert tree_hash(app) == before


@pytest.mark.parametrize(("file", "how", "args", "culprit"), _file_cases())
def test_a_broken_file(copy: Path, kf: Kf, file: str, how: str, args: tuple[str, ...], culprit: str) -> None:
    BREAKERS[how](copy / file)
    _refused_and_unchanged(kf, copy, args, culprit)


def _env_path(path: str) -> Breaker:
    return lambda app: add_raw_env(app, "evil", path=path)


def _non_empty(directory: Path) -> None:
    directory.mkdir()
    (directory / "notes.txt").write_text("mine\n")


HOSTILE: list[tuple[str, Breaker | None, tuple[str, ...], tuple[str, ...]]] = [
    ("env-path-dotdot", _env_path("../../x"), ("env", "list"), ("app.yaml", '"evil"')),
    ("env-path-absolute", _env_path("/etc"), ("show", "default"), ("app.yaml", "/etc")),
    ("env-path-dot", _env_path("."), ("env", "rm", "evil", "--force"), ("app.yaml", '"evil"')),
    ("env-name-dotdot", None, ("env", "add", "../x"), ("invalid environment name",)),
    ("env-name-absolute", None, ("env", "add", "/x"), ("invalid environment name",)),
    ("component-name-dotdot", None, ("generate", "configMap", "../x"), ("invalid component name",)),
    ("component-name-slash", None, ("generate", "configMap", "a/b"), ("invalid component name",)),
    ("param-key-empty-segment", None, ("param", "set", "web", "a..b", "1"), ("a..b",)),
    ("param-value-not-utf8", None, ("param", "set", "web", "a", "x\udcff"), ("not valid UTF-8",)),
    ("param-unknown-component", None, ("param", "set", "nope", "a", "1"), ('"nope"',)),
    ("param-unknown-env", None, ("param", "set", "web", "a", "1", "--env", "nope"), ('"nope"',)),
    ("jpath-missing", None, ("show", "default", "-J", "/nonexistent-jpath"), ("/nonexistent-jpath",)),
    ("ext-str-without-value", None, ("show", "default", "-V", "novalue"), ("--ext-str",)),
    (
        "import-outside",
        lambda app: (app / "components/web.jsonnet").write_text('importstr "/etc/hostname"\n'),
        ("show", "default"),
        ("components/web.jsonnet", "/etc/hostname"),
    ),
    (
        "yaml-alias-bomb",
        lambda app: (app / "components/cm.yaml").write_text(
            "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{n}: &{n} [{', '.join([f'*{p}'] * 10)}]\n"
                for p, n in zip("abcdefg", "bcdefgh", strict=True)
            )
        ),
        ("show", "default"),
        ("components/cm.yaml", "aliases"),
    ),
    (
        "duplicate-object",
        lambda app: (app / "components/web2.jsonnet").write_text(
            (app / "components/web.jsonnet").read_text()
        ),
        ("apply", "default"),  # show and validate warn; apply refuses before reaching any cluster
        ("web", "web2"),
    ),
    (
        "components-symlink-out",
        lambda app: (app / "components/out.jsonnet").symlink_to("/etc/hostname"),
        ("show", "default"),
        ("components/out.jsonnet",),
    ),
    (
        "init-non-empty",
        lambda app: _non_empty(app / "sub"),
        ("init", "sub"),
        ("sub", "not empty"),
    ),
    ("env-rm-current", None, ("env", "rm", "default"), ("current environment", "--force")),
    ("delete-without-yes", None, ("delete", "default"), ("--yes",)),
    ("prune-without-yes", None, ("apply", "default", "--prune"), ("--yes",)),
]


@pytest.mark.parametrize(("name", "setup", "args", "culprits"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_input(
    copy: Path,
    kf: Kf,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    setup: Breaker | None,
    args: tuple[str, ...],
    culprits: tuple[str, ...],
) -> None:
    if setup is not None:
        setup(copy)
    monkeypatch.chdir(copy)
    _refused_and_unchanged(kf, copy, args, *culprits)


def test_the_corpus_is_large_enough() -> None:
    assert len(_file_cases()) + len(HOSTILE) >= 60
