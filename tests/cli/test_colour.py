"""Colour conventions: --color, NO_COLOR, FORCE_COLOR, TERM=dumb; colour never changes the text."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from kfkit.cli._state import State, set_state, use_color
from tests.cli.support import Kf

ANSI = re.compile(r"\x1b\[[0-9;]*m")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("flag", "env", "tty", "coloured"),
    [
        ("auto", {}, True, True),
        ("auto", {}, False, False),
        ("auto", {"NO_COLOR": "1"}, True, False),
        ("auto", {"NO_COLOR": ""}, True, True),  # set but empty: no-color.org says ignore it
        ("auto", {"FORCE_COLOR": "1"}, False, True),
        ("auto", {"FORCE_COLOR": "0"}, True, True),
        ("auto", {"FORCE_COLOR": "0"}, False, False),
        ("auto", {"TERM": "dumb"}, True, False),
        ("auto", {"NO_COLOR": "1", "FORCE_COLOR": "1"}, True, False),
        ("always", {"NO_COLOR": "1", "TERM": "dumb"}, False, True),
        ("never", {"FORCE_COLOR": "1"}, True, False),
    ],
)
def test_who_decides(
    monkeypatch: pytest.MonkeyPatch, flag: str, env: dict[str, str], tty: bool, coloured: bool
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    set_state(State(color=flag))
    assert use_color(Terminal() if tty else io.StringIO()) is coloured


def test_diff_text_is_the_same_with_and_without_colour(app: Path, kf: Kf) -> None:
    (app / "components/cm.jsonnet").write_text(
        'local p = std.extVar("__ksonnet/params").components.cm;\n'
        '{apiVersion: "v1", kind: "ConfigMap", metadata: {name: "cm"}, data: {v: p.v}}\n'
    )
    assert kf("param", "set", "cm", "v", "one", cwd=app).code == 0
    assert kf("env", "add", "prod", cwd=app).code == 0
    assert kf("param", "set", "cm", "v", "two", "--env", "prod", cwd=app).code == 0
    plain = kf("diff", "local:default", "local:prod", "--color", "never", cwd=app)
    coloured = kf("--color", "always", "diff", "local:default", "local:prod", cwd=app)
    assert plain.code == coloured.code == 10
    assert ANSI.search(coloured.out) and not ANSI.search(plain.out)
    assert ANSI.sub("", coloured.out) == plain.out
    assert "-  v: two" in plain.out and "+  v: one" in plain.out  # ksonnet's direction: second → first
