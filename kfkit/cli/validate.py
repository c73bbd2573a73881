"""``kfkit validate``: check an environment's objects before anything reaches a cluster.

Offline by default (strict schemas of the environment's Kubernetes version, CRDs from the
render, ``--crd-dir``, the app's lib/ and vendor/); ``--server`` adds the cluster's CRDs and
a strict server-side dry run. Findings go to stdout, one line each (or ``-o json``);
exit 1 when any is an error.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

from kfkit.cli._options import Components, Env, ExtStr, JPath, NoCache, TlaStr, wants_json
from kfkit.cli._output import note
from kfkit.cli._report import count, finding_counts, print_findings
from kfkit.cli.cluster import Context, ForceContext, Kubeconfig, Selection
from kfkit.errors import ValidationError

if TYPE_CHECKING:
    from kfkit.validate import SchemaCluster, ValidationResult

__all__ = ["CrdDirs", "validate"]

CrdDirs = Annotated[
    list[Path] | None,
    typer.Option("--crd-dir", help="Directory of CRD YAML/JSON files for custom resources (repeatable)."),
]


def validate(
    env_name: Env = None,
    component: Components = None,
    k8s_version: Annotated[
        str | None,
        typer.Option(
            "--k8s-version", metavar="X.Y", help="Kubernetes version (default: the env's k8sVersion)."
        ),
    ] = None,
    server: Annotated[
        bool,
        typer.Option("--server", help="Also ask the cluster: its CRDs and a strict dry run of every object."),
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="A custom resource with no schema anywhere is an error.")
    ] = False,
    crd_dir: CrdDirs = None,
    output: Annotated[str, typer.Option("--output", "-o", help="text or json.")] = "text",
    jpath: JPath = None,
    ext_str: ExtStr = None,
    tla_str: TlaStr = None,
    no_cache: NoCache = False,
    context: Context = None,
    kubeconfig: Kubeconfig = None,
    force_context: ForceContext = False,
) -> None:
    """Check an environment's objects: strict schemas, CRDs, removed APIs; --server asks the cluster too.

    Examples:
        # every object of the current environment, offline
        kfkit validate
        # one component, against Kubernetes 1.30, custom resources checked against CRDs in ./crds
        kfkit validate prod -c model-server --k8s-version 1.30 --crd-dir crds
        # also the cluster's CRDs and a strict server-side dry run; a report for CI
        kfkit validate prod --server --strict -o json
    """
    as_json = wants_json(output)
    sel = Selection.of(
        component, jpath, ext_str, tla_str, kubeconfig, context, force_context, no_cache=no_cache
    )
    options = replace(
        sel.validate_options(), k8s_version=k8s_version or "", crd_dirs=tuple(crd_dir or ()), strict=strict
    )
    env = sel.kf.environment(env_name).name
    # Objects rendered twice are kept: validate_objects reports them as warnings.
    objects = sel.kf.render(env, components=sel.components, options=replace(sel.options, duplicates="keep"))
    check = partial(sel.kf.validate_objects, objects, env, components=sel.components, options=options)
    if server:
        with sel.kf as kf:  # the real client also says which resource serves a kind
            result = check(cluster=cast("SchemaCluster", kf.cluster(env, purpose="validating against")))
    else:
        result = check()
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n")
    else:
        print_findings(result, sys.stdout)
    _conclude(result)


def _conclude(result: ValidationResult) -> None:
    checked = f"Kubernetes {result.k8s_version}" + (" and the server" if result.server else "")
    if not result.ok:
        raise ValidationError(result.findings, f"{finding_counts(result)} (checked against {checked})")
    warnings = count(len(result.warnings), "warning")
    note(f"{count(result.objects, 'object')} valid (checked against {checked}); {warnings}")
