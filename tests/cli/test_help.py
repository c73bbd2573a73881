"""Help that teaches: every command's --help has examples, real metavars and no Python or RST leftovers;
usage errors are one `error:` line plus a hint, exit 2."""

from __future__ import annotations

import re

import pytest
import typer

from kfkit.cli._help import commands, teach
from kfkit.cli._tree import whole
from kfkit.cli.main import BRANCHES, app
from tests.cli.support import Kf

PATHS = [path for path, _ in commands(teach(typer.main.get_command(whole(app, BRANCHES))))]
LEFTOVERS = re.compile(r"<(str|bool|int|float|path|list\[[^]]*\])>|list\[|``|\{\[|\bTEXT\b|\bINTEGER\b")


@pytest.mark.parametrize("path", PATHS, ids=[p or "kfkit" for p in PATHS])
def test_every_help_page_teaches(kf: Kf, path: str) -> None:
    result = kf(*path.split(), "--help")
    assert result.code == 0, result.err
    page = result.out
    assert page.startswith(page.splitlines()[0]) and page.splitlines()[0].strip()  # a description first
    assert f"Usage:\n  kfkit {path}".replace("  kfkit ", "  kfkit ").rstrip() in page
    examples = page.split("\nExamples:\n", 1)[1].split("\n\n")[0].splitlines()
    commands_shown = [line.strip() for line in examples if not line.strip().startswith("#")]
    assert commands_shown and all("kfkit" in line for line in commands_shown)
    assert not LEFTOVERS.search(page), LEFTOVERS.search(page)


def test_short_help_flag_and_metavars(kf: Kf) -> None:
    page = kf("show", "-h").out
    assert "  kfkit show [ENV] [flags]" in page
    assert "-c, --component COMPONENT" in page and "-V, --ext-str KEY=VALUE" in page
    assert "--env ENV" in kf("param", "set", "-h").out
    assert "kfkit param set [COMPONENT] KEY VALUE [flags]" in kf("param", "set", "-h").out


@pytest.mark.parametrize(
    ("argv", "message", "hint"),
    [
        (["show", "--bogus"], "error: no such option: --bogus", "hint: 'kfkit show --help'"),
        (["env", "add"], "error: missing argument 'NAME'.", "hint: 'kfkit env add --help'"),
        (["nosuch"], "error: no such command 'nosuch'.", "hint: 'kfkit --help'"),
        (["--color", "sometimes", "version"], "error: --color must be auto, always or never", None),
    ],
)
def test_usage_errors_are_one_line_and_a_hint(
    kf: Kf, argv: list[str], message: str, hint: str | None
) -> None:
    result = kf(*argv)
    assert result.code == 2 and result.out == ""
    lines = result.err.splitlines()
    assert lines[0].startswith(message)
    assert "╭" not in result.err and "Usage:" not in result.err
    if hint:
        assert len(lines) == 2 and lines[1].startswith(hint)
    else:
        assert len(lines) == 1


def test_a_group_without_command_shows_its_help(kf: Kf) -> None:
    result = kf("env")
    assert result.code == 0 and "Commands:\n  add" in result.out


@pytest.mark.parametrize("where", ["before", "after"])
def test_global_flags_anywhere(kf: Kf, where: str) -> None:
    flags = ["-v", "--color", "never"]
    argv = [*flags, "version"] if where == "before" else ["version", *flags]
    result = kf(*argv)
    assert result.code == 0 and result.out.startswith("kfkit version: ")


@pytest.mark.parametrize(
    "argv",
    [["generate", "tf-serving"], ["prototype", "use", "tf-serving"], ["generate", "tf-serving", "web"]],
)
def test_generate_help_lists_the_prototypes_params(kf: Kf, argv: list[str]) -> None:
    page = kf(*argv, "--help").out
    section = page.split("\nParams of prototype io.ksonnet.pkg.tf-serving", 1)[1]
    assert "  --name STRING (required)\n      Name to give" in section
    assert "  --numGpus NUMBER (default: 0)\n" in section
    assert "Examples:" in page


def test_generate_help_for_an_unknown_prototype_says_so(kf: Kf) -> None:
    page = kf("generate", "nosuch", "--help").out
    assert "no prototype 'nosuch'; 'kfkit prototype list' shows them" in page
