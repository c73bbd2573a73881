"""Helpers of the safety suite: a hash of a whole directory tree, hostile app.yaml edits."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import yaml

from tests.cli.support import Result

__all__ = ["add_raw_env", "assert_refused", "tree_hash"]


def tree_hash(root: Path) -> str:
    """Every path, file content, mode and symlink target under ``root``."""
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(dirnames + filenames):
            path = Path(dirpath, name)
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            if path.is_symlink():
                digest.update(b"link:" + os.readlink(path).encode())
            elif path.is_file():
                digest.update(oct(path.stat().st_mode).encode() + path.read_bytes())
    return digest.hexdigest()


def add_raw_env(app: Path, name: str, **fields: Any) -> None:
    """Write an environment into app.yaml as a hostile app could: no checks at all."""
    data = yaml.safe_load((app / "app.yaml").read_text())
    data["environments"][name] = {"destination": {"namespace": "default", "server": ""}, **fields}
    (app / "app.yaml").write_text(yaml.safe_dump(data))


def assert_refused(result: Result, *culprits: str, code: int | None = None) -> None:
    """Non-zero exit, exactly one ``error:`` line on stderr naming every culprit, no traceback."""
    assert result.code != 0, result
    if code is not None:
        assert result.code == code, result
    errors = [line for line in result.err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.err
    for culprit in culprits:
        assert culprit in errors[0], (culprit, result.err)
    assert "Traceback" not in result.err
