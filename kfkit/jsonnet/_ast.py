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
from typing import TypeVar, dataclass_transform

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


_N = TypeVar("_N")


@dataclass_transform(eq_default=False)
def _node(cls: type[_N]) -> type[_N]:
    """A node class: a slotted dataclass that uses :class:`Node`'s ``__eq__`` and ``__repr__``."""
    return dataclass(slots=True, repr=False, eq=False)(cls)


@_node
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


@_node
class StringLit(Node):
    """A string literal: ``value`` is decoded, ``style`` is how it was written."""

    value: str
    style: StringStyle


@_node
class NumberLit(Node):
    """A number literal; ``text`` is the source spelling (``1_000``, ``1e3``)."""

    text: str

    @property
    def value(self) -> float:
        """The number as Jsonnet sees it (every Jsonnet number is a double)."""
        return float(self.text.replace("_", ""))


@_node
class BoolLit(Node):
    """``true`` or ``false``."""

    value: bool


@_node
class NullLit(Node):
    """``null``."""


Literal = StringLit | NumberLit | BoolLit | NullLit


@_node
class Id(Node):
    """A bare identifier where a name is expected: a field name, or the ``b`` of ``a.b``."""

    name: str


@_node
class Var(Node):
    """A variable reference."""

    name: str


@_node
class Self(Node):
    """``self``."""


@_node
class Dollar(Node):
    """``$``, the outermost object."""


@_node
class SuperIndex(Node):
    """``super.x`` (``index`` is an :class:`Id`) or ``super[e]``."""

    index: Node


@_node
class InSuper(Node):
    """``e in super``."""

    key: Node


# --- objects --------------------------------------------------------------------------------


@_node
class ComputedKey(Node):
    """A ``[expr]`` field name; the span includes the brackets."""

    expr: Node


FieldKey = Id | StringLit | ComputedKey


@_node
class Param(Node):
    """A function parameter, with its default value if it has one."""

    name: str
    default: Node | None


@_node
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


@_node
class Bind(Node):
    """``name = value`` or ``name(params) = value`` in a ``local``."""

    name: str
    params: tuple[Param, ...] | None
    value: Node


@_node
class ObjectLocal(Node):
    """``local x = e`` inside an object."""

    bind: Bind
    comma: Span | None


@_node
class ObjectAssert(Node):
    """``assert cond [: message]`` inside an object."""

    cond: Node
    message: Node | None
    comma: Span | None


Member = Field | ObjectLocal | ObjectAssert


@_node
class Object(Node):
    """An object literal ``{ … }``; the span includes the braces."""

    members: tuple[Member, ...]

    @property
    def fields(self) -> tuple[Field, ...]:
        """The members that are fields (not locals or asserts)."""
        return tuple(m for m in self.members if isinstance(m, Field))


@_node
class ForSpec(Node):
    """``for var in expr`` in a comprehension."""

    var: str
    expr: Node


@_node
class IfSpec(Node):
    """``if cond`` in a comprehension."""

    cond: Node


CompSpec = ForSpec | IfSpec


@_node
class ObjectComp(Node):
    """``{ [k]: v for … }``; ``members`` holds the one field plus any object locals."""

    members: tuple[Member, ...]
    specs: tuple[CompSpec, ...]


# --- arrays ---------------------------------------------------------------------------------


@_node
class Array(Node):
    """``[a, b, …]``."""

    elements: tuple[Node, ...]


@_node
class ArrayComp(Node):
    """``[body for … if …]``."""

    body: Node
    specs: tuple[CompSpec, ...]


# --- expressions ----------------------------------------------------------------------------


@_node
class Local(Node):
    """``local a = …, b = …; body``."""

    binds: tuple[Bind, ...]
    body: Node


@_node
class Binary(Node):
    """``left op right``; ``op`` is the operator text (``+``, ``&&``, ``in``, …)."""

    op: str
    left: Node
    right: Node


@_node
class Unary(Node):
    """``op operand`` for ``- + ! ~``."""

    op: str
    operand: Node


@_node
class If(Node):
    """``if cond then a [else b]``."""

    cond: Node
    then: Node
    orelse: Node | None


@_node
class Function(Node):
    """``function(params) body``."""

    params: tuple[Param, ...]
    body: Node


@_node
class Arg(Node):
    """A call argument; ``name`` is set for ``name=value``."""

    name: str | None
    value: Node


@_node
class Apply(Node):
    """``target(args) [tailstrict]``."""

    target: Node
    args: tuple[Arg, ...]
    tailstrict: bool


@_node
class ApplyBrace(Node):
    """``target { … }``: the object is merged onto ``target`` like ``target + { … }``."""

    target: Node
    obj: Object | ObjectComp


@_node
class Index(Node):
    """``target.name`` (``index`` is an :class:`Id`) or ``target[index]``."""

    target: Node
    index: Node


@_node
class Slice(Node):
    """``target[begin:end:step]`` with any part omitted."""

    target: Node
    begin: Node | None
    end: Node | None
    step: Node | None


@_node
class Import(Node):
    """``import``, ``importstr`` or ``importbin`` of a literal path."""

    kind: TypingLiteral["import", "importstr", "importbin"]
    path: StringLit


@_node
class Error(Node):
    """``error expr``."""

    expr: Node


@_node
class Assert(Node):
    """``assert cond [: message]; rest``."""

    cond: Node
    message: Node | None
    rest: Node


@_node
class Parens(Node):
    """``( inner )``."""

    inner: Node
