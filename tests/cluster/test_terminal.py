"""kfkit on a real terminal (tmux) against the real API server: progress, wait lines, prompts.

tmux gives the command a pseudo-terminal for stdin, stdout and stderr, records every byte it
draws (``pipe-pane``: the transient bars too) and shows the final screen (``capture-pane``):
what a person sees once the bars have gone.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cluster.deploy_support import (  # noqa: F401 - cluster_app_fixture registers the fixture
    ClusterApp,
    cluster_app_fixture,
    config_map,
    deployment,
)

pytestmark = pytest.mark.cluster

_BAR = "━"
"""What rich draws bars with: never left on the final screen."""


class Terminal:
    """One tmux session running one kfkit command on a 150 by 60 terminal."""

    def __init__(self, tmux: str, directory: Path) -> None:
        self.tmux, self.socket, self.log = tmux, directory / "tmux.sock", directory / "raw.log"

    def _call(self, *args: str) -> str:
        env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TMUX")}
        done = subprocess.run(
            [self.tmux, "-S", str(self.socket), *args], capture_output=True, text=True, env=env, check=True
        )
        return done.stdout

    def start(self, app: ClusterApp, *args: str) -> None:
        """Run ``kfkit --dir APP ARGS`` once the recording of its output has started."""
        command = shlex.join([sys.executable, "-m", "kfkit", "--dir", str(app.root), *args])
        script = f'read _; {command}; echo "[exit $?]"; sleep 600'
        self._call("new-session", "-d", "-x", "150", "-y", "60", "-s", "kfkit", "sh", "-c", script)
        self._call("pipe-pane", "-o", "-t", "kfkit", f"cat >> {shlex.quote(str(self.log))}")
        self.type("")

    def type(self, text: str) -> None:
        """Type ``text`` and Enter."""
        self._call("send-keys", "-t", "kfkit", *([text] if text else []), "Enter")

    def screen(self) -> str:
        """The visible screen, wrapped lines joined."""
        return self._call("capture-pane", "-p", "-J", "-t", "kfkit")

    def wait_for(self, text: str, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while text not in (screen := self.screen()):
            assert time.monotonic() < deadline, f"{text!r} never appeared; the screen:\n{screen}"
            time.sleep(0.1)
        return screen

    def raw(self) -> str:
        """Every byte drawn, escape sequences and all."""
        return self.log.read_text(errors="replace")

    def close(self) -> None:
        subprocess.run([self.tmux, "-S", str(self.socket), "kill-server"], capture_output=True, check=False)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    """A tmux to drive; skipped locally without it, failed in CI (scripts/test installs it)."""
    tmux = shutil.which("tmux")
    if tmux is None:
        reason = "no tmux; install Debian's package (apt-get install tmux) or run scripts/test"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    term = Terminal(tmux, tmp_path)
    yield term
    term.close()


def test_progress_bars_come_and_go_and_a_failed_wait_still_sums_up(
    cluster_app: ClusterApp, terminal: Terminal
) -> None:
    cluster_app.component("many", *(config_map(f"c{i:02}", k="v") for i in range(25)))
    cluster_app.component("web", deployment("web"))  # no controller runs: never ready

    terminal.start(cluster_app, "apply", "default", "--yes", "--wait", "--timeout", "3s")
    screen = terminal.wait_for("[exit 1]")

    ns = cluster_app.namespace
    raw = terminal.raw()
    assert "checking 26 objects" in raw  # the pre-flight's bar
    assert "applying 26 objects" in raw
    assert f"waiting for Deployment {ns}/web" in raw
    lines = screen.splitlines()
    results = [line for line in lines if line.endswith(" created")]
    assert results == [f"ConfigMap {ns}/c{i:02} created" for i in range(25)] + [
        f"Deployment {ns}/web created"
    ]
    assert f"waiting for Deployment {ns}/web: generation 1 not yet observed by its controller" in lines
    assert "26 created; then:" in lines
    assert any(
        line.startswith(f"error: timed out after 3s waiting for 1 object to be ready: Deployment {ns}/web")
        for line in lines
    )
    assert _BAR not in screen  # transient: nothing of the bars stays


@pytest.mark.parametrize(("answer", "code"), [("n", 1), ("y", 0)])
def test_apply_prune_asks_on_the_terminal_and_does_only_what_was_answered(
    cluster_app: ClusterApp, terminal: Terminal, answer: str, code: int
) -> None:
    for name in ("a", "b"):
        cluster_app.component(name, config_map(f"{name}-config", k="v"))
    cluster_app.ok("apply", "default")
    (cluster_app.root / "components/b.yaml").unlink()

    terminal.start(cluster_app, "apply", "default", "--prune")
    screen = terminal.wait_for("[y/N]:")
    assert f"will prune ConfigMap {cluster_app.namespace}/b-config" in screen
    terminal.type(answer)
    screen = terminal.wait_for("[exit ")

    assert f"[exit {code}]" in screen
    pruned = f"ConfigMap {cluster_app.namespace}/b-config pruned"
    assert (pruned in screen.splitlines()) is (answer == "y")
    assert ("aborted; nothing was changed" in screen) is (answer == "n")
    assert (cluster_app.live("v1", "ConfigMap", "b-config") is None) is (answer == "y")


def test_delete_lists_what_it_would_delete_and_asks(cluster_app: ClusterApp, terminal: Terminal) -> None:
    cluster_app.component("a", config_map("a-config", k="v"))
    cluster_app.ok("apply", "default")

    terminal.start(cluster_app, "delete", "default")
    screen = terminal.wait_for("[y/N]:")
    assert '1 object of environment "default" to delete' in screen.splitlines()
    assert "  will delete ConfigMap a-config" in screen.splitlines()  # the render's id: no namespace yet
    terminal.type("y")
    screen = terminal.wait_for("[exit ")

    assert "[exit 0]" in screen
    assert f"ConfigMap {cluster_app.namespace}/a-config deleted" in screen.splitlines()
    assert cluster_app.live("v1", "ConfigMap", "a-config") is None
