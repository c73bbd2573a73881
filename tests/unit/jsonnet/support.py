"""go-jsonnet as the oracle (does it parse a snippet, what does a file evaluate to), and the
files and values the editor tests share."""

from __future__ import annotations

import json
from pathlib import Path
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


REPO = Path(__file__).resolve().parents[3]

# ksonnet's `components/params.libsonnet` as `ks init` writes it (ksonnet.md §2.4).
KS_PARAMS = """\
{
  global: {
    // User-defined global parameters; accessible to all component and environments, Ex:
    // replicas: 4,
  },
  components: {
    // Component-level parameters, defined initially from 'ks prototype use ...'
    // Each object below should correspond to a component in the components/ directory
  },
}
"""

# ksonnet's default `environments/<env>/params.libsonnet` (ksonnet.md §2.7); its overrides go
# into `local envParams`.
KS_ENV_PARAMS = """\
local params = std.extVar("__ksonnet/params");
local globals = import "globals.libsonnet";
local envParams = params + {
  components +: {
    // Insert component parameter overrides here. Ex:
    // guestbook +: {
    //   name: "guestbook-dev",
    //   replicas: params.global.replicas,
    // },
  },
};

{
  components: {
    [x]: envParams.components[x] + globals, for x in std.objectFields(envParams.components)
  },
}
"""


def replace_once(text: str, old: str, new: str) -> str:
    """``text`` with ``old``, which must occur exactly once, replaced by ``new``."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


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
