"""The Jsonnet syntax tree: nodes that remember where they are in the source.

Every node has ``span = (start, end)``, character offsets into the source text
(``source[start:end]`` is the node's text). The tree is never evaluated; it exists so the
editor can find the exact bytes of a value and change only those.

Nothing changes a node once the parser has returned it.
The node classes behave as slotted dataclasses (type checkers see them as such) but are not
made by :func:`dataclasses.dataclass`, whose machinery made this module cost 32 M instructions
to import (4 M now), paid by every ``kfkit param set``: :class:`_NodeType` gives each class
its ``__slots__`` and the ``__init__`` a dataclass would have, and :class:`Node` compares and
prints every node.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, dataclass_transform
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


@dataclass_transform(eq_default=False)
class _NodeType(type):
    """Makes a node class: ``__slots__`` from its annotations, ``__match_args__`` (its base's fields,
    then its own) and the ``__init__`` that ``dataclass(slots=True)`` would give it, compiled
    when the class is first instantiated (a params file needs about 8 of the 37)."""

    def __new__(cls, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> _NodeType:
        own = tuple(namespace.get("__annotations__", ()))
        fields = (*(getattr(bases[0], "__match_args__", ()) if bases else ()), *own)
        extra = {"__slots__": own, "__match_args__": fields, "__init__": _first_init}
        return super().__new__(cls, name, bases, {**namespace, **extra})


def _first_init(self: Node, *args: Any, **kwargs: Any) -> None:
    """A node class's ``__init__`` until its first use: compiles the real one, installs it, calls it."""
    cls = type(self)
    fields = cls.__match_args__
    assigns = "".join(f"\n self.{f} = {f}" for f in fields)
    made: dict[str, Any] = {}
    exec(f"def __init__(self, {', '.join(fields)}):{assigns}", {}, made)
    init = made["__init__"]
    init.__qualname__ = f"{cls.__name__}.__init__"  # as a TypeError names it
    cls.__init__ = init  # type: ignore[method-assign]
    init(self, *args, **kwargs)


class Node(metaclass=_NodeType):
    """Base of every node: equal when of the same type with equal fields, as dataclasses compare."""

    span: Span

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in self.__match_args__)

    def __repr__(self) -> str:
        shown = ", ".join(f"{f}={getattr(self, f)!r}" for f in self.__match_args__)
        return f"{type(self).__qualname__}({shown})"


def children(node: Node) -> Iterator[Node]:
    """The nodes directly below ``node``, in source order."""
    for f in node.__match_args__:
        value = getattr(node, f)
        if isinstance(value, Node):
            yield value
        elif isinstance(value, tuple):
            yield from (v for v in value if isinstance(v, Node))


# --- literals and names ---------------------------------------------------------------------


class StringLit(Node):
    """A string literal: ``value`` is decoded, ``style`` is how it was written."""

    value: str
    style: StringStyle


class NumberLit(Node):
    """A number literal; ``text`` is the source spelling (``1_000``, ``1e3``)."""

    text: str

    @property
    def value(self) -> float:
        """The number as Jsonnet sees it (every Jsonnet number is a double)."""
        return float(self.text.replace("_", ""))


class BoolLit(Node):
    """``true`` or ``false``."""

    value: bool


class NullLit(Node):
    """``null``."""


Literal = StringLit | NumberLit | BoolLit | NullLit


class Id(Node):
    """A bare identifier where a name is expected: a field name, or the ``b`` of ``a.b``."""

    name: str


class Var(Node):
    """A variable reference."""

    name: str


class Self(Node):
    """``self``."""


class Dollar(Node):
    """``$``, the outermost object."""


class SuperIndex(Node):
    """``super.x`` (``index`` is an :class:`Id`) or ``super[e]``."""

    index: Node


class InSuper(Node):
    """``e in super``."""

    key: Node


# --- objects --------------------------------------------------------------------------------


class ComputedKey(Node):
    """A ``[expr]`` field name; the span includes the brackets."""

    expr: Node


FieldKey = Id | StringLit | ComputedKey


class Param(Node):
    """A function parameter, with its default value if it has one."""

    name: str
    default: Node | None


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


class Bind(Node):
    """``name = value`` or ``name(params) = value`` in a ``local``."""

    name: str
    params: tuple[Param, ...] | None
    value: Node


class ObjectLocal(Node):
    """``local x = e`` inside an object."""

    bind: Bind
    comma: Span | None


class ObjectAssert(Node):
    """``assert cond [: message]`` inside an object."""

    cond: Node
    message: Node | None
    comma: Span | None


Member = Field | ObjectLocal | ObjectAssert


class Object(Node):
    """An object literal ``{ … }``; the span includes the braces."""

    members: tuple[Member, ...]

    @property
    def fields(self) -> tuple[Field, ...]:
        """The members that are fields (not locals or asserts)."""
        return tuple(m for m in self.members if isinstance(m, Field))


class ForSpec(Node):
    """``for var in expr`` in a comprehension."""

    var: str
    expr: Node


class IfSpec(Node):
    """``if cond`` in a comprehension."""

    cond: Node


CompSpec = ForSpec | IfSpec


class ObjectComp(Node):
    """``{ [k]: v for … }``; ``members`` holds the one field plus any object locals."""

    members: tuple[Member, ...]
    specs: tuple[CompSpec, ...]


# --- arrays ---------------------------------------------------------------------------------


class Array(Node):
    """``[a, b, …]``."""

    elements: tuple[Node, ...]


class ArrayComp(Node):
    """``[body for … if …]``."""

    body: Node
    specs: tuple[CompSpec, ...]


# --- expressions ----------------------------------------------------------------------------


class Local(Node):
    """``local a = …, b = …; body``."""

    binds: tuple[Bind, ...]
    body: Node


class Binary(Node):
    """``left op right``; ``op`` is the operator text (``+``, ``&&``, ``in``, …)."""

    op: str
    left: Node
    right: Node


class Unary(Node):
    """``op operand`` for ``- + ! ~``."""

    op: str
    operand: Node


class If(Node):
    """``if cond then a [else b]``."""

    cond: Node
    then: Node
    orelse: Node | None


class Function(Node):
    """``function(params) body``."""

    params: tuple[Param, ...]
    body: Node


class Arg(Node):
    """A call argument; ``name`` is set for ``name=value``."""

    name: str | None
    value: Node


class Apply(Node):
    """``target(args) [tailstrict]``."""

    target: Node
    args: tuple[Arg, ...]
    tailstrict: bool


class ApplyBrace(Node):
    """``target { … }``: the object is merged onto ``target`` like ``target + { … }``."""

    target: Node
    obj: Object | ObjectComp


class Index(Node):
    """``target.name`` (``index`` is an :class:`Id`) or ``target[index]``."""

    target: Node
    index: Node


class Slice(Node):
    """``target[begin:end:step]`` with any part omitted."""

    target: Node
    begin: Node | None
    end: Node | None
    step: Node | None


class Import(Node):
    """``import``, ``importstr`` or ``importbin`` of a literal path."""

    kind: TypingLiteral["import", "importstr", "importbin"]
    path: StringLit


class Error(Node):
    """``error expr``."""

    expr: Node


class Assert(Node):
    """``assert cond [: message]; rest``."""

    cond: Node
    message: Node | None
    rest: Node


class Parens(Node):
    """``( inner )``."""

    inner: Node
