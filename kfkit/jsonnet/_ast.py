"""The Jsonnet syntax tree: nodes that remember where they are in the source.

Every node has ``span = (start, end)``, character offsets into the source text
(``source[start:end]`` is the node's text). The tree is never evaluated; it exists so the
editor can find the exact bytes of a value and change only those.

Nothing changes a node once the parser has returned it.
They are not ``frozen`` dataclasses only because that doubles this module's import time,
which every kfkit command pays; for the same reason :class:`Node` compares and prints every
node, instead of a generated ``__eq__`` and ``__repr__`` per class (half the module's cost).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import Literal as TypingLiteral

__all__ = [
    "Apply",
    "ApplyBrace",
    "Arg",
    "Array",
    "ArrayComp",
    "Assert",
    "Binary",
    "Bind",
    "BoolLit",
    "CompSpec",
    "ComputedKey",
    "Dollar",
    "Error",
    "Field",
    "FieldKey",
    "ForSpec",
    "Function",
    "Id",
    "If",
    "IfSpec",
    "Import",
    "InSuper",
    "Index",
    "Literal",
    "Local",
    "Member",
    "Node",
    "NullLit",
    "NumberLit",
    "Object",
    "ObjectAssert",
    "ObjectComp",
    "ObjectLocal",
    "Param",
    "Parens",
    "Self",
    "Slice",
    "Span",
    "StringLit",
    "StringStyle",
    "SuperIndex",
    "Unary",
    "Var",
    "children",
]

Span = tuple[int, int]
StringStyle = TypingLiteral['"', "'", '@"', "@'", "|||", "|||-"]


@dataclass(slots=True, repr=False, eq=False)
class Node:
    """Base of every node: equal when of the same type with equal fields, as dataclasses compare."""

    span: Span

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in fields(self))

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self))
        return f"{type(self).__qualname__}({shown})"


def children(node: Node) -> Iterator[Node]:
    """The nodes directly below ``node``, in source order."""
    for f in fields(node):
        value = getattr(node, f.name)
        if isinstance(value, Node):
            yield value
        elif isinstance(value, tuple):
            yield from (v for v in value if isinstance(v, Node))


# --- literals and names ---------------------------------------------------------------------


@dataclass(slots=True, repr=False, eq=False)
class StringLit(Node):
    """A string literal: ``value`` is decoded, ``style`` is how it was written."""

    value: str
    style: StringStyle


@dataclass(slots=True, repr=False, eq=False)
class NumberLit(Node):
    """A number literal; ``text`` is the source spelling (``1_000``, ``1e3``)."""

    text: str

    @property
    def value(self) -> float:
        """The number as Jsonnet sees it (every Jsonnet number is a double)."""
        return float(self.text.replace("_", ""))


@dataclass(slots=True, repr=False, eq=False)
class BoolLit(Node):
    """``true`` or ``false``."""

    value: bool


@dataclass(slots=True, repr=False, eq=False)
class NullLit(Node):
    """``null``."""


Literal = StringLit | NumberLit | BoolLit | NullLit


@dataclass(slots=True, repr=False, eq=False)
class Id(Node):
    """A bare identifier where a name is expected: a field name, or the ``b`` of ``a.b``."""

    name: str


@dataclass(slots=True, repr=False, eq=False)
class Var(Node):
    """A variable reference."""

    name: str


@dataclass(slots=True, repr=False, eq=False)
class Self(Node):
    """``self``."""


@dataclass(slots=True, repr=False, eq=False)
class Dollar(Node):
    """``$``, the outermost object."""


@dataclass(slots=True, repr=False, eq=False)
class SuperIndex(Node):
    """``super.x`` (``index`` is an :class:`Id`) or ``super[e]``."""

    index: Node


@dataclass(slots=True, repr=False, eq=False)
class InSuper(Node):
    """``e in super``."""

    key: Node


# --- objects --------------------------------------------------------------------------------


@dataclass(slots=True, repr=False, eq=False)
class ComputedKey(Node):
    """A ``[expr]`` field name; the span includes the brackets."""

    expr: Node


FieldKey = Id | StringLit | ComputedKey


@dataclass(slots=True, repr=False, eq=False)
class Param(Node):
    """A function parameter, with its default value if it has one."""

    name: str
    default: Node | None


@dataclass(slots=True, repr=False, eq=False)
class Field(Node):
    """An object field ``key[+]sep value`` or method ``key(params) sep body``.

    ``sep`` is ``:``, ``::`` or ``:::``; ``plus`` is the ``+`` of ``+:``; ``params`` is None
    unless the field is a method. ``comma`` is the span of the comma after the field, if any.
    The field's span runs from the key to the end of the value, without the comma.
    """

    key: FieldKey
    plus: bool
    sep: TypingLiteral[":", "::", ":::"]
    params: tuple[Param, ...] | None
    value: Node
    comma: Span | None


@dataclass(slots=True, repr=False, eq=False)
class Bind(Node):
    """``name = value`` or ``name(params) = value`` in a ``local``."""

    name: str
    params: tuple[Param, ...] | None
    value: Node


@dataclass(slots=True, repr=False, eq=False)
class ObjectLocal(Node):
    """``local x = e`` inside an object."""

    bind: Bind
    comma: Span | None


@dataclass(slots=True, repr=False, eq=False)
class ObjectAssert(Node):
    """``assert cond [: message]`` inside an object."""

    cond: Node
    message: Node | None
    comma: Span | None


Member = Field | ObjectLocal | ObjectAssert


@dataclass(slots=True, repr=False, eq=False)
class Object(Node):
    """An object literal ``{ … }``; the span includes the braces."""

    members: tuple[Member, ...]

    @property
    def fields(self) -> tuple[Field, ...]:
        """The members that are fields (not locals or asserts)."""
        return tuple(m for m in self.members if isinstance(m, Field))


@dataclass(slots=True, repr=False, eq=False)
class ForSpec(Node):
    """``for var in expr`` in a comprehension."""

    var: str
    expr: Node


@dataclass(slots=True, repr=False, eq=False)
class IfSpec(Node):
    """``if cond`` in a comprehension."""

    cond: Node


CompSpec = ForSpec | IfSpec


@dataclass(slots=True, repr=False, eq=False)
class ObjectComp(Node):
    """``{ [k]: v for … }``; ``members`` holds the one field plus any object locals."""

    members: tuple[Member, ...]
    specs: tuple[CompSpec, ...]


# --- arrays ---------------------------------------------------------------------------------


@dataclass(slots=True, repr=False, eq=False)
class Array(Node):
    """``[a, b, …]``."""

    elements: tuple[Node, ...]


@dataclass(slots=True, repr=False, eq=False)
class ArrayComp(Node):
    """``[body for … if …]``."""

    body: Node
    specs: tuple[CompSpec, ...]


# --- expressions ----------------------------------------------------------------------------


@dataclass(slots=True, repr=False, eq=False)
class Local(Node):
    """``local a = …, b = …; body``."""

    binds: tuple[Bind, ...]
    body: Node


@dataclass(slots=True, repr=False, eq=False)
class Binary(Node):
    """``left op right``; ``op`` is the operator text (``+``, ``&&``, ``in``, …)."""

    op: str
    left: Node
    right: Node


@dataclass(slots=True, repr=False, eq=False)
class Unary(Node):
    """``op operand`` for ``- + ! ~``."""

    op: str
    operand: Node


@dataclass(slots=True, repr=False, eq=False)
class If(Node):
    """``if cond then a [else b]``."""

    cond: Node
    then: Node
    orelse: Node | None


@dataclass(slots=True, repr=False, eq=False)
class Function(Node):
    """``function(params) body``."""

    params: tuple[Param, ...]
    body: Node


@dataclass(slots=True, repr=False, eq=False)
class Arg(Node):
    """A call argument; ``name`` is set for ``name=value``."""

    name: str | None
    value: Node


@dataclass(slots=True, repr=False, eq=False)
class Apply(Node):
    """``target(args) [tailstrict]``."""

    target: Node
    args: tuple[Arg, ...]
    tailstrict: bool


@dataclass(slots=True, repr=False, eq=False)
class ApplyBrace(Node):
    """``target { … }``: the object is merged onto ``target`` like ``target + { … }``."""

    target: Node
    obj: Object | ObjectComp


@dataclass(slots=True, repr=False, eq=False)
class Index(Node):
    """``target.name`` (``index`` is an :class:`Id`) or ``target[index]``."""

    target: Node
    index: Node


@dataclass(slots=True, repr=False, eq=False)
class Slice(Node):
    """``target[begin:end:step]`` with any part omitted."""

    target: Node
    begin: Node | None
    end: Node | None
    step: Node | None


@dataclass(slots=True, repr=False, eq=False)
class Import(Node):
    """``import``, ``importstr`` or ``importbin`` of a literal path."""

    kind: TypingLiteral["import", "importstr", "importbin"]
    path: StringLit


@dataclass(slots=True, repr=False, eq=False)
class Error(Node):
    """``error expr``."""

    expr: Node


@dataclass(slots=True, repr=False, eq=False)
class Assert(Node):
    """``assert cond [: message]; rest``."""

    cond: Node
    message: Node | None
    rest: Node


@dataclass(slots=True, repr=False, eq=False)
class Parens(Node):
    """``( inner )``."""

    inner: Node
