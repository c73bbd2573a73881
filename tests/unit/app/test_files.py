"""kfkit/_atomic.py and kfkit/app/_files.py: temp files and atomic writes, without the tempfile module
(#12: start-up)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from kfkit._atomic import make_temp, replace_file
from kfkit.app import write_atomic


def test_a_temp_file_is_new_private_and_open_for_writing(tmp_path: Path) -> None:
    fd, name = make_temp(tmp_path, ".x.", ".tmp")
    with os.fdopen(fd, "w") as handle:
        handle.write("text")
    path = Path(name)
    assert path.parent == tmp_path and path.name.startswith(".x.") and path.name.endswith(".tmp")
    assert path.read_text() == "text" and stat.S_IMODE(path.stat().st_mode) == 0o600
    second_fd, second = make_temp(tmp_path, ".x.", ".tmp")
    os.close(second_fd)
    assert second != name


def test_a_taken_name_is_never_opened_but_drawn_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    draws = iter([b"\0" * 6, b"\0" * 6, b"\1" * 6])
    monkeypatch.setattr(os, "urandom", lambda n: next(draws))
    (tmp_path / "t-000000000000").write_text("someone else's")
    fd, name = make_temp(tmp_path, "t-")
    os.close(fd)
    assert name == str(tmp_path / "t-010101010101")
    assert (tmp_path / "t-000000000000").read_text() == "someone else's"


def test_write_atomic_keeps_the_mode_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "params.libsonnet"
    path.write_text("{}")
    path.chmod(0o640)
    write_atomic(path, "{ a: 1 }")
    assert path.read_text() == "{ a: 1 }" and stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["params.libsonnet"]
    with pytest.raises(FileExistsError):
        write_atomic(path, "{}", replace=False)
    assert path.read_text() == "{ a: 1 }" and [p.name for p in tmp_path.iterdir()] == ["params.libsonnet"]


def test_replace_file_makes_the_directory_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "cache" / "ab" / "entry"
    replace_file(target, b"one")
    replace_file(target, b"two")
    assert target.read_bytes() == b"two" and [p.name for p in target.parent.iterdir()] == ["entry"]


def test_replace_file_that_fails_leaves_the_old_file_and_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "entry"
    target.mkdir()  # a directory cannot be replaced by a file
    with pytest.raises(IsADirectoryError):
        replace_file(target, b"new")
    assert target.is_dir() and [p.name for p in tmp_path.iterdir()] == ["entry"]
