"""How the console script ends: run's exit code, after freezing what is alive (kfkit.cli.main.main).

The interpreter's last garbage collection then skips every object the command made: after an
``apply`` of 300 objects it cost ~0.08 s of CPU; nothing else about the exit changes.
"""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from kfkit import __version__
from kfkit.cli import main as cli_main


@pytest.mark.parametrize("code", [0, 1, 2])
def test_main_exits_with_runs_code_after_freezing(monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    events: list[str] = []

    def run() -> int:
        events.append("run")
        return code

    monkeypatch.setattr(cli_main, "run", run)
    monkeypatch.setattr(gc, "freeze", lambda: events.append("freeze"))
    with pytest.raises(SystemExit) as exit_:
        cli_main.main()
    assert exit_.value.code == code
    assert events == ["run", "freeze"]


def test_the_console_path_prints_and_exits_as_before() -> None:
    done = subprocess.run([sys.executable, "-m", "kfkit", "version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.startswith(f"kfkit version: {__version__}\njsonnet engine: go-jsonnet ")
    bad = subprocess.run([sys.executable, "-m", "kfkit", "vresion"], capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.startswith("error: no such command 'vresion'")
