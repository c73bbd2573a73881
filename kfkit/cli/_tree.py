"""The click command tree, built only as far as the command line reaches (#12: start-up).

typer turns every command's signature into click parameters when it builds its tree, about
1 ms of CPU per command: ~50 ms for kfkit's whole tree, a third of ``kfkit version``. So
:func:`lazy_tree` builds the root group alone; each subcommand is a :class:`Pending` that
carries what the root's help page lists (name, help, hidden) and becomes the command typer
would have built, by typer's own functions, when click resolves its name. A command group
(``kfkit param``) is built the same way: ``kfkit param set`` builds ``set`` alone.

The root's commands and groups that live in other modules of kfkit.cli are named, not
imported (:class:`Branches`): importing every module cost ~18 M instructions, 4 % of a
``kfkit param set``, which needs kfkit/cli/param.py alone. A module is imported when its
command is built or a help page shows its help.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Sequence
from copy import copy
from functools import cache, cached_property, partial
from typing import Any

import typer
from typer import _click  # typer vendors click; its Command and Context are not re-exported
from typer.core import TyperCommand, TyperGroup
from typer.main import get_command_from_info, get_command_name, get_group_from_info, solve_typer_info_defaults
from typer.models import CommandInfo, TyperInfo

from kfkit.cli._help import teach

__all__ = ["Branches", "LazyGroup", "Pending", "lazy_tree", "whole"]

Info = CommandInfo | TyperInfo
"""What typer registers: a command, or a group (``add_typer``)."""


class Branches:
    """The root's commands and groups defined in other modules of kfkit.cli, by name.

    ``commands`` maps a command to its ``module:function``; ``groups`` a group to its module,
    whose ``app`` it is; ``settings`` gives a command its click context settings.
    """

    def __init__(
        self, commands: dict[str, str], groups: dict[str, str], settings: dict[str, dict[str, Any]]
    ) -> None:
        self.commands, self.groups, self.settings = commands, groups, settings

    def command(self, name: str) -> CommandInfo:
        """What ``app.command(name)`` would have registered; imports the command's module."""
        settings = self.settings.get(name)
        return CommandInfo(name, callback=_attribute(self.commands[name]), context_settings=settings)

    def group(self, name: str) -> TyperInfo:
        """What ``app.add_typer(module.app, name=name)`` would have registered; imports the module."""
        return TyperInfo(_attribute(f"{self.groups[name]}:app"), name=name)


@cache
def _attribute(where: str) -> Any:
    module, _, name = where.partition(":")
    return getattr(importlib.import_module(f"kfkit.cli.{module}"), name)


class Pending(TyperCommand):
    """A subcommand not built yet: its name and hidden flag, and how to get its registration.

    The registration (and so the module defining the command) is loaded when the command is
    built or a help page lists its help, never for a command line that names another command.
    """

    def __init__(
        self, name: str, hidden: bool, registration: Info | Callable[[], Info], root: typer.Typer
    ) -> None:
        super().__init__(name, hidden=hidden)
        self.registration, self.root = registration, root

    @cached_property
    def registered(self) -> Info:
        return self.registration() if callable(self.registration) else self.registration

    @property  # click's attribute, read from the registration when asked for
    def help(self) -> str | None:
        info = self.registered
        if isinstance(info, TyperInfo):
            return solve_typer_info_defaults(info).help
        assert info.callback is not None, "typer requires a callback per command"
        return inspect.getdoc(info.callback) if info.help is None else inspect.cleandoc(info.help)

    @help.setter
    def help(self, value: str | None) -> None:
        assert value is None, "a pending command's help comes from its registration"

    def build(self) -> _click.Command:
        """The command (or group, its own subcommands pending) typer would have built."""
        info, root = self.registered, self.root
        if isinstance(info, TyperInfo):
            return _lazy_group(info, root)
        return get_command_from_info(
            info, pretty_exceptions_short=root.pretty_exceptions_short, rich_markup_mode=root.rich_markup_mode
        )


class LazyGroup(TyperGroup):
    """A group that builds a :class:`Pending` subcommand (and teaches it its help) on first use."""

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if isinstance(found, Pending):
            found = self.commands[cmd_name] = teach(found.build())
        return found


def whole(app: typer.Typer, branches: Branches) -> typer.Typer:
    """``app`` with every branch registered, in :func:`lazy_tree`'s order: what completion and docs walk."""
    full = copy(app)
    full.registered_commands = [*map(branches.command, branches.commands), *app.registered_commands]
    full.registered_groups = [*map(branches.group, branches.groups), *app.registered_groups]
    return full


def lazy_tree(app: typer.Typer, branches: Branches) -> TyperGroup:
    """``app``'s root group, each subcommand :class:`Pending`, in typer's order (commands, then groups)."""
    root = typer.main.get_command(_bare(app))
    assert isinstance(root, TyperGroup), "kfkit's root has a callback, so typer makes it a group"
    commands = [Pending(n, False, partial(branches.command, n), app) for n in branches.commands]
    groups = [Pending(n, False, partial(branches.group, n), app) for n in branches.groups]
    commands += _pending(app.registered_commands, app)
    groups += _pending(app.registered_groups, app)
    return _lazy(root, [*commands, *groups])


def _bare(app: typer.Typer) -> typer.Typer:
    bare = copy(app)
    bare.registered_commands, bare.registered_groups = [], []
    return bare


def _pending(infos: Sequence[Info], root: typer.Typer) -> list[Pending]:
    """A :class:`Pending` per registration, named and hidden as typer would."""
    pending = []
    for info in infos:
        if isinstance(info, TyperInfo):
            solved = solve_typer_info_defaults(info)
            name, hidden = solved.name or "", solved.hidden
        else:
            assert info.callback is not None, "typer requires a callback per command"
            name, hidden = info.name or get_command_name(info.callback.__name__), info.hidden
        pending.append(Pending(name, hidden, info, root))
    return pending


def _lazy(group: TyperGroup, pending: list[Pending]) -> TyperGroup:
    group.__class__ = LazyGroup
    group.commands = {p.name: p for p in pending if p.name}
    return group


def _lazy_group(info: TyperInfo, root: typer.Typer) -> TyperGroup:
    """A command group (``kfkit param``) built as typer would, its own subcommands :class:`Pending`."""
    app = info.typer_instance
    assert app is not None, "kfkit adds groups with add_typer"
    bare = copy(info)
    bare.typer_instance = _bare(app)
    group = get_group_from_info(
        bare,
        pretty_exceptions_short=root.pretty_exceptions_short,
        rich_markup_mode=root.rich_markup_mode,
        suggest_commands=root.suggest_commands,
    )
    return _lazy(group, _pending([*app.registered_commands, *app.registered_groups], root))
