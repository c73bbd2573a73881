"""Fixtures: a user cache per test, an fs registry and a git registry with two tags."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cli.conftest import app, kf, seed_app  # the CLI fixtures, shared
from tests.packages.support import commit_all, write_package

__all__ = ["app", "kf", "seed_app"]


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own kfkit cache (registries, exported trees, jpath links)."""
    directory = tmp_path / "kfkit-cache"
    monkeypatch.setenv("KFKIT_CACHE_DIR", str(directory))
    return directory


@pytest.fixture
def fs_registry(tmp_path: Path) -> Path:
    """A directory registry ``acme`` with packages ``greeter`` and ``hello``."""
    directory = tmp_path / "fs-registry"
    write_package(directory, "greeter", registry="acme")
    write_package(directory, "hello", registry="acme", label="fs")
    return directory


@dataclass(frozen=True)
class GitRegistry:
    path: Path
    v1: str
    v2: str


@pytest.fixture
def git_registry(tmp_path: Path) -> GitRegistry:
    """A git repository whose ``registry/`` dir is registry ``kf``: tags v1 and v2 differ."""
    repo = tmp_path / "git-registry"
    write_package(repo / "registry", "greeter", registry="kf", label="v1")
    v1 = commit_all(repo, "v1", tag="v1")
    write_package(repo / "registry", "greeter", registry="kf", label="v2")
    v2 = commit_all(repo, "v2", tag="v2")
    return GitRegistry(repo, v1, v2)
