"""Hostile content: alias bombs, one object from two components, deep values, failing writes."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from tests.cli.support import Kf
from tests.safety.support import assert_refused, tree_hash

LAUGHS = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
    for prev, name in zip(["", "a", "b", "c", "d", "e", "f", "g", "h"], "abcdefghi", strict=True)
)
"""Billion laughs: nine levels of nine aliases, 9**9 strings once expanded, 700 bytes written."""


def test_an_alias_bomb_in_a_yaml_component_is_refused(app: Path, kf: Kf) -> None:
    (app / "components/bomb.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n" + LAUGHS
    )
    before = tree_hash(app)
    assert_refused(kf("show", "default", cwd=app), "components/bomb.yaml", "aliases would expand")
    assert tree_hash(app) == before


def test_an_alias_bomb_through_parse_yaml_is_refused(app: Path, kf: Kf) -> None:
    (app / "components/bomb.jsonnet").write_text(
        f"std.native('parseYaml')({LAUGHS!r})\n".replace("'", '"', 0)
    )
    (app / "components/bomb.jsonnet").write_text(
        "std.native('parseYaml')(|||\n"
        + "".join("  " + line + "\n" for line in LAUGHS.splitlines())
        + "|||)\n"
    )
    assert_refused(kf("show", "default", cwd=app), "components/bomb.jsonnet", "aliases would expand")


def test_an_alias_bomb_in_app_yaml_is_refused(app: Path, kf: Kf) -> None:
    with (app / "app.yaml").open("a") as handle:
        handle.write("laughs:\n" + "".join("  " + line + "\n" for line in LAUGHS.splitlines()))
    assert_refused(kf("env", "list", cwd=app), "app.yaml", "aliases would expand")


def test_ordinary_anchors_and_merges_still_load(app: Path, kf: Kf) -> None:
    (app / "components/cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata:\n  base: &b x\n  copy: *b\n"
    )
    result = kf("show", "default", cwd=app)
    assert result.code == 0, result.err
    assert "copy: x" in result.out


def test_one_object_from_two_components_is_refused_by_apply_even_when_one_omits_the_namespace(
    app: Path, kf: Kf
) -> None:
    (app / "components/one.jsonnet").write_text(
        '{apiVersion: "v1", kind: "ConfigMap", metadata: {name: "shared", namespace: "default"}}\n'
    )
    (app / "components/two.jsonnet").write_text(
        '{apiVersion: "v1", kind: "ConfigMap", metadata: {name: "shared"}}\n'
    )
    assert_refused(kf("apply", "default", cwd=app), "ConfigMap", "shared", "'one'", "'two'")
    shown = kf("show", "default", cwd=app)  # shown twice, as ksonnet did, with a warning
    assert shown.code == 0 and shown.out.count("name: shared") == 2
    assert shown.err.startswith("warning: ConfigMap default/shared is rendered by components 'one' and 'two'")


def test_a_3000_deep_value_is_one_error_line(app: Path, kf: Kf) -> None:
    deep = "[" * 3000 + "]" * 3000
    (app / "components/deep.jsonnet").write_text(
        '{apiVersion: "v1", kind: "ConfigMap", metadata: {name: "deep"}, x: ' + deep + "}\n"
    )
    assert_refused(kf("show", "default", cwd=app), "max stack frames exceeded")
    (app / "components/deep.jsonnet").write_text("{}\n")
    before = tree_hash(app)
    assert_refused(kf("param", "set", "deep", "x", deep, cwd=app), "nests too deeply", code=2)
    assert tree_hash(app) == before


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EFBIG])
def test_a_failed_write_is_one_line_and_loses_nothing(
    app: Path, kf: Kf, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    (app / "components/a.jsonnet").write_text("{}\n")
    before = tree_hash(app)
    import os

    real_fsync = os.fsync

    def full(fd: int) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "fsync", full)
    result = kf("param", "set", "a", "x", "1", cwd=app)
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert_refused(result, "cannot write", "params.libsonnet", os.strerror(code))
    assert tree_hash(app) == before
