"""The app on disk: layout, app.yaml, environments, components and prototypes."""

from kfkit.app._app import AppDir, Component
from kfkit.app._appyaml import AppSpec, Destination, EnvironmentSpec
from kfkit.app._files import locked, write_atomic
from kfkit.app._layout import find_root
from kfkit.app._prototype import (
    Param,
    Prototype,
    component_source,
    discover_prototypes,
    find_prototype,
    parse_prototype,
    prototype_params,
)

__all__ = [
    "AppDir",
    "AppSpec",
    "Component",
    "Destination",
    "EnvironmentSpec",
    "Param",
    "Prototype",
    "component_source",
    "discover_prototypes",
    "find_prototype",
    "find_root",
    "locked",
    "parse_prototype",
    "prototype_params",
    "write_atomic",
]
