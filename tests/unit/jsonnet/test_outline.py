"""An outline's document of one block edits exactly as the whole document does, and the outline
it gives the edited text is the one a whole parse of that text gives."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kfkit.errors import ParamsError
from kfkit.jsonnet import Document, Outline
from kfkit.jsonnet._ast import Object
from tests.unit.jsonnet.support import json_values, keys

FILES = {
    "kfkit's layout": """\
{
  global: {
    // Params every component gets
    replicas: 2,
  },
  components: {
    // One entry per file in components/
    "model-server": {
      image: "tensorflow/serving:1.15",
      modelName: null,
      replicas: 1,
      resources: { limits: { cpu: "1", memory: "1Gi" } },
      tags: ["a", "b"],
    },
    web: {
      name: "web",  // the service
      ports: [80, 443],
      nested: {
        deeper: {},
      },
    },
    empty: {},
  },
}
""",
    "tabs, single quotes, comments, no trailing commas": """\
# header
{
\tcomponents:: {
\t\tweb: {
\t\t\treplicas: 3, // scaled by hand
\t\t\tscript: |||
\t\t\t\techo start
\t\t\t\texec server
\t\t\t|||,
\t\t\tpath: @'D:\\data', # verbatim
\t\t\timage: 'redis'
\t\t},
\t\t'db': { name: 'pg', "port": 5432 },
\t\t"cache"::: { /* inline */ },
\t\tlast: {
\t\t\ta: -1
\t\t}
\t},
\tglobal: { 'k': 'v' }
}""",
}
DOCS = {name: Document(text, "params.libsonnet") for name, text in FILES.items()}
OUTLINES = {name: Outline.of(doc) for name, doc in DOCS.items()}
Edit = Callable[[Document], str]


def outcome(doc: Document, edit: Edit) -> tuple[str, str]:
    try:
        return "text", edit(doc)
    except ParamsError as exc:
        return "error", str(exc)


@st.composite
def edits(draw: st.DrawFn, file: str) -> tuple[str, Edit]:
    """A block of the file, and a set or delete of a path inside it (existing keys or new)."""
    outline = OUTLINES[file]
    assert outline is not None
    block = draw(st.sampled_from(sorted(outline.blocks)))
    known = ["image", "name", "replicas", "resources", "limits", "cpu", "nested", "deeper", "a", "port"]
    path = ["components", block, *draw(st.lists(st.sampled_from(known) | keys, min_size=1, max_size=3))]
    if draw(st.booleans()):
        value = draw(json_values)
        plus = draw(st.booleans())
        return block, lambda doc: doc.set(doc.root_object(), path, value, plus=plus)
    return block, lambda doc: doc.delete(doc.root_object(), path)


def spans(found: tuple[Object, str] | None) -> Any:
    return None if found is None else (found[0].span, found[1])


@pytest.mark.parametrize("file", FILES)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(data=st.data())
def test_an_edit_inside_a_block_is_the_whole_documents_edit(file: str, data: st.DataObject) -> None:
    source, whole, outline = FILES[file], DOCS[file], OUTLINES[file]
    assert outline is not None
    block, edit = data.draw(edits(file))
    part = outline.document(source, "params.libsonnet", block)
    assert part is not None

    result = outcome(part, edit)
    assert result == outcome(whole, edit)
    if result[0] == "error" or result[1] == source:
        return
    new = result[1]
    assert outline.inside(block, source, new)
    changed, expected = part.changed_object(new), whole.changed_object(new)
    assert spans(changed) == spans(expected)
    if changed is not None and expected is not None:
        assert part.data_path(changed[0]) == whole.data_path(expected[0])
    after = outline.after(source, new, block, "params.libsonnet")
    assert after == Outline.of(Document(new, "params.libsonnet"))


def test_what_gets_no_outline() -> None:
    not_data = "{ components: { a: { x: 1 + 1 } } }"
    no_components = "{ global: {} }"
    two = '{ components: {}, "\\u0063omponents": {} }'  # one name, two spellings
    crlf = "{\r\n  components: {\r\n    a: {},\r\n  },\r\n}\r\n"
    for text in (not_data, no_components, two, crlf, "local x = 1; { components: {} }"):
        assert Outline.of(Document(text, "p")) is None, text


def test_the_global_field_is_outlined_wherever_it_is() -> None:
    for name, text in FILES.items():
        outline = OUTLINES[name]
        assert outline is not None and outline.global_field is not None
        start, end = outline.global_field.start, outline.global_field.value_end
        assert text[start:end].startswith("global:") and text[start:end].endswith("}")
    outline = Outline.of(Document("{ components: {} }", "p"))
    assert outline is not None and outline.global_field is None
    assert (
        Outline.of(Document('{ global: {}, components: {}, "\\u0067lobal": {} }', "p")) is None
    )  # one name, two spellings


def test_only_blocks_that_are_object_literals_named_once_are_outlined() -> None:
    outline = Outline.of(Document('{ components: { a: {}, b: 1, c: {}, "\\u0063": {}, d: [] } }', "p"))
    assert outline is not None
    assert sorted(outline.blocks) == ["a"]


def test_a_tie_between_indentation_steps_needs_the_whole_file() -> None:
    """most_common breaks a tie by the order of the file's lines, which an outline does not keep."""
    text = "{\n  components: {\n      a: {\n        x: 1,\n      },\n  },\n}\n"
    outline = Outline.of(Document(text, "p"))
    assert outline is not None and outline.steps == {"  ": 2, "    ": 1}
    assert outline.document(text, "p", "a") is not None
    tied = "{\n  components: {\n      a: {\n      },\n  },\n}\n"
    outline = Outline.of(Document(tied, "p"))
    assert outline is not None and outline.steps == {"  ": 1, "    ": 1}
    assert outline.document(tied, "p", "a") is None


def test_an_edit_reaching_outside_the_block_is_not_inside() -> None:
    source = FILES["kfkit's layout"]
    outline = OUTLINES["kfkit's layout"]
    assert outline is not None
    doc = Document(source, "p")
    renamed = doc.set(doc.root_object(), ["global", "replicas"], 3)
    assert not outline.inside("web", source, renamed)
    assert outline.after(source, renamed, "web", "p") is None
    added = doc.set(doc.root_object(), ["components", "new"], {"a": 1})
    assert not outline.inside("empty", source, added)


def test_an_outline_survives_json_and_refuses_what_it_did_not_write() -> None:
    outline = OUTLINES["kfkit's layout"]
    assert outline is not None
    assert Outline.from_json(outline.to_json()) == outline
    for bad in (
        "{}",
        "[]",
        '{"root": [0], "components": [], "blocks": {}, "single": 0, "double": 0, "steps": {}}',
    ):
        with pytest.raises((ValueError, KeyError, TypeError)):
            Outline.from_json(bad)
