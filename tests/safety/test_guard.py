"""No traceback without --debug, ever; --debug (and every global option) anywhere on the line."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from kfkit import App
from kfkit.cli._globals import hoist
from tests.cli.support import Kf


@pytest.mark.parametrize(
    ("argv", "hoisted"),
    [
        (["show", "--debug"], ["--debug", "show"]),
        (["show", "dev", "--dir", "a", "-c", "x"], ["--dir", "a", "show", "dev", "-c", "x"]),
        (["--dir=a", "show", "--debug"], ["--dir=a", "--debug", "show"]),
        (["param", "set", "c", "k", "--", "--debug"], ["param", "set", "c", "k", "--", "--debug"]),
        (["show", "--debug=yes"], ["show", "--debug=yes"]),
        (["show", "--dir"], ["--dir", "show"]),
    ],
)
def test_global_options_are_hoisted_before_the_command(argv: list[str], hoisted: list[str]) -> None:
    assert hoist(argv) == hoisted


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_before_or_after_the_command_shows_the_traceback(app: Path, kf: Kf, where: str) -> None:
    args = ["--debug", "show", "nope"] if where == "before" else ["show", "nope", "--debug"]
    result = kf(*args, cwd=app)
    assert result.code == 2
    assert "Traceback" in result.err
    assert result.err.splitlines()[-1].startswith('error: environment "nope" not found')


def test_dir_after_the_command(app: Path, kf: Kf) -> None:
    result = kf("env", "list", "--dir", str(app))
    assert result.code == 0, result.err
    assert "default" in result.out


def _explode(exc: BaseException) -> object:
    def render(*_args: object, **_kwargs: object) -> object:
        raise exc

    return render


@pytest.mark.parametrize(
    ("exc", "message"),
    [
        (RuntimeError("boom\nsecond line"), "error: unexpected RuntimeError: boom (re-run with --debug"),
        (RecursionError("maximum recursion depth exceeded"), "error: input nested too deeply"),
        (MemoryError(), "error: out of memory (re-run with --debug"),
        (
            OSError(errno.ENOSPC, "No space left on device", "/app/x.jsonnet"),
            "error: /app/x.jsonnet: No space left on device\n",
        ),
        (OSError(errno.EFBIG, "File too large", "/app/y"), "error: /app/y: File too large\n"),
        (ValueError(), "error: unexpected ValueError (re-run with --debug"),
    ],
)
def test_unexpected_exceptions_become_one_error_line(
    app: Path, kf: Kf, monkeypatch: pytest.MonkeyPatch, exc: Exception, message: str
) -> None:
    monkeypatch.setattr(App, "render", _explode(exc))
    result = kf("show", "default", cwd=app)
    assert result.code == 1
    assert result.err.startswith(message)
    assert result.err.count("\n") == 1 and "Traceback" not in result.err

    debug = kf("show", "default", "--debug", cwd=app)
    assert "Traceback" in debug.err and debug.err.splitlines()[-1].startswith("error: ")


def test_ctrl_c_is_one_line_and_exit_130(app: Path, kf: Kf, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(App, "render", _explode(KeyboardInterrupt()))
    result = kf("show", "default", cwd=app)
    assert (result.code, result.err) == (130, "error: interrupted\n")


def test_ctrl_c_while_loading_is_one_line(app: Path, kf: Kf, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(App, "load", _explode(KeyboardInterrupt()))
    result = kf("show", "default", cwd=app)
    assert (result.code, result.err) == (130, "error: interrupted\n")


def test_ctrl_c_while_applying_says_how_far_it_got() -> None:
    from kfkit import Action, ObjectId
    from kfkit.cli._report import reporter
    from kfkit.deploy import ObjectResult
    from kfkit.errors import Interrupted

    def apply_two_then_ctrl_c() -> None:
        done = ObjectResult(ObjectId("", "ConfigMap", "ns", "a"), Action.CREATE)
        with reporter(5, "applying") as on_result:
            on_result(done)
            on_result(done)
            raise KeyboardInterrupt

    expected = r"while applying: 2 of 5 objects done.*same command again converges"
    with pytest.raises(Interrupted, match=expected):
        apply_two_then_ctrl_c()
    assert Interrupted.exit_code == 130
