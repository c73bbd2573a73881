"""The library facade: load an app, generate components, render environments.

``kfkit.App.load(path).render("default", components=["model-server"])`` is what the CLI
does for ``kfkit show``; the CLI only formats what these methods return.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from kfkit import _history_api, _review_api
from kfkit._history_api import RecordOptions, RollbackPlan
from kfkit._review_api import Connect
from kfkit._types import JsonValue, Obj
from kfkit.app import (
    KSONNET_LIB,
    LIB,
    VENDOR,
    AppDir,
    InstalledPackage,
    LibrarySpec,
    PackageInfo,
    Prototype,
    Registry,
    RegistryIndex,
    add_registry,
    app_registries,
    component_source,
    describe_package,
    detect_registry,
    discover_prototypes,
    find_prototype,
    install_package,
    installed_packages,
    list_packages,
    prototype_params,
    remove_package,
    remove_registry,
    write_atomic,
)
from kfkit.app._package_new import component_prototype, manifest_prototype, read_manifests, scaffold_package
from kfkit.deploy import ApplyOptions, ApplyPlan, ObjectResult, Scope
from kfkit.errors import UsageError
from kfkit.evaluator import Evaluation, evaluate_file
from kfkit.history import Revision
from kfkit.ksonnetlib import load_api_spec, write_ksonnet_lib
from kfkit.manifests import ApiUpgrade, upgrade_apis
from kfkit.params import add_component_params, remove_component_params
from kfkit.params._resolve import app_params
from kfkit.render import RenderOptions, render
from kfkit.review import Report
from kfkit.validate import SchemaCluster, ValidateOptions, ValidationResult, validate_objects

if TYPE_CHECKING:
    from kfkit.cluster import ClusterClient

__all__ = ["App", "RollbackResult", "load_values_file", "new_package"]


class App:
    """A kfkit (ksonnet 0.13) app and the operations on it."""

    def __init__(self, app_dir: AppDir) -> None:
        self.dir = app_dir

    @classmethod
    def load(cls, start: Path | str = ".") -> App:
        """The app containing ``start``: walks up to the nearest app.yaml."""
        return cls(AppDir.load(start))

    @classmethod
    def init(
        cls,
        directory: Path | str,
        *,
        env: str = "default",
        server: str = "",
        namespace: str = "default",
        force: bool = False,
        on_existing: Callable[[Path], None] | None = None,
    ) -> App:
        """Create a new app in ``directory`` with one environment (see :meth:`AppDir.create`)."""
        return cls(
            AppDir.create(
                Path(directory),
                env=env,
                server=server,
                namespace=namespace,
                force=force,
                on_existing=on_existing,
            )
        )

    @property
    def root(self) -> Path:
        return self.dir.root

    def render(
        self,
        env: str | None = None,
        *,
        components: Sequence[str] = (),
        options: RenderOptions | None = None,
    ) -> list[Obj]:
        """The objects of ``env`` (default: the current environment), optionally only some components."""
        return render(self.dir, self.dir.resolve_env(env), components=components, options=options)

    def api_upgrades(
        self,
        env: str | None = None,
        *,
        components: Sequence[str] = (),
        options: RenderOptions | None = None,
    ) -> list[ApiUpgrade]:
        """What ``--upgrade-apis`` changes in the render of ``env``: each object before and after.

        Raises a ManifestError naming every object that cannot be upgraded (PodSecurityPolicy …).
        """
        plain = replace(options or RenderOptions(), upgrade_apis=False)
        _, upgrades = upgrade_apis(self.render(env, components=components, options=plain))
        return upgrades

    def validate(
        self,
        env: str | None = None,
        *,
        components: Sequence[str] = (),
        options: ValidateOptions | None = None,
        render_options: RenderOptions | None = None,
        cluster: SchemaCluster | None = None,
    ) -> ValidationResult:
        """Render ``env`` and check every object (see :meth:`validate_objects`)."""
        objects = self.render(env, components=components, options=render_options)
        return self.validate_objects(objects, env, components=components, options=options, cluster=cluster)

    def validate_objects(
        self,
        objects: Sequence[Obj],
        env: str | None = None,
        *,
        components: Sequence[str] = (),
        options: ValidateOptions | None = None,
        cluster: SchemaCluster | None = None,
    ) -> ValidationResult:
        """Findings about rendered objects: offline against the schemas of the environment's
        ``k8sVersion`` and CRDs from the render, ``options.crd_dirs``, the app's lib/ and
        vendor/; with ``cluster`` also its CRDs and a strict server-side dry run."""
        name = self.dir.resolve_env(env)
        return validate_objects(
            objects,
            options or ValidateOptions(),
            env_k8s_version=self.dir.env(name).k8s_version,
            default_crd_dirs=[self.root / LIB, self.root / VENDOR],
            server=(cluster, self.scope(name, components=components)) if cluster is not None else None,
        )

    def use_api_spec(self, env: str, source: str) -> str:
        """Generate ``env``'s ksonnet-lib from an OpenAPI spec and record its version as ``k8sVersion``.

        ``source`` is ksonnet's ``--api-spec``: ``version:vX.Y.Z``, ``file:PATH`` or ``url:URL``.
        """
        version, spec = load_api_spec(source)
        self.dir.env(env)
        write_ksonnet_lib(self.root / LIB / KSONNET_LIB / version, spec, version, source=source)
        self.dir.update_env(env, k8s_version=version)
        return version

    def scope(self, env: str | None = None, *, components: Sequence[str] = ()) -> Scope:
        """Whose objects a diff/apply/delete of ``env`` concerns: app, env, namespace, components."""
        name = self.dir.resolve_env(env)
        return Scope(self.dir.name, name, self.dir.env(name).destination.namespace, tuple(components))

    def connect(
        self,
        env: str | None = None,
        *,
        kubeconfig: str | None = None,
        context: str | None = None,
        force_context: bool = False,
    ) -> ClusterClient:
        """A client for the cluster ``env`` deploys to: the kubeconfig context at its server."""
        from kfkit.cluster import ClusterClient, select_target  # lazy: show never loads the client

        name = self.dir.resolve_env(env)
        dest = self.dir.env(name).destination
        target = select_target(
            name,
            dest.server,
            dest.namespace,
            kubeconfig=kubeconfig,
            context=context,
            force_context=force_context,
        )
        return ClusterClient.connect(target)

    def prototypes(self) -> list[Prototype]:
        return discover_prototypes(self.root)

    def generate(
        self,
        prototype: str,
        component: str,
        flags: Mapping[str, str],
        values: Mapping[str, JsonValue] | None = None,
    ) -> Path:
        """Write ``components/<component>.jsonnet`` from a prototype and add its params.

        Everything is checked before anything is written; the params go in first so a
        failure leaves no component file without its params.
        """
        proto = find_prototype(prototype, self.prototypes())
        path = self.dir.new_component_path(component)
        params = prototype_params(proto, component, flags, values)
        add_component_params(self.dir, component, params)
        write_atomic(path, component_source(proto, component))
        return path

    def remove_component(self, name: str) -> None:
        """Delete a component's file and its params everywhere."""
        component = self.dir.component(name)
        remove_component_params(self.dir, name)
        component.path.unlink()

    # --- registries and packages ----------------------------------------------------------

    def registries(self) -> dict[str, Registry]:
        """The app's registries by name, kfkit's built-in one included."""
        return app_registries(self.dir)

    def add_registry(
        self, name: str, uri: str, *, protocol: str | None = None, ref: str = "", path: str = ""
    ) -> RegistryIndex:
        """Record a registry (fs directory, git URL, or ksonnet's github.com form) once its index reads."""
        spec = detect_registry(name, uri, protocol=protocol, ref=ref, path=path, base=self.root)
        return add_registry(self.dir, spec)

    def set_registry(
        self, name: str, *, uri: str | None = None, ref: str | None = None, path: str | None = None
    ) -> RegistryIndex:
        """Change a registry's URI, ref or subpath; the new location must read."""
        if name not in self.dir.spec.registries:
            raise UsageError(f"registry {name!r} not found in app {self.dir.name!r}")
        old = self.dir.spec.registries[name]
        spec = detect_registry(
            name,
            old.uri if uri is None else uri,
            protocol=old.protocol if uri is None else None,
            ref=old.ref if ref is None else ref,
            path=old.path if path is None else path,
            base=self.root,
        )
        return add_registry(self.dir, spec, replace=True)

    def remove_registry(self, name: str) -> None:
        remove_registry(self.dir, name)

    def registry_index(self, name: str, *, update: bool = False) -> RegistryIndex:
        """A registry's packages at its ref; ``update`` fetches git registries first."""
        registries = self.registries()
        if name not in registries:
            raise UsageError(f"registry {name!r} not found; known: {', '.join(sorted(registries))}")
        return registries[name].index(update=update)

    def install(
        self, package: str, *, name: str | None = None, env: str | None = None, force: bool = False
    ) -> InstalledPackage:
        """``pkg install <registry>/<pkg>[@version]``: vendor it and record it in app.yaml."""
        return install_package(self.dir, package, alias=name, env=env, force=force)

    def uninstall(self, package: str, *, env: str | None = None) -> LibrarySpec:
        """``pkg remove <registry>/<pkg>``: forget it and delete its orphaned vendor dir."""
        return remove_package(self.dir, package, env=env)

    def packages(self, *, installed_only: bool = False) -> list[PackageInfo]:
        return list_packages(self.dir, installed_only=installed_only)

    def describe_package(self, query: str) -> PackageInfo:
        return describe_package(self.dir, query)

    def package_from_component(
        self, component: str, name: str, registry_dir: Path | str = ".", *, registry: str | None = None
    ) -> Path:
        """``pkg new NAME --from-component C``: a reusable package from one of this app's components."""
        values = app_params(self.dir, None).get(component, {})
        prototype = component_prototype(self.dir, component, name, values)
        return scaffold_package(name, Path(registry_dir), registry=registry, prototype=prototype)

    def package_problems(self) -> list[InstalledPackage]:
        """Installed packages whose vendored files are missing or changed since install."""
        return [p for p in installed_packages(self.dir) if p.status in ("missing", "modified")]

    # --- review, history, rollback (kfkit/_review_api.py, kfkit/_history_api.py) ------------

    def review(
        self,
        env: str | None = None,
        *,
        components: Sequence[str] = (),
        against: str | None = None,
        options: RenderOptions | None = None,
        connect: Connect | None = None,
    ) -> Report:
        """A review report of applying ``env``: against its cluster, or ``against="local:prod"``.

        ``connect(env)`` opens the cluster client (default: :meth:`connect`); format the
        result with :func:`kfkit.review.to_html` or :func:`kfkit.review.to_markdown`.
        """
        return _review_api.review(
            self,
            env,
            components=components,
            against=against,
            options=options,
            connect=connect or (lambda name: self.connect(name)),
        )

    def record_apply(
        self,
        plan: ApplyPlan,
        client: ClusterClient,
        scope: Scope,
        options: ApplyOptions,
        record: RecordOptions,
        *,
        on_result: Callable[[ObjectResult], None] | None = None,
    ) -> tuple[list[ObjectResult], Revision | None]:
        """Write a checked plan (see :func:`kfkit.deploy.apply_plan`) and record it in the history.

        A dry run records nothing; a failed apply is recorded as failed, then re-raised.
        """
        return _history_api.recorded_apply(self, scope, client, plan, options, record, on_result=on_result)

    def record_delete(
        self,
        objects: Sequence[Obj],
        client: ClusterClient,
        scope: Scope,
        record: RecordOptions,
        *,
        dry_run: bool = False,
        on_result: Callable[[ObjectResult], None] | None = None,
    ) -> tuple[list[ObjectResult], Revision | None]:
        """Delete ``objects`` (see :func:`kfkit.deploy.delete`) and record it in the history."""
        return _history_api.recorded_delete(
            self, scope, client, objects, record, dry_run=dry_run, on_result=on_result
        )

    def history(self, env: str | None = None, *, client: ClusterClient | None = None) -> list[Revision]:
        """The kept revisions of ``env`` (oldest first), read from its namespace in the cluster."""
        name = self.dir.resolve_env(env)
        with self._client(name, client) as connected:
            return _history_api.history(self, name, connected)

    def revision(self, env: str | None, number: int, *, client: ClusterClient | None = None) -> Revision:
        """One revision of ``env``; a UsageError naming the kept ones if it is not there."""
        name = self.dir.resolve_env(env)
        with self._client(name, client) as connected:
            return _history_api.revision(self, name, number, connected)

    def plan_rollback(
        self,
        env: str | None,
        number: int,
        *,
        prune: bool = False,
        force_conflicts: bool = False,
        client: ClusterClient,
    ) -> RollbackPlan:
        """What rolling back to revision ``number`` would change (its diff); writes nothing."""
        name = self.dir.resolve_env(env)
        return _history_api.plan_rollback(self, name, number, client, prune=prune, force=force_conflicts)

    def apply_rollback(
        self,
        rollback: RollbackPlan,
        *,
        client: ClusterClient,
        dry_run: bool = False,
        record: RecordOptions | None = None,
        on_result: Callable[[ObjectResult], None] | None = None,
    ) -> tuple[list[ObjectResult], Revision | None]:
        """Apply a planned rollback; it is recorded as a new revision unless a dry run."""
        return _history_api.apply_rollback(
            self, rollback, client, record or RecordOptions(), dry_run=dry_run, on_result=on_result
        )

    def trim_history(self, env: str | None, keep: int, *, client: ClusterClient | None = None) -> int:
        """Delete all but the newest ``keep`` revisions of ``env``; how many were deleted."""
        name = self.dir.resolve_env(env)
        with self._client(name, client) as connected:
            return _history_api.trim_history(self, name, connected, keep)

    def rollback(
        self,
        env: str | None,
        number: int,
        *,
        prune: bool = False,
        dry_run: bool = False,
        force_conflicts: bool = False,
        record: RecordOptions | None = None,
        client: ClusterClient | None = None,
    ) -> RollbackResult:
        """Re-apply revision ``number`` of ``env`` (see docs/review.md for Secrets and removed APIs)."""
        name = self.dir.resolve_env(env)
        with self._client(name, client) as connected:
            planned = self.plan_rollback(
                name, number, prune=prune, force_conflicts=force_conflicts, client=connected
            )
            results, recorded = self.apply_rollback(planned, client=connected, dry_run=dry_run, record=record)
        return RollbackResult(planned, results, recorded)

    @contextmanager
    def _client(self, env: str, client: ClusterClient | None) -> Iterator[ClusterClient]:
        """``client`` if given, else one connected (and closed after) for ``env``."""
        if client is not None:
            yield client
            return
        with self.connect(env) as connected:
            yield connected


