"""The safety suite runs the real CLI in-process, with the CLI tests' fixtures."""

from __future__ import annotations

from tests.cli.conftest import app, kf, seed_app

__all__ = ["app", "kf", "seed_app"]
