"""The ``kfkit`` command: a thin typer layer over :mod:`kfkit`.

It parses arguments, calls the library, prints results, and maps a
:class:`~kfkit.errors.KfkitError` to ``error: <message>`` on stderr and its exit code
(tracebacks only with ``--debug``). Any other exception is a bug or an environment failure
(disk full, out of memory); :func:`run` still turns it into one ``error:`` line, exit 1, so a
user never sees a traceback they did not ask for.

No ``from __future__ import annotations`` here or in kfkit/cli/param.py: typer reads a
command's annotations each time it builds the command, and as strings each costs a compile
(~7 M instructions for ``kfkit param set``, whose root callback is built on every run).
"""

import errno
import gc
import sys
import time
import traceback
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

import kfkit
from kfkit import DEFAULT_MAX_OUTPUT, __version__
from kfkit.cli._globals import hoist
from kfkit.cli._help import invoke
from kfkit.cli._options import (
    ApiSpec,
    Components,
    Context,
    Env,
    ExtStr,
    JPath,
    Kubeconfig,
    Namespace,
    NoCache,
    Server,
    TlaStr,
    UpgradeApis,
    recording,
    render_options,
)
from kfkit.cli._output import note, warnings_as_notes
from kfkit.cli._progress import stop_progress
from kfkit.cli._state import State, current_app, set_argv, set_state, state
from kfkit.cli._tree import Branches, lazy_tree, whole
from kfkit.errors import KfkitError, UsageError

if TYPE_CHECKING:
    from kfkit import ObjectId

__all__ = ["BRANCHES", "app", "main", "run"]

