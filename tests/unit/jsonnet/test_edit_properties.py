"""Round trips through go-jsonnet: any key and value set into real-world shaped files.

For generated paths and JSON values, ``set`` must (1) leave every character outside the
edited region alone, (2) produce a file that evaluates to the old value with exactly that
path changed, and (3) be undone by ``delete`` (byte for byte when it inserted a field).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kfkit.jsonnet import Document, ObjectRef, parse
from kfkit.jsonnet._ast import Object
from tests.unit.jsonnet.support import (
    KS_ENV_PARAMS,
    KS_PARAMS,
    evaluate,
    json_values,
    keys,
    replace_once,
)

PARAMS = {"__ksonnet/params": '{components: {web: {replicas: 1, tags: ["a"]}, db: {}}}'}


@dataclass(frozen=True)
class Template:
    """A file to edit, which object of it to edit, and what evaluating it needs."""

    name: str
    source: str
    locate: Callable[[Document], ObjectRef] = Document.root_object
    prefix: tuple[str, ...] = ()  # every path starts with this
    min_rest: int = 1  # and has at least this many more segments
    plus: bool | None = None  # None: either; True: files that merge onto inherited values
    ext: dict[str, str] = field(default_factory=dict)

    def evaluate(self, source: str) -> Any:
        return evaluate(source, **self.ext)


TEMPLATES = [
    Template(
        "ksonnet components/params.libsonnet",
        replace_once(
            KS_PARAMS,
            "components/ directory\n",
            "components/ directory\n"
            '    "model-server": {\n'
            '      name: "inception",\n'
            "      replicas: 1,\n"
            '      resources: { limits: { cpu: "1" } },\n'
            "    },\n",
        ),
    ),
    Template(
        "odd spacing, tabs, every comment and string style, no trailing commas",
        """\
# header
local unused = 1;
/* block */ {
\tglobal: {},
\tcomponents: {
\t\tweb: {
\t\t\timage: 'nginx',  # pinned
\t\t\tcmd: @'C:\\run',
\t\t\tconfig: |||
\t\t\t\tlisten 80;
\t\t\t|||,
\t\t\treplicas: 2 // none
\t\t},
\t\t'db': { name: 'pg', "port": 5432 }
\t}
}
""",
    ),
    Template(
        "base { … } with the right side edited",
        """\
local defaults = { zz: { v: 1 }, global: { lost: true } };
defaults {
  global: {
    a: { b: 1 },
    "c-d": [1, 2],
  },
  e: {},
}
""",
        plus=True,
    ),
    Template(
        "ksonnet environment params.libsonnet",
        replace_once(KS_ENV_PARAMS, "    // },\n", "    // },\n    web +: {\n      replicas: 2,\n    },\n"),
        locate=lambda doc: doc.local_object("envParams"),
        prefix=("components",),
        min_rest=2,
        plus=True,
        ext=PARAMS,
    ),
]
OLD = {t.name: t.evaluate(t.source) for t in TEMPLATES}


@st.composite
def paths(draw: st.DrawFn, template: Template) -> list[str]:
    """A path through the evaluated value: existing keys or new ones, stopping at leaves."""
    node: Any = OLD[template.name]
    path = list(template.prefix)
    for key in template.prefix:
        node = node[key]
    while True:
        existing = sorted(node) if isinstance(node, dict) else []
        use_existing = bool(existing) and draw(st.booleans())
        key = draw(st.sampled_from(existing)) if use_existing else draw(keys)
        path.append(key)
        node = node.get(key) if isinstance(node, dict) else None
        rest = len(path) - len(template.prefix)
        if node is not None and not isinstance(node, dict):
            assume(rest >= template.min_rest)
            return path
        if rest >= template.min_rest and (rest >= 4 or draw(st.booleans())):
            return path


def deep_set(value: Any, path: list[str], leaf: Any) -> Any:
    """``value`` with ``leaf`` at ``path``, creating missing objects on the way."""
    new = copy.deepcopy(value)
    node = new
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = leaf
    return new


def with_objects(value: Any, path: list[str]) -> Any:
    """``value`` with an object at each step of ``path`` where there was nothing."""
    new = copy.deepcopy(value)
    node = new
    for key in path:
        node = node.setdefault(key, {})
    return new


def source_of(node: Object, doc: Document) -> str:
    return doc.source[node.span[0] : node.span[1]]


def is_subsequence(small: str, big: str) -> bool:
    chars = iter(big)
    return all(c in chars for c in small)


def unchanged_outside(old: str, new: str, doc: Document, obj: ObjectRef, path: list[str]) -> bool:
    """``new`` differs from ``old`` only where setting ``path`` may write: the old value's
    text, or, for a new field, the inside of the receiving object after its last member,
    where any text that was there (comments, blanks) must survive in order."""
    existing = doc.get(obj, path)
    if existing is not None:
        start, end = existing.span
        return new.startswith(old[:start]) and new.endswith(old[end:])
    parent = next(
        node
        for depth in range(len(path) - 1, -1, -1)
        if isinstance(node := doc.get(obj, path[:depth]), Object)
    )
    start = parent.members[-1].span[1] if parent.members else parent.span[0] + 1
    end = parent.span[1] - 1
    if not (new.startswith(old[:start]) and new.endswith(old[end:])):
        return False
    return is_subsequence(old[start:end], new[start : len(new) - (len(old) - end)])


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.name)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(data=st.data())
def test_set_changes_only_the_value_at_the_path(template: Template, data: st.DataObject) -> None:
    path = data.draw(paths(template), label="path")
    value = data.draw(json_values, label="value")
    plus = data.draw(st.booleans()) if template.plus is None else template.plus
    doc = Document(template.source, "params.libsonnet")
    obj = template.locate(doc)
    existed = doc.get(obj, path) is not None

    new = doc.set(obj, path, value, plus=plus)

    parse(new)
    assert unchanged_outside(template.source, new, doc, obj, path)
    assert template.evaluate(new) == deep_set(OLD[template.name], path, value)

    if existed:
        return
    new_doc = Document(new, "params.libsonnet")
    undone = new_doc.delete(template.locate(new_doc), path)
    parse(undone)
    # The objects created on the way stay; merged (`+:`) ones onto what they inherit.
    assert template.evaluate(undone) == with_objects(OLD[template.name], path[:-1])
    parent = doc.get(obj, path[:-1])
    if isinstance(parent, Object) and (parent.members or "\n" in source_of(parent, doc)):
        assert undone == template.source


def all_paths(value: Any, prefix: tuple[str, ...] = ()) -> list[list[str]]:
    if not isinstance(value, dict):
        return []
    found = []
    for key, child in value.items():
        found += [[*prefix, key], *all_paths(child, (*prefix, key))]
    return found


@pytest.mark.parametrize("template", TEMPLATES[:2], ids=lambda t: t.name)
def test_delete_removes_only_that_field(template: Template) -> None:
    """Every field of the two plain-object files, deleted one at a time."""
    doc = Document(template.source, "params.libsonnet")
    obj = template.locate(doc)
    for path in all_paths(OLD[template.name]):
        new = doc.delete(obj, path)
        parse(new)
        expected = copy.deepcopy(OLD[template.name])
        node = expected
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]
        assert template.evaluate(new) == expected, path
