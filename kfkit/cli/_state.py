"""Global options (``--dir``, ``--debug``, ``--verbose``, ``--color``) and loading the app they point at."""

from __future__ import annotations

import os
import shlex
import sys
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TextIO

from kfkit import DEFAULT_MAX_OUTPUT

if TYPE_CHECKING:
    from kfkit import App, ConnectionOptions

__all__ = ["State", "command_line", "current_app", "set_argv", "set_state", "state", "use_color"]


class State(NamedTuple):
    """What the root options said, for the command that runs under them.

    A NamedTuple, not a frozen dataclass: a fifth of the import cost, paid by every command (#12).
    """

    directory: Path = Path()
    debug: bool = False
    verbose: bool = False
    color: str = "auto"
    """``auto`` (a terminal, unless NO_COLOR or TERM=dumb; FORCE_COLOR forces), ``always`` or ``never``."""
    allow_import_outside: bool = False
    max_output_bytes: int = DEFAULT_MAX_OUTPUT


_STATE: ContextVar[State] = ContextVar("kfkit_cli_state")
_ARGV: ContextVar[tuple[str, ...]] = ContextVar("kfkit_cli_argv", default=())


def state() -> State:
    return _STATE.get(State())


def set_state(new: State) -> None:
    _STATE.set(new)


def use_color(stream: TextIO) -> bool:
    """Whether to colour what goes to ``stream``: --color, then NO_COLOR, FORCE_COLOR, TERM=dumb, a TTY.

    The conventions of no-color.org and force-color.org; colour never changes the text itself.
    """
    choice = state().color
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR", "0") not in ("", "0"):
        return True
    return os.environ.get("TERM") != "dumb" and stream.isatty()


def current_app(connection: ConnectionOptions | None = None) -> App:
    """The app containing ``--dir`` (default: the working directory), reaching clusters as told."""
    from kfkit import App

    app = App.load(state().directory, connection=connection)
    if state().verbose:
        sys.stderr.write(f"app {app.root}\n")
    return app


def set_argv(argv: list[str]) -> None:
    _ARGV.set(tuple(argv))


def command_line() -> str:
    """The running command as a shell line, ``kfkit apply prod -c web``: what history records."""
    return shlex.join(["kfkit", *_ARGV.get()])
