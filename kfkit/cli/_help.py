"""Help that teaches: kubectl-style ``--help`` pages with real metavars and examples.

:func:`teach` walks the command tree typer built and gives every command this module's help
page: the description, ``Usage:``, ``Flags:`` with metavars such as ``ENV`` and ``FILE``
(never Python type names), ``Examples:`` and the global flags. The same pages make
docs/cli.md (:func:`reference`), so the reference cannot drift from the program.

A command's examples are the ``Examples:`` section of its docstring (lines indented under
the heading; ``# …`` lines are comments), or else its entry in :data:`EXAMPLES`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from typing import Any

__all__ = ["EXAMPLES", "GLOBAL_FLAGS", "commands", "examples", "help_page", "invoke", "reference", "teach"]

GLOBAL_FLAGS = "--dir DIR, --debug, -v/--verbose, --color WHEN"
"""Shown under every page: they are accepted before or after any command."""

METAVARS = {
    "--dir": "DIR",
    "--env": "ENV",
    "--set": "ENV",
    "--server": "URL",
    "--namespace": "NAMESPACE",
    "--context": "CONTEXT",
    "--kubeconfig": "FILE",
    "--component": "COMPONENT",
    "--jpath": "DIR",
    "--ext-str": "KEY=VALUE",
    "--tla-str": "KEY=VALUE",
    "--values-file": "FILE",
    "--output": "FORMAT",
    "--timeout": "DURATION",
    "--color": "WHEN",
    "--against": "LOCATION",
    "--max-history": "N",
    "--k8s-version": "X.Y",
    "--crd-dir": "DIR",
    "--registry": "DIR",
    "--from": "PATH",
    "--from-component": "COMPONENT",
    "--registry-name": "NAME",
    "--description": "DESCRIPTION",
}
"""Metavars by long flag; other flags with a value show their name in capitals."""

EXAMPLES: dict[str, str] = {
    "": """
        # a new app, a model server from a prototype, then review and deploy it
        kfkit init kubeflow-app && cd kubeflow-app
        kfkit generate tf-serving model-server --name=inception
        kfkit show default -c model-server
        kfkit apply default -c model-server""",
    "init": """
        # a new app whose environment "default" points at the current kubeconfig context
        kfkit init kubeflow-app
        # pin the environment to another cluster and namespace
        kfkit init kubeflow-app --context staging --namespace ml
        # the context from another kubeconfig file
        kfkit init kubeflow-app --kubeconfig ~/.kube/lab.yaml --context lab""",
    "show": """
        # every object of the current environment, as YAML
        kfkit show
        # one component of environment prod, as JSON
        kfkit show prod -c model-server -o json
        # with a Jsonnet ext var
        kfkit show default -V imageTag=v2""",
    "diff": """
        # what apply would change in the cluster (exit 10 when something would)
        kfkit diff default
        # compare two environments' rendered objects
        kfkit diff local:staging local:prod
        # for CI: one JSON report on stdout (docs/output.md)
        kfkit diff prod -o json > diff.json""",
    "apply": """
        # dry-run every object on the server, then apply; asks first on a terminal
        kfkit apply default
        # only one component, without asking, waiting until it is ready
        kfkit apply prod -c model-server --yes --wait --timeout 5m
        # also delete what this environment applied before but no longer renders
        kfkit apply prod --prune
        # first create the environment's namespace if the cluster lacks it
        kfkit apply dev --create-namespace
        # for CI: one JSON report on stdout, also when --wait times out (docs/output.md)
        kfkit apply prod --yes --wait -o json > apply.json""",
    "delete": """
        # what would be deleted
        kfkit delete default --dry-run
        # delete one component's objects without asking
        kfkit delete default -c model-server --yes
        # for CI: one JSON report on stdout (docs/output.md)
        kfkit delete default --yes -o json""",
    "generate": """
        # a component from the tf-serving prototype (see its params with: kfkit prototype describe tf-serving)
        kfkit generate tf-serving model-server --name=inception --modelPath=/serving/inception-export
        # object params are Jsonnet or JSON literals
        kfkit generate single-port-service web --targetLabelSelector "{app: 'nginx'}"
        # param values from a file
        kfkit generate tf-serving model-server --values-file values.jsonnet""",
    "version": """
        kfkit version""",
    "env": """
        kfkit env add prod --context prod-cluster --namespace ml
        kfkit env list""",
    "env add": """
        # an environment for the cluster of the current kubeconfig context
        kfkit env add staging
        # for a named context, in namespace ml
        kfkit env add prod --context prod-cluster --namespace ml
        # for a server URL
        kfkit env add dev --server https://127.0.0.1:6443
        # for a context of another kubeconfig file
        kfkit env add lab --kubeconfig ~/.kube/lab.yaml --context lab""",
    "env list": """
        kfkit env list
        # ksonnet's {"kind": "envList", "data": [...]}, as JSON or YAML
        kfkit env list -o json
        kfkit env list -o yaml""",
    "env rm": """
        kfkit env rm staging""",
    "env set": """
        # rename an environment
        kfkit env set staging --name stage
        # point it at another namespace
        kfkit env set prod --namespace ml-serving""",
    "env current": """
        # which environment commands use when given none
        kfkit env current
        kfkit env current --set prod
        kfkit env current --unset""",
    "env describe": """
        kfkit env describe default""",
    "prototype": """
        kfkit prototype list
        kfkit prototype describe tf-serving""",
    "prototype list": """
        kfkit prototype list
        kfkit prototype list -o json""",
    "prototype search": """
        kfkit prototype search serving""",
    "prototype describe": """
        # params with types and defaults
        kfkit prototype describe tf-serving""",
    "prototype preview": """
        # the component source generate would write
        kfkit prototype preview single-port-service --targetLabelSelector "{app: 'web'}\"""",
    "prototype use": """
        # the same as kfkit generate
        kfkit prototype use tf-serving model-server --name=inception""",
    "component": """
        kfkit component list
        kfkit component rm model-server""",
    "component list": """
        kfkit component list
        kfkit component list -o json""",
    "component rm": """
        # the file, its params and its environment overrides
        kfkit component rm model-server""",
    "param": """
        kfkit param set model-server modelPath /serving/inception-export
        kfkit param list model-server""",
    "param set": """
        # a component param
        kfkit param set model-server modelPath /serving/inception-export
        # only in environment prod
        kfkit param set model-server replicas 3 --env prod
        # a global param (every component gets it); dotted keys nest
        kfkit param set resources.limits.cpu 2
        # digits kept as a string
        kfkit param set model-server modelVersion 0012 --as-string""",
    "param delete": """
        kfkit param delete model-server replicas
        kfkit param delete model-server replicas --env prod""",
    "param list": """
        # params as components see them, with the file each value comes from
        kfkit param list
        kfkit param list model-server --env prod -o json
        # only what environment prod's own files set (overrides and globals)
        kfkit param list --env prod --without-modules""",
    "param diff": """
        kfkit param diff staging prod
        kfkit param diff staging prod --component model-server""",
    "registry": """
        kfkit registry add kubeflow github.com/kubeflow/kubeflow/tree/v0.2.0/kubeflow
        kfkit registry list""",
    "registry add": """
        # a git repository at a tag, registry.yaml in its kubeflow/ directory
        kfkit registry add kubeflow github.com/kubeflow/kubeflow/tree/v0.2.0/kubeflow
        # a local directory holding registry.yaml
        kfkit registry add local ./my-registry""",
    "registry set": """
        kfkit registry set kubeflow --ref v0.3.0""",
    "registry rm": """
        kfkit registry rm local""",
    "registry update": """
        # every git registry
        kfkit registry update
        kfkit registry update kubeflow""",
    "registry list": """
        kfkit registry list
        kfkit registry list -o json""",
    "registry describe": """
        kfkit registry describe kubeflow""",
    "pkg": """
        kfkit pkg install kubeflow/tf-serving
        kfkit pkg list --installed""",
    "pkg install": """
        kfkit pkg install kubeflow/tf-serving
        # a version, for one environment only
        kfkit pkg install kubeflow/tf-serving@v0.2.0 --env prod""",
    "pkg remove": """
        kfkit pkg remove kubeflow/tf-serving""",
    "pkg list": """
        kfkit pkg list
        kfkit pkg list --installed -o json""",
    "pkg describe": """
        kfkit pkg describe kubeflow/tf-serving""",
    "pkg verify": """
        # are the vendored files still as installed?
        kfkit pkg verify""",
    "pkg new": """
        # a working package (parts.yaml, prototype, library, README) in registry ./my-registry
        kfkit pkg new hello --registry ./my-registry
        # a prototype with typed params from existing manifests
        kfkit pkg new web --registry ./my-registry --from manifests.yaml
        # a reusable package from a component of the current app
        kfkit pkg new model-server --registry ./my-registry --from-component model-server""",
    "pkg test": """
        kfkit pkg test ./my-registry/hello""",
    "review": """
        # an HTML report of what applying environment prod would change
        kfkit review prod -o report.html
        # Markdown for a pull-request comment, against another environment's objects
        kfkit review prod --against local:staging -o md""",
    "history": """
        # the revisions recorded by apply, delete and rollback
        kfkit history prod
        # one revision with its per-object results
        kfkit history prod 3 -o json""",
    "rollback": """
        # show what re-applying revision 3 would change, then do it
        kfkit rollback prod 3
        kfkit rollback prod 3 --dry-run""",
    "upgrade-apis": """
        # which objects use removed Kubernetes APIs, and what --upgrade-apis makes of them
        kfkit upgrade-apis prod
        kfkit upgrade-apis prod -c model-server --diff""",
}
"""Examples of the commands whose docstrings have none, by command path."""

