"""``kfkit env``: environments and their destinations."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from kfkit import UsageError
from kfkit.cli._options import API_SPEC, ApiSpec, Context, Kubeconfig, Namespace, Output, Server, recording
from kfkit.cli._output import emit, note
from kfkit.cli._state import current_app

app = typer.Typer(help="Manage environments: where and how the app is deployed.", no_args_is_help=True)

Override = Annotated[
    bool,
    typer.Option(
        "--override",
        "-o",
        help="In app.override.yaml (this checkout only, not committed) instead of app.yaml.",
    ),
]


@app.command("add")
def add(
    name: str,
    server: Server = None,
    namespace: Namespace = None,
    context: Context = None,
    override: Override = False,
    kubeconfig: Kubeconfig = None,
    api_spec: ApiSpec = None,
) -> None:
    """Add an environment (its files under environments/<name>/).

    With --override it goes into app.override.yaml: an environment of app.yaml by that name is
    redefined on this checkout only (its files are kept), as ksonnet's `env add -o` did.
    """
    kf = current_app(recording(kubeconfig, context))
    spec = kf.add_env(
        name, server=server, namespace=namespace or "default", override=override, api_spec=api_spec
    )
    note(
        f'added environment "{name}"{" to app.override.yaml" if override else ""} '
        f"(server {spec.destination.server or 'not set'}, namespace {spec.destination.namespace}"
        + (f", ksonnet-lib {spec.k8s_version} from {api_spec})" if api_spec else ")")
    )


@app.command("list")
def list_(output: Output = "table") -> None:
    """List environments."""
    rows = [
        [e.name, "*" if e.overridden else "", e.k8s_version, e.destination.namespace, e.destination.server]
        for e in current_app().environments()
    ]
    emit(
        "envList",  # ksonnet's kind, so its scripts keep working
        ["name", "override", "kubernetes-version", "namespace", "server"],
        rows,
        output,
    )


@app.command("rm")
def rm(
    name: str,
    force: Annotated[
        bool, typer.Option("--force", help="Remove it even if it is the current environment.")
    ] = False,
    override: Override = False,
) -> None:
    """Remove an environment and its files (other environments' files inside it are kept).

    With --override, app.override.yaml's entry: an environment app.yaml also defines stays,
    with its files.
    """
    kf = current_app()
    if kf.is_current_env(name) and not force and sys.stdin.isatty():
        question = f'"{name}" is the current environment; remove it and clear .ks_environment?'
        if not typer.confirm(question, default=False, err=True):
            note("aborted; nothing was changed")
            raise typer.Exit(1)
        force = True
    cleared = kf.remove_env(name, force=force, override=override)
    note(f'removed environment "{name}"' + (" and cleared the current environment" if cleared else ""))


@app.command("set")
def set_(
    name: str,
    new_name: Annotated[str | None, typer.Option("--name", help="Rename the environment.")] = None,
    namespace: Namespace = None,
    server: Server = None,
    upgrade_apis: Annotated[
        bool | None,
        typer.Option(
            "--upgrade-apis/--no-upgrade-apis",
            help="Always render this environment with objects of removed APIs upgraded (kfkit upgrade-apis).",
        ),
    ] = None,
    api_spec: Annotated[
        str | None,
        typer.Option(
            "--api-spec",
            metavar="SOURCE",
            help=API_SPEC + ", or cluster (the environment's server's /openapi/v2, CRDs included).",
        ),
    ] = None,
    override: Override = False,
) -> None:
    """Change an environment's name, namespace, server, API upgrades or Kubernetes version.

    With --override the change goes into app.override.yaml (this checkout only), app.yaml stays
    as it is; a renamed override entry keeps using the environment's directory.
    """
    kf = current_app()
    if api_spec:
        version = kf.use_api_spec(name, api_spec, override=override)
        note(f"generated lib/ksonnet-lib/{version}/ from {api_spec}")
    if not api_spec or any(v is not None for v in (new_name, namespace, server, upgrade_apis)):
        kf.update_env(  # refuses "nothing to set" itself
            name,
            new_name=new_name,
            server=server,
            namespace=namespace,
            upgrade_apis=upgrade_apis,
            override=override,
        )
    note(f'updated environment "{new_name or name}"')


@app.command("update")
def update(name: str) -> None:
    """Generate the environment's ksonnet-lib (k.libsonnet) again, as `ks env update` did.

    Rewrites lib/ksonnet-lib/<k8sVersion>/ from the OpenAPI spec kfkit ships for that
    Kubernetes version. To generate it from another spec (a file, a URL, the cluster's), use
    `kfkit env set ENV --api-spec SOURCE`.

    Examples:
      kfkit env update default
      # from what the environment's cluster serves, CRDs included
      kfkit env set default --api-spec cluster
    """
    version = current_app().update_ksonnet_lib(name)
    note(f'generated lib/ksonnet-lib/{version}/ for environment "{name}"')


@app.command("targets")
def targets(
    name: str,
    modules: Annotated[
        list[str] | None,
        typer.Option("--module", help="A module the environment renders (repeatable; / is the root)."),
    ] = None,
    override: Override = False,
) -> None:
    """Set the modules an environment renders (none given: only the root module, components/).

    With --override they go into app.override.yaml (this checkout only), app.yaml stays as it is.

    Examples:
        # render the root components and those of module db
        kfkit env targets prod --module / --module db
        # back to the root module only
        kfkit env targets prod
    """
    chosen = current_app().set_targets(name, modules or [], override=override)
    note(f'environment "{name}" renders ' + (", ".join(chosen) if chosen else "the root module (/)"))


@app.command("current")
def current(
    set_to: Annotated[str | None, typer.Option("--set", help="Make this the current environment.")] = None,
    unset: Annotated[bool, typer.Option("--unset", help="Clear the current environment.")] = False,
) -> None:
    """Show, set or clear the current environment (.ks_environment)."""
    kf = current_app()
    if set_to and unset:
        raise UsageError("--set and --unset exclude each other")
    if set_to or unset:
        kf.set_current_env(set_to)
        return
    name = kf.current_env()
    if name:
        sys.stdout.write(name + "\n")


@app.command("describe")
def describe(name: str) -> None:
    """Print an environment's settings as YAML."""
    from kfkit.manifests import yaml_document

    e = current_app().environment(name)
    sys.stdout.write(
        yaml_document(
            {
                "name": e.name,
                "kubernetesVersion": e.k8s_version,
                "path": e.path,
                "destination": {
                    "server": e.destination.server,
                    "namespace": e.destination.namespace,
                },
                "targets": list(e.extra.get("targets") or []),
            }
        )
    )
