"""The library facade: everything the CLI does, as methods returning data.

``kfkit.App.load(path).render("default", components=["model-server"])`` is what
``kfkit show`` prints; ``plan_apply`` and ``apply`` are ``kfkit apply``; the CLI only
formats what these methods return. Nothing here prints, prompts or exits.

The serving story in Python::

    kf = kfkit.App.init("kubeflow-app", server="https://127.0.0.1:6443")
    kf.generate("tf-serving", "model-server", {"name": "inception"})
    kf.set_param("model-server", "modelPath", "/serving/inception-export")
    objects = kf.render("default")
    plan = kf.plan_apply("default")
    results = kf.apply(plan)
    assert not kf.diff("default").has_changes
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from kfkit import app as app_layer  # its registry, package and prototype code loads on first use
from kfkit._connection import ConnectionOptions
from kfkit._types import JsonValue, Obj
from kfkit.app import API_VERSION, KSONNET_LIB, LIB, VENDOR, AppDir, cache_dir, find_root, write_atomic
from kfkit.errors import AppError, ClusterError, UsageError
from kfkit.params import (
    LockOptions,
    ParamDiff,
    ParamRow,
    add_component_params,
    delete_param,
    diff_params,
    list_params,
    remove_component_params,
    set_param,
)

if TYPE_CHECKING:  # imported where used, so that loading an app and editing params stay cheap
    from kfkit._history_api import RecordOptions, RollbackPlan, RollbackResult
    from kfkit._progress import OnProgress
    from kfkit._review_api import Connect
    from kfkit.app import (
        AppUpgrade,
        Component,
        EnvironmentSpec,
        InstalledPackage,
        LibrarySpec,
        Module,
        PackageInfo,
        Prototype,
        Registry,
        RegistryIndex,
    )
    from kfkit.cluster import ClusterClient
    from kfkit.deploy import ApplyOptions, ApplyPlan, Cluster, DiffResult, ObjectResult, Scope, Side
    from kfkit.history import Revision
    from kfkit.manifests import ApiUpgrade
    from kfkit.render import RenderOptions
    from kfkit.review import Report
    from kfkit.validate import SchemaCluster, ValidateOptions, ValidationResult

    OnResult = Callable[[ObjectResult], None]

__all__ = [
    "App",
    "DeletePlan",
    "Prototypes",
    "connect_cluster",
    "load_values_file",
    "new_package",
]


def connect_cluster(env: EnvironmentSpec, options: ConnectionOptions) -> ClusterClient:
    """The default cluster factory: the kubeconfig context at the environment's server."""
    from kfkit.cluster import ClusterClient, select_target  # lazy: show never loads the client

    target = select_target(
        env.name,
        env.destination.server,
        env.destination.namespace,
        kubeconfig=options.kubeconfig,
        context=options.context,
        force_context=options.force_context,
    )
    return ClusterClient.connect(target, discovery_cache=cache_dir() / "discovery")


class Prototypes:
    """The prototypes an app can use: built-in ones, then its packages' (which win on equal names)."""

    def __init__(self, root: Path | None = None) -> None:
        self._all = app_layer.discover_prototypes(root)

    @classmethod
    def near(cls, start: Path | str = ".") -> Prototypes:
        """Those of the app containing ``start``, or only the built-in ones outside any app."""
        try:
            root: Path | None = find_root(Path(start))
        except AppError:
            root = None
        return cls(root)

    def list(self, query: str = "") -> list[Prototype]:
        """All of them, by name; with ``query``, those whose full name contains it (any case)."""
        return [p for p in self._all if query.lower() in p.full_name.lower()]

    def get(self, name: str) -> Prototype:
        """The prototype named ``name`` or, as in ksonnet, ending in it (``tf-serving``)."""
        return app_layer.find_prototype(name, self._all)

    def preview(
        self,
        name: str,
        flags: Mapping[str, str] | None = None,
        values: Mapping[str, JsonValue] | None = None,
        *,
        values_file: Path | None = None,
    ) -> str:
        """The component source ``generate`` would write; the params are checked as generate does."""
        proto = self.get(name)
        _params(proto, "preview", flags, values, values_file)
        return app_layer.component_source(proto, "preview")


@dataclass(frozen=True)
class DeletePlan:
    """What ``delete`` would remove: an environment's rendered objects (nothing looked up yet)."""

    objects: list[Obj]
    scope: Scope


