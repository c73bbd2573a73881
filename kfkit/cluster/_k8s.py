"""Imports the official Kubernetes client with only the parts kfkit runs; first of kfkit.cluster.

kfkit reads kubeconfig with ``kubernetes.config`` and sends requests with
``kubernetes.client``'s ``ApiClient``, ``Configuration`` and ``rest``. Imported the usual way
these cost ~0.3 s CPU on every cluster command, mostly for code kfkit never calls:

* ``kubernetes/__init__`` imports every sub-package: the dynamic client (which loads
  kubernetes-validate, and jsonschema with it), watch, stream (websocket), leader election,
  informer;
* ``kube_config`` binds ``requests_oauthlib.OAuth2Session`` and ``oauthlib.oauth2`` (requests,
  oauthlib), which it uses only to refresh an expired OIDC token;
* ``api_client`` binds pydantic's ``SecretStr``, the pydantic model ``ApiResponse`` and
  dateutil's ``parse``, which only the typed API classes' responses use.

So the package is registered without running its ``__init__`` (a sub-package still loads on
first use, e.g. ``kubernetes.watch``), and while ``kubernetes.config`` and ``api_client`` are
imported the names above resolve to :class:`_Later` stand-ins that import the real thing
when first used: ``import kfkit.cluster`` takes 618 rather than 1145 million instructions
(callgrind), ~0.2 s CPU less. Every kubeconfig feature keeps working: tokens, client
certificates, exec plugins, OIDC. A process that imported the client before kfkit keeps it
as it was, and a module already imported is used as it is. tests/cluster/test_client_imports.py
pins what ``kfkit apply`` and ``kfkit diff`` load and runs each kind of credential against
the real server.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

__all__ = ["DEFERRED"]

DEFERRED = (
    "requests_oauthlib",
    "oauthlib.oauth2",
    "pydantic",
    "kubernetes.client.api_response",
    "dateutil.parser",
)
"""Modules the client binds names of at import but uses only on paths kfkit does not take."""


class _Later:
    """Stands in for ``module.name``: calling it (or ``isinstance``) uses the real one.

    The real one is imported on the first call. ``isinstance(x, later)`` asks the real
    class only when its module is loaded: no object is an instance of a class never imported.
    """

    def __init__(self, module: str, name: str) -> None:
        self._module, self._name = module, name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(self._module), self._name)(*args, **kwargs)

    def __getitem__(self, _params: object) -> _Later:
        return self  # subscripted in annotations only (``ApiResponse[T]``)

    def __instancecheck__(self, obj: object) -> bool:
        real = getattr(sys.modules.get(self._module), self._name, None)
        return isinstance(real, type) and isinstance(obj, real)


class _StandIn(ModuleType):
    """A module of :data:`DEFERRED` while the client is imported: its names are :class:`_Later`.

    Afterwards (out of ``sys.modules``) it forwards attribute reads to the real module.
    """

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        if sys.modules.get(self.__name__) is self:
            return _Later(self.__name__, attr)
        return getattr(importlib.import_module(self.__name__), attr)


@contextmanager
def _deferred() -> Iterator[dict[str, ModuleType]]:
    """:data:`DEFERRED`'s modules not loaded yet, as stand-ins while the client is imported."""
    standing: dict[str, ModuleType] = {name: _StandIn(name) for name in DEFERRED if name not in sys.modules}
    sys.modules.update(standing)
    try:
        yield standing
    finally:
        for name, stand_in in standing.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]


def _package_without_init(name: str) -> None:
    """Register package ``name`` without running its ``__init__``; sub-packages load on first use."""
    spec = importlib.util.find_spec(name)
    assert spec is not None, f"{name} is a dependency of kfkit"
    package = importlib.util.module_from_spec(spec)

    def submodule(attr: str) -> Any:
        if attr == "__version__":
            return importlib.import_module(f"{name}.client").__version__
        try:
            return importlib.import_module(f"{name}.{attr}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{name}.{attr}":
                raise
            raise AttributeError(f"module {name!r} has no attribute {attr!r}") from None

    package.__getattr__ = submodule  # type: ignore[method-assign]  # PEP 562: sub-packages on first use
    sys.modules[name] = package


if "kubernetes" not in sys.modules:
    _package_without_init("kubernetes")
    with _deferred() as _standing:
        import kubernetes.client.api_client
        import kubernetes.config  # noqa: F401
    # kube_config reads oauthlib.oauth2 as an attribute of the package it imported
    if "oauthlib.oauth2" in _standing and "oauth2" not in vars(sys.modules["oauthlib"]):
        sys.modules["oauthlib"].oauth2 = _standing["oauthlib.oauth2"]  # type: ignore[attr-defined]
