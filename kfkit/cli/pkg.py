"""``kfkit pkg``: install, list, describe, verify and remove packages."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

import kfkit
from kfkit.cli._options import Output
from kfkit.cli._output import emit, note
from kfkit.cli._state import current_app
from kfkit.errors import PackageError, UsageError

app = typer.Typer(help="Install and manage packages of prototypes and libraries.", no_args_is_help=True)

EnvOption = Annotated[
    str | None, typer.Option("--env", help="Only for this environment (app.yaml's environment libraries).")
]


@app.command("install")
def install(
    package: Annotated[str, typer.Argument(metavar="REGISTRY/PACKAGE[@VERSION]")],
    name: Annotated[str | None, typer.Option("--name", help="Install under this name.")] = None,
    env: EnvOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite a vendored copy that was changed or is not recorded.")
    ] = False,
) -> None:
    """Vendor a package into vendor/<registry>/ and record it in app.yaml."""
    kf = current_app()
    installed = kf.install(package, name=name, env=env, force=force)
    version = f"@{installed.lib.version}" if installed.lib.version else ""
    note(f"installed {installed.lib.key}{version} in {installed.directory.relative_to(kf.root)}")


@app.command("remove")
def remove(
    package: Annotated[str, typer.Argument(metavar="REGISTRY/PACKAGE")], env: EnvOption = None
) -> None:
    """Forget an installed package and delete its vendored files (when nothing else uses them)."""
    lib = current_app().uninstall(package, env=env)
    note(f"removed {lib.key}")


@app.command("list")
def list_(
    installed: Annotated[
        bool, typer.Option("--installed", help="Only installed packages (no registry reads).")
    ] = False,
    output: Output = "table",
) -> None:
    """List the packages of every registry, and which are installed (and intact)."""
    rows = [
        [
            p.registry,
            p.name,
            p.version,
            "*" if p.installed else "",
            ",".join(p.installed.environments) if p.installed else "",
            p.installed.status if p.installed else "",
        ]
        for p in current_app().packages(installed_only=installed)
    ]
    emit("pkgList", ["registry", "name", "version", "installed", "environments", "status"], rows, output)


@app.command("describe")
def describe(package: Annotated[str, typer.Argument(metavar="[REGISTRY/]PACKAGE")]) -> None:
    """Show a package's description and, once installed, its prototypes."""
    info = current_app().describe_package(package)
    out = [f"LIBRARY NAME:\n{package}\n", f"\nDESCRIPTION:\n{info.description}\n"]
    if info.installed:
        out.append(f"\nVERSION:\n{info.version or '(none)'}\n\nSTATUS:\n{info.installed.status}\n")
        out.append("\nPROTOTYPES:\n" + "".join(f"  {n} - {d}\n" for n, d in info.prototypes))
    sys.stdout.write("".join(out))


@app.command("verify")
def verify() -> None:
    """Check every installed package's vendored files against the hash recorded at install."""
    kf = current_app()
    problems = kf.package_problems()
    for problem in problems:
        note(f"error: {problem.problem}")
    if problems:
        raise PackageError(f"{len(problems)} installed package(s) do not match app.yaml")
    note(f"{len(kf.packages(installed_only=True))} installed package(s) verified")


RegistryName = Annotated[
    str | None,
    typer.Option(
        "--registry-name", help="Registry name the package imports itself by (default: the directory's)."
    ),
]


@app.command("new")
def new(
    name: str,
    registry: Annotated[
        Path, typer.Option("--registry", help="Registry directory (registry.yaml is updated).")
    ] = Path(),
    source: Annotated[
        str | None,
        typer.Option("--from", help="Manifests to turn into a prototype: a file, a directory or -."),
    ] = None,
    component: Annotated[
        str | None, typer.Option("--from-component", help="A component of the current app, with its params.")
    ] = None,
    registry_name: RegistryName = None,
    description: Annotated[str, typer.Option("--description", help="parts.yaml's description.")] = "",
) -> None:
    """Create package NAME: a scaffold, or a prototype made from manifests or from a component."""
    if source is not None and component is not None:
        raise UsageError("give --from or --from-component, not both")
    if component is not None:
        path = current_app().package_from_component(component, name, registry, registry=registry_name)
    else:
        path = kfkit.new_package(
            name, registry, from_manifests=source, registry=registry_name, description=description
        )
    note(f"created package {name} in {path}; try `kfkit pkg test {path}`")


@app.command("test")
def check(directory: Path, registry_name: RegistryName = None, output: Output = "table") -> None:
    """Render every prototype of the package in DIRECTORY with its defaults and each example."""
    results = kfkit.run_package_tests(directory, registry=registry_name)
    rows = [[r.prototype, r.case, r.error or f"ok ({r.objects} objects)"] for r in results]
    emit("pkgTest", ["prototype", "case", "result"], rows, output)
    failed = [r for r in results if r.error]
    if failed:
        first = failed[0]
        raise PackageError(
            f"{len(failed)} of {len(results)} renders failed: {first.prototype} ({first.case}): {first.error}"
        )