class App:
    """A kfkit (ksonnet 0.13) app and every operation on it.

    Clusters are opened when first needed, once per environment, through
    ``connection.factory``; use the app as a context manager (or call :meth:`close`) to
    close them.

    **Parameters:**

    * ``app_dir`` — the app on disk (:meth:`load` and :meth:`init` make one).
    * ``connection`` — how to reach clusters: kubeconfig, context, a factory for fakes.
    """

    def __init__(self, app_dir: AppDir, *, connection: ConnectionOptions | None = None) -> None:
        self.dir = app_dir
        self.connection = connection or ConnectionOptions()
        self._clusters: dict[str, Cluster] = {}

    @classmethod
    def load(cls, start: Path | str = ".", *, connection: ConnectionOptions | None = None) -> App:
        """The app containing ``start``: walks up to the nearest app.yaml."""
        return cls(AppDir.load(start), connection=connection)

    @classmethod
    def init(
        cls,
        directory: Path | str,
        *,
        env: str = "default",
        server: str | None = None,
        namespace: str = "default",
        connection: ConnectionOptions | None = None,
        force: bool = False,
        on_existing: Callable[[Path], None] | None = None,
        api_spec: str | None = None,
    ) -> App:
        """Create a new app in ``directory`` with one environment.

        Without ``server``, the environment gets the server of ``connection.context`` (or of
        the current kubeconfig context; none without a kubeconfig, for offline apps).
        ``api_spec`` (``version:``, ``file:`` or ``url:``, as :meth:`use_api_spec`) generates
        the environment's ksonnet-lib and records its version, as ``ks init --api-spec`` did;
        the spec is read before anything is written.
        """
        connection = connection or ConnectionOptions()
        loaded = _spec_before_writing(api_spec)
        created = AppDir.create(
            Path(directory),
            env=env,
            server=_server(server, connection),
            namespace=namespace,
            force=force,
            on_existing=on_existing,
        )
        app = cls(created, connection=connection)
        if loaded is not None:
            app._record_spec(env, *loaded)
        return app

    @classmethod
    def upgrade(cls, start: Path | str = ".", *, to: str = API_VERSION, dry_run: bool = False) -> AppUpgrade:
        """Move the app containing ``start`` to app.yaml ``to``'s shape and layout (``ks upgrade``).

        A classmethod: apps too old to load (app.yaml 0.0.1) are what it is for. With
        ``dry_run`` nothing is written; the result says what changes either way.
        """
        plan = app_layer.plan_upgrade(find_root(Path(start)), to=to)
        if not dry_run:
            app_layer.apply_upgrade(plan)
        return plan

    @property
    def root(self) -> Path:
        return self.dir.root

    @property
    def name(self) -> str:
        return self.dir.name

    # --- clusters ---------------------------------------------------------------------------

    def cluster(self, env: str | None = None, *, purpose: str = "target") -> Cluster:
        """The cluster ``env`` deploys to, opened on first use (``connection.on_connect`` hears of it)."""
        spec = self.environment(env)
        if spec.name not in self._clusters:
            cluster = (self.connection.factory or connect_cluster)(spec, self.connection)
            self._clusters[spec.name] = cluster
            if self.connection.on_connect is not None:
                self.connection.on_connect(cluster.target, purpose)
        return self._clusters[spec.name]

    def close(self) -> None:
        """Close the clusters this app opened."""
        clusters, self._clusters = list(self._clusters.values()), {}
        for cluster in clusters:
            cluster.close()

    def __enter__(self) -> App:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- environments -----------------------------------------------------------------------

    def environments(self) -> list[EnvironmentSpec]:
        """Every environment, by name."""
        return list(self.dir.spec.all_environments().values())

    def environment(self, name: str | None = None) -> EnvironmentSpec:
        """The named environment, or the current one (``.ks_environment``)."""
        return self.dir.env(self.dir.resolve_env(name))

    def add_env(
        self,
        name: str,
        *,
        server: str | None = None,
        namespace: str = "default",
        override: bool = False,
        api_spec: str | None = None,
    ) -> EnvironmentSpec:
        """Add an environment; without ``server``, that of the kubeconfig context (as :meth:`init`).

        ``override`` records it in app.override.yaml (this checkout only), redefining an
        app.yaml environment of that name. ``api_spec``: as in :meth:`init`.
        """
        loaded = _spec_before_writing(api_spec)
        server = _server(server, self.connection)
        added = self.dir.add_env(name, server=server, namespace=namespace, override=override)
        if loaded is None:
            return added
        self._record_spec(name, *loaded, override=override)
        return self.dir.env(name)

    def update_env(
        self,
        name: str,
        *,
        new_name: str | None = None,
        server: str | None = None,
        namespace: str | None = None,
        upgrade_apis: bool | None = None,
        override: bool = False,
    ) -> EnvironmentSpec:
        """Change an environment's server, namespace or API upgrades, or rename it.

        ``override`` writes the change into app.override.yaml and leaves app.yaml as it is.
        """
        if new_name is None and server is None and namespace is None and upgrade_apis is None:
            raise UsageError(
                "nothing to set: give --name, --namespace, --server, --[no-]upgrade-apis or --api-spec"
            )
        return self.dir.update_env(
            name,
            new_name=new_name,
            server=server,
            namespace=namespace,
            upgrade_apis=upgrade_apis,
            override=override,
        )

    def use_api_spec(self, env: str, source: str, *, override: bool = False) -> str:
        """Generate ``env``'s ksonnet-lib from an OpenAPI spec and record its version as ``k8sVersion``.

        ``source`` is ksonnet's ``--api-spec``: ``version:vX.Y.Z``, ``file:PATH`` or ``url:URL``,
        or ``cluster``: the ``/openapi/v2`` of the environment's server (through the
        kubeconfig, as ``apply`` reaches it), CRDs included, at the version ``/version`` says.
        """
        from kfkit.ksonnetlib import load_api_spec

        spec_env = self.dir.env(env)
        if source == "cluster":
            with connect_cluster(spec_env, self.connection) as client:
                version, spec = client.openapi_v2()
            source = f"{client.target.server}/openapi/v2"
        else:
            version, spec = load_api_spec(source)
        return self._record_spec(env, version, spec, source, override=override)

    def _record_spec(self, env: str, version: str, spec: Obj, source: str, *, override: bool = False) -> str:
        """Write ksonnet-lib ``version`` from ``spec`` and make it ``env``'s ``k8sVersion``."""
        from kfkit.ksonnetlib import write_ksonnet_lib

        write_ksonnet_lib(self.root / LIB / KSONNET_LIB / version, spec, version, source=source)
        self.dir.update_env(env, k8s_version=version, override=override)
        return version

    def update_ksonnet_lib(self, env: str) -> str:
        """Generate ``env``'s ksonnet-lib again from kfkit's spec of its ``k8sVersion`` (``ks env update``).

        Replaces ``lib/ksonnet-lib/<version>/``'s k.libsonnet and k8s.libsonnet (hand edits
        included: that is what it is for); returns the version.
        """
        from kfkit.ksonnetlib import shipped_spec, write_ksonnet_lib

        version = self.dir.ksonnet_lib_version(env)
        write_ksonnet_lib(self.root / LIB / KSONNET_LIB / version, shipped_spec(version), version)
        return version

    def remove_env(self, name: str, *, force: bool = False, override: bool = False) -> bool:
        """Forget an environment and delete its files; the current one only with ``force``.

        ``override`` removes app.override.yaml's entry (files stay while app.yaml defines the
        environment too). Returns whether ``.ks_environment`` was cleared.
        """
        return self.dir.remove_env(name, force=force, override=override)

    def is_current_env(self, name: str) -> bool:
        """Whether .ks_environment names ``name``; a UsageError naming the known ones if it is unknown."""
        self.dir.env(name)
        return self.dir.is_current(name)

    def current_env(self) -> str | None:
        """The current environment's name, if one is set."""
        return self.dir.current_env()

    def set_current_env(self, name: str | None) -> None:
        """Make ``name`` the current environment; None clears it."""
        self.dir.set_current_env(name)

    # --- prototypes and components ----------------------------------------------------------

    @property
    def prototypes(self) -> Prototypes:
        """Built-in prototypes and those of installed packages."""
        return Prototypes(self.root)

    def components(self, module: str | None = None) -> list[Component]:
        """The component files (of one module, else of all), by qualified name (``db.redis``)."""
        return self.dir.components(None if module is None else [self.dir.module(module)])

    def modules(self, env: str | None = None) -> list[Module]:
        """The app's modules (``/`` first); with ``env``, those it renders (its targets)."""
        return self.dir.modules() if env is None else self.dir.env_modules(self.dir.resolve_env(env))

    def create_module(self, name: str) -> Module:
        """A new module ``a.b``: ``components/a/b/params.libsonnet``."""
        return self.dir.create_module(name)

    def set_targets(self, env: str, modules: Sequence[str], *, override: bool = False) -> list[str]:
        """Make ``env`` render exactly ``modules`` (none: the root module only); returns their names.

        ``override`` writes them into app.override.yaml and leaves app.yaml as it is.
        """
        return self.dir.set_targets(env, modules, override=override)

    def generate(
        self,
        prototype: str,
        component: str,
        flags: Mapping[str, str] | None = None,
        values: Mapping[str, JsonValue] | None = None,
        *,
        values_file: Path | None = None,
        module: str | None = None,
    ) -> Path:
        """Write ``components/<component>.jsonnet`` from a prototype and add its params.

        ``db.redis`` (or ``redis`` with ``module="db"``) goes into module ``db``, made if missing.
        ``flags`` are text, typed by the prototype's declarations (as ``--name value``);
        ``values`` are already typed, and so is a ``values_file`` (Jsonnet or JSON, read
        with :func:`load_values_file`); both must declare only the prototype's params, with
        their types, and win over flags. Everything is checked before anything is written;
        the params go in first so a failure leaves no component file without its params.
        """
        proto = self.prototypes.get(prototype)
        new = self.dir.new_component(component, module)
        params = _params(proto, new.local_name, flags, values, values_file)
        self._add_params(new, params)
        write_atomic(new.path, app_layer.component_source(proto, new.local_name))
        return new.path

    def import_manifests(self, source: str | Path, *, module: str = "") -> list[Path]:
        """Make components of manifests, as ``ks import``: a file, a directory's files, or an http(s) URL.

        ``module`` (``db``, default the root) is made when missing, as ksonnet did.

        Each YAML document becomes a ``<kind>-<name>-<5 letters>.yaml`` component; JSON and
        Jsonnet files are copied under their own names. Each gets an empty params entry (ksonnet
        wrote one too). Everything is checked before anything is written; returns the new files.
        """
        planned = app_layer.plan_import(self.dir, str(source), module=module)
        for new in planned:
            self._add_params(new.component, {})
            write_atomic(new.path, new.text, replace=False)
        return [new.path for new in planned]

    def _add_params(self, new: Component, params: dict[str, JsonValue]) -> None:
        """A new component's params entry, in its module's params file (the module made if missing)."""
        if all(m.name != new.module for m in self.dir.modules()):
            self.dir.create_module(new.module)
        add_component_params(self.dir, new, params)

    def remove_component(self, name: str) -> None:
        """Delete a component's file and its params everywhere."""
        component = self.dir.component(name)
        remove_component_params(self.dir, component)
        component.path.unlink()

    # --- registries and packages ----------------------------------------------------------

    def registries(self) -> dict[str, Registry]:
        """The app's registries by name, kfkit's built-in one included."""
        return app_layer.app_registries(self.dir)

    def add_registry(
        self,
        name: str,
        uri: str,
        *,
        protocol: str | None = None,
        ref: str = "",
        path: str = "",
        override: bool = False,
    ) -> RegistryIndex:
        """Record a registry (fs directory, git URL, or ksonnet's github.com form) once its index reads.

        ``override`` records it in app.override.yaml, replacing app.yaml's of that name there.
        """
        spec = app_layer.detect_registry(name, uri, protocol=protocol, ref=ref, path=path, base=self.root)
        return app_layer.add_registry(self.dir, spec, override=override)

    def set_registry(
        self, name: str, *, uri: str | None = None, ref: str | None = None, path: str | None = None
    ) -> RegistryIndex:
        """Change a registry's URI, ref or subpath where it is defined; the new location must read."""
        old = self.dir.spec.all_registries().get(name)
        if old is None:
            raise UsageError(f"registry {name!r} not found in app {self.dir.name!r}")
        spec = app_layer.detect_registry(
            name,
            old.uri if uri is None else uri,
            protocol=old.protocol if uri is None else None,
            ref=old.ref if ref is None else ref,
            path=old.path if path is None else path,
            base=self.root,
        )
        return app_layer.add_registry(self.dir, spec, replace=True, override=old.overridden)

    def remove_registry(self, name: str, *, override: bool = False) -> None:
        """Forget a registry of app.yaml, or with ``override`` of app.override.yaml."""
        app_layer.remove_registry(self.dir, name, override=override)

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
        return app_layer.install_package(self.dir, package, alias=name, env=env, force=force)

    def uninstall(self, package: str, *, env: str | None = None) -> LibrarySpec:
        """``pkg remove <registry>/<pkg>``: forget it and delete its orphaned vendor dir."""
        return app_layer.remove_package(self.dir, package, env=env)

    def packages(self, *, installed_only: bool = False) -> list[PackageInfo]:
        return app_layer.list_packages(self.dir, installed_only=installed_only)

    def describe_package(self, query: str) -> PackageInfo:
        return app_layer.describe_package(self.dir, query)

    def package_from_component(
        self, component: str, name: str, registry_dir: Path | str = ".", *, registry: str | None = None
    ) -> Path:
        """``pkg new NAME --from-component C``: a reusable package from one of this app's components."""
        from kfkit.app._package_new import component_prototype, scaffold_package
        from kfkit.params._resolve import app_params

        values = app_params(self.dir, None).get(component, {})
        prototype = component_prototype(self.dir, component, name, values)
        return scaffold_package(name, Path(registry_dir), registry=registry, prototype=prototype)

    def package_problems(self) -> list[InstalledPackage]:
        """Installed packages whose vendored files are missing or changed since install."""
        return [p for p in app_layer.installed_packages(self.dir) if p.status in ("missing", "modified")]

    # --- params -----------------------------------------------------------------------------

    def set_param(
        self,
        component: str | None,
        key: str,
        value: JsonValue,
        *,
        env: str | None = None,
        lock: LockOptions | None = None,
    ) -> Path:
        """Set a component's param (a global one when ``component`` is None); returns the file edited.

        Dotted keys nest; with ``env`` the value goes into that environment's overrides.
        ``lock`` says how long to wait for another process editing the app, and whom to tell.
        """
        return set_param(self.dir, component, key, value, env=env, lock=lock)

    def delete_param(
        self, component: str | None, key: str, *, env: str | None = None, lock: LockOptions | None = None
    ) -> Path:
        """Delete a param set by :meth:`set_param` (same forms); returns the file edited."""
        return delete_param(self.dir, component, key, env=env, lock=lock)

    def params(
        self,
        component: str | None = None,
        *,
        env: str | None = None,
        module: str | None = None,
        without_modules: bool = False,
    ) -> list[ParamRow]:
        """Each component's params (effective in ``env``; of one ``module``), with their files.

        ``without_modules`` (with ``env``): only what the environment's own files set.
        """
        return list_params(self.dir, component, env=env, module=module, without_modules=without_modules)

    def diff_params(self, env1: str, env2: str, *, component: str | None = None) -> list[ParamDiff]:
        """The params whose effective values differ between two environments."""
        return diff_params(self.dir, env1, env2, component=component)

    # --- render -----------------------------------------------------------------------------

    def render(
        self,
        env: str | None = None,
        *,
        components: Sequence[str] = (),
        options: RenderOptions | None = None,
        ownership: bool = False,
    ) -> list[Obj]:
        """The objects of ``env`` (default: the current environment), optionally only some components.

        With ``ownership``, each carries the labels and annotations ``apply`` adds, so
        another tool applying them keeps ``prune`` and ``remote:`` diffs working.
        """
        from kfkit.render import render

        name = self.dir.resolve_env(env)
        objects = render(self.dir, name, components=components, options=options)
        if not ownership:
            return objects
        from kfkit.deploy import with_owner  # lazy: the deploy stage (~15 ms) only for ownership labels

        return [with_owner(obj, self.name, name) for obj in objects]

    def validate(
        self,
        env: str | None = None,
        *,
        components: Sequence[str] = (),
        options: ValidateOptions | None = None,
        render_options: RenderOptions | None = None,
        cluster: SchemaCluster | None = None,
    ) -> ValidationResult:
        """Render ``env`` and check every object (see :meth:`validate_objects`).

        An object rendered by two components is rendered twice and reported as a warning.
        """
        from kfkit.render import RenderOptions

        keep = replace(render_options or RenderOptions(), duplicates="keep")
        objects = self.render(env, components=components, options=keep)
        return self.validate_objects(objects, env, components=components, options=options, cluster=cluster)

    def validate_objects(
        self,
        objects: Sequence[Obj],
        env: str | None = None,
        *,
        components: Sequence[str] = (),
        options: ValidateOptions | None = None,
        cluster: SchemaCluster | None = None,
        dry_run: bool = True,
    ) -> ValidationResult:
        """Findings about rendered objects: offline against the schemas of the environment's
        ``k8sVersion`` and CRDs from the render, ``options.crd_dirs``, the app's lib/ and
        vendor/; with ``cluster`` also its CRDs and (unless not ``dry_run``) a strict
        server-side dry run."""
        from kfkit.validate import ValidateOptions, validate_objects

        name = self.dir.resolve_env(env)
        options = options or ValidateOptions()
        return validate_objects(
            objects,
            options,
            env_k8s_version=self.dir.env(name).k8s_version,
            default_crd_dirs=[self.root / LIB, self.root / VENDOR],
            server=(cluster, self.scope(name, components=components)) if cluster is not None else None,
            default_namespace=self.dir.env(name).destination.namespace,
            dry_run=dry_run,
            cache=cache_dir() / "validate" if options.cache else None,
        )

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
        from kfkit.manifests import upgrade_apis
        from kfkit.render import RenderOptions

        plain = replace(options or RenderOptions(), upgrade_apis=False)
        _, upgrades = upgrade_apis(self.render(env, components=components, options=plain))
        return upgrades

    def scope(self, env: str | None = None, *, components: Sequence[str] = ()) -> Scope:
        """Whose objects a diff/apply/delete of ``env`` concerns: app, env, namespace, components."""
        from kfkit.deploy import Scope

        spec = self.environment(env)
        return Scope(self.name, spec.name, spec.destination.namespace, tuple(components))

    # --- cluster operations -----------------------------------------------------------------

    def diff(
        self,
        left: str | None = None,
        right: str | None = None,
        *,
        components: Sequence[str] = (),
        options: RenderOptions | None = None,
        on_progress: OnProgress | None = None,
    ) -> DiffResult:
        """What ``apply`` would change, or how two environments differ.

        ``left`` and ``right`` are ``[local:|remote:]ENV``: ``local:`` is the render,
        ``remote:`` the live objects the environment applied; a bare name is local and
        None the current environment. With one location (or ``local:ENV remote:ENV``) the
        render is compared with a server-side dry run against the cluster; with two, the
        diff shows how ``right`` would change to become ``left`` (as ksonnet did).
        ``on_progress`` hears of the server checks (the render's progress goes to ``options``').
        """
        from kfkit.deploy import diff_live, diff_sides

        where, env = self._location(left)
        if where == "remote" and right is None:
            raise UsageError(f"remote:{env} needs a second location to compare with, e.g. local:{env}")
        other = self._location(right) if right is not None else ("remote", env)
        if where == "local" and other == ("remote", env):
            objects = self.render(env, components=components, options=options)
            cluster = self.cluster(env, purpose="comparing with")
            scope = self.scope(env, components=components)
            return diff_live(objects, cluster, scope, on_progress=on_progress)
        return diff_sides(
            self._side(where, env, components, options), self._side(*other, components, options)
        )

    def plan_apply(
        self,
        env: str | None = None,
        *,
        components: Sequence[str] = (),
        render_options: RenderOptions | None = None,
        options: ApplyOptions | None = None,
        objects: Sequence[Obj] | None = None,
    ) -> ApplyPlan:
        """Render (unless given the rendered ``objects``), then pre-flight every object; writes nothing.

        Raises :class:`~kfkit.errors.ObjectErrors` listing every object the server refuses.
        """
        from kfkit.deploy import ApplyOptions, plan_apply

        name = self.dir.resolve_env(env)
        if objects is None:
            objects = self.render(name, components=components, options=render_options)
        cluster = self.cluster(name)
        return plan_apply(
            objects, cluster, self.scope(name, components=components), options or ApplyOptions()
        )

    def apply(self, plan: ApplyPlan, *, on_result: OnResult | None = None) -> list[ObjectResult]:
        """Write a plan (tier by tier, then prune and wait as its options say); each result as it comes."""
        from kfkit.deploy import apply_plan

        return apply_plan(plan, self.cluster(plan.scope.env), on_result=on_result)

    def plan_delete(
        self,
        env: str | None = None,
        *,
        components: Sequence[str] = (),
        render_options: RenderOptions | None = None,
    ) -> DeletePlan:
        """The rendered objects ``delete`` would remove (the cluster is not asked yet)."""
        name = self.dir.resolve_env(env)
        objects = self.render(name, components=components, options=render_options)
        return DeletePlan(objects, self.scope(name, components=components))

    def delete(
        self,
        plan: DeletePlan,
        *,
        dry_run: bool = False,
        on_result: OnResult | None = None,
        on_progress: OnProgress | None = None,
    ) -> list[ObjectResult]:
        """Delete a plan's objects in reverse apply order; absent ones are reported, not errors."""
        from kfkit.deploy import delete as delete_objects

        cluster = self.cluster(plan.scope.env)
        return delete_objects(
            plan.objects, cluster, plan.scope, dry_run=dry_run, on_result=on_result, on_progress=on_progress
        )

    # --- review, history, rollback (kfkit/_review_api.py, kfkit/_history_api.py) ------------

    def review(
        self,
        env: str | None = None,
        *,
        components: Sequence[str] = (),
        against: str | None = None,
        options: RenderOptions | None = None,
        validate_options: ValidateOptions | None = None,
        connect: Connect | None = None,
        on_progress: OnProgress | None = None,
    ) -> Report:
        """A review report of applying ``env``: against its cluster, or ``against="local:prod"``.

        ``validate_options`` as in :meth:`validate` (the Kubernetes version is the environment's
        unless given); ``connect(env, purpose)`` opens a cluster client (default:
        :meth:`cluster`); ``on_progress`` hears of the pre-flight's server checks, as in
        :meth:`diff`. Format the result with :func:`kfkit.review.to_html` or
        :func:`kfkit.review.to_markdown`.
        """
        from kfkit import _review_api

        return _review_api.review(
            self,
            env,
            components=components,
            against=against,
            options=options,
            validate_options=validate_options,
            connect=connect or (lambda name, purpose: nullcontext(self.cluster(name, purpose=purpose))),
            on_progress=on_progress,
        )

    def record_apply(
        self, plan: ApplyPlan, record: RecordOptions, *, on_result: OnResult | None = None
    ) -> tuple[list[ObjectResult], Revision | None]:
        """:meth:`apply`, and record it in the environment's history.

        A dry run records nothing; a failed apply is recorded as failed, then re-raised.
        """
        from kfkit import _history_api

        client = self.cluster(plan.scope.env)
        return _history_api.recorded_apply(
            self, plan.scope, client, plan, plan.options, record, on_result=on_result
        )

    def record_delete(
        self,
        plan: DeletePlan,
        record: RecordOptions,
        *,
        dry_run: bool = False,
        on_result: OnResult | None = None,
        on_progress: OnProgress | None = None,
    ) -> tuple[list[ObjectResult], Revision | None]:
        """:meth:`delete`, and record it in the environment's history."""
        from kfkit import _history_api

        client = self.cluster(plan.scope.env)
        return _history_api.recorded_delete(
            self,
            plan.scope,
            client,
            plan.objects,
            record,
            dry_run=dry_run,
            on_result=on_result,
            on_progress=on_progress,
        )

    def history(self, env: str | None = None, *, client: Cluster | None = None) -> list[Revision]:
        """The kept revisions of ``env`` (oldest first), read from its namespace in the cluster."""
        from kfkit import _history_api

        name = self.dir.resolve_env(env)
        with self._client(name, client) as connected:
            return _history_api.history(self, name, connected)

    def revision(self, env: str | None, number: int, *, client: Cluster | None = None) -> Revision:
        """One revision of ``env``; a UsageError naming the kept ones if it is not there."""
        from kfkit import _history_api

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
        client: Cluster,
        on_progress: OnProgress | None = None,
    ) -> RollbackPlan:
        """What rolling back to revision ``number`` would change (its diff); writes nothing.

        ``on_progress`` hears of the server checks, and of the apply when the plan is applied.
        """
        from kfkit import _history_api

        name = self.dir.resolve_env(env)
        return _history_api.plan_rollback(
            self, name, number, client, prune=prune, force=force_conflicts, on_progress=on_progress
        )

    def apply_rollback(
        self,
        rollback: RollbackPlan,
        *,
        client: Cluster,
        dry_run: bool = False,
        record: RecordOptions | None = None,
        on_result: Callable[[ObjectResult], None] | None = None,
    ) -> tuple[list[ObjectResult], Revision | None]:
        """Apply a planned rollback; it is recorded as a new revision unless a dry run."""
        from kfkit._history_api import RecordOptions, apply_rollback

        return apply_rollback(
            self, rollback, client, record or RecordOptions(), dry_run=dry_run, on_result=on_result
        )

    def trim_history(self, env: str | None, keep: int, *, client: Cluster | None = None) -> int:
        """Delete all but the newest ``keep`` revisions of ``env``; how many were deleted."""
        from kfkit import _history_api

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
        client: Cluster | None = None,
    ) -> RollbackResult:
        """Re-apply revision ``number`` of ``env`` (see docs/review.md for Secrets and removed APIs)."""
        from kfkit._history_api import RollbackResult

        name = self.dir.resolve_env(env)
        with self._client(name, client) as connected:
            planned = self.plan_rollback(
                name, number, prune=prune, force_conflicts=force_conflicts, client=connected
            )
            results, recorded = self.apply_rollback(planned, client=connected, dry_run=dry_run, record=record)
        return RollbackResult(planned, results, recorded, dry_run=dry_run)

    @contextmanager
    def _client(self, env: str, client: Cluster | None) -> Iterator[Cluster]:
        """``client`` if given, else ``env``'s cluster (closed with the app)."""
        yield client if client is not None else self.cluster(env)

    def _location(self, text: str | None) -> tuple[str, str]:
        """``local:dev`` → ("local", "dev"); a bare name is local; none is the current environment."""
        where, sep, env = (text or "").rpartition(":")
        if not sep:
            where = "local"
        if where not in ("local", "remote"):
            raise UsageError(f"{where!r} is not a valid location; use local:<env> or remote:<env>")
        return where, self.dir.resolve_env(env or None)

    def _side(self, where: str, env: str, components: Sequence[str], options: RenderOptions | None) -> Side:
        """``local:ENV``: its render; ``remote:ENV``: the live objects it applied."""
        from kfkit.deploy import Side, live_objects

        namespace = self.environment(env).destination.namespace
        if where == "local":
            return Side(f"local:{env}", self.render(env, components=components, options=options), namespace)
        cluster = self.cluster(env, purpose=f"reading remote:{env} from")
        scope = self.scope(env, components=components)
        return Side(f"remote:{env}", live_objects(cluster, scope), namespace)


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
    from kfkit.app._package_new import manifest_prototype, read_manifests, scaffold_package

    prototype = (
        manifest_prototype(name, read_manifests(from_manifests), description=description)
        if from_manifests is not None
        else None
    )
    return scaffold_package(
        name, Path(registry_dir), registry=registry, prototype=prototype, description=description
    )


