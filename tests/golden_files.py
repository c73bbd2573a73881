"""Golden files: compared with what kfkit makes, or rewritten with ``KFKIT_UPDATE_GOLDEN=1``.

A rewrite fails the test once, naming the file: a run that rewrites goldens must never
pass, or a variable left set would turn every golden test into a check of what it just wrote.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def check_golden(path: Path, text: str) -> None:
    """``text`` must equal the golden at ``path``; with KFKIT_UPDATE_GOLDEN, a differing golden is rewritten."""
    old = path.read_text() if path.exists() else None
    if os.environ.get("KFKIT_UPDATE_GOLDEN") and text != old:
        path.write_text(text)
        pytest.fail(f"{path.name} rewritten: review the change, then run again without KFKIT_UPDATE_GOLDEN")
    assert text == old
