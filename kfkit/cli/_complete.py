"""Shell completion: commands, flags, and names read from the app on disk.

``kfkit completion bash|zsh|fish`` prints a small script; on TAB the shell runs
``kfkit __complete WORD…`` (the words typed so far, the last one being completed) and offers
the lines it prints. The candidates come from walking the command tree (subcommands and
flags) and from the app: environment names, component names (qualified by module: ``db.redis``),
module names, prototype names and a component's param keys, so completion stays right as the
app changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from kfkit.cli._globals import GLOBAL_OPTIONS

__all__ = ["SCRIPTS", "candidates", "completion"]

SCRIPTS = {
    "bash": """\
# kfkit completion for bash: source <(kfkit completion bash)
_kfkit() {
    local IFS=$'\\n'
    COMPREPLY=($(kfkit __complete "${COMP_WORDS[@]:1:$COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _kfkit kfkit
""",
    "zsh": """\
#compdef kfkit
# kfkit completion for zsh: source <(kfkit completion zsh)
_kfkit() {
    local -a found
    found=("${(@f)$(kfkit __complete "${(@)words[2,$CURRENT]}" 2>/dev/null)}")
    compadd -a found
}
compdef _kfkit kfkit
""",
    "fish": """\
# kfkit completion for fish: kfkit completion fish | source
function __kfkit_complete
    set -l words (commandline -opc) (commandline -ct)
    kfkit __complete $words[2..-1] 2>/dev/null
end
complete -c kfkit -f -a '(__kfkit_complete)'
""",
}
"""The script each shell sources; all of them ask ``kfkit __complete``."""

_Names = Callable[[Path, Sequence[str]], list[str]]


def _envs(directory: Path, _: Sequence[str]) -> list[str]:
    from kfkit import App

    return [e.name for e in App.load(directory).environments()]


def _locations(directory: Path, words: Sequence[str]) -> list[str]:
    envs = _envs(directory, words)
    return [*envs, *(f"{side}:{env}" for side in ("local", "remote") for env in envs)]


def _components(directory: Path, words: Sequence[str]) -> list[str]:
    """Qualified names (``db.redis``); after an environment argument, only the components it renders."""
    from kfkit import App

    kf = App.load(directory)
    known = {e.name for e in kf.environments()}
    envs = [w.rpartition(":")[2] for w in words if w.rpartition(":")[2] in known]  # local:prod too
    modules = {m.name for env in envs for m in kf.modules(env)}
    return sorted(c.name for c in kf.components() if not envs or c.module in modules)


def _modules(directory: Path, _: Sequence[str]) -> list[str]:
    from kfkit import App

    return [m.name for m in App.load(directory).modules()]


def _new_name(_directory: Path, _words: Sequence[str]) -> list[str]:
    """A name not taken yet (generate's component): the app's names would all be refused."""
    return []


def _prototypes(directory: Path, _: Sequence[str]) -> list[str]:
    from kfkit import Prototypes

    names = {p.name for p in Prototypes.near(directory).list()}
    return sorted(names | {n.rsplit(".", 1)[-1] for n in names})


def _param_keys(directory: Path, words: Sequence[str]) -> list[str]:
    """``param set COMPONENT <TAB>``: that component's params; with no component, the components."""
    from kfkit import App

    if not words:
        return _components(directory, words)
    rows = App.load(directory).params(words[0])
    return sorted({r.param for r in rows if r.component == words[0]})


# Which names an argument or flag takes, by command path and argument/flag name.
_ARGUMENTS: dict[str, _Names] = {
    "env_name": _envs,
    "env1": _envs,
    "env2": _envs,
    "first": _locations,
    "second": _locations,
    "prototype": _prototypes,
    "component": _components,
}
_BY_COMMAND: dict[tuple[str, str], _Names] = {
    ("env rm", "name"): _envs,
    ("env set", "name"): _envs,
    ("env describe", "name"): _envs,
    ("env update", "name"): _envs,
    ("env targets", "name"): _envs,
    ("generate", "component"): _new_name,
    ("prototype use", "component"): _new_name,
    ("component rm", "name"): _components,
    ("prototype describe", "name"): _prototypes,
    ("prototype preview", "name"): _prototypes,
    ("prototype search", "query"): _prototypes,
    ("param set", "args"): _param_keys,
    ("param delete", "args"): _param_keys,
    ("param list", "component"): _components,
}
_FLAGS: dict[str, _Names] = {
    "--env": _envs,
    "--set": _envs,
    "--component": _components,
    "--module": _modules,
}


def candidates(root: Any, words: Sequence[str]) -> list[str]:
    """What may come next: ``words`` are the words after ``kfkit``, the last one being completed."""
    *done, incomplete = [*words] or [""]
    directory = Path()
    command, path = root, ""
    positional: list[str] = []
    i = 0
    while i < len(done):
        word = done[i]
        if word == "--dir" and i + 1 < len(done):
            directory = Path(done[i + 1])
        if word in GLOBAL_OPTIONS:
            i += 1 + GLOBAL_OPTIONS[word]
            continue
        option = _option(command, word)
        if option is not None:
            i += 1 if _is_flag(option) or "=" in word else 2
            continue
        sub = getattr(command, "commands", {}).get(word)
        if sub is not None and not positional:
            command, path = sub, f"{path} {word}".strip()
        else:
            positional.append(word)
        i += 1
    found = _next(command, path, directory, done, positional, incomplete)
    return [c for c in found if c.startswith(incomplete)]


def _next(
    command: Any, path: str, directory: Path, done: Sequence[str], positional: list[str], incomplete: str
) -> list[str]:
    previous = _option(command, done[-1]) if done else None
    if previous is not None and not _is_flag(previous) and "=" not in done[-1]:
        names = _FLAGS.get(_long(previous))
        if _long(previous) == "--output":
            return _formats(previous)
        return _safely(names, directory, positional) if names else []
    if incomplete.startswith("-"):
        return _flags(command)
    if hasattr(command, "commands"):
        return [name for name, sub in command.commands.items() if not sub.hidden]
    arguments = [p for p in command.params if p.param_type_name == "argument"]
    if not arguments:
        return []
    argument = arguments[min(len(positional), len(arguments) - 1)]
    if argument.nargs == 1 and len(positional) >= len(arguments):
        return []
    names = _BY_COMMAND.get((path, argument.name)) or _ARGUMENTS.get(argument.name)
    return _safely(names, directory, positional) if names else []


def _safely(names: _Names, directory: Path, positional: Sequence[str]) -> list[str]:
    """Names from the app; none (rather than an error in the shell) when there is no app."""
    from kfkit.errors import KfkitError

    try:
        return names(directory, positional)
    except (KfkitError, OSError):
        return []


def _option(command: Any, word: str) -> Any:
    name = word.partition("=")[0]
    if not name.startswith("-"):
        return None
    return next((p for p in command.params if p.param_type_name == "option" and name in p.opts), None)


def _formats(option: Any) -> list[str]:
    """The formats an ``--output`` takes, as its help names them (``table, json or yaml.``)."""
    return list(dict.fromkeys(re.findall(r"\b(table|text|yaml|json|name|html|md)\b", option.help or "")))


def _is_flag(option: Any) -> bool:
    return bool(getattr(option, "is_flag", False) or getattr(option, "count", False))


def _long(option: Any) -> str:
    return str(next((o for o in option.opts if o.startswith("--")), option.opts[0]))


def _flags(command: Any) -> list[str]:
    own = [o for p in command.params if p.param_type_name == "option" for o in p.opts if o.startswith("--")]
    return [*own, "--help", *(g for g in GLOBAL_OPTIONS if g.startswith("--"))]


def completion(shell: str) -> None:
    """Print the shell completion script for bash, zsh or fish.

    Completes commands, flags, and the app's environment, component, module, prototype and param names.

    Examples:
      # bash: now, then for every new shell
      source <(kfkit completion bash)
      echo 'source <(kfkit completion bash)' >> ~/.bashrc
      # zsh (after compinit)
      echo 'source <(kfkit completion zsh)' >> ~/.zshrc
      # fish
      kfkit completion fish > ~/.config/fish/completions/kfkit.fish
    """
    import sys

    from kfkit.errors import UsageError

    if shell not in SCRIPTS:
        raise UsageError(f"no completion for shell {shell!r}; use bash, zsh or fish")
    sys.stdout.write(SCRIPTS[shell])
