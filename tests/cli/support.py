"""Types shared by the CLI tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Result:
    """What one ``kfkit`` run did: exit code, stdout, stderr."""

    code: int
    out: str
    err: str


Kf = Callable[..., Result]
