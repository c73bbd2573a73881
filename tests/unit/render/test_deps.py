"""What a component can read, from its source: the basis of show -c's params and the cache key."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kfkit.render._deps import dependencies
from kfkit.render._incremental import component_key

OWN = 'local params = std.extVar("__ksonnet/params").components.web;\n'


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root / next(iter(files))


def test_the_generated_header_reads_only_its_own_params(tmp_path: Path) -> None:
    path = write(
        tmp_path, {"components/web.jsonnet": OWN + "{ p: params.x, e: std.extVar('__ksonnet/environments') }"}
    )
    deps = dependencies(path, "web", [])
    assert deps.exact and deps.own_params_only
    assert deps.ext_vars == {"__ksonnet/params", "__ksonnet/environments"}
    assert deps.files == (path,)


@pytest.mark.parametrize(
    "source",
    [
        'std.extVar("__ksonnet/params").components.db.password',
        'std.extVar("__ksonnet/params").components',
        'local all = std.extVar("__ksonnet/params"); all.components.web',
        'std.extVar("__ksonnet/params").components["db"]',
    ],
)
def test_reading_other_params_is_seen(tmp_path: Path, source: str) -> None:
    deps = dependencies(write(tmp_path, {"components/web.jsonnet": OWN + source}), "web", [])
    assert deps.exact and not deps.own_params_only


@pytest.mark.parametrize(
    "source",
    [
        'local v = "__ksonnet/params"; std.extVar(v)',
        "local s = std; s.extVar('x')",
        "std['ext' + 'Var']('x')",
        "local f = std.extVar; f('x')",
        'import "missing.libsonnet"',
        "{ a: std.extVar(",
    ],
)
def test_what_cannot_be_followed_is_not_exact(tmp_path: Path, source: str) -> None:
    deps = dependencies(write(tmp_path, {"components/web.jsonnet": source}), "web", [])
    assert not deps.exact


def test_the_import_closure_follows_relative_then_jpath_and_reads_imported_files(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {
            "components/web.jsonnet": OWN
            + 'local lib = import "lib/util.libsonnet"; lib + importstr "conf.txt"',
            "components/lib/util.libsonnet": 'import "k.libsonnet"',
            "components/conf.txt": "plain text, not parsed: std.extVar(",
            "vendor/k.libsonnet": '{ shared: std.extVar("__ksonnet/params").components.db }',
        },
    )
    deps = dependencies(path, "web", [tmp_path / "vendor"])
    assert deps.exact and not deps.own_params_only
    assert {p.name for p in deps.files} == {"web.jsonnet", "util.libsonnet", "conf.txt", "k.libsonnet"}


def test_later_jpath_entries_win(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {"c.jsonnet": 'import "k.libsonnet"', "a/k.libsonnet": "1", "b/k.libsonnet": "2"},
    )
    deps = dependencies(path, "c", [tmp_path / "a", tmp_path / "b"])
    assert tmp_path / "b" / "k.libsonnet" in deps.files
    assert tmp_path / "a" / "k.libsonnet" not in deps.files


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_other_line_ends_are_analysed_as_newlines(tmp_path: Path, newline: str) -> None:
    source = OWN + "{ p: params.x,\n e: std.extVar('__ksonnet/environments') }\n"
    unix = dependencies(write(tmp_path / "unix", {"components/web.jsonnet": source}), "web", [])
    other = write(tmp_path / "other", {"components/web.jsonnet": ""})
    other.write_bytes(source.replace("\n", newline).encode())
    analysed = dependencies(other, "web", [])
    assert (analysed.ext_vars, analysed.own_params_only, analysed.exact) == (
        unix.ext_vars,
        unix.own_params_only,
        unix.exact,
    )
    assert analysed.exact and analysed.own_params_only


def test_the_digests_are_of_every_file_of_the_closure(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {
            "components/web.jsonnet": OWN + 'importstr "conf.txt"',
            "components/conf.txt": "not parsed: std.extVar(",
        },
    )
    deps = dependencies(path, "web", [])
    assert deps.digests == tuple((str(f), hashlib.sha256(f.read_bytes()).hexdigest()) for f in deps.files)
    assert len(deps.files) == 2


def test_a_file_that_cannot_be_read_leaves_no_digests_and_no_cache_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(
        tmp_path, {"components/web.jsonnet": OWN + 'importstr "conf.txt"', "components/conf.txt": ""}
    )
    original = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "conf.txt":  # tests run as root, who reads anything: fail the read instead
            raise PermissionError(13, "Permission denied", str(self))
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    deps = dependencies(path, "web", [])
    assert deps.exact and deps.digests is None  # importstr text is not analysed, only named
    assert component_key("web", deps, {}, "{}", {}) is None