_ROLE = re.compile(r"``([^`]+)``")


def teach(command: Any) -> Any:
    """Give ``command`` and every subcommand this module's help page; returns ``command``."""
    for _, found in commands(command):
        found.__class__ = _taught(type(found))
        for param in found.params:
            if param.param_type_name == "argument" and param.metavar is None:
                param.metavar = param.name.upper()  # also what usage errors call it
    return command


_TAUGHT: dict[type, type] = {}


def _taught(cls: type) -> type:
    """``cls`` with this module's help page (one subclass per class)."""

    def format_help(self: Any, ctx: Any, formatter: Any) -> None:
        formatter.write(help_page(self, ctx.command_path, _ARGV.get()))

    if cls not in _TAUGHT.values():
        _TAUGHT.setdefault(cls, type(cls.__name__, (cls,), {"format_help": format_help}))
        return _TAUGHT[cls]
    return cls


def commands(command: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """``(path, command)`` for ``command`` and every subcommand, depth first, in help order."""
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        if not getattr(sub, "hidden", False):
            yield from commands(sub, f"{path} {name}".strip())


def _description(command: Any) -> tuple[str, str]:
    """The help text without its examples, and the examples; RST markup removed."""
    text = _ROLE.sub(r"\1", (command.help or "").replace("\b", ""))
    body, _, examples = text.partition("\nExamples:")
    return _dedent(body).strip(), examples


def examples(command: Any, path: str) -> list[str]:
    """The example lines of a command (comments start with ``#``)."""
    text = _description(command)[1] or EXAMPLES.get(path, "")
    return [line.strip() for line in text.strip("\n").splitlines() if line.strip()]


def _dedent(text: str) -> str:
    lines = text.splitlines()
    indents = [len(line) - len(line.lstrip()) for line in lines[1:] if line.strip()]
    cut = min(indents, default=0)
    return "\n".join([lines[0].strip(), *(line[cut:] for line in lines[1:])]) if lines else ""


def _flag_metavar(option: Any) -> str:
    if getattr(option, "is_flag", False) or getattr(option, "count", False):
        return ""
    longs = [o for o in option.opts if o.startswith("--")]
    name = longs[0] if longs else option.opts[0]
    return METAVARS.get(name) or name.lstrip("-").upper().replace("-", "_")


def _argument_metavar(argument: Any) -> str:
    metavar = argument.metavar or argument.name.upper()
    if not argument.required and not metavar.startswith("["):
        metavar = f"[{metavar}]"
    return f"{metavar}..." if argument.nargs == -1 and " " not in metavar else metavar


def _flags(command: Any) -> list[tuple[str, str]]:
    rows = []
    for param in command.params:
        if param.param_type_name != "option" or getattr(param, "hidden", False):
            continue
        shorts = [o for o in param.opts if not o.startswith("--")]
        longs = [o for o in param.opts if o.startswith("--")]
        metavar = _flag_metavar(param)
        names = ", ".join(shorts + longs) + (f" {metavar}" if metavar else "")
        help_text = _ROLE.sub(r"\1", param.help or "")
        default = param.default
        shown = default not in (None, False, (), [], "") and "default" not in help_text
        if metavar and shown and not callable(default):
            help_text += f" (default: {default})"
        rows.append((names, help_text))
    rows.append(("-h, --help", "Show this help."))
    return rows


def _usage(command: Any, path: str) -> str:
    if hasattr(command, "commands"):
        return f"kfkit {path} COMMAND [flags]".replace("  ", " ")
    arguments = [_argument_metavar(p) for p in command.params if p.param_type_name == "argument"]
    extra = " [--PARAM VALUE ...]" if command.context_settings.get("allow_extra_args") else ""
    return " ".join(["kfkit", path, *arguments]).replace("  ", " ") + extra + " [flags]"


def _table(rows: list[tuple[str, str]]) -> str:
    width = min(max((len(name) for name, _ in rows), default=0), 30)
    lines = []
    for name, text in rows:
        if len(name) > width:
            lines.append(f"  {name}\n  {'':{width}}   {text}".rstrip())
        else:
            lines.append(f"  {name:{width}}   {text}".rstrip())
    return "\n".join(lines)


def _summary(command: Any) -> str:
    return _description(command)[0].split("\n\n")[0].replace("\n", " ")


_ARGV: ContextVar[tuple[str, ...]] = ContextVar("kfkit_argv", default=())
"""The command line being run: ``generate PROTOTYPE --help`` shows that prototype's params."""


def _prototype_params(path: str, argv: Sequence[str]) -> str:
    """``Params of prototype …`` for the PROTOTYPE given on the command line, if any."""
    from kfkit.cli.prototype import params_help  # the app is only read when asked for

    words = path.split()
    for i in range(len(argv) - len(words)):
        if list(argv[i : i + len(words)]) == words:
            name = next((a for a in argv[i + len(words) :] if not a.startswith("-")), "")
            return params_help(name) if name else ""
    return ""


def help_page(command: Any, command_path: str, argv: Sequence[str] = ()) -> str:
    """The ``--help`` page of the command at ``command_path`` (``kfkit param set``).

    ``argv`` is the command line asking for it: ``generate PROTOTYPE --help`` adds the params.
    """
    path = command_path.removeprefix("kfkit").strip()
    description, _ = _description(command)
    parts = [description, f"Usage:\n  {_usage(command, path)}"]
    if path in ("generate", "prototype use", "prototype preview"):
        parts.append(_prototype_params(path, argv))
    if hasattr(command, "commands"):
        subs = [(name, _summary(sub)) for name, sub in command.commands.items() if not sub.hidden]
        parts.append("Commands:\n" + _table(subs))
    parts.append("Flags:\n" + _table(_flags(command)))
    lines = examples(command, path)
    if lines:
        parts.append("Examples:\n" + "\n".join(f"  {line}" for line in lines))
    if path:
        parts.append(f"Global flags (before or after the command): {GLOBAL_FLAGS}; see 'kfkit --help'.")
    if hasattr(command, "commands"):
        prefix = f"kfkit {path} " if path else "kfkit "
        parts.append(f"Run '{prefix}COMMAND --help' for a command's flags and examples.")
    return "\n\n".join(p for p in parts if p) + "\n"


GENERATED = "<!-- Generated from the program by scripts/cli-docs: edit the help texts, not below. -->\n"
"""docs/cli.md's marker: above it prose, below it every command's help page."""


def reference(root: Any) -> str:
    """The generated part of docs/cli.md: every command's ``--help`` page, in help order."""
    out = [GENERATED]
    for path, command in commands(root):
        page = help_page(command, f"kfkit {path}")
        out.append(f"\n### kfkit {path}".rstrip() + f"\n\n```\n{page}```\n")
    return "".join(out)


def invoke(root: Any, argv: list[str]) -> int:
    """Run the taught command tree on ``argv``; usage errors are ``error: …`` plus a hint, exit 2.

    Other exceptions (kfkit's errors, Ctrl-C) propagate to the caller's guard.
    """
    import typer
    from typer import _click  # typer vendors click; its usage errors are not re-exported

    command = teach(root)
    if "__complete" in argv:  # the shell asking what may follow (kfkit completion)
        from kfkit.cli._complete import candidates

        at = argv.index("__complete")
        sys.stdout.write("".join(f"{c}\n" for c in candidates(command, [*argv[:at], *argv[at + 1 :]])))
        return 0
    token = _ARGV.set(tuple(argv))
    try:
        result = command.main(args=argv, prog_name="kfkit", standalone_mode=False)
    except _click.exceptions.NoArgsIsHelpError as exc:
        if exc.ctx is not None:
            sys.stdout.write(exc.ctx.get_help() + "\n")
        return 0
    except _click.exceptions.UsageError as exc:
        message = exc.format_message()
        sys.stderr.write(f"error: {message[:1].lower()}{message[1:]}\n")
        where = exc.ctx.command_path if exc.ctx else "kfkit"
        sys.stderr.write(f"hint: '{where} --help' shows the usage, flags and examples\n")
        return USAGE_EXIT
    except typer.Abort:
        sys.stderr.write("error: aborted\n")
        return 1
    finally:
        _ARGV.reset(token)
    return result if isinstance(result, int) else 0


USAGE_EXIT = 2
"""Exit code of a command line kfkit cannot parse, as click and kubectl use."""
