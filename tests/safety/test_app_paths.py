"""Paths from app.yaml stay inside the app; env rm, init and a render lose nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cli.support import Kf
from tests.safety.support import add_raw_env, assert_refused, tree_hash


@pytest.fixture
def victim(app: Path) -> Path:
    """A directory beside the app that a hostile app.yaml aims at."""
    victim = app.parent / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("keep me\n")
    return victim


@pytest.mark.parametrize("kind", ["dotdot", "absolute", "symlink", "dot", "symlinked-environments"])
@pytest.mark.parametrize(
    "args",
    [
        ("env", "rm", "evil", "--force"),
        ("show", "evil"),
        ("param", "set", "x", "y", "--env", "evil"),
        ("env", "list"),
    ],
)
def test_environment_path_leaving_environments_is_refused(
    app: Path, victim: Path, kf: Kf, kind: str, args: tuple[str, ...]
) -> None:
    if kind == "symlink":
        (app / "environments/evil").symlink_to(victim)
        add_raw_env(app, "evil", path="evil")
    elif kind == "symlinked-environments":
        os.rename(app / "environments", victim / "environments")
        (app / "environments").symlink_to(victim / "environments")
        add_raw_env(app, "evil", path="evil")
    else:
        path = {"dotdot": "../../victim", "absolute": str(victim), "dot": "."}[kind]
        add_raw_env(app, "evil", path=path)
    before, victim_before = tree_hash(app), tree_hash(victim)
    result = kf(*args, cwd=app)
    # A symlinked environments/ takes every environment out of the app: the first one is named.
    assert_refused(result, "app.yaml", '"default"' if kind == "symlinked-environments" else '"evil"')
    assert tree_hash(app) == before and tree_hash(victim) == victim_before


def test_k8s_version_leaving_lib_is_refused(app: Path, kf: Kf) -> None:
    add_raw_env(app, "old", path="old", k8sVersion="../../../../etc")
    assert_refused(kf("show", "default", cwd=app), "app.yaml", "k8sVersion")


def test_env_rm_removes_exactly_one_environment(app: Path, kf: Kf) -> None:
    for name in ("a/b", "a/b/c", "a/bc"):
        assert kf("env", "add", name, cwd=app).code == 0
    (app / "environments/a/b/c/extra.libsonnet").write_text("{}\n")
    nested = tree_hash(app / "environments/a/b/c")
    result = kf("env", "rm", "a/b", cwd=app)
    assert result.code == 0, result.err
    assert tree_hash(app / "environments/a/b/c") == nested
    assert not (app / "environments/a/b/main.jsonnet").exists()
    assert (app / "environments/a/bc/main.jsonnet").exists()
    assert kf("show", "a/b/c", cwd=app).code == 0
    assert kf("env", "rm", "a/b/c", cwd=app).code == 0
    assert not (app / "environments/a/b").exists()


def test_env_rm_of_the_current_environment_needs_force(app: Path, kf: Kf) -> None:
    assert kf("env", "current", "--set", "default", cwd=app).code == 0
    before = tree_hash(app)
    refused = kf("env", "rm", "default", cwd=app)
    assert_refused(refused, '"default" is the current environment', "--force", code=2)
    assert tree_hash(app) == before
    forced = kf("env", "rm", "default", "--force", cwd=app)
    assert forced.code == 0, forced.err
    assert 'removed environment "default" and cleared the current environment' in forced.err
    assert not (app / ".ks_environment").exists() and not (app / "environments/default").exists()


def test_env_rm_with_a_missing_directory_just_forgets_it(app: Path, kf: Kf) -> None:
    assert kf("env", "add", "gone", cwd=app).code == 0
    for file in (app / "environments/gone").iterdir():
        file.unlink()
    (app / "environments/gone").rmdir()
    assert kf("env", "rm", "gone", cwd=app).code == 0
    assert "gone" not in (app / "app.yaml").read_text()


def test_init_refuses_a_non_empty_directory(tmp_path: Path, kf: Kf) -> None:
    target = tmp_path / "work"
    target.mkdir()
    (target / ".gitignore").write_text("mine\n")
    before = tree_hash(target)
    assert_refused(kf("init", str(target)), "is not empty", "--force", code=2)
    assert tree_hash(target) == before


def test_init_force_keeps_every_existing_file_and_says_so(tmp_path: Path, kf: Kf) -> None:
    target = tmp_path / "work"
    (target / "environments/default").mkdir(parents=True)
    (target / ".gitignore").write_text("mine\n")
    (target / "environments/default/params.libsonnet").write_text("// mine\n{}\n")
    result = kf("init", str(target), "--force")
    assert result.code == 0, result.err
    assert (target / ".gitignore").read_text() == "mine\n"
    assert (target / "environments/default/params.libsonnet").read_text() == "// mine\n{}\n"
    assert "kept existing" in result.err and ".gitignore" in result.err
    assert "params.libsonnet (not overwritten)" in result.err
    assert (target / "environments/default/main.jsonnet").exists()


def test_init_force_never_writes_through_a_symlink(tmp_path: Path, kf: Kf) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    target = tmp_path / "work"
    target.mkdir()
    (target / "components").symlink_to(outside)
    assert_refused(kf("init", str(target), "--force"), "components", "outside")
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("kind", ["dangling", "loop", "directory", "not-utf8", "unreadable"])
def test_a_component_that_cannot_be_read_is_an_error_never_skipped(
    app: Path, kf: Kf, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    (app / "components/good.jsonnet").write_text(
        '{apiVersion: "v1", kind: "Namespace", metadata: {name: "n"}}'
    )
    bad = app / "components/bad.jsonnet"
    if kind == "dangling":
        bad.symlink_to(app / "nowhere.jsonnet")
    elif kind == "loop":
        bad.symlink_to(bad)
    elif kind == "directory":
        bad.mkdir()
    elif kind == "not-utf8":
        bad.write_bytes(b'{a: "\xff\xfe"}')
    else:
        bad.write_text("{}")
    original = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "bad.jsonnet":
            raise PermissionError(13, "Permission denied", str(self))
        return original(self)

    before = tree_hash(app)
    if kind == "unreadable":  # tests run as root, who reads anything: fail the read instead
        monkeypatch.setattr(Path, "read_bytes", read_bytes)
    result = kf("show", "default", cwd=app)
    monkeypatch.undo()
    assert_refused(result, "components/bad.jsonnet")
    assert tree_hash(app) == before


def test_keys_main_jsonnet_adds_are_rendered_not_dropped(app: Path, kf: Kf) -> None:
    main = app / "environments/default/main.jsonnet"
    main.write_text(
        main.read_text().replace(
            "base + {",
            'base + {\n  extra: {apiVersion: "v1", kind: "ConfigMap", metadata: {name: "added"}},',
        )
    )
    result = kf("show", "default", cwd=app)
    assert result.code == 0, result.err
    assert "name: added" in result.out


@pytest.mark.parametrize(
    "args", [("apply", "default", "--prune"), ("delete", "default"), ("delete", "default", "-c", "x")]
)
def test_destructive_commands_without_a_terminal_need_yes(app: Path, kf: Kf, args: tuple[str, ...]) -> None:
    """Refused before rendering or connecting: ``echo y | kfkit apply --prune`` is not consent."""
    result = kf(*args, cwd=app)
    assert_refused(result, "no terminal to confirm on", "--yes", code=2)
