"""A tiny stand-in for `kfkit generate` + `kfkit show`, used to test the built-in prototypes.

It follows the prototype contract (DESIGN.md §5, reference/ksonnet.md §5): parse the `//` header,
write the component (two header lines + the body with `param://` / `env://` imports replaced),
give every declared param its default, and evaluate with the ext vars ksonnet sets. The test
bodies only use the `render` / `generate` / `dump_yaml` fixtures, so they can move onto the
real kfkit API by swapping these fixtures.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import _gojsonnet
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
PROTOTYPES = ROOT / "prototypes"
GOLDEN = ROOT / "tests" / "golden"
ENV = {"server": "https://127.0.0.1:6443", "namespace": "default"}

_PLACEHOLDER = re.compile(r"""import\s+(['"])(param|env)://([A-Za-z0-9_]+)\1""")


@dataclass
class Param:
    name: str
    type: str
    required: bool
    default: Any = None
    description: str = ""


@dataclass
class Prototype:
    path: Path
    directives: dict[str, str] = field(default_factory=dict)
    params: dict[str, Param] = field(default_factory=dict)
    body: str = ""


def _default(type_: str, text: str) -> Any:
    if text == "null":
        return None
    if type_ == "string":
        return text
    if type_ == "number":
        return json.loads(text)
    if type_ == "numberOrString":
        try:
            return json.loads(text)
        except ValueError:
            return text
    if type_ == "boolean":
        return {"true": True, "false": False}[text]
    if type_ in ("object", "array"):
        return json.loads(_gojsonnet.evaluate_snippet("<default>", text))
    raise ValueError(f"unknown param type {type_!r}")


def parse_prototype(path: Path) -> Prototype:
    lines = path.read_text().splitlines(keepends=True)
    proto = Prototype(path=path)
    last: Param | str | None = None  # the directive a following `//` line continues
    n = 0
    while n < len(lines) and lines[n].startswith("//"):
        text = lines[n][2:].strip()
        n += 1
        if not text.startswith("@"):
            if isinstance(last, Param):
                last.description += "\n" + text
            elif last is not None:
                proto.directives[last] += "\n" + text
            else:
                raise ValueError(f"{path.name}: header comment outside a directive: {text!r}")
            continue
        key, _, rest = text[1:].partition(" ")
        if key == "param":
            pname, ptype, desc = rest.split(" ", 2)
            last = proto.params[pname] = Param(pname, ptype, True, None, desc)
        elif key == "optionalParam":
            pname, ptype, default, desc = rest.split(" ", 3)
            last = proto.params[pname] = Param(pname, ptype, False, _default(ptype, default), desc)
        elif key in ("apiVersion", "name", "description", "shortDescription"):
            proto.directives[key] = rest
            last = key
        else:
            raise ValueError(f"{path.name}: unknown prototype directive {key!r}")
    proto.body = "".join(lines[n:])
    return proto


def generate(proto_file: str, component: str, values: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Return (components/<component>.jsonnet text, the component's params) like kfkit generate."""
    proto = parse_prototype(PROTOTYPES / proto_file)
    params: dict[str, Any] = {}
    for p in proto.params.values():
        if p.name in values:
            params[p.name] = values[p.name]
        elif p.name == "name":
            params[p.name] = component
        elif p.required:
            raise ValueError(f"missing required param --{p.name}")
        else:
            params[p.name] = p.default
    unknown = set(values) - set(proto.params)
    if unknown:
        raise ValueError(f"unknown params {sorted(unknown)}")
    body = _PLACEHOLDER.sub(
        lambda m: ("params." if m.group(2) == "param" else "env.") + m.group(3), proto.body
    )
    code = (
        'local env = std.extVar("__ksonnet/environments");\n'
        f'local params = std.extVar("__ksonnet/params").components["{component}"];\n' + body
    )
    return code, params


def render(
    proto_file: str,
    component: str = "unit",
    *,
    set_params: dict[str, Any] | None = None,
    **values: Any,
) -> list[dict[str, Any]]:
    """`generate` the component with `values`, `param set` the `set_params`, and render it."""
    code, params = generate(proto_file, component, values)
    params.update(set_params or {})
    out = json.loads(
        _gojsonnet.evaluate_snippet(
            f"components/{component}.jsonnet",
            code,
            ext_codes={
                "__ksonnet/environments": json.dumps(ENV),
                "__ksonnet/params": json.dumps({"components": {component: params}}),
            },
        )
    )
    if isinstance(out, dict) and out.get("kind") == "List" and "items" in out:
        return list(out["items"])
    return out if isinstance(out, list) else [out]


class _Dumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(objects: list[dict[str, Any]], component: str) -> str:
    """What `kfkit show` prints: the component label added, `---` before each object."""
    out = []
    for obj in objects:
        obj = json.loads(json.dumps(obj))
        obj["metadata"].setdefault("labels", {})["ksonnet.io/component"] = component
        text = yaml.dump(obj, Dumper=_Dumper, sort_keys=True, default_flow_style=False)
        out.append("---\n" + text)
    return "".join(out)


@pytest.fixture
def render_prototype() -> Callable[..., list[dict[str, Any]]]:
    return render


@pytest.fixture
def prototype_header() -> Callable[[str], Prototype]:
    return lambda proto_file: parse_prototype(PROTOTYPES / proto_file)


@pytest.fixture
def show_yaml() -> Callable[[list[dict[str, Any]], str], str]:
    return dump_yaml


@pytest.fixture
def golden_dir() -> Path:
    return GOLDEN
