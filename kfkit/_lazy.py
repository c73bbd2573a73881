"""Package attributes imported on first use (PEP 562), so a package costs only what a command uses.

``import kfkit`` and ``import kfkit.app`` run no submodule: ``kfkit.app.AppDir`` loads the app
layer alone, ``kfkit.app.install_package`` the registries and hashing as well (#12: start-up).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping

__all__ = ["lazy_attributes"]


def lazy_attributes(package: str, homes: Mapping[str, tuple[str, ...]]) -> Callable[[str], object]:
    """A module ``__getattr__`` for ``package``: each name of ``homes[module]`` comes from ``module``.

    A name is imported once and then kept in the package's namespace.
    """
    home = {name: module for module, names in homes.items() for name in names}
    namespace = sys.modules[package].__dict__

    def __getattr__(name: str) -> object:
        if name not in home:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home[name]), name)
        namespace[name] = value
        return value

    return __getattr__
