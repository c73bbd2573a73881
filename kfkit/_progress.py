"""Progress of long work (render, server checks, writes, waits) as typed events.

The library never prints: a caller that wants a progress bar or ``kubectl rollout
status``-style lines passes an ``on_progress`` callable (in :class:`~kfkit.RenderOptions`,
:class:`~kfkit.ApplyOptions`, or to ``App.diff``/``App.delete``) and draws the events itself.
Events arrive on the calling thread, in order, while the work runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from kfkit._model import ObjectId

__all__ = ["OnProgress", "Progress", "Stage", "Ticker"]


class Stage(StrEnum):
    """A phase of a command; its value reads as what is being done (``checking``)."""

    RENDER = "rendering"
    """Evaluating components; ``done``/``total`` count components (cached ones count at once)."""
    CHECK = "checking"
    """Looking objects up and dry-running them on the server (apply's pre-flight, diff, delete)."""
    APPLY = "applying"
    PRUNE = "pruning"
    DELETE = "deleting"
    WAIT = "waiting"
    """Polling rollouts, Jobs and CRDs until ready; ``status`` says why one is not yet."""


@dataclass(frozen=True)
class Progress:
    """``done`` of ``total`` items of ``stage`` finished; ``object_id`` is the one just seen."""

    stage: Stage
    done: int
    total: int
    object_id: ObjectId | None = None
    status: str = ""
    """Stage.WAIT only: why ``object_id`` is not ready yet (``1 of 3 replicas updated``); empty once it is."""


class OnProgress(Protocol):
    """What receives progress: any callable taking a :class:`Progress` (``events.append`` too)."""

    def __call__(self, event: Progress, /) -> None: ...


class Ticker:
    """Counts one stage's items for an optional ``on_progress``; announces the stage (0 done) first."""

    def __init__(self, on_progress: OnProgress | None, stage: Stage, total: int) -> None:
        self.on_progress, self.stage, self.total, self.done = on_progress, stage, total, 0
        self.tell()

    def tick(self, count: int = 1, object_id: ObjectId | None = None) -> None:
        """``count`` more items done (``object_id`` the last of them); never past the total."""
        self.done = min(self.total, self.done + count)
        self.tell(object_id)

    def one(self, object_id: ObjectId) -> None:
        """``object_id`` is done."""
        self.tick(1, object_id)

    def tell(self, object_id: ObjectId | None = None, status: str = "") -> None:
        """Report the current count, e.g. with a status that changed (nothing more done)."""
        if self.on_progress is not None:
            self.on_progress(Progress(self.stage, self.done, self.total, object_id, status))
