"""How the console script ends: the same output and exit codes, without the exit's last collections."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from kfkit import __version__
from kfkit.cli import main as cli_main


def test_main_freezes_what_is_alive_before_exiting_with_runs_code(monkeypatch: pytest.MonkeyPatch) -> None:
    frozen: list[int] = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(len(frozen)))
    monkeypatch.setattr(cli_main, "run", lambda: 10)

    with pytest.raises(SystemExit) as ended:
        cli_main.main()

    assert (ended.value.code, frozen) == (10, [0])


def test_the_console_script_still_prints_everything_and_exits_with_its_code(tmp_path: Path) -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "kfkit", "version"], capture_output=True, text=True, check=False
    )
    assert (ok.returncode, ok.stdout.splitlines()[0], ok.stderr) == (0, f"kfkit version: {__version__}", "")

    failed = subprocess.run(
        [sys.executable, "-m", "kfkit", "--dir", str(tmp_path), "show"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (failed.returncode, failed.stdout, len(failed.stderr.splitlines())) == (1, "", 1)
    assert failed.stderr.startswith("error: ")
