"""The progress display: the library's :class:`~kfkit.Progress` events drawn on stderr.

On a terminal (stderr a TTY, TERM not dumb) a stage of more than PROGRESS_THRESHOLD items,
and every wait, gets a transient bar that vanishes when the stage is done, so what stays on
screen is the same as without it. Anywhere, a wait prints one line per change of an object's
state, as ``kubectl rollout status`` does, so CI logs show what a slow ``--wait`` waits for.
Progress never touches stdout: piped data stays clean.
"""

from __future__ import annotations

import os
import sys
from contextvars import ContextVar
from typing import TYPE_CHECKING

import kfkit
from kfkit.cli._output import note
from kfkit.cli._state import use_color

if TYPE_CHECKING:
    from rich.progress import Progress as Bars
    from rich.progress import TaskID

    from kfkit import Progress, Stage

__all__ = ["PROGRESS_THRESHOLD", "Display", "progress", "stop_progress"]

PROGRESS_THRESHOLD = 20
"""Stages with more items than this get a bar (waits always do): shorter ones end before it helps."""


class Display:
    """Draws progress events; the bars only where ``live`` (a terminal)."""

    def __init__(self, live: bool) -> None:
        self.live = live
        self._bars: Bars | None = None
        self._tasks: dict[Stage, TaskID] = {}

    def __call__(self, event: Progress, /) -> None:
        waiting = event.stage is kfkit.Stage.WAIT  # kfkit.Stage: not loaded to print --help
        if waiting and event.status:
            note(f"waiting for {event.object_id}: {event.status}")
        if not self.live:
            return
        noun = ("component" if event.stage is kfkit.Stage.RENDER else "object") + "s" * (event.total != 1)
        verb = "waiting for" if waiting else event.stage.value
        what = f"{verb} {event.object_id or f'{event.total} {noun}'}"
        task = self._tasks.get(event.stage)
        if task is None:
            long = event.total > PROGRESS_THRESHOLD or waiting
            if event.done >= event.total or not long:
                return
            bars = self._start()
            task = self._tasks[event.stage] = bars.add_task(what, total=event.total)
            bars.refresh()  # drawn now, not at the next tick: a stage may end before it
        assert self._bars is not None
        self._bars.update(task, completed=event.done, description=what)
        if event.done >= event.total:
            self._bars.remove_task(self._tasks.pop(event.stage))
            if not self._tasks:
                self.stop()

    def _start(self) -> Bars:
        if self._bars is None:
            from rich.console import Console  # lazy: most runs never draw a bar
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )
            from rich.progress import Progress as Bars

            console = Console(stderr=True, no_color=not use_color(sys.stderr), highlight=False)
            self._bars = Bars(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
                # Lines printed meanwhile go above the bar; stdout only if it is the terminal too.
                redirect_stdout=sys.stdout.isatty(),
            )
            self._bars.start()
        return self._bars

    def stop(self) -> None:
        """Remove any bar (a failed stage never finishes): before prompts and error lines."""
        if self._bars is not None:
            self._bars.stop()
        self._bars, self._tasks = None, {}


_DISPLAY: ContextVar[Display | None] = ContextVar("kfkit_cli_progress", default=None)


def progress() -> Display:
    """This run's display (one per command, so stages of render, plan and apply share it)."""
    display = _DISPLAY.get()
    if display is None:
        live = sys.stderr.isatty() and os.environ.get("TERM") != "dumb"
        display = Display(live)
        _DISPLAY.set(display)
    return display


def stop_progress() -> None:
    """End of a run: no bar outlives its command."""
    display = _DISPLAY.get()
    if display is not None:
        display.stop()
        _DISPLAY.set(None)
