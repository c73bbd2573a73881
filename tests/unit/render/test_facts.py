"""Files' facts remembered by stat: never trusted for a file written since, however soon."""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from pathlib import Path

import pytest

from kfkit import App, RenderOptions
from kfkit.manifests import to_yaml
from kfkit.params import set_param
from kfkit.render import _facts, _render
from kfkit.render._cache import Store, default_dir
from kfkit.render._facts import LARGE, FileIndex


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


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often each file was read."""
    counts: Counter[str] = Counter()
    original = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        counts[str(self)] += 1
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    return counts


def test_a_just_written_file_is_read_not_remembered(tmp_path: Path) -> None:
    store = Store(tmp_path / "cache")
    content = large(tmp_path / "params.libsonnet")
    index = FileIndex(store, tmp_path)
    facts = index.facts(tmp_path / "params.libsonnet")
    assert facts.sha256 == hashlib.sha256(content).hexdigest() and facts.plain
    index.save()
    assert entries(store) == []


@pytest.mark.usefixtures("settled")
def test_a_settled_file_is_only_stat_ed_and_any_write_is_seen(tmp_path: Path, reads: Counter[str]) -> None:
    store = Store(tmp_path / "cache")
    path = tmp_path / "params.libsonnet"
    large(path)
    first = FileIndex(store, tmp_path)
    remembered = first.facts(path)
    first.save()
    assert len(entries(store)) == 1 and reads[str(path)] == 1
    assert FileIndex(store, tmp_path).facts(path) == remembered  # the next render's index
    assert reads[str(path)] == 1
    # Same size, mtime put back: only the ctime the write set tells it apart.
    stat = path.stat()
    with path.open("r+b") as handle:
        handle.seek(10)
        handle.write(b"b")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    second = FileIndex(store, tmp_path).facts(path)
    assert second.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() != remembered.sha256


@pytest.mark.usefixtures("settled")
def test_what_is_remembered_is_the_files_own_facts(tmp_path: Path) -> None:
    store = Store(tmp_path / "cache")
    code = tmp_path / "code.libsonnet"
    code.write_text("local x = import 'y.libsonnet';\n{}")
    small = tmp_path / "small.libsonnet"
    small.write_text("{}")
    binary = tmp_path / "binary"
    binary.write_bytes(b"\xff" * 16)
    component = tmp_path / "web.jsonnet"
    component.write_text(
        'local env = std.extVar("__ksonnet/environments");\n'
        'local params = std.extVar("__ksonnet/params").components["web-1"];\n'
        "{ replicas: params.replicas }\n"
    )
    first = FileIndex(store, tmp_path)
    found = [first.facts(p) for p in (code, small, binary, component)]
    first.save()
    again = FileIndex(store, tmp_path)
    for facts in (found, [again.facts(p) for p in (code, small, binary, component)]):
        assert [(f.plain, f.header) for f in facts] == [
            (False, None),
            (True, None),
            (False, None),
            (False, "web-1"),
        ]
        assert facts[1].sha256 == hashlib.sha256(b"{}").hexdigest()


@pytest.mark.usefixtures("settled")
def test_an_unreadable_index_is_a_slower_render_and_deleted_files_leave_it(tmp_path: Path) -> None:
    store = Store(tmp_path / "cache")
    kept, gone = tmp_path / "kept.libsonnet", tmp_path / "gone.libsonnet"
    kept.write_text("{}")
    gone.write_text("{}")
    index = FileIndex(store, tmp_path)
    index.facts(kept)
    index.facts(gone)
    index.save()
    (entry,) = entries(store)
    assert str(gone) in entry.read_text()
    gone.unlink()
    index = FileIndex(store, tmp_path)
    index.facts(tmp_path / "kept.libsonnet")
    (tmp_path / "new.libsonnet").write_text("[]")
    index.facts(tmp_path / "new.libsonnet")
    index.save()
    assert str(gone) not in entry.read_text() and str(kept) in entry.read_text()
    entry.write_bytes(b"\x00 not json")
    assert FileIndex(store, tmp_path).facts(kept).sha256 == hashlib.sha256(b"{}").hexdigest()


@pytest.mark.usefixtures("settled")
def test_a_warm_render_reads_no_component_file(
    tmp_path: Path, reads: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its files are only stat-ed: what a cached render of 800 components spent most on."""
    monkeypatch.setattr(_render, "_FEW", 1)  # two components count as many
    app = App.init(tmp_path / "app")
    for name in ("model", "other"):
        app.generate("tf-serving", name, {}, {"modelPath": f"/models/{name}"})
    fresh = to_yaml(App.load(app.root).render("default", options=RenderOptions(cache=False)))
    App.load(app.root).render("default")
    reads.clear()
    assert to_yaml(App.load(app.root).render("default")) == fresh
    files = [app.root / "components" / n for n in ("model.jsonnet", "other.jsonnet", "params.libsonnet")]
    assert [reads[str(f)] for f in files] == [0, 0, 0]


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


@pytest.mark.usefixtures("settled")
def test_show_dash_c_reads_its_small_files_rather_than_every_files_facts(
    tmp_path: Path, reads: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Decoding 800 rows cost more than the rest of ``show -c one``; the large params file's
    digest still comes from its own, small index entry."""
    monkeypatch.setattr(_render, "_FEW", 2)  # three components count as many, one as few
    app = App.init(tmp_path / "app")
    for name in ("model", "other", "third"):
        app.generate("tf-serving", name, {}, {"modelPath": f"/models/{name}"})
    set_param(app.dir, "other", "notes", "n" * LARGE)
    App.load(app.root).render("default")
    App.load(app.root).render("default", components=["model"])  # its params, cached
    loaded: list[bool] = []
    load = FileIndex._load

    def spy(self: FileIndex, large: bool) -> dict[str, object]:
        loaded.append(large)
        return load(self, large)

    monkeypatch.setattr(FileIndex, "_load", spy)
    reads.clear()
    fresh = App.load(app.root).render("default", components=["model"], options=RenderOptions(cache=False))
    reads.clear()
    assert App.load(app.root).render("default", components=["model"]) == fresh
    assert set(loaded) == {True}
    assert reads[str(app.root / "components" / "model.jsonnet")] == 1
    assert reads[str(app.dir.params_file)] == 0
    loaded.clear()
    App.load(app.root).render("default")
    assert set(loaded) == {False, True}
