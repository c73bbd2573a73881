"""The app on disk: layout, app.yaml, environments, components and prototypes."""

from typing import TYPE_CHECKING

from kfkit import _lazy_attributes

if TYPE_CHECKING:
    from kfkit.app._app import ROOT_MODULE, AppDir, Component, Module, module_name
    from kfkit.app._appyaml import (
        API_VERSION,
        AppSpec,
        Destination,
        EnvironmentSpec,
        LibrarySpec,
        RegistrySpec,
    )
    from kfkit.app._files import DEFAULT_LOCK_TIMEOUT, locked, remove_stale_temps, write_atomic
    from kfkit.app._import import NewComponent, plan_import
    from kfkit.app._layout import CACHE_ENV, KSONNET_LIB, LIB, VENDOR, cache_dir, find_root
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
        PROTOCOLS,
        Registry,
        RegistryIndex,
        detect_registry,
        parse_registry_yaml,
    )
    from kfkit.app._upgrade import UPGRADE_VERSIONS, AppUpgrade, Move, apply_upgrade, plan_upgrade

__all__ = [
    "API_VERSION",
    "BUILTIN_REGISTRY",
    "CACHE_ENV",
    "DEFAULT_LOCK_TIMEOUT",
    "KSONNET_LIB",
    "LIB",
    "PROTOCOLS",
    "ROOT_MODULE",
    "UPGRADE_VERSIONS",
    "VENDOR",
    "AppDir",
    "AppSpec",
    "AppUpgrade",
    "Component",
    "Destination",
    "EnvironmentSpec",
    "InstalledPackage",
    "LibrarySpec",
    "Module",
    "Move",
    "NewComponent",
    "PackageInfo",
    "Param",
    "Prototype",
    "Registry",
    "RegistryIndex",
    "RegistrySpec",
    "add_registry",
    "app_registries",
    "apply_upgrade",
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
    "module_name",
    "parse_parts_yaml",
    "parse_prototype",
    "parse_registry_yaml",
    "plan_import",
    "plan_upgrade",
    "prototype_params",
    "remove_package",
    "remove_registry",
    "remove_stale_temps",
    "write_atomic",
]

_HOMES = {
    "kfkit.app._app": (
        "ROOT_MODULE",
        "AppDir",
        "Component",
        "Module",
        "module_name",
    ),
    "kfkit.app._appyaml": (
        "API_VERSION",
        "AppSpec",
        "Destination",
        "EnvironmentSpec",
        "LibrarySpec",
        "RegistrySpec",
    ),
    "kfkit.app._files": (
        "DEFAULT_LOCK_TIMEOUT",
        "locked",
        "remove_stale_temps",
        "write_atomic",
    ),
    "kfkit.app._import": (
        "NewComponent",
        "plan_import",
    ),
    "kfkit.app._layout": ("CACHE_ENV", "KSONNET_LIB", "LIB", "VENDOR", "cache_dir", "find_root"),
    "kfkit.app._package": (
        "InstalledPackage",
        "PackageInfo",
        "add_registry",
        "app_registries",
        "content_hash",
        "describe_package",
        "install_package",
        "installed_packages",
        "list_packages",
        "parse_parts_yaml",
        "remove_package",
        "remove_registry",
    ),
    "kfkit.app._prototype": (
        "Param",
        "Prototype",
        "component_source",
        "discover_prototypes",
        "find_prototype",
        "parse_prototype",
        "prototype_params",
    ),
    "kfkit.app._registry": (
        "BUILTIN_REGISTRY",
        "PROTOCOLS",
        "Registry",
        "RegistryIndex",
        "detect_registry",
        "parse_registry_yaml",
    ),
    "kfkit.app._upgrade": (
        "UPGRADE_VERSIONS",
        "AppUpgrade",
        "Move",
        "apply_upgrade",
        "plan_upgrade",
    ),
}
"""The names of each module, imported from it on first use: loading an app never loads the registries."""

__getattr__ = _lazy_attributes(__name__, {name: module for module, names in _HOMES.items() for name in names})
