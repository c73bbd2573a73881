"""The review report in a real browser: headless Chromium (Debian's package) loads it from disk.

Console messages are read from Chromium's log (``--enable-logging=stderr``): a blocked
script, a blocked fetch of an external asset or a script error each log one. The DOM
Chromium built is dumped and searched for elements a hostile value could have smuggled in,
and a screenshot at a fixed size is left for a person to look at (its path is printed;
``KFKIT_SCREENSHOT_DIR`` chooses the directory).
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from kfkit.review import to_html
from tests.unit.review.support import HOSTILE_NAME, HOSTILE_VALUE, hostile_report

WIDTH, HEIGHT = 1280, 1600
_CONSOLE = re.compile(r":CONSOLE[:(]")


@pytest.fixture(scope="module")
def chromium() -> str:
    """Chromium's executable; skipped locally without it, failed in CI (scripts/test installs it)."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    reason = "no chromium; install Debian's package (apt-get install chromium) or run scripts/test"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def _run(chromium: str, page: Path, profile: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    """Chromium headless on ``page`` (a file: URL) with a throwaway profile; its log on stderr."""
    command = [
        chromium,
        "--headless",
        "--no-sandbox",  # tests may run as root in a container, where the sandbox cannot start
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        f"--window-size={WIDTH},{HEIGHT}",
        *flags,
        page.as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def _console(log: str) -> list[str]:
    return [line for line in log.splitlines() if _CONSOLE.search(line)]


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


@pytest.fixture
def report_file(tmp_path: Path) -> Path:
    path = tmp_path / "report.html"
    path.write_text(to_html(hostile_report()), encoding="utf-8")
    return path


def test_the_report_loads_without_console_messages_and_runs_nothing(
    chromium: str, report_file: Path, tmp_path: Path
) -> None:
    shot = Path(os.environ.get("KFKIT_SCREENSHOT_DIR") or tmp_path) / "review-report.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    loaded = _run(chromium, report_file, tmp_path / "profile", f"--screenshot={shot}")
    assert loaded.returncode == 0, loaded.stderr[-2000:]
    assert _console(loaded.stderr) == []
    assert _png_size(shot) == (WIDTH, HEIGHT)
    print(f"\nscreenshot of the review report: {shot}")

    dom = _run(chromium, report_file, tmp_path / "profile", "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert _console(dom.stderr) == []
    assert "<script" not in dom.stdout and "<img" not in dom.stdout
    assert dom.stdout.count('class="object"') == 5
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom.stdout  # HOSTILE_NAME, as text
    assert HOSTILE_NAME not in dom.stdout and HOSTILE_VALUE not in dom.stdout


def test_the_harness_sees_what_the_policy_blocks(chromium: str, tmp_path: Path) -> None:
    """Had escaping failed, the injected script would be blocked and logged: the test above would see it."""
    html = to_html(hostile_report()).replace("</main>", "<script>console.log(1)</script></main>")
    page = tmp_path / "injected.html"
    page.write_text(html, encoding="utf-8")
    loaded = _run(chromium, page, tmp_path / "profile", "--dump-dom")
    assert loaded.returncode == 0, loaded.stderr[-2000:]
    assert any("Content Security Policy" in line for line in _console(loaded.stderr))
