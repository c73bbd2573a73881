"""Global options are accepted anywhere on the command line, before or after the subcommand.

click parses a group's options only before the subcommand, so ``kfkit show --debug`` would be
an unknown option. :func:`hoist` moves every global option (with its value) to the front of
argv before typer parses it; the root callback in :mod:`kfkit.cli.main` then declares them once,
so ``kfkit --help`` lists them. To make another root option global, declare it on the callback
and add it to :data:`GLOBAL_OPTIONS`.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["GLOBAL_OPTIONS", "hoist"]

GLOBAL_OPTIONS: dict[str, int] = {
    "--debug": 0,
    "--dir": 1,
    "--verbose": 0,
    "-v": 0,
    "--color": 1,
    "--allow-import-outside": 0,
    "--max-output-mb": 1,
}
"""Every global option's spelling → how many values follow it (0 for a flag)."""


def hoist(argv: Sequence[str]) -> list[str]:
    """``argv`` with the global options (and their values) moved to the front, order kept.

    ``--`` ends hoisting, so a value that looks like a global option can still be passed.
    ``--opt=value`` is hoisted as one token; a flag written ``--flag=x`` is left for click
    to reject.
    """
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(argv):
        token = argv[i]
        if token == "--":
            rest.extend(argv[i:])
            break
        name, equals, _ = token.partition("=")
        arity = GLOBAL_OPTIONS.get(name)
        if arity is None or (equals and arity == 0):
            rest.append(token)
            i += 1
            continue
        taken = 1 if equals else 1 + arity
        front.extend(argv[i : i + taken])
        i += taken
    return front + rest
