"""kfkit's YAML writer sends libyaml's emitter events itself: its output must be what PyYAML's
own representer wrote with kfkit's string styles, byte for byte, for any JSON value."""

from __future__ import annotations

import math
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kfkit.manifests import to_yaml, yaml_document
from kfkit.manifests._serialize import _RETYPED


class _Reference(yaml.CSafeDumper):
    """The writer as it was: PyYAML's representer, kfkit's string styles."""


def _reference_str(dumper: _Reference, value: str) -> yaml.Node:
    if _RETYPED.match(value) and value not in ("", ".", "_"):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="'")
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Reference.add_representer(str, _reference_str)


def reference(value: Any) -> str:
    text: str = yaml.dump(
        value, Dumper=_Reference, sort_keys=True, default_flow_style=False, allow_unicode=True, width=1 << 30
    )
    return text


# Strings that stress the styles: retyped words and numbers, colons, quotes, newlines, unicode.
TRICKY = st.sampled_from(
    ["", "y", "No", "on", "1e3", "0o17", "12:30", "-", "- x", "a: b", "#x", "x #y", "'q'", '"d"', "a\nb\n", " lead",
     "trail ", "~", "null", "é✓", "\t", "@x", "%x", "*x", "&x", "!x", "|", ">", "[x]", "{x}", "1.5", ".inf", "0x1F"]
)  # fmt: skip
TEXT = st.one_of(TRICKY, st.text(max_size=12))
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.just(math.inf), TEXT
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(VALUES)
def test_a_document_is_what_pyyamls_representer_wrote(value: Any) -> None:
    assert yaml_document(value) == reference(value)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.dictionaries(TEXT, VALUES, max_size=4), max_size=4))
def test_a_stream_is_each_document_after_a_separator(objects: list[Any]) -> None:
    assert to_yaml(objects) == "".join(f"---\n{reference(obj)}" for obj in objects)


def test_equal_scalars_of_other_types_keep_their_own_form_across_documents() -> None:
    # The writer reuses one event per distinct string: True == 1 == 1.0 must not share it.
    values: list[dict[str, Any]] = [
        {"1": [True, 1, 1.0, "1", "true", None, "null"]},
        {"true": ["1", 1, True, "a\nb"], "1": "1"},
    ]
    assert to_yaml(values) == "".join(f"---\n{reference(v)}" for v in values)
    assert "- true\n- 1\n- 1.0\n- '1'\n- 'true'\n- null\n- 'null'\n" in to_yaml(values)


def test_a_repeated_python_object_is_written_out_each_time_never_as_an_alias() -> None:
    labels = {"app": "web"}
    obj = {"metadata": {"labels": labels}, "spec": {"selector": {"matchLabels": labels}}}
    text = yaml_document(obj)
    assert "&" not in text and "*" not in text
    assert yaml.safe_load(text) == obj
    assert text.count("app: web") == 2
