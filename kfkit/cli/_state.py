"""Global options (``--dir``, ``--debug``) and loading the app they point at."""

from __future__ import annotations

import shlex
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from kfkit import App

__all__ = ["State", "command_line", "current_app", "set_argv", "set_state", "state"]


@dataclass(frozen=True)
class State:
    """What the root options said, for the command that runs under them."""

    directory: Path = Path()
    debug: bool = False


_STATE: ContextVar[State] = ContextVar("kfkit_cli_state")
_ARGV: ContextVar[tuple[str, ...]] = ContextVar("kfkit_cli_argv", default=())


def state() -> State:
    return _STATE.get(State())


def set_state(new: State) -> None:
    _STATE.set(new)


def current_app() -> App:
    """The app containing ``--dir`` (default: the working directory)."""
    return App.load(state().directory)


def set_argv(argv: list[str]) -> None:
    _ARGV.set(tuple(argv))


def command_line() -> str:
    """The running command as a shell line, ``kfkit apply prod -c web``: what history records."""
    return shlex.join(["kfkit", *_ARGV.get()])
