"""Large files' digests remembered by stat: never trusted for a file written since, however soon."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from kfkit import App
from kfkit.params import set_param
from kfkit.render import _facts
from kfkit.render._cache import Store, default_dir
from kfkit.render._facts import LARGE, file_facts


def large(path: Path, fill: str = "a") -> bytes:
    content = ("{ x: '" + fill * LARGE + "' }\n").encode()
    path.write_bytes(content)
    return content


def entries(store: Store) -> list[Path]:
    return list(store.root.glob("*/*"))


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file counts as settled: its facts are remembered even just after a write."""
    monkeypatch.setattr(_facts, "SETTLED", -60.0)


def test_a_just_written_file_is_read_not_remembered(tmp_path: Path) -> None:
    store = Store(tmp_path / "cache")
    content = large(tmp_path / "params.libsonnet")
    facts = file_facts(tmp_path / "params.libsonnet", store)
    assert facts.sha256 == hashlib.sha256(content).hexdigest() and facts.plain
    assert entries(store) == []


@pytest.mark.usefixtures("settled")
def test_a_settled_file_is_remembered_and_any_write_is_seen(tmp_path: Path) -> None:
    store = Store(tmp_path / "cache")
    path = tmp_path / "params.libsonnet"
    large(path)
    first = file_facts(path, store)
    assert len(entries(store)) == 1
    assert file_facts(path, store) == first
    # Same size, mtime put back: only the ctime the write set tells it apart.
    stat = path.stat()
    with path.open("r+b") as handle:
        handle.seek(10)
        handle.write(b"b")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    second = file_facts(path, store)
    assert second.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() != first.sha256


@pytest.mark.usefixtures("settled")
def test_what_is_remembered_is_the_files_own_facts(tmp_path: Path) -> None:
    store = Store(tmp_path / "cache")
    code = tmp_path / "code.libsonnet"
    code.write_text("local x = import 'y.libsonnet';\n" + "// pad\n" * LARGE)
    assert not file_facts(code, store).plain and not file_facts(code, store).plain
    small = tmp_path / "small.libsonnet"
    small.write_text("{}")
    assert file_facts(small, store).sha256 == hashlib.sha256(b"{}").hexdigest()
    assert len(entries(store)) == 1  # the small file is never remembered
    binary = tmp_path / "binary"
    binary.write_bytes(b"\xff" * LARGE)
    assert not file_facts(binary, store).plain


@pytest.mark.usefixtures("settled")
def test_show_dash_c_sees_a_same_size_edit_of_a_large_params_file(tmp_path: Path) -> None:
    """The render cache keys the selected component's params by the remembered digest."""
    app = App.init(tmp_path / "app")
    for name in ("model", "big"):
        app.generate("tf-serving", name, {}, {"modelPath": "/models/007"})
    set_param(app.dir, "big", "notes", "n" * LARGE)
    assert app.dir.params_file.stat().st_size > LARGE

    def args() -> str:
        objects = App.load(app.root).render("default", components=["model"])
        (deployment,) = [o for o in objects if o["kind"] == "Deployment"]
        return str(deployment["spec"]["template"]["spec"]["containers"][0]["args"])

    before = args()
    assert "/models/007" in before
    assert any(default_dir().glob("*/*"))
    set_param(app.dir, "model", "modelPath", "/models/xyz")  # the file keeps its size
    assert "/models/xyz" in args()
