"""docs/library.md's examples run: every Python block, in order, in one namespace."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def test_the_library_page_runs(repo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = BLOCK.findall((repo_root / "docs" / "library.md").read_text())
    assert len(blocks) >= 3
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, "docs/library.md", "exec"), namespace)
    assert (tmp_path / "kubeflow-app" / "components" / "model-server.jsonnet").is_file()
