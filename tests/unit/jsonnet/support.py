"""go-jsonnet as the oracle: does it parse a snippet, and what does a file evaluate to."""

from __future__ import annotations

import json
from typing import Any

import _gojsonnet
from hypothesis import strategies as st

# go-jsonnet reports these static-analysis errors after parsing succeeded; kfkit's parser,
# like go-jsonnet's, does not resolve names.
_NAME_ERRORS = (
    "Unknown variable",
    "Can't use self outside",
    "Can't use super outside",
    "No top-level object found",
)


def go_parses(source: str) -> bool:
    """Whether go-jsonnet gets past parsing ``source`` (runtime errors count as parsed)."""
    try:
        _gojsonnet.evaluate_snippet("snippet.jsonnet", source)
    except RuntimeError as exc:
        message = str(exc)
        return message.startswith("RUNTIME ERROR") or any(e in message for e in _NAME_ERRORS)
    return True


def evaluate(source: str, **ext_codes: str) -> Any:
    """The JSON value of ``source``; ``import "globals.libsonnet"`` gives ``{}``."""

    def imports(_dir: str, rel: str) -> tuple[str, bytes]:
        return rel, b"{}"

    name = "params.libsonnet"
    out = _gojsonnet.evaluate_snippet(name, source, ext_codes=dict(ext_codes), import_callback=imports)
    return json.loads(out)


# Keys and values as a user could type them: any text (quotes, `-`, spaces, unicode,
# control characters), and JSON values with the strings that tend to break printers.
keys = st.text(st.characters(codec="utf-8"), max_size=6) | st.sampled_from(
    ["name", "model-server", "if", "number", "a b", "'", '"', "\\", "é", "", "// x", "x.y"]
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(codec="utf-8"))
    | st.sampled_from(["|||", "// x", "/* y */", "# z", "'\"", "\\u0041", "a\nb", '@"q"', "é😀"])
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=12,
)
