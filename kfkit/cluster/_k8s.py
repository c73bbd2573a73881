"""Imports the Kubernetes client without kubernetes-validate, before any other cluster module does.

``import kubernetes`` loads its dynamic client, which imports kubernetes-validate when it is
installed, as it is for kfkit's schemas: that package's ``__init__`` loads jsonschema, ~0.06 s
CPU on every cluster command (an unchanged apply would otherwise need no jsonschema at all).
kfkit reads only that package's data files and never uses the dynamic client, so the package is
hidden while the client is imported; the dynamic client then reports its validation unavailable.
A process that imported the client before kfkit keeps it as it was.
"""

import sys

if "kubernetes" not in sys.modules:
    _HIDE = "kubernetes_validate" not in sys.modules
    if _HIDE:
        sys.modules["kubernetes_validate"] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        import kubernetes  # noqa: F401
    finally:
        if _HIDE:
            del sys.modules["kubernetes_validate"]