@dataclass(frozen=True)
class RollbackResult:
    """A rollback done (or, dry run, previewed): its plan and diff, per-object results, new revision."""

    plan: RollbackPlan
    results: list[ObjectResult]
    revision: Revision | None
    """The revision recording the rollback; None for a dry run."""


def new_package(
    name: str,
    registry_dir: Path | str = ".",
    *,
    from_manifests: str | None = None,
    registry: str | None = None,
    description: str = "",
) -> Path:
    """``pkg new``: a package in ``registry_dir`` (listed in its registry.yaml), scaffolded or from manifests.

    ``from_manifests`` is a YAML/JSON file, a directory of them, or ``-`` for stdin.
    """
    prototype = (
        manifest_prototype(name, read_manifests(from_manifests), description=description)
        if from_manifests is not None
        else None
    )
    return scaffold_package(
        name, Path(registry_dir), registry=registry, prototype=prototype, description=description
    )


def load_values_file(path: Path) -> dict[str, JsonValue]:
    """A ``--values-file``: a Jsonnet (or JSON) file evaluating to an object of params."""
    if not path.is_file():
        raise UsageError(f"values file {path} does not exist")
    value = evaluate_file(path, Evaluation(root=path.parent.resolve()))
    if not isinstance(value, dict):
        raise UsageError(f"values file {path} must evaluate to an object")
    return value
