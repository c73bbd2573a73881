"""The click command tree, built only as far as the command line reaches (#12: start-up).

typer turns every command's signature into click parameters when it builds its tree, about
1 ms of CPU per command: ~50 ms for kfkit's whole tree, a third of ``kfkit version``. So
:func:`lazy_tree` builds the root group alone; each subcommand is a :class:`Pending` that
carries what the root's help page lists (name, help, hidden) and becomes the command typer
would have built, by typer's own functions, when click resolves its name. A command group
(``kfkit param``) is built the same way: ``kfkit param set`` builds ``set`` alone.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from copy import copy
from functools import partial

import typer
from typer import _click  # typer vendors click; its Command and Context are not re-exported
from typer.core import TyperCommand, TyperGroup
from typer.main import get_command_from_info, get_command_name, get_group_from_info, solve_typer_info_defaults
from typer.models import TyperInfo

from kfkit.cli._help import teach

__all__ = ["LazyGroup", "Pending", "lazy_tree"]


class Pending(TyperCommand):
    """A subcommand not built yet: its name, help and hidden flag, and how to build it."""

    def __init__(
        self, name: str, help: str | None, hidden: bool, build: Callable[[], _click.Command]
    ) -> None:
        super().__init__(name, help=help, hidden=hidden)
        self.build = build


class LazyGroup(TyperGroup):
    """The root group: builds a :class:`Pending` subcommand (and teaches it its help) on first use."""

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if isinstance(found, Pending):
            found = self.commands[cmd_name] = teach(found.build())
        return found


def lazy_tree(app: typer.Typer) -> TyperGroup:
    """``app``'s root group, each subcommand :class:`Pending`, in typer's order (commands, then groups)."""
    root = typer.main.get_command(_bare(app))
    assert isinstance(root, TyperGroup), "kfkit's root has a callback, so typer makes it a group"
    return _lazy(root, app, app)


def _bare(app: typer.Typer) -> typer.Typer:
    bare = copy(app)
    bare.registered_commands, bare.registered_groups = [], []
    return bare


def _lazy(group: TyperGroup, app: typer.Typer, root: typer.Typer) -> TyperGroup:
    """``group``, built without subcommands, given ``app``'s as :class:`Pending` ones (a group's too)."""
    group.__class__ = LazyGroup
    short, markup = root.pretty_exceptions_short, root.rich_markup_mode
    pending: list[Pending] = []
    for command in app.registered_commands:
        assert command.callback is not None, "typer requires a callback per command"
        doc = inspect.getdoc(command.callback) if command.help is None else inspect.cleandoc(command.help)
        name = command.name or get_command_name(command.callback.__name__)
        command_build = partial(
            get_command_from_info, command, pretty_exceptions_short=short, rich_markup_mode=markup
        )
        pending.append(Pending(name, doc, command.hidden, command_build))
    for info in app.registered_groups:
        solved = solve_typer_info_defaults(info)
        group_build = partial(_lazy_group, info, root)
        pending.append(Pending(solved.name or "", solved.help, solved.hidden, group_build))
    group.commands = {p.name: p for p in pending if p.name}
    return group


def _lazy_group(info: TyperInfo, root: typer.Typer) -> TyperGroup:
    """A command group (``kfkit param``) built as typer would, its own subcommands :class:`Pending`."""
    assert info.typer_instance is not None, "kfkit adds groups with add_typer"
    bare = copy(info)
    bare.typer_instance = _bare(info.typer_instance)
    group = get_group_from_info(
        bare,
        pretty_exceptions_short=root.pretty_exceptions_short,
        rich_markup_mode=root.rich_markup_mode,
        suggest_commands=root.suggest_commands,
    )
    return _lazy(group, info.typer_instance, root)