def _params(
    proto: Prototype,
    component: str,
    flags: Mapping[str, str] | None,
    values: Mapping[str, JsonValue] | None,
    values_file: Path | None,
) -> dict[str, JsonValue]:
    """The prototype's params from flags, then ``values`` and the values file, checked alike."""
    if values_file is not None:
        values = {**(values or {}), **load_values_file(values_file)}
    source = f"values file {values_file}" if values_file is not None else "values"
    return app_layer.prototype_params(proto, component, flags or {}, values, values_from=source)


def _spec_before_writing(source: str | None) -> tuple[str, Obj, str] | None:
    """``init``'s and ``add_env``'s spec, read first so that a bad one leaves nothing written.

    ``cluster`` asks the environment's server, so the environment must exist first.
    """
    if source is None:
        return None
    if source == "cluster":
        raise UsageError(
            "--api-spec cluster reads the environment's server: add the environment first, "
            "then kfkit env set ENV --api-spec cluster"
        )
    from kfkit.ksonnetlib import load_api_spec

    version, spec = load_api_spec(source)
    return version, spec, source


def _server(server: str | None, connection: ConnectionOptions) -> str:
    """``server``, else the server of ``connection.context`` or the current kubeconfig context.

    Without a kubeconfig (and no context named) an app can still be made and rendered offline.
    """
    if server is not None:
        return server
    from kfkit.cluster import kube_contexts  # lazy: init and env add never need the client otherwise

    try:
        contexts = kube_contexts(connection.kubeconfig)
    except ClusterError:
        if connection.context:
            raise
        return ""
    if connection.context:
        match = [c for c in contexts if c.name == connection.context]
        if not match:
            known = ", ".join(c.name for c in contexts)
            raise UsageError(f"context {connection.context!r} not in kubeconfig; known: {known}")
        return match[0].server
    return next((c.server for c in contexts if c.current), "")


def load_values_file(path: Path) -> dict[str, JsonValue]:
    """A ``--values-file``: a Jsonnet (or JSON) file evaluating to an object of params."""
    from kfkit.evaluator import Evaluation, evaluate_file

    if not path.is_file():
        raise UsageError(f"values file {path} does not exist")
    value = evaluate_file(path, Evaluation(root=path.parent.resolve()))
    if not isinstance(value, dict):
        raise UsageError(f"values file {path} must evaluate to an object")
    return value
