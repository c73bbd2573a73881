"""Jsonnet imports stay inside the app, its -J paths and kfkit's files; renders have a size limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.support import Kf
from tests.safety.support import assert_refused, tree_hash

_OBJECT = '{apiVersion: "v1", kind: "ConfigMap", metadata: {name: "c"}, data: {x: %s}}'


@pytest.fixture
def outside(app: Path) -> Path:
    secret = app.parent / "secret.txt"
    secret.write_text("hunter2\n")
    (app.parent / "lib.libsonnet").write_text('"from outside"')
    return secret


@pytest.mark.parametrize(
    "expression",
    [
        'importstr "/etc/passwd"',
        'importstr "../../secret.txt"',
        'import "../../lib.libsonnet"',
        'importstr "link.txt"',
    ],
)
def test_an_import_leaving_the_app_is_refused(app: Path, outside: Path, kf: Kf, expression: str) -> None:
    (app / "components/link.txt").symlink_to(outside)
    (app / "components/x.jsonnet").write_text(_OBJECT % expression)
    before = tree_hash(app)
    result = kf("show", "default", cwd=app)
    assert_refused(
        result, "components/x.jsonnet:1:", expression.split()[1].strip('"'), "--allow-import-outside"
    )
    assert "hunter2" not in result.out + result.err
    assert tree_hash(app) == before


def test_allow_import_outside_and_jpath_permit_it(app: Path, outside: Path, kf: Kf) -> None:
    (app / "components/x.jsonnet").write_text(_OBJECT % 'importstr "secret.txt"')
    assert_refused(kf("show", "default", cwd=app), "secret.txt")
    assert "hunter2" in kf("show", "default", "-J", str(app.parent), cwd=app).out
    (app / "components/x.jsonnet").write_text(_OBJECT % 'importstr "../../secret.txt"')
    assert "hunter2" in kf("show", "default", "--allow-import-outside", cwd=app).out


def test_an_import_in_a_params_file_is_confined(app: Path, outside: Path, kf: Kf) -> None:
    params = app / "environments/default/params.libsonnet"
    params.write_text(params.read_text() + '+ { leak: importstr "../../../secret.txt" }\n')
    assert_refused(kf("show", "default", cwd=app), "params.libsonnet", "secret.txt")


def test_jpath_to_a_missing_directory_is_an_error(app: Path, kf: Kf) -> None:
    assert_refused(kf("show", "default", "-J", str(app / "nope"), cwd=app), "-J", "nope", code=2)


def test_an_imported_file_that_is_not_utf8_is_named(app: Path, kf: Kf) -> None:
    (app / "components/bytes.txt").write_bytes(b"\xff\xfeoops")
    (app / "components/x.jsonnet").write_text(_OBJECT % 'importstr "bytes.txt"')
    assert_refused(kf("show", "default", cwd=app), "bytes.txt", "not UTF-8")


def test_a_render_over_the_size_limit_fails_cleanly(app: Path, kf: Kf) -> None:
    big = '{apiVersion: "v1", kind: "ConfigMap", metadata: {name: "c" + i}, data: {x: std.repeat("x", 1000)}}'
    (app / "components/x.jsonnet").write_text(f"[{big} for i in std.range(1, 3000)]")
    assert_refused(kf("show", "default", "--max-output-mb", "1", cwd=app), "3 MiB", "--max-output-mb")
    assert kf("show", "default", cwd=app).code == 0
