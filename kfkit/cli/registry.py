"""``kfkit registry``: where packages come from (fs directories and git repositories)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from kfkit import REGISTRY_PROTOCOLS

if TYPE_CHECKING:
    from kfkit import Registry, RegistryIndex
from kfkit.cli._options import Output
from kfkit.cli._output import check_output, emit, emit_data, note
from kfkit.cli._state import current_app

app = typer.Typer(
    help="Manage registries: directories and git repositories of packages.", no_args_is_help=True
)

Protocol = Annotated[
    str | None,
    typer.Option("--protocol", help=f"One of {', '.join(REGISTRY_PROTOCOLS)} (default: guessed from URI)."),
]
Ref = Annotated[str | None, typer.Option("--ref", help="Git branch, tag or commit (default: HEAD).")]
Override = Annotated[
    bool,
    typer.Option("--override", "-o", help="In app.override.yaml (this checkout only) instead of app.yaml."),
]
SubPath = Annotated[
    str | None, typer.Option("--path", help="Directory of registry.yaml inside the repository.")
]


def _uri(registry: Registry) -> str:
    extras = [f"{k}={v}" for k, v in (("ref", registry.spec.ref), ("path", registry.spec.path)) if v]
    return registry.spec.uri + (f" ({', '.join(extras)})" if extras else "")


@app.command("add")
def add(
    name: str,
    uri: str,
    protocol: Protocol = None,
    ref: Ref = None,
    path: SubPath = None,
    override: Override = False,
) -> None:
    """Add registry NAME at URI: a directory, git URL or path, or github.com/<org>/<repo>/tree/<ref>/<dir>.

    With --override it goes into app.override.yaml and replaces app.yaml's registry of that name
    on this checkout only (a local clone of a team registry, say).
    """
    index = current_app().add_registry(
        name, uri, protocol=protocol, ref=ref or "", path=path or "", override=override
    )
    note(f"added registry {name!r} ({len(index.libraries)} packages{_at(index)})")


@app.command("set")
def set_(
    name: str,
    uri: Annotated[str | None, typer.Option("--uri", help="New URI.")] = None,
    ref: Ref = None,
    path: SubPath = None,
) -> None:
    """Change a registry's URI, ref or path."""
    index = current_app().set_registry(name, uri=uri, ref=ref, path=path)
    note(f"updated registry {name!r} ({len(index.libraries)} packages{_at(index)})")


@app.command("rm")
def rm(name: str, override: Override = False) -> None:
    """Remove a registry (refused while installed packages come from it); --override: app.override.yaml's."""
    current_app().remove_registry(name, override=override)
    note(f"removed registry {name!r}")


@app.command("update")
def update(
    names: Annotated[list[str] | None, typer.Argument(help="Registries (default: all).")] = None,
) -> None:
    """Fetch git registries again, so moved branches and new tags are seen."""
    kf = current_app()
    for name in names or sorted(kf.registries()):
        index = kf.registry_index(name, update=True)
        note(f"registry {name!r}: {len(index.libraries)} packages{_at(index)}")


@app.command("list")
def list_(output: Output = "table") -> None:
    """List the app's registries (and kfkit's built-in one)."""
    rows = [
        [name, "*" if r.spec.overridden else "", r.spec.protocol, _uri(r)]
        for name, r in sorted(current_app().registries().items())
    ]
    emit("registryList", ["name", "override", "protocol", "uri"], rows, output)


@app.command("describe")
def describe(name: str, output: Output = "table") -> None:
    """Show a registry's location and its packages."""
    check_output(output)
    kf = current_app()
    index = kf.registry_index(name)
    registry = kf.registries()[name]
    packages = sorted(index.libraries)
    if output != "table":
        data = {"name": name, "protocol": registry.spec.protocol, "uri": registry.spec.uri}
        data.update(ref=registry.spec.ref, path=registry.spec.path, commit=index.commit)
        emit_data("registry", {**data, "packages": packages}, output)
        return
    lines = [
        f"REGISTRY NAME:\n{name}\n",
        f"\nURI:\n{_uri(registry)}\n",
        f"\nPROTOCOL:\n{registry.spec.protocol}\n",
    ]
    if index.commit:
        lines.append(f"\nCOMMIT:\n{index.commit}\n")
    lines.append("\nPACKAGES:\n" + "".join(f"  {p}\n" for p in packages))
    sys.stdout.write("".join(lines))


def _at(index: RegistryIndex) -> str:
    return f" at {index.commit[:12]}" if index.commit else ""
