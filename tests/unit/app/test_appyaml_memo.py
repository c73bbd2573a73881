"""app.yaml's parse is remembered per exact text, so most commands never import PyYAML (#12)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import kfkit
from kfkit.app import AppDir, cache_dir
from kfkit.errors import AppError


def _app(tmp_path: Path) -> Path:
    return kfkit.App.init(tmp_path / "app", server="https://a.example").root


def _memos() -> list[Path]:
    return sorted((cache_dir() / "app-yaml").glob("*.json"))


def test_a_load_remembers_the_parse_and_the_next_load_uses_it(tmp_path: Path) -> None:
    root = _app(tmp_path)
    first = AppDir.load(root).spec
    assert len(_memos()) == 1
    again = AppDir.load(root).spec
    assert again.to_yaml() == first.to_yaml()
    assert again.environment("default") == first.environment("default")


def test_a_file_changed_in_place_is_read_again_whatever_its_stat(tmp_path: Path) -> None:
    root = _app(tmp_path)
    path = root / "app.yaml"
    AppDir.load(root)
    before = path.stat()
    text = path.read_text()
    changed = text.replace("https://a.example", "https://b.example")
    assert len(changed) == len(text)
    path.write_text(changed)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert AppDir.load(root).env("default").destination.server == "https://b.example"


def test_values_json_cannot_carry_are_parsed_every_time(tmp_path: Path) -> None:
    root = _app(tmp_path)
    path = root / "app.yaml"
    path.write_text(path.read_text() + "created: 2020-01-02\ncounts: {1: one}\n")
    for _ in range(2):
        extra = AppDir.load(root).spec.extra
        assert extra["created"] == "2020-01-02"  # a date stays its text, as go-yaml reads it
        assert extra["counts"] == {1: "one"}
    assert not _memos()


def test_a_memo_of_another_text_or_a_broken_one_is_ignored(tmp_path: Path) -> None:
    root = _app(tmp_path)
    AppDir.load(root)
    (memo,) = _memos()
    memo.write_text("{not json")
    assert AppDir.load(root).env("default").destination.server == "https://a.example"
    AppDir.load(root)
    entry = json.loads(memo.read_text())
    entry["text"] += "# another text\n"
    entry["data"]["name"] = "other"
    memo.write_text(json.dumps(entry))
    assert AppDir.load(root).name == "app"


def test_bad_files_are_still_refused_after_a_good_one_was_remembered(tmp_path: Path) -> None:
    root = _app(tmp_path)
    AppDir.load(root)
    (root / "app.yaml").write_text("apiVersion: 0.3.0\nname: [unclosed\n")
    with pytest.raises(AppError, match=r"cannot read .*app\.yaml"):
        AppDir.load(root)
    (root / "app.yaml").write_text("- a list\n")
    with pytest.raises(AppError, match="expected a mapping at the top level"):
        AppDir.load(root)


def test_an_unwritable_cache_only_costs_the_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _app(tmp_path)
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    monkeypatch.setenv("KFKIT_CACHE_DIR", str(blocker))
    assert AppDir.load(root).env("default").destination.server == "https://a.example"
