"""Params: evaluating and editing the params files of components and environments."""

from kfkit.params._params import (
    LockOptions,
    ParamDiff,
    ParamRow,
    delete_param,
    diff_params,
    list_params,
    set_param,
)
from kfkit.params._resolve import env_globals, environment_ext, global_keys, module_params, resolve_params
from kfkit.params._store import add_component_params, edit_file, remembered_outline, remove_component_params
from kfkit.params._values import parse_key, parse_value

__all__ = [
    "LockOptions",
    "ParamDiff",
    "ParamRow",
    "add_component_params",
    "delete_param",
    "diff_params",
    "edit_file",
    "env_globals",
    "environment_ext",
    "global_keys",
    "list_params",
    "module_params",
    "parse_key",
    "parse_value",
    "remembered_outline",
    "remove_component_params",
    "resolve_params",
    "set_param",
]