app = typer.Typer(
    name="kfkit",
    help="The ksonnet workflow: prototypes → components → params per environment → show, diff, apply.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
BRANCHES = Branches(
    commands={
        "diff": "cluster:diff",
        "apply": "cluster:apply",
        "delete": "cluster:delete",
        "completion": "_complete:completion",
        "review": "review:review",
        "history": "history:history",
        "rollback": "history:rollback",
        "upgrade-apis": "upgrade:upgrade_apis",
        "upgrade": "upgrade:upgrade",
        "import": "import_:import_",
        "validate": "validate:validate",
        "generate": "prototype:generate",
    },
    groups={m: m for m in ("env", "prototype", "component", "module", "param", "registry", "pkg")},
    settings={"generate": {"allow_extra_args": True, "ignore_unknown_options": True}},
)
"""The commands and groups of the other modules of kfkit.cli, before ``app``'s own in help order;
each module is imported when the command line or a help page needs it (``whole(app, BRANCHES)``
is the whole CLI)."""


@app.callback()
def _root(
    directory: Annotated[
        Path, typer.Option("--dir", help="App directory (default: the working directory).")
    ] = Path(),
    debug: Annotated[
        bool,
        typer.Option("--debug", help="Show tracebacks and engine stacks on errors (anywhere on the line)."),
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Say more on stderr: what is loaded, rendered and sent.")
    ] = False,
    color: Annotated[
        str,
        typer.Option(
            "--color",
            help="Colour output: auto (a terminal, unless NO_COLOR or TERM=dumb; FORCE_COLOR forces), "
            "always or never.",
        ),
    ] = "auto",
    allow_import_outside: Annotated[
        bool,
        typer.Option(
            "--allow-import-outside",
            help="Let Jsonnet import files outside the app, its -J paths and kfkit's own files.",
        ),
    ] = False,
    max_output_mb: Annotated[
        int, typer.Option("--max-output-mb", min=1, help="Fail a render larger than this (JSON).")
    ] = DEFAULT_MAX_OUTPUT // 2**20,
) -> None:
    if color not in ("auto", "always", "never"):
        raise UsageError(f"--color must be auto, always or never, not {color!r}")
    set_state(State(directory, debug, verbose, color, allow_import_outside, max_output_mb * 2**20))


@app.command()
def init(
    directory: Path,
    env_name: Annotated[str, typer.Option("--env", help="Name of the first environment.")] = "default",
    server: Server = None,
    namespace: Namespace = None,
    context: Context = None,
    kubeconfig: Kubeconfig = None,
    force: Annotated[
        bool, typer.Option("--force", help="Init into a non-empty directory; existing files are kept.")
    ] = False,
    api_spec: ApiSpec = None,
) -> None:
    """Create a new app in DIRECTORY (a ksonnet 0.13 layout); never overwrites a file."""
    kf = kfkit.App.init(
        directory,
        env=env_name,
        server=server,
        namespace=namespace or "default",
        force=force,
        on_existing=lambda path: note(f"kept existing {path} (not overwritten)"),
        connection=recording(kubeconfig, context),
        api_spec=api_spec,
    )
    note(f'created app "{kf.name}" in {directory} with environment "{env_name}"')
    if api_spec:
        note(f"generated lib/ksonnet-lib/{kf.environment(env_name).k8s_version}/ from {api_spec}")


@app.command()
def show(
    env_name: Env = None,
    component: Components = None,
    output: Annotated[
        str, typer.Option("--output", "-o", "--format", help="yaml, json, or name (kind.group/name).")
    ] = "yaml",
    jpath: JPath = None,
    ext_str: ExtStr = None,
    tla_str: TlaStr = None,
    upgrade_apis: UpgradeApis = None,
    no_cache: NoCache = False,
    with_ownership: Annotated[
        bool,
        typer.Option(
            "--with-ownership",
            help="Add the labels and annotations apply adds, for `kubectl apply --server-side`.",
        ),
    ] = False,
) -> None:
    """Print an environment's rendered objects.

    With --with-ownership the objects are exactly what apply sends (less the namespace
    of objects that name none), so `kfkit show ENV --with-ownership | kubectl apply
    --server-side --field-manager=kfkit -n NAMESPACE -f -` keeps prune and remote: diffs working.
    """
    if output not in ("yaml", "json", "name"):
        raise UsageError(f"unknown output format {output!r}; use yaml, json or name")
    kf = current_app()
    started = time.monotonic()
    # An object two components render is shown twice with a warning, as ksonnet showed it.
    options = replace(
        render_options(jpath, ext_str, tla_str, upgrade_apis), cache=not no_cache, duplicates="warn"
    )
    objects = kf.render(env_name, components=component or (), options=options, ownership=with_ownership)
    if state().verbose:
        note(f"rendered {len(objects)} objects in {time.monotonic() - started:.2f}s")
    if output == "name":
        sys.stdout.write("".join(f"{_kubectl_name(kfkit.ObjectId.of(o))}\n" for o in objects))
    else:
        sys.stdout.write(kfkit.to_yaml(objects) if output == "yaml" else kfkit.to_json(objects))


def _kubectl_name(object_id: "ObjectId") -> str:
    """How ``kubectl get -o name`` names an object: ``deployment.apps/web``, ``service/web``."""
    kind = object_id.kind.lower() + (f".{object_id.group}" if object_id.group else "")
    return f"{kind}/{object_id.name}"


@app.command()
def version() -> None:
    """Print kfkit's version and its Jsonnet engine's."""
    engine = kfkit.engine_version().removeprefix("v")  # importlib.metadata alone costs ~50 ms at start
    sys.stdout.write(f"kfkit version: {__version__}\njsonnet engine: go-jsonnet {engine}\n")


def run(argv: list[str] | None = None) -> int:
    """Run the CLI on ``argv``; returns the exit code instead of exiting."""
    given = sys.argv[1:] if argv is None else argv
    set_argv(given)
    args = hoist(given)
    debug = "--debug" in args
    try:
        with warnings_as_notes():
            try:
                # completion walks the whole tree; a command needs only its own branch built
                whole_tree = "__complete" in args
                root = (
                    typer.main.get_command(whole(app, BRANCHES)) if whole_tree else lazy_tree(app, BRANCHES)
                )
                code = invoke(root, args)
            finally:
                stop_progress()  # a bar left by a failed stage goes before the error line
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    except KfkitError as exc:
        if debug:
            traceback.print_exc()
            if exc.details:
                sys.stderr.write(exc.details + "\n")
        sys.stderr.write(f"error: {exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        return INTERRUPTED
    except Exception as exc:  # the guard: whatever escaped the library, one line and exit 1
        if debug:
            traceback.print_exc()
        sys.stderr.write(f"error: {unexpected(exc)}\n")
        return 1
    if code == INTERRUPTED:  # typer turns Ctrl-C into a silent exit 130
        sys.stderr.write("error: interrupted\n")
    return code


INTERRUPTED = 130
"""Exit code after Ctrl-C (128 + SIGINT), as shells report it."""


def unexpected(exc: Exception) -> str:
    """One line for an exception kfkit did not raise on purpose."""
    if isinstance(exc, OSError) and exc.strerror:
        where = " → ".join(str(f) for f in (exc.filename, exc.filename2) if f is not None)
        message = f"{where}: {exc.strerror}" if where else exc.strerror
        if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EROFS, errno.EACCES):
            return message  # the environment's fault, not kfkit's: no hint about bugs
    elif isinstance(exc, MemoryError):
        message = "out of memory"
    elif isinstance(exc, RecursionError):
        message = "input nested too deeply (Python's recursion limit was reached)"
    else:
        first = str(exc).strip().splitlines()
        message = f"unexpected {type(exc).__name__}" + (f": {first[0]}" if first else "")
    return f"{message} (re-run with --debug for the traceback)"


def main() -> None:
    """Console-script entry point."""
    code = run()
    gc.freeze()  # the collection at exit need not walk what the command made: the process ends
    sys.exit(code)


gc.freeze()  # kfkit/cli/__init__.py paused the collector for the imports; they live until exit
gc.enable()
