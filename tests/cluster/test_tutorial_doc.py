"""docs/tutorial.md, executed: every command of every block, in order, against the real API server."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from kfkit.cli.main import run
from tests.cluster.conftest import cp

pytestmark = pytest.mark.cluster

TUTORIAL = Path(__file__).resolve().parents[2] / "docs" / "tutorial.md"
# Exit codes a command may document: diff says 10 when the cluster differs.
ALLOWED = {"diff": (0, 10)}


def commands() -> list[list[str]]:
    """Each ``kfkit …`` or ``cd …`` of the page's code blocks, comments dropped, ``&&`` split."""
    found = []
    for block in re.findall(r"^```\n(.*?)^```", TUTORIAL.read_text(), re.S | re.M):
        for line in block.splitlines():
            for part in line.split(" #")[0].split("&&"):
                if part.strip():
                    found.append(shlex.split(part))
    return found


def test_the_tutorial_runs_as_written(
    control_plane: cp.ControlPlane, namespace: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = commands()
    assert (
        steps[0][:2] == ["kfkit", "init"] and ["kfkit", "apply", "default", "-c", "inception-client"] in steps
    )
    monkeypatch.setenv("KUBECONFIG", str(control_plane.kubeconfig))
    monkeypatch.chdir(tmp_path)
    for argv in steps:
        if argv[0] == "cd":
            monkeypatch.chdir(Path.cwd() / argv[1])
            # Not on the page: this test's own namespace instead of the shared "default".
            assert run(["env", "set", "default", "--namespace", namespace]) == 0
            continue
        assert argv[0] == "kfkit", argv
        code = run(argv[1:])  # no terminal here, so apply does not ask
        assert code in ALLOWED.get(argv[1], (0,)), f"{shlex.join(argv)} exited {code}"
    assert (Path.cwd() / "components/inception-client.jsonnet").is_file()
