"""The CLI builds only the command it runs (kfkit/cli/_tree.py), yet behaves as the whole tree does."""

from __future__ import annotations

import pytest
import typer
from typer.core import TyperGroup

from kfkit.cli._help import commands, help_page, teach
from kfkit.cli._tree import Pending, lazy_tree, whole
from kfkit.cli.main import BRANCHES, app
from tests.cli.support import Kf

FULL = dict(commands(teach(typer.main.get_command(whole(app, BRANCHES)))))


@pytest.mark.parametrize("path", list(FULL), ids=[p or "kfkit" for p in FULL])
def test_each_help_page_equals_the_whole_trees(kf: Kf, path: str) -> None:
    result = kf(*path.split(), "--help")
    assert result.code == 0, result.err
    assert result.out.rstrip("\n") == help_page(FULL[path], f"kfkit {path}".strip()).rstrip("\n")


def test_only_the_resolved_branch_is_built() -> None:
    root, full = lazy_tree(app, BRANCHES), FULL[""]
    assert isinstance(full, TyperGroup)
    assert list(root.commands) == list(full.commands)
    assert all(isinstance(sub, Pending) for sub in root.commands.values())
    with typer.Context(root) as ctx:
        param = root.get_command(ctx, "param")
    assert isinstance(param, TyperGroup) and param is root.commands["param"]
    want = full.commands["param"]
    assert isinstance(want, TyperGroup)
    assert list(param.commands) == list(want.commands)
    assert all(isinstance(sub, Pending) for sub in param.commands.values())  # a group's branch too
    with typer.Context(param) as ctx:
        set_ = param.get_command(ctx, "set")
    assert set_ is not None and set_ is param.commands["set"]
    assert [p.name for p in set_.params] == [p.name for p in want.commands["set"].params]
    assert [name for name, sub in param.commands.items() if not isinstance(sub, Pending)] == ["set"]
    assert [name for name, sub in root.commands.items() if not isinstance(sub, Pending)] == ["param"]


def test_a_typo_still_gets_a_suggestion(kf: Kf) -> None:
    result = kf("vresion")
    assert result.code == 2
    assert "no such command 'vresion'. Did you mean 'version'?" in result.err
