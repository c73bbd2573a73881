"""kfkit: the ksonnet workflow in Python.

Jsonnet prototypes become components of an app, each environment keeps its own params
(edited losslessly with ``kfkit param set``), and kfkit renders, validates, diffs and
applies the manifests.
"""

from kfkit._api import App
from kfkit.errors import KfkitError
from kfkit.render import RenderOptions

__all__ = ["App", "KfkitError", "RenderOptions"]
__version__ = "0.1.0"
