"""The app on disk: layout, app.yaml, environments, components and prototypes."""

from kfkit.app._app import AppDir, Component
from kfkit.app._appyaml import AppSpec, Destination, EnvironmentSpec, LibrarySpec, RegistrySpec
from kfkit.app._files import locked, write_atomic
from kfkit.app._layout import find_root
from kfkit.app._package import (
    InstalledPackage,
    PackageInfo,
    add_registry,
    app_registries,
    content_hash,
    describe_package,
    install_package,
    installed_packages,
    list_packages,
    parse_parts_yaml,
    remove_package,
    remove_registry,
)
from kfkit.app._prototype import (
    Param,
    Prototype,
    component_source,
    discover_prototypes,
    find_prototype,
    parse_prototype,
    prototype_params,
)
from kfkit.app._registry import (
    BUILTIN_REGISTRY,
    CACHE_ENV,
    PROTOCOLS,
    Registry,
    RegistryIndex,
    cache_dir,
    detect_registry,
    parse_registry_yaml,
)

__all__ = [
    "BUILTIN_REGISTRY",
    "CACHE_ENV",
    "PROTOCOLS",
    "AppDir",
    "AppSpec",
    "Component",
    "Destination",
    "EnvironmentSpec",
    "InstalledPackage",
    "LibrarySpec",
    "PackageInfo",
    "Param",
    "Prototype",
    "Registry",
    "RegistryIndex",
    "RegistrySpec",
    "add_registry",
    "app_registries",
    "cache_dir",
    "component_source",
    "content_hash",
    "describe_package",
    "detect_registry",
    "discover_prototypes",
    "find_prototype",
    "find_root",
    "install_package",
    "installed_packages",
    "list_packages",
    "locked",
    "parse_parts_yaml",
    "parse_prototype",
    "parse_registry_yaml",
    "prototype_params",
    "remove_package",
    "remove_registry",
    "write_atomic",
]
