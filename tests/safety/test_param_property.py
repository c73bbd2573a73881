"""≥ 1000 generated values through ``param set``: the whole params object must be exactly the model.

Each example sets a batch of values (typed as the CLI types them, or ``--as-string``) into one
app, mirroring every edit in a plain dict; the evaluated params files and the environment's
effective params must equal that dict. Comparing the whole object catches an edit that also
changes a sibling, not just one that misses its own key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kfkit import App
from kfkit.errors import UsageError
from kfkit.params import module_params, parse_value, resolve_params, set_param

BATCH = 50
EXAMPLES = 10  # x 2 tests x BATCH = 1000 values

TEXT = (
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=16)
    | st.from_regex(r"[-+]?[0-9]{1,22}(\.[0-9]{1,20})?([eE][-+]?[0-9]{1,3})?\n?", fullmatch=True)
    | st.sampled_from(
        ["1\n", "true", "false", "null", "[1, 2]", '{"a": [1]}', "[", "{", "|||", "//", "/*", "'", '"', "\\"]
    )
)
KEYS = st.sampled_from(["x", "y", "nested.a", "nested.b", "g:x", "g:nested.c"])
"""``g:`` keys are globals; nested keys only ever hold objects above them."""


def _put(model: dict[str, Any], keys: list[str], value: Any) -> None:
    for key in keys[:-1]:
        model = model.setdefault(key, {})
    model[keys[-1]] = value


def _run_batch(tmp: Path, edits: list[tuple[str, str]], as_string: bool) -> None:
    app = App.init(tmp, env="default")
    (app.root / "components/web.jsonnet").write_text("{}\n")
    model: dict[str, Any] = {"global": {}, "components": {}}
    set_param(app.dir, "web", "seed", 0)
    model["components"]["web"] = {"seed": 0}
    for key, text in edits:
        try:
            value = parse_value(text, as_string=as_string)
        except UsageError:  # "[" or "{" that is not JSON: refused before any file is touched
            assert not as_string and text.startswith(("[", "{"))
            continue
        if as_string:
            assert value == text
        glob, _, name = key.rpartition(":")
        set_param(app.dir, None if glob else "web", name, value)
        _put(model["global"] if glob else model["components"]["web"], name.split("."), value)
    assert module_params(app.dir, None) == model
    effective = resolve_params(app.dir, "default")
    assert effective == {"web": _merge_patch(model["components"]["web"], model["global"])}


def _merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396, as std.mergePatch applies globals to a component's params."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = _merge_patch(result.get(key), value)
    return result


_SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_SETTINGS
@given(edits=st.lists(st.tuples(KEYS, TEXT), min_size=BATCH, max_size=BATCH))
def test_typed_values_leave_exactly_the_model(
    tmp_path_factory: pytest.TempPathFactory, edits: list[tuple[str, str]]
) -> None:
    _run_batch(tmp_path_factory.mktemp("typed") / "app", edits, as_string=False)


@_SETTINGS
@given(edits=st.lists(st.tuples(KEYS, TEXT), min_size=BATCH, max_size=BATCH))
def test_as_string_values_leave_exactly_the_model(
    tmp_path_factory: pytest.TempPathFactory, edits: list[tuple[str, str]]
) -> None:
    _run_batch(tmp_path_factory.mktemp("strings") / "app", edits, as_string=True)
