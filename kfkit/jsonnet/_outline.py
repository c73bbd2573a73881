"""Outlines of plain-data params files: edit inside one component's block, parse that block alone.

``param set`` in an 800-component params file (0.9 MB) spent nearly all its time lexing and
parsing the whole file in Python. An :class:`Outline` records, for one exact text, what an
edit inside a component's block ``"name": {…}`` needs of the rest of the file: where each
block is, the fields leading to it, where ``global`` is (a render evaluating one block needs
its text), and the file's writing style (its quote counts and
indentation steps). It is made once from a whole parse; after an edit that changed only the
inside of one block, :meth:`Outline.after` gives the new text's outline by reading that block
alone, so the next edit parses nothing but its own block either.

Why that block is all an edit must parse: an outline exists only for a file that parsed and
is plain data (every value a literal, every field ``key: value``), so nothing in it reads
anything else; an edit inside block ``b`` changes text strictly between its braces, and
:meth:`Document.changed_object` shows that the new file parses exactly when the changed
object's new text does; the rest of the file is the same text, still plain data.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any, NamedTuple

from kfkit.errors import JsonnetSyntaxError
from kfkit.jsonnet._ast import Field, Id, Node, Object, StringLit
from kfkit.jsonnet._edit import Document, changed_span, indent_steps, is_data, key_name, style
from kfkit.jsonnet._lexer import Kind, Token, lex
from kfkit.jsonnet._parser import parse_tokens

__all__ = ["Outline"]

# Line breaks other than "\n" (which str.splitlines also splits at): files with them get no outline.
_OTHER_BREAKS = frozenset("\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


class _Field(NamedTuple):
    """A ``key: {…}`` field as the parser saw it: offsets into the file (no comma: -1, -1).

    A flat tuple: an outline holds one per component, and is shifted and stored per edit.
    """

    start: int
    key_start: int
    key_end: int
    value_start: int
    value_end: int
    comma_start: int
    comma_end: int
    bare: bool
    """The key is an identifier (else a string)."""
    sep: str

    @classmethod
    def of(cls, field: Field) -> _Field:
        comma = field.comma or (-1, -1)
        key, value = field.key.span, field.value.span
        bare = isinstance(field.key, Id)
        return cls(field.span[0], *key, *value, *comma, bare, field.sep)

    @classmethod
    def load(cls, row: list[Any]) -> _Field:
        """A field from its JSON list; ValueError for anything else."""
        if len(row) != 9 or not all(type(x) is int for x in row[:7]) or row[8] not in (":", "::", ":::"):
            raise ValueError(f"not an outline field: {row!r}")
        return cls(row[0], row[1], row[2], row[3], row[4], row[5], row[6], bool(row[7]), str(row[8]))

    @property
    def value(self) -> tuple[int, int]:
        return self.value_start, self.value_end

    def node(self, name: str, value: Node) -> Field:
        span = (self.key_start, self.key_end)
        key: Id | StringLit = Id(span, name) if self.bare else StringLit(span, name, '"')
        comma = None if self.comma_start < 0 else (self.comma_start, self.comma_end)
        sep: Any = self.sep
        return Field((self.start, self.value_end), key, False, sep, None, value, comma)

    def shifted(self, after: int, delta: int) -> _Field:
        """The field with every offset beyond ``after`` moved by ``delta`` (no comma stays -1)."""
        o = [x + delta if x > after else x for x in self[:7]]
        return _Field(o[0], o[1], o[2], o[3], o[4], o[5], o[6], self.bare, self.sep)


@dataclass(frozen=True)
class Outline:
    """What an edit inside one component's block needs of the rest of a params file."""

    root: tuple[int, int]
    components: _Field
    global_field: _Field | None
    """The ``global`` field, if any: a render re-evaluating one block needs its text."""
    blocks: dict[str, _Field]
    """Each component whose params are an object literal, named once."""
    single: int
    double: int
    """How many single- and double-quoted strings the file has (for the style of new strings)."""
    steps: dict[str, int]
    """:func:`kfkit.jsonnet._edit.indent_steps` of the file."""

    @classmethod
    def of(cls, doc: Document) -> Outline | None:
        """The outline of a parsed document; None unless it is plain data with a ``components``
        object and ``\\n`` line breaks only."""
        root = doc.root
        if not isinstance(root, Object) or not is_data(root) or _OTHER_BREAKS.intersection(doc.source):
            return None
        fields = [m for m in root.members if isinstance(m, Field)]
        found = [f for f in fields if key_name(f.key) == "components"]
        global_ = [f for f in fields if key_name(f.key) == "global"]
        if len(found) != 1 or not isinstance(found[0].value, Object) or len(global_) > 1:
            return None
        members = [m for m in found[0].value.members if isinstance(m, Field)]
        names = Counter(key_name(m.key) for m in members)
        blocks = {
            name: _Field.of(m)
            for m in members
            if (name := key_name(m.key)) is not None and names[name] == 1 and isinstance(m.value, Object)
        }
        kinds = Counter(t.kind for t in doc._tokens)
        steps = indent_steps(doc.source)
        single, double = kinds[Kind.STRING_SINGLE], kinds[Kind.STRING_DOUBLE]
        global_field = _Field.of(global_[0]) if global_ else None
        return cls(root.span, _Field.of(found[0]), global_field, blocks, single, double, steps)

    def document(self, source: str, filename: str, name: str) -> Document | None:
        """A document of ``source`` (the text this outline is of) for edits inside ``name``'s
        block: that block parsed, the fields leading to it, the file's style. None when that
        cannot be had (no such block; or the indentation step is a tie, which only the order of
        the file's lines breaks)."""
        block = self.blocks.get(name)
        counts = sorted(self.steps.values(), reverse=True)
        if block is None or (len(counts) > 1 and counts[0] == counts[1]):
            return None
        start, end = block.value
        try:
            tokens, node = _parse_block(source[start:end], start, source, filename)
        except JsonnetSyntaxError:
            return None
        if node is None:
            return None
        components = Object(self.components.value, (block.node(name, node),))
        root = Object(self.root, (self.components.node("components", components),))
        writer = style(self.single, self.double, Counter(self.steps))
        return Document(source, filename, parsed=(tokens, root, writer))

    def inside(self, name: str, old: str, new: str) -> bool:
        """Whether ``new`` is ``old`` changed only strictly inside the braces of ``name``'s block."""
        block = self.blocks.get(name)
        if block is None or new == old:
            return False
        head, tail = changed_span(old, new)
        return block.value_start < head and tail < block.value_end  # the braces are unchanged

    def after(self, old: str, new: str, name: str, filename: str) -> Outline | None:
        """The outline of ``new``, when it is ``old`` changed only inside ``name``'s block
        and that block is still plain data; else None."""
        if not self.inside(name, old, new):
            return None
        start, end = self.blocks[name].value
        delta = len(new) - len(old)
        text = new[start : end + delta]
        try:
            old_tokens, _ = _parse_block(old[start:end], start, old, filename)
            new_tokens, node = _parse_block(text, start, new, filename)
        except JsonnetSyntaxError:
            return None
        if node is None or not is_data(node) or _OTHER_BREAKS.intersection(text):
            return None
        before, after = Counter(t.kind for t in old_tokens), Counter(t.kind for t in new_tokens)
        steps = Counter(self.steps) - _window_steps(old, start, end) + _window_steps(new, start, end + delta)
        return Outline(
            (self.root[0], self.root[1] + delta),
            self.components.shifted(start, delta),
            None if self.global_field is None else self.global_field.shifted(start, delta),
            {n: f.shifted(start, delta) for n, f in self.blocks.items()},
            self.single - before[Kind.STRING_SINGLE] + after[Kind.STRING_SINGLE],
            self.double - before[Kind.STRING_DOUBLE] + after[Kind.STRING_DOUBLE],
            dict(steps),
        )

    def to_json(self) -> str:
        return json.dumps(
            {
                "root": self.root,
                "components": self.components,
                "global": self.global_field,
                "blocks": self.blocks,
                "single": self.single,
                "double": self.double,
                "steps": self.steps,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Outline:
        """Raises ValueError (or KeyError, TypeError) for what :meth:`to_json` did not write."""
        data = json.loads(text)
        root = data["root"]
        if len(root) != 2 or not all(type(x) is int for x in root):
            raise ValueError(f"not an outline's root: {root!r}")
        return cls(
            (root[0], root[1]),
            _Field.load(data["components"]),
            None if data["global"] is None else _Field.load(data["global"]),
            {str(n): _Field.load(f) for n, f in data["blocks"].items()},
            int(data["single"]),
            int(data["double"]),
            {str(k): int(v) for k, v in data["steps"].items()},
        )


def _parse_block(text: str, offset: int, source: str, filename: str) -> tuple[list[Token], Object | None]:
    """The tokens and tree of an object literal's ``text`` found at ``offset`` of ``source``,
    with offsets into ``source``; the tree is None unless ``text`` is exactly one object."""
    tokens = [Token(t.kind, t.start + offset, t.end + offset, t.data) for t in lex(text, filename)]
    node = parse_tokens(tokens, source, filename)
    whole = isinstance(node, Object) and node.span == (offset, offset + len(text))
    return tokens, node if whole and isinstance(node, Object) else None


def _window_steps(text: str, start: int, end: int) -> Counter[str]:
    """The indentation steps an edit inside the block ``text[start:end]`` can change: from the
    line of its ``{`` (whose indentation the edit keeps) to the first non-blank line after the
    line of its ``}`` (the last line whose step depends on a line of the block)."""
    first = text.rfind("\n", 0, start) + 1
    last = text.find("\n", end - 1)
    while last != -1:
        following = text.find("\n", last + 1)
        line = text[last + 1 : following if following != -1 else len(text)]
        last = following
        if line.strip():
            break
    return indent_steps(text[first : last if last != -1 else len(text)])
